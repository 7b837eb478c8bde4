// Steps per root cycle: every period of docs/spec/mm-animation.md §5-§6 (verified with mm).
#include <array>
#include <map>

#include "timeline_test_util.h"

using namespace mmr;
using mmr::test::Scene;

namespace {

std::string single(const std::string& alg, int bi, int bk, int bj) {
    return "expr: A @ B\nmatrices:\n  A: {shape: [5, 6]}\n  B: {shape: [6, 7]}\n"
           "blocks: {i: " + std::to_string(bi) + ", k: " + std::to_string(bk) +
           ", j: " + std::to_string(bj) + "}\nanim: {alg: " + alg + "}\n";
}

int period_of(const std::string& yaml) {
    Scene s(yaml);
    Animation a(s.model, s.layout);
    return a.period();
}

// Compound scenes: `matmuls` holds per-result overrides; fuse is set at the root.
std::string compound(const std::string& expr, const std::string& shapes, const std::string& root_alg,
                     const std::string& matmuls, const std::string& fuse) {
    return "expr: " + expr + "\nmatrices:\n" + shapes + "anim: {alg: " + root_alg + ", fuse: " +
           fuse + "}\n" + (matmuls.empty() ? "" : "matmuls:\n" + matmuls);
}

const std::string kAbc = "  A: {shape: [5, 6]}\n  B: {shape: [6, 4]}\n  C: {shape: [4, 3]}\n";

}  // namespace

TEST_CASE("timeline: single matmul periods, H,D,W = 5,6,7, all algorithms and block counts") {
    const int blocks[5][3] = {{1, 1, 1}, {2, 1, 1}, {1, 2, 1}, {1, 1, 3}, {2, 4, 3}};
    const std::map<std::string, std::array<int, 5>> table = {
        {"dotprod (row major)", {35, 21, 35, 15, 9}},
        {"dotprod (col major)", {35, 21, 35, 15, 9}},
        {"axpy", {42, 42, 21, 18, 6}},
        {"vmprod", {5, 3, 5, 5, 3}},
        {"mvprod", {7, 7, 7, 3, 3}},
        {"vvprod", {6, 6, 3, 6, 2}},
    };
    for (const auto& [alg, periods] : table)
        for (int b = 0; b < 5; ++b) {
            CAPTURE(alg);
            CAPTURE(b);
            CHECK(period_of(single("\"" + alg + "\"", blocks[b][0], blocks[b][1], blocks[b][2])) ==
                  periods[size_t(b)]);
        }
    CHECK(period_of(single("none", 1, 1, 1)) == 0);
}

TEST_CASE("timeline: compound periods with fuse none / sync / async (§6 table)") {
    const std::string abcd_7 = "  A: {shape: [5, 6]}\n  B: {shape: [6, 4]}\n  C: {shape: [4, 7]}\n"
                               "  D: {shape: [7, 3]}\n";
    // A @ B @ C, root vmprod, child inherit.
    CHECK(period_of(compound("A @ B @ C", kAbc, "vmprod", "", "none")) == 11);
    CHECK(period_of(compound("A @ B @ C", kAbc, "vmprod", "", "sync")) == 5);
    CHECK(period_of(compound("A @ B @ C", kAbc, "vmprod", "", "async")) == 5);
    // Same, root vvprod, child mvprod.
    const std::string ab_mv = "  A @ B: {anim: {alg: mvprod}}\n";
    CHECK(period_of(compound("A @ B @ C", kAbc, "vvprod", ab_mv, "none")) == 9);
    CHECK(period_of(compound("A @ B @ C", kAbc, "vvprod", ab_mv, "sync")) == 4);
    // Same, root dotprod (row major): dot products never fuse.
    for (const char* f : {"none", "sync", "async"})
        CHECK(period_of(compound("A @ B @ C", kAbc, "\"dotprod (row major)\"", "", f)) == 36);
    // (A @ B) @ (C @ D), root vvprod, left mvprod, right vmprod.
    const std::string lr = "  A @ B: {anim: {alg: mvprod}}\n  C @ D: {anim: {alg: vmprod}}\n";
    CHECK(period_of(compound("(A @ B) @ (C @ D)", abcd_7, "vvprod", lr, "sync")) == 4);
    CHECK(period_of(compound("(A @ B) @ (C @ D)", abcd_7, "vvprod", "", "none")) == 12);
    // A @ (B @ C).
    CHECK(period_of(compound("A @ (B @ C)", kAbc, "mvprod", "", "sync")) == 3);
    const std::string bc_vm = "  B @ C: {anim: {alg: vmprod}}\n";
    CHECK(period_of(compound("A @ (B @ C)", kAbc, "vvprod", bc_vm, "none")) == 13);
    CHECK(period_of(compound("A @ (B @ C)", kAbc, "vvprod", bc_vm, "sync")) == 6);
    // A @ (B @ C) @ D (5x6, 6x4, 4x6, 6x3), root vmprod, left vmprod, its right mvprod.
    const std::string abcd_6 = "  A: {shape: [5, 6]}\n  B: {shape: [6, 4]}\n  C: {shape: [4, 6]}\n"
                               "  D: {shape: [6, 3]}\n";
    const std::string nested = "  A @ (B @ C): {anim: {alg: vmprod}}\n  B @ C: {anim: {alg: mvprod}}\n";
    CHECK(period_of(compound("A @ (B @ C) @ D", abcd_6, "vmprod", nested, "none")) == 18);
    CHECK(period_of(compound("A @ (B @ C) @ D", abcd_6, "vmprod", nested, "sync")) == 12);
    CHECK(period_of(compound("A @ (B @ C) @ D", abcd_6, "vmprod", nested, "async")) == 12);
    // (A @ B) @ (C @ D) (5x6, 6x4, 4x2, 2x3), root vmprod, left vmprod, right mvprod.
    const std::string abcd_2 = "  A: {shape: [5, 6]}\n  B: {shape: [6, 4]}\n  C: {shape: [4, 2]}\n"
                               "  D: {shape: [2, 3]}\n";
    const std::string vm_mv = "  A @ B: {anim: {alg: vmprod}}\n  C @ D: {anim: {alg: mvprod}}\n";
    CHECK(period_of(compound("(A @ B) @ (C @ D)", abcd_2, "vmprod", vm_mv, "none")) == 11);
    CHECK(period_of(compound("(A @ B) @ (C @ D)", abcd_2, "vmprod", vm_mv, "sync")) == 11);
    CHECK(period_of(compound("(A @ B) @ (C @ D)", abcd_2, "vmprod", vm_mv, "async")) == 9);
    // A @ B @ C @ D, root vmprod, middle child none: the grandchild inherits none.
    const std::string abcd_3 = kAbc + "  D: {shape: [3, 2]}\n";
    CHECK(period_of(compound("A @ B @ C @ D", abcd_3, "vmprod", "  A @ B @ C: {anim: {alg: none}}\n",
                             "none")) == 5);
}

TEST_CASE("timeline: hide inputs does not change the period") {
    const std::string hidden = "expr: A @ B @ C\nmatrices:\n" + kAbc +
                               "anim: {alg: vmprod, hide_inputs: true}\n";
    CHECK(period_of(hidden) == 11);
}

// The state after a full period is the state of step 1 again (§4: the root
// restarts within its end step), and the cycle in between never repeats it.
TEST_CASE("timeline: step P+1 shows the state of step 1") {
    Scene s("expr: A @ B @ C\nmatrices:\n" + kAbc + "blocks: {i: 2, k: 2, j: 1}\nanim: {alg: vmprod}\n");
    Animation a(s.model, s.layout);
    REQUIRE(a.animated());
    const int P = a.period();
    auto snapshot = [&] {
        std::vector<int> modes;
        for (const MatrixPlacement& mp : s.layout.matrices) {
            MatrixView v = a.matrix(*mp.node);
            for (int r = 0; r < v.values().h; ++r)
                for (int c = 0; c < v.values().w; ++c) modes.push_back(int(v.mode(r, c)));
        }
        for (const Intermediate& m : a.intermediates()) modes.push_back(1000 + m.bk);
        return modes;
    };
    const auto first = snapshot();
    for (int n = 2; n <= P; ++n) {
        a.advance();
        CHECK(snapshot() != first);
    }
    a.advance();
    CHECK(a.step() == P + 1);
    CHECK(snapshot() == first);
}
