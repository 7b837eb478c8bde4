// Dot-product, vmprod and mvprod families (docs/spec/mm-animation.md §3.1-3.2): interior
// products at their lattice points, highlights, reveals, blocks, partial planes.
#include <cmath>

#include "mmr/model/values.h"
#include "timeline_test_util.h"

using namespace mmr;
using mmr::test::interiors_of;
using mmr::test::lattice;
using mmr::test::near;
using mmr::test::planes_of;
using mmr::test::Scene;

namespace {

std::string single(const std::string& alg, const std::string& blocks = "{i: 1, k: 1, j: 1}",
                   const std::string& extra = "") {
    return "expr: A @ B\nseed: 3\nmatrices:\n  A: {shape: [5, 6], init: gaussian}\n"
           "  B: {shape: [6, 7], init: gaussian}\nblocks: " + blocks +
           "\nanim: {alg: \"" + alg + "\"}\n" + extra;
}

// Every element of an interior mat shows left[i][k] * right[k][j] at lattice
// point (i, k, j), with (i, k, j) given per element by `ikj`.
template <class F>
void check_interior(const Scene& s, const Intermediate& m, F&& ikj) {
    const MatrixView& v = m.view;
    const Matrix& L = s.values(*s.root().left);
    const Matrix& R = s.values(*s.root().right);
    for (int r = 0; r < v.values().h; ++r)
        for (int c = 0; c < v.values().w; ++c) {
            int i, k, j;
            ikj(r, c, i, k, j);
            CAPTURE(r);
            CAPTURE(c);
            CHECK(v.values().at(r, c) == L.at(i, k) * R.at(k, j));
            CHECK(near(v.placement().element(r, c), lattice(s.layout, s.root(), i, k, j)));
            CHECK(v.mode(r, c) == ElementMode::Shown);
        }
}

// Highlighted elements of a matrix are exactly those for which `expect` holds;
// all others are shown.
template <class F>
void check_highlights(const MatrixView& v, F&& expect) {
    for (int r = 0; r < v.values().h; ++r)
        for (int c = 0; c < v.values().w; ++c) {
            CAPTURE(r);
            CAPTURE(c);
            CHECK(v.mode(r, c) == (expect(r, c) ? ElementMode::Highlighted : ElementMode::Shown));
        }
}

// Revealed result elements are exactly those for which `expect` holds, with the
// model's values.
template <class F>
void check_revealed(const Scene& s, const MatrixView& v, F&& expect) {
    const Matrix& res = s.values(s.root());
    for (int r = 0; r < res.h; ++r)
        for (int c = 0; c < res.w; ++c) {
            CAPTURE(r);
            CAPTURE(c);
            CHECK(v.mode(r, c) == (expect(r, c) ? ElementMode::Shown : ElementMode::Hidden));
            CHECK(v.values().at(r, c) == res.at(r, c));
        }
}

}  // namespace

TEST_CASE("timeline: vmprod shows row i's products, highlights left row i, reveals result row i") {
    Scene s(single("vmprod"));
    Animation a(s.model, s.layout);
    const Node& root = s.root();
    for (int step = 1; step <= 5; ++step) {
        a.seek(step);
        const int i = step - 1;
        CAPTURE(step);
        CHECK(a.cursor(root) == i);
        auto mats = interiors_of(a, root);
        REQUIRE(mats.size() == 1);
        CHECK(mats[0].view.values().h == 6);  // k x j
        CHECK(mats[0].view.values().w == 7);
        CHECK(mats[0].view.guides());
        check_interior(s, mats[0], [&](int r, int c, int& ii, int& k, int& j) { ii = i, k = r, j = c; });
        check_highlights(a.matrix(*root.left), [&](int r, int) { return r == i; });
        check_highlights(a.matrix(*root.right), [](int, int) { return false; });
        check_revealed(s, a.matrix(root), [&](int r, int) { return r <= i; });
        CHECK(planes_of(a, root).empty());
    }
}

TEST_CASE("timeline: dotprod (row major) walks (i, j) row by row, one k line at a time") {
    Scene s(single("dotprod (row major)"));
    Animation a(s.model, s.layout);
    const Node& root = s.root();
    for (int step = 1; step <= 35; step += 3) {
        a.seek(step);
        const int i = (step - 1) / 7, j = (step - 1) % 7;
        CAPTURE(step);
        auto mats = interiors_of(a, root);
        REQUIRE(mats.size() == 1);
        CHECK(mats[0].view.values().w == 1);
        check_interior(s, mats[0], [&](int r, int, int& ii, int& k, int& jj) { ii = i, k = r, jj = j; });
        check_highlights(a.matrix(*root.left), [&](int r, int) { return r == i; });
        check_highlights(a.matrix(*root.right), [&](int, int c) { return c == j; });
        check_revealed(s, a.matrix(root), [&](int r, int c) { return r * 7 + c < step; });
    }
}

TEST_CASE("timeline: mvprod and dotprod (col major) mirror them along j") {
    {
        Scene s(single("mvprod"));
        Animation a(s.model, s.layout);
        const Node& root = s.root();
        for (int step = 1; step <= 7; ++step) {
            a.seek(step);
            const int j = step - 1;
            auto mats = interiors_of(a, root);
            REQUIRE(mats.size() == 1);
            CHECK(mats[0].view.values().h == 5);  // i x k
            CHECK(mats[0].view.values().w == 6);
            check_interior(s, mats[0], [&](int r, int c, int& i, int& k, int& jj) { i = r, k = c, jj = j; });
            check_highlights(a.matrix(*root.left), [](int, int) { return false; });
            check_highlights(a.matrix(*root.right), [&](int, int c) { return c == j; });
            check_revealed(s, a.matrix(root), [&](int, int c) { return c <= j; });
        }
    }
    Scene s(single("dotprod (col major)"));
    Animation a(s.model, s.layout);
    const Node& root = s.root();
    for (int step = 1; step <= 35; step += 4) {
        a.seek(step);
        const int j = (step - 1) / 5, i = (step - 1) % 5;
        CAPTURE(step);
        auto mats = interiors_of(a, root);
        REQUIRE(mats.size() == 1);
        CHECK(mats[0].view.values().h == 1);
        check_interior(s, mats[0], [&](int, int c, int& ii, int& k, int& jj) { ii = i, k = c, jj = j; });
        check_highlights(a.matrix(*root.left), [&](int r, int) { return r == i; });
        check_highlights(a.matrix(*root.right), [&](int, int c) { return c == j; });
        check_revealed(s, a.matrix(root), [&](int r, int c) { return c * 5 + r < step; });
    }
}

// H,D,W = 5,6,7 with blocks (2, 4, 3): i blocks of 3 and 2 (short), k blocks
// [0,2) [2,4) [4,6) and a dead 4th, j blocks 3, 3, 1.
TEST_CASE("timeline: vmprod with i/k/j blocks, a short i block, a dead k block, partial planes") {
    Scene s(single("vmprod", "{i: 2, k: 4, j: 3}", "matmuls:\n  A @ B: {epilog: \"softmax(x/sqrt(k))\"}\n"));
    Animation a(s.model, s.layout);
    const Node& root = s.root();
    const Matrix& L = s.values(*root.left);
    const Matrix& R = s.values(*root.right);
    REQUIRE(a.period() == 3);
    const CubePlacement& cube = *s.layout.cube_of(&root);

    // Planes: one per existing k block with the pointwise part of the epilog only.
    auto planes = planes_of(a, root);
    REQUIRE(planes.size() == 3);
    for (const Intermediate& p : planes) {
        const int k0 = 2 * p.bk, k1 = k0 + 2;
        for (int i = 0; i < 5; ++i)
            for (int j = 0; j < 7; ++j) {
                double sum = 0;
                for (int k = k0; k < k1; ++k) sum += double(L.at(i, k)) * R.at(k, j);
                CHECK(p.view.values().at(i, j) == float(sum / std::sqrt(6.0)));
            }
        // Negative polarity, result in front: the plane of block nk-1 (dead here)
        // would lie on the result face; the others just in front of their block.
        const double g = 4, Ez = cube.Ez;
        const double z = Ez - k1 - std::floor(g * k1 / 2 + (g - 1) / 4);
        const glm::dvec3 expect(cube.local * glm::dvec4(cube.X(6), cube.Y(4), z, 1));
        CHECK(near(p.view.placement().element(4, 6), expect));
        CHECK(p.view.guides());
    }

    for (int step = 1; step <= 3; ++step) {
        a.seek(step);
        const int ci = step - 1;
        CAPTURE(step);
        auto mats = interiors_of(a, root);
        REQUIRE(mats.size() == 18);  // 2 x 3 x 3 existing triples
        for (const Intermediate& m : mats) {
            const int i0 = 3 * m.bi, k0 = 2 * m.bk, j0 = 3 * m.bj;
            const int ei = m.bi == 0 ? 3 : 2;
            // A short block that has run out stays frozen at its last row.
            const int i = i0 + std::min(ci, ei - 1);
            check_interior(s, m, [&](int r, int c, int& ii, int& k, int& j) { ii = i, k = k0 + r, j = j0 + c; });
        }
        auto active = [&](int r) { return r == ci || (ci < 2 && r == 3 + ci); };
        check_highlights(a.matrix(*root.left), [&](int r, int) { return active(r); });
        for (const Intermediate& p : planes_of(a, root))
            for (int r = 0; r < 5; ++r)
                for (int c = 0; c < 7; ++c) {
                    const bool revealed = r < 3 ? r <= ci : r - 3 <= ci;
                    CHECK(p.view.mode(r, c) == (revealed ? ElementMode::Shown : ElementMode::Hidden));
                }
        // The real result stays hidden for the whole cycle.
        CHECK(mmr::test::count_mode(a.matrix(root), ElementMode::Hidden) == 35);
    }
}

TEST_CASE("timeline: partial planes of a positive polarity, back result placement") {
    Scene s(single("vmprod", "{i: 1, k: 2, j: 1}",
                   "layout: {polarity: positive, result_placement: back}\n"));
    Animation a(s.model, s.layout);
    const Node& root = s.root();
    const CubePlacement& cube = *s.layout.cube_of(&root);
    auto planes = planes_of(a, root);
    REQUIRE(planes.size() == 2);
    const double g = 4;
    // Block 0 just behind its k block, block nk-1 = 1 on the result face.
    const double z[2] = {g + 3 + std::floor(g * 0 / 3 + (g - 1) / 4), cube.Ez};
    for (const Intermediate& p : planes) {
        const glm::dvec3 expect(cube.local * glm::dvec4(cube.X(2), cube.Y(1), z[p.bk], 1));
        CHECK(near(p.view.placement().element(1, 2), expect));
    }
}
