// Epilogs (docs/spec/mm-values.md §4) and matmul evaluation (§3), hand-computed values.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "mmr/core/error.h"
#include "mmr/model/values.h"

using namespace mmr;

namespace {

Matrix mat(int h, int w, std::initializer_list<double> v) {
    Matrix m(h, w);
    size_t k = 0;
    for (double x : v) m.v[k++] = static_cast<float>(x);
    return m;
}

// The reference double rounded to float32 must match exactly (the same double
// operations in the same order give the same double, so no tolerance is needed).
void check_exact(const Matrix& m, std::initializer_list<double> expected) {
    REQUIRE(m.size() == expected.size());
    size_t k = 0;
    for (double e : expected) {
        CAPTURE(k);
        CHECK(m.v[k++] == static_cast<float>(e));
    }
}

// Float32 results compared with a double reference at float precision.
void check_close(const Matrix& m, std::initializer_list<double> expected) {
    REQUIRE(m.size() == expected.size());
    size_t k = 0;
    for (double e : expected) {
        CAPTURE(k);
        CHECK(m.v[k++] == doctest::Approx(e).epsilon(1e-6));
    }
}

}  // namespace

TEST_CASE("epilog names in mm's menu order") {
    const auto& n = epilog_names();
    REQUIRE(n.size() == 14);
    CHECK(n[0] == "none");
    CHECK(n[6] == "layernorm");
    CHECK(n[9] == "softmax(tril(x/sqrt(k)))");
    CHECK(n[13] == "x**2");
    CHECK(is_epilog("softmax(tril(x/8))"));
    CHECK_FALSE(is_epilog("softmax(x)"));
}

TEST_CASE("pointwise epilogs") {
    CHECK(epilog_pointwise("relu", -2, 3) == 0);
    CHECK(epilog_pointwise("relu", 3, 3) == 3);
    CHECK(epilog_pointwise("gelu", 1, 3) == doctest::Approx(0.8413447361676363).epsilon(1e-12));
    CHECK(epilog_pointwise("gelu", -1, 3) == doctest::Approx(-0.15865526383236372).epsilon(1e-12));
    CHECK(epilog_pointwise("gelu", 0, 3) == 0);
    CHECK(epilog_pointwise("sigmoid", 0, 3) == 0.5);
    CHECK(epilog_pointwise("sigmoid", 2, 3) == doctest::Approx(0.8807970779778823).epsilon(1e-14));
    CHECK(epilog_pointwise("silu", 2, 3) == doctest::Approx(1.7615941559557646).epsilon(1e-14));
    CHECK(epilog_pointwise("tanh", 0.5, 3) == doctest::Approx(0.46211715726000974).epsilon(1e-14));
    CHECK(epilog_pointwise("x**2", -3, 3) == 9);
    CHECK(epilog_pointwise("x/k", 6, 3) == 2);
    CHECK(epilog_pointwise("x/sqrt(k)", 6, 4) == 3);
    CHECK(epilog_pointwise("softmax(x/sqrt(k))", 6, 4) == 3);
    CHECK(epilog_pointwise("softmax(tril(x/sqrt(k)))", 6, 9) == 2);
    CHECK(epilog_pointwise("softmax(tril(x/8))", 16, 9) == 2);
    for (const char* id : {"none", "softmax", "layernorm"}) CHECK(epilog_pointwise(id, -7.5, 3) == -7.5);
}

TEST_CASE("softmax rows") {
    Matrix m = mat(2, 3, {1, 2, 3, 0, 0, 0});
    epilog_matrixwide("softmax", m);
    check_exact(m, {0.09003057317038046, 0.24472847105479764, 0.6652409557748218, 1.0 / 3, 1.0 / 3,
                    1.0 / 3});
    // The running max starts at 0: still a normal softmax for negative rows...
    Matrix neg = mat(1, 2, {-2, -3});
    epilog_matrixwide("softmax(x/sqrt(k))", neg);
    check_close(neg, {0.7310585786300049, 1 - 0.7310585786300049});
    // ...but a row far below 0 underflows to denom 0 and becomes 0, not uniform.
    Matrix under = mat(1, 2, {-1000, -1000});
    epilog_matrixwide("softmax", under);
    CHECK(under.v == std::vector<float>{0, 0});
}

TEST_CASE("causal softmax rows, clamped when rows outnumber columns") {
    Matrix m = mat(4, 3, {5, 9, 9, 1, 1, 9, 2, 2, 2, 0, 0, std::log(2.0)});
    epilog_matrixwide("softmax(tril(x/sqrt(k)))", m);
    check_close(m, {1, 0, 0, 0.5, 0.5, 0, 1.0 / 3, 1.0 / 3, 1.0 / 3, 0.25, 0.25, 0.5});
    // Row 3 has i + 1 = 4 > w = 3: mm would read into the next row; we use the row.
    Matrix tall = mat(3, 2, {1, 1, 0, std::log(3.0), 0, 0});
    epilog_matrixwide("softmax(tril(x/8))", tall);
    check_close(tall, {1, 0, 0.25, 0.75, 0.5, 0.5});
}

TEST_CASE("layernorm over the whole matrix") {
    Matrix m = mat(2, 2, {1, 2, 3, 4});
    epilog_matrixwide("layernorm", m);
    check_exact(m, {-1.3416354199689269, -0.447211806656309, 0.447211806656309, 1.3416354199689269});
    Matrix same = mat(1, 2, {3, 3});  // variance 0: eps keeps it finite
    epilog_matrixwide("layernorm", same);
    CHECK(same.v == std::vector<float>{0, 0});
}

TEST_CASE("pointwise-only epilogs leave the matrix alone") {
    for (const char* e : {"none", "relu", "gelu", "x/k", "x**2"}) {
        Matrix m = mat(1, 3, {-1, 5, 2});
        epilog_matrixwide(e, m);
        CHECK(m.v == std::vector<float>{-1, 5, 2});
    }
}

TEST_CASE("matmul by hand") {
    const Matrix a = mat(2, 3, {1, 2, 3, 4, 5, 6});
    const Matrix b = mat(3, 2, {7, 8, 9, 10, 11, 12});
    const Matrix r = matmul(a, b, "none");
    CHECK(r.h == 2);
    CHECK(r.w == 2);
    CHECK(r.v == std::vector<float>{58, 64, 139, 154});
    // x/k divides by D = 3; the double quotient is rounded to float32 once.
    CHECK(matmul(a, b, "x/k").v == std::vector<float>{float(58.0 / 3), float(64.0 / 3),
                                                      float(139.0 / 3), float(154.0 / 3)});
    check_close(matmul(a, b, "relu"), {58, 64, 139, 154});
    // Softmax after the products: [[1], [0]] @ [[1, 2, 3]].
    check_close(matmul(mat(2, 1, {1, 0}), mat(1, 3, {1, 2, 3}), "softmax"),
                {0.09003057317038046, 0.24472847105479764, 0.6652409557748218, 1.0 / 3, 1.0 / 3,
                 1.0 / 3});
}

TEST_CASE("matmul sums in double and stores float32") {
    // In float32, 2^24 + 1 + 1 stays 2^24; in double it is exact.
    const Matrix r = matmul(mat(1, 3, {16777216, 1, 1}), mat(3, 1, {1, 1, 1}), "none");
    CHECK(r.v[0] == 16777218.0f);
}

TEST_CASE("matmul: a NaN sum is 0 and skips the pointwise epilog") {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    const Matrix a = mat(4, 2, {nan, 1, 0, 0, inf, 1, 1, -1});
    const Matrix b = mat(2, 1, {1, -inf});
    const Matrix r = matmul(a, b, "sigmoid");
    CHECK(r.v[0] == 0.0f);  // NaN input: sum NaN -> 0, not sigmoid(0) = 0.5
    CHECK(r.v[1] == 0.0f);  // 0 * -inf is NaN -> 0
    CHECK(r.v[2] == 0.0f);  // inf + -inf is NaN -> 0
    CHECK(r.v[3] == 1.0f);  // 1 + inf = inf is not NaN: sigmoid(inf) = 1
    CHECK(matmul(mat(1, 1, {0}), mat(1, 1, {5}), "sigmoid").v[0] == 0.5f);
}

TEST_CASE("matmul shape mismatch is an error") {
    CHECK_THROWS_WITH_AS(matmul(Matrix(2, 3), Matrix(2, 2), "none"),
                         doctest::Contains("shape mismatch: 2x3 @ 2x2"), Error);
}
