// Compound expressions (docs/spec/mm-animation.md §4-§7): dependency order, fusion, end of
// cycle rules, hide inputs, a leaf used twice.
#include "timeline_test_util.h"

using namespace mmr;
using mmr::test::count_mode;
using mmr::test::interiors_of;
using mmr::test::lattice;
using mmr::test::near;
using mmr::test::Scene;

namespace {

const char* kAbc = "  A: {shape: [5, 6], init: gaussian}\n  B: {shape: [6, 4], init: gaussian}\n"
                   "  C: {shape: [4, 3], init: gaussian}\n";

std::string abc(const std::string& anim, const std::string& rest = "") {
    return std::string("expr: A @ B @ C\nmatrices:\n") + kAbc + "anim: " + anim + "\n" + rest;
}

// Rows of a matrix in each mode, e.g. "SSHhh" = shown, shown, highlighted, hidden, hidden
// (per row; a row must be uniform).
std::string rows(const MatrixView& v) {
    std::string out;
    for (int r = 0; r < v.values().h; ++r) {
        const ElementMode m = v.mode(r, 0);
        for (int c = 1; c < v.values().w; ++c)
            if (v.mode(r, c) != m) return "mixed";
        out += m == ElementMode::Shown ? 'S' : m == ElementMode::Hidden ? 'h' : 'H';
    }
    return out;
}

}  // namespace

TEST_CASE("timeline: a fused vmprod chain (sync) runs both matmuls in the same steps") {
    Scene s(abc("{alg: vmprod, fuse: sync}"));
    Animation a(s.model, s.layout);
    const Node& root = s.root();
    const Node& ab = *root.left;
    REQUIRE(a.period() == 5);
    const Matrix& A = s.values(*ab.left);
    const Matrix& B = s.values(*ab.right);
    for (int step = 1; step <= 5; ++step) {
        a.seek(step);
        const int i = step - 1;
        CAPTURE(step);
        CHECK(a.cursor(ab) == i);
        CHECK(a.cursor(root) == i);
        // Both interior planes are at row i.
        auto child = interiors_of(a, ab);
        auto parent = interiors_of(a, root);
        REQUIRE(child.size() == 1);
        REQUIRE(parent.size() == 1);
        CHECK(child[0].view.values().at(2, 1) == A.at(i, 2) * B.at(2, 1));
        CHECK(near(child[0].view.placement().element(2, 1), lattice(s.layout, ab, i, 2, 1)));
        CHECK(near(parent[0].view.placement().element(3, 2), lattice(s.layout, root, i, 3, 2)));
        // The child reveals row i of its result, the parent highlights it at once.
        std::string expect_child = std::string(size_t(i), 'S') + "H" + std::string(size_t(4 - i), 'h');
        CHECK(rows(a.matrix(ab)) == expect_child);
        CHECK(rows(a.matrix(root)) == std::string(size_t(i + 1), 'S') + std::string(size_t(4 - i), 'h'));
        CHECK(rows(a.matrix(*ab.left)) == std::string(size_t(i), 'S') + "H" + std::string(size_t(4 - i), 'S'));
    }
}

TEST_CASE("timeline: without fusion the parent starts one step after the child's end step") {
    Scene s(abc("{alg: vmprod}"));
    Animation a(s.model, s.layout);
    const Node& root = s.root();
    const Node& ab = *root.left;
    REQUIRE(a.period() == 11);
    for (int step = 1; step <= 5; ++step) {
        a.seek(step);
        CHECK(a.cursor(ab) == step - 1);
        CHECK(a.cursor(root) == -1);
        // The waiting parent's interior mat exists but shows nothing yet.
        auto parent = interiors_of(a, root);
        REQUIRE(parent.size() == 1);
        CHECK(!parent[0].view.guides());
        CHECK(count_mode(parent[0].view, ElementMode::Hidden) == 4 * 3);
    }
    a.seek(6);  // the child's end step: highlights removed, intermediates gone
    CHECK(interiors_of(a, ab).empty());
    CHECK(a.cursor(root) == -1);
    CHECK(rows(a.matrix(ab)) == "SSSSS");
    CHECK(rows(a.matrix(*ab.left)) == "SSSSS");
    a.seek(7);
    CHECK(a.cursor(root) == 0);
    CHECK(rows(a.matrix(ab)) == "HSSSS");
    CHECK(rows(a.matrix(root)) == "Shhhh");
    a.seek(11);
    CHECK(rows(a.matrix(root)) == "SSSSS");
    a.seek(12);  // = step 1 of the next cycle: everything animated is hidden again
    CHECK(a.cursor(ab) == 0);
    CHECK(a.cursor(root) == -1);
    CHECK(rows(a.matrix(root)) == "hhhhh");
    CHECK(rows(a.matrix(ab)) == "Shhhh");
}

TEST_CASE("timeline: a child with several j blocks shows its whole result when it ends") {
    // Root k blocks 2 -> the child has 2 j blocks (and 2 k blocks, inherited).
    Scene s(abc("{alg: vmprod}", "blocks: {i: 1, k: 2, j: 1}\n"));
    Animation a(s.model, s.layout);
    const Node& ab = *s.root().left;
    a.seek(5);
    CHECK(count_mode(a.matrix(ab), ElementMode::Hidden) == 20);  // partial planes instead
    CHECK(mmr::test::planes_of(a, ab).size() == 2);
    a.seek(6);
    CHECK(mmr::test::planes_of(a, ab).empty());
    CHECK(rows(a.matrix(ab)) == "SSSSS");
}

TEST_CASE("timeline: a k-blocked child with one j block stays hidden (mm quirk, §4.3)") {
    Scene s(abc("{alg: vmprod}", "matmuls:\n  A @ B: {k_blocks: 2}\n"));
    Animation a(s.model, s.layout);
    const Node& ab = *s.root().left;
    a.seek(6);
    CHECK(rows(a.matrix(ab)) == "hhhhh");
    a.seek(7);  // the parent highlights row 0 of the hidden result: it appears
    CHECK(rows(a.matrix(ab)) == "Hhhhh");
    a.seek(8);  // un-highlighting restores its normal look
    CHECK(rows(a.matrix(ab)) == "SHhhh");
}

TEST_CASE("timeline: hide inputs shows only products and progressively revealed results") {
    Scene s(abc("{alg: vmprod, hide_inputs: true}"));
    Animation a(s.model, s.layout);
    const Node& root = s.root();
    const Node& ab = *root.left;
    for (int step : {1, 3, 7, 9, 11}) {
        a.seek(step);
        CAPTURE(step);
        for (const MatrixPlacement& mp : s.layout.matrices)
            CHECK(count_mode(a.matrix(*mp.node), ElementMode::Highlighted) == 0);
        CHECK(rows(a.matrix(*ab.left)) == "hhhhh");
        CHECK(count_mode(a.matrix(*ab.right), ElementMode::Hidden) == 24);
        CHECK(count_mode(a.matrix(*root.right), ElementMode::Hidden) == 12);
    }
    a.seek(3);
    CHECK(rows(a.matrix(ab)) == "SSShh");
    a.seek(9);
    CHECK(rows(a.matrix(ab)) == "SSSSS");  // finished child results stay visible
    CHECK(rows(a.matrix(root)) == "SSShh");
    a.seek(12);
    CHECK(rows(a.matrix(ab)) == "Shhhh");
}

TEST_CASE("timeline: with hide inputs a non-animated operand stays hidden") {
    Scene s(abc("{alg: vmprod, hide_inputs: true}", "matmuls:\n  A @ B: {anim: {alg: none}}\n"));
    Animation a(s.model, s.layout);
    const Node& ab = *s.root().left;
    REQUIRE(a.period() == 5);
    for (int step = 1; step <= 6; ++step) {
        a.seek(step);
        CHECK(count_mode(a.matrix(ab), ElementMode::Hidden) == 20);
        CHECK(count_mode(a.matrix(*ab.left), ElementMode::Hidden) == 30);
        CHECK(count_mode(a.matrix(*ab.right), ElementMode::Hidden) == 24);
    }
    // Without hide inputs it is shown from the start and highlighted by the parent.
    Scene t(abc("{alg: vmprod}", "matmuls:\n  A @ B: {anim: {alg: none}}\n"));
    Animation b(t.model, t.layout);
    CHECK(rows(b.matrix(*t.root().left)) == "HSSSS");
    CHECK(rows(b.matrix(*t.root().left->left)) == "SSSSS");
}

TEST_CASE("timeline: a leaf used twice is highlighted per placement") {
    Scene s("expr: A @ A\nmatrices:\n  A: {shape: [4, 4], init: gaussian}\n"
            "anim: {alg: \"dotprod (row major)\"}\n");
    Animation a(s.model, s.layout);
    const Node& root = s.root();
    REQUIRE(root.left->leaf == root.right->leaf);
    a.seek(6);  // (i, j) = (1, 1)
    const MatrixView l = a.matrix(*root.left), r = a.matrix(*root.right);
    for (int x = 0; x < 4; ++x)
        for (int y = 0; y < 4; ++y) {
            CHECK(l.mode(x, y) == (x == 1 ? ElementMode::Highlighted : ElementMode::Shown));
            CHECK(r.mode(x, y) == (y == 1 ? ElementMode::Highlighted : ElementMode::Shown));
        }
}

TEST_CASE("timeline: a vvprod root fuses an mvprod left and a vmprod right child") {
    Scene s("expr: (A @ B) @ (C @ D)\nmatrices:\n  A: {shape: [5, 6]}\n  B: {shape: [6, 4]}\n"
            "  C: {shape: [4, 7]}\n  D: {shape: [7, 3]}\nanim: {alg: vvprod, fuse: sync}\n"
            "matmuls:\n  A @ B: {anim: {alg: mvprod}}\n  C @ D: {anim: {alg: vmprod}}\n");
    Animation a(s.model, s.layout);
    const Node& root = s.root();
    for (int step = 1; step <= 4; ++step) {
        a.seek(step);
        CHECK(a.cursor(*root.left) == step - 1);   // column j of A @ B
        CHECK(a.cursor(*root.right) == step - 1);  // row i of C @ D
        CHECK(a.cursor(root) == step - 1);         // depth k of the root
    }
}
