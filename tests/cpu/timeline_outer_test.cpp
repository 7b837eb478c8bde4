// vvprod and axpy (docs/spec/mm-animation.md §3.3): the running sum in the result, outer
// product planes at depth k, highlights of left columns and right rows/elements.
#include <cmath>

#include "mmr/model/values.h"
#include "timeline_test_util.h"

using namespace mmr;
using mmr::test::interiors_of;
using mmr::test::lattice;
using mmr::test::near;
using mmr::test::Scene;

namespace {

std::string single(const std::string& alg, const std::string& blocks, const std::string& epilog) {
    return "expr: A @ B\nseed: 5\nmatrices:\n  A: {shape: [5, 6], init: gaussian}\n"
           "  B: {shape: [6, 7], init: gaussian}\nblocks: " + blocks + "\nanim: {alg: " + alg +
           "}\nmatmuls:\n  A @ B: {epilog: \"" + epilog + "\"}\n";
}

// The running result as a plain CPU computation: float32 sums of the products
// whose k satisfies `used(i, k, j)`, through the pointwise epilog, then the
// matrix-wide part over the whole matrix. With k blocks of size `ks` the sum runs
// in mm's order: offset by offset, and within an offset block by block.
template <class F>
Matrix expected(const Scene& s, F&& used, int ks = 0) {
    const Node& n = s.root();
    const Matrix& L = s.values(*n.left);
    const Matrix& R = s.values(*n.right);
    Matrix out(n.rows, n.cols);
    for (int i = 0; i < n.rows; ++i)
        for (int j = 0; j < n.cols; ++j) {
            float acc = 0;
            const int size = ks > 0 ? ks : n.depth;
            for (int c = 0; c < size; ++c)
                for (int k = c; k < n.depth; k += size)
                    if (used(i, k, j)) acc = float(double(acc) + double(L.at(i, k)) * R.at(k, j));
            out.at(i, j) = float(epilog_pointwise(n.epilog, acc, n.depth));
        }
    epilog_matrixwide(n.epilog, out);
    return out;
}

}  // namespace

TEST_CASE("timeline: vvprod accumulates the first s k values into the whole result") {
    Scene s(single("vvprod", "{i: 1, k: 1, j: 1}", "gelu"));
    Animation a(s.model, s.layout);
    const Node& root = s.root();
    const Matrix& L = s.values(*root.left);
    const Matrix& R = s.values(*root.right);
    REQUIRE(a.period() == 6);
    for (int step = 1; step <= 6; ++step) {
        a.seek(step);
        const int k = step - 1;
        CAPTURE(step);
        const Matrix want = expected(s, [&](int, int kk, int) { return kk <= k; });
        const MatrixView res = a.matrix(root);
        for (int i = 0; i < 5; ++i)
            for (int j = 0; j < 7; ++j) {
                CHECK(res.values().at(i, j) == want.at(i, j));
                CHECK(res.mode(i, j) == ElementMode::Shown);
                // and close to a double-precision partial sum
                double sum = 0;
                for (int kk = 0; kk <= k; ++kk) sum += double(L.at(i, kk)) * R.at(kk, j);
                CHECK(res.values().at(i, j) ==
                      doctest::Approx(epilog_pointwise("gelu", sum, 6)).epsilon(1e-5));
            }
        auto mats = interiors_of(a, root);
        REQUIRE(mats.size() == 1);
        const MatrixView& m = mats[0].view;
        CHECK(m.values().h == 5);
        CHECK(m.values().w == 7);
        for (int i = 0; i < 5; ++i)
            for (int j = 0; j < 7; ++j) {
                CHECK(m.values().at(i, j) == L.at(i, k) * R.at(k, j));
                CHECK(near(m.placement().element(i, j), lattice(s.layout, root, i, k, j)));
            }
        const MatrixView l = a.matrix(*root.left), r = a.matrix(*root.right);
        for (int x = 0; x < 6; ++x) {
            for (int i = 0; i < 5; ++i)
                CHECK(l.mode(i, x) == (x == k ? ElementMode::Highlighted : ElementMode::Shown));
            for (int j = 0; j < 7; ++j)
                CHECK(r.mode(x, j) == (x == k ? ElementMode::Highlighted : ElementMode::Shown));
        }
    }
    // The finished sum is the result; its range stays that of the true result.
    const Matrix& truth = s.values(root);
    for (size_t e = 0; e < truth.size(); ++e)
        CHECK(a.matrix(root).values().v[e] == doctest::Approx(truth.v[e]).epsilon(1e-5));
    CHECK(a.matrix(root).range().absmax == doctest::Approx(s.model.global_absmax));
}

TEST_CASE("timeline: vvprod with two k blocks sums both blocks up to the shared offset") {
    Scene s(single("vvprod", "{i: 1, k: 2, j: 1}", "softmax"));
    Animation a(s.model, s.layout);
    const Node& root = s.root();
    REQUIRE(a.period() == 3);
    for (int step = 1; step <= 3; ++step) {
        a.seek(step);
        const int c = step - 1;
        const Matrix want = expected(s, [&](int, int k, int) { return k % 3 <= c; }, 3);
        CHECK(a.matrix(root).values().v == want.v);
        auto mats = interiors_of(a, root);
        REQUIRE(mats.size() == 2);
        for (const Intermediate& m : mats) {
            const int k = 3 * m.bk + c;
            CHECK(near(m.view.placement().element(4, 6), lattice(s.layout, root, 4, k, 6)));
        }
        const MatrixView l = a.matrix(*root.left);
        for (int k = 0; k < 6; ++k)
            CHECK(l.mode(0, k) == (k % 3 == c ? ElementMode::Highlighted : ElementMode::Shown));
    }
}

TEST_CASE("timeline: axpy fills column by column; later columns are zero") {
    Scene s(single("axpy", "{i: 1, k: 1, j: 1}", "relu"));
    Animation a(s.model, s.layout);
    const Node& root = s.root();
    REQUIRE(a.period() == 42);
    for (int step = 1; step <= 42; step += 5) {
        a.seek(step);
        const int j = (step - 1) / 6, k = (step - 1) % 6;
        CAPTURE(step);
        const Matrix want = expected(s, [&](int, int kk, int jj) { return jj < j || (jj == j && kk <= k); });
        const MatrixView res = a.matrix(root);
        for (int i = 0; i < 5; ++i)
            for (int jj = 0; jj < 7; ++jj) {
                CHECK(res.values().at(i, jj) == (jj > j ? 0.0f : want.at(i, jj)));
                CHECK(res.drawn(i, jj) == (jj <= j && want.at(i, jj) != 0));
            }
        const MatrixView r = a.matrix(*root.right);
        for (int kk = 0; kk < 6; ++kk)
            for (int jj = 0; jj < 7; ++jj)
                CHECK(r.mode(kk, jj) ==
                      (kk == k && jj == j ? ElementMode::Highlighted : ElementMode::Shown));
        auto mats = interiors_of(a, root);
        REQUIRE(mats.size() == 1);
        CHECK(mats[0].view.values().w == 1);
        CHECK(near(mats[0].view.placement().element(3, 0), lattice(s.layout, root, 3, k, j)));
    }
}

// k = 6 in 4 requested blocks: size 2, blocks [0,2) [2,4) [4,6), the 4th is dead.
TEST_CASE("timeline: axpy with k blocks, including a dead final block") {
    Scene s(single("axpy", "{i: 1, k: 4, j: 1}", "none"));
    Animation a(s.model, s.layout);
    const Node& root = s.root();
    REQUIRE(a.period() == 14);
    for (int step = 1; step <= 14; ++step) {
        a.seek(step);
        const int j = (step - 1) / 2, c = (step - 1) % 2;
        const Matrix want =
            expected(s, [&](int, int k, int jj) { return jj < j || (jj == j && k % 2 <= c); }, 2);
        for (int i = 0; i < 5; ++i)
            for (int jj = 0; jj < 7; ++jj)
                CHECK(a.matrix(root).values().at(i, jj) == (jj > j ? 0.0f : want.at(i, jj)));
        CHECK(interiors_of(a, root).size() == 3);
        const MatrixView r = a.matrix(*root.right);
        for (int k = 0; k < 6; ++k)
            CHECK(r.mode(k, j) == (k % 2 == c ? ElementMode::Highlighted : ElementMode::Shown));
    }
}
