// Leaf initialisation: docs/spec/mm-values.md §2 (inits, range mapping, dropout) and §5 (Rng).
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "mmr/core/error.h"
#include "mmr/model/data.h"
#include "mmr/model/values.h"
#include "temp_dir.h"

using namespace mmr;

namespace {

LeafSpec leaf(double min = -1, double max = 1, double dropout = 0) {
    LeafSpec s;
    s.name = "A";
    s.min = min;
    s.max = max;
    s.dropout = dropout;
    s.loc.file = "scene.yaml";
    s.loc.line = 3;
    s.loc.column = 5;
    return s;
}

Matrix init(const std::string& name, int h, int w, const LeafSpec& s = leaf(), uint64_t seed = 1) {
    Rng rng(seed);
    return init_matrix(s, name, h, w, rng, "");
}

std::vector<float> fl(std::initializer_list<double> v) {
    std::vector<float> out;
    for (double x : v) out.push_back(static_cast<float>(x));
    return out;
}

}  // namespace

TEST_CASE("Rng is mt19937_64 with 53-bit uniforms") {
    Rng r(5489);  // the standard's default seed; its outputs are published
    // First output 14514284786278117030, >> 11, * 2^-53.
    CHECK(r.uniform() == 0.7868209548678019);
    for (int n = 2; n < 10000; ++n) r.uniform();
    // The 10000th output is 9981545732273789042 (required by the C++ standard).
    CHECK(r.uniform() == 0.5411006783847329);
}

TEST_CASE("init names in mm's menu order plus csv") {
    const auto& n = init_names();
    REQUIRE(n.size() == 14);
    CHECK(n.front() == "rows");
    CHECK(n[12] == "expr");
    CHECK(n.back() == "csv");
    CHECK(is_init("tril mask"));
    CHECK_FALSE(is_init("sphere"));
}

TEST_CASE("position inits with range mapping") {
    CHECK(init("rows", 3, 2, leaf(0, 1)).v == fl({0, 0, 0.5, 0.5, 1, 1}));
    CHECK(init("rows", 3, 2).v == fl({-1, -1, 0, 0, 1, 1}));
    CHECK(init("cols", 2, 3).v == fl({-1, 0, 1, -1, 0, 1}));
    CHECK(init("row major", 2, 2).v == fl({-1, -1.0 / 3, 1.0 / 3, 1}));
    CHECK(init("col major", 2, 2, leaf(0, 1)).v == fl({0, 2.0 / 3, 1.0 / 3, 1}));
    CHECK(init("col major", 2, 3, leaf(0, 10)).v == fl({0, 4, 8, 2, 6, 10}));
    // Degenerate sizes give f = 0, i.e. min.
    CHECK(init("rows", 1, 3).v == fl({-1, -1, -1}));
    CHECK(init("cols", 2, 1, leaf(2, 4)).v == fl({2, 2}));
    CHECK(init("row major", 1, 1).v == fl({-1}));
    // max < min: every element is min.
    CHECK(init("rows", 3, 1, leaf(2, 1)).v == fl({2, 2, 2}));
}

TEST_CASE("mask inits ignore min/max and dropout and draw nothing") {
    const LeafSpec s = leaf(5, 7, 0.9);
    CHECK(init("tril mask", 3, 3, s).v == fl({1, 0, 0, 1, 1, 0, 1, 1, 1}));
    CHECK(init("triu mask", 2, 3, s).v == fl({1, 1, 1, 0, 1, 1}));
    CHECK(init("eye", 3, 2, s).v == fl({1, 0, 0, 1, 0, 0}));
    CHECK(init("diff", 3, 3, s).v == fl({1, 0, 0, -1, 1, 0, 0, -1, 1}));
    Rng used(9), fresh(9);
    init_matrix(s, "eye", 4, 4, used, "");
    CHECK(used.uniform() == fresh.uniform());
}

TEST_CASE("uniform: one draw per element, mapped to [min, max)") {
    Rng ref(42);
    const Matrix m = init("uniform", 3, 4, leaf(-2, 6), 42);
    for (float x : m.v) CHECK(x == static_cast<float>(-2 + 8 * ref.uniform()));
    for (float x : m.v) CHECK((x >= -2 && x < 6));
    CHECK(init("uniform", 3, 4, leaf(), 42).v == init("uniform", 3, 4, leaf(), 42).v);
    CHECK(init("uniform", 3, 4, leaf(), 42).v != init("uniform", 3, 4, leaf(), 43).v);
    // min 0, max 1: the raw U.
    Rng ref2(5);
    for (float x : init("uniform", 2, 2, leaf(0, 1), 5).v) CHECK(x == static_cast<float>(ref2.uniform()));
}

TEST_CASE("gaussian: Box-Muller with u1 = 1 - U then u2 = U") {
    Rng ref(7);
    const Matrix m = init("gaussian", 2, 3, leaf(0, 1), 7);
    for (float x : m.v) {
        const double u1 = 1 - ref.uniform(), u2 = ref.uniform();
        const double z = std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2);
        CHECK(x == static_cast<float>(0.5 + 0.5 * z));
    }
    // Default range [-1, 1] is N(0, 1).
    const Matrix big = init("gaussian", 200, 200, leaf(), 3);
    double s = 0, s2 = 0;
    for (float x : big.v) s += x, s2 += double(x) * x;
    const double mean = s / big.size(), sd = std::sqrt(s2 / big.size() - mean * mean);
    CHECK(std::fabs(mean) < 0.02);
    CHECK(std::fabs(sd - 1) < 0.02);
}

TEST_CASE("pt linear: (2U - 1) / sqrt(w), not range-mapped") {
    Rng ref(11);
    const Matrix m = init("pt linear", 3, 16, leaf(5, 9), 11);
    for (float x : m.v) CHECK(x == static_cast<float>((2 * ref.uniform() - 1) / 4));
    for (float x : m.v) CHECK(std::fabs(x) < 0.25f);
}

TEST_CASE("dropout: draw first, dropped elements are exactly 0 and skip the init's draws") {
    const Matrix m = init("uniform", 20, 20, leaf(-1, 1, 0.5), 99);
    Rng ref(99);
    int zeros = 0;
    for (float x : m.v) {
        const double keep = ref.uniform();
        const float expected = keep > 0.5 ? static_cast<float>(-1 + 2 * ref.uniform()) : 0.0f;
        CHECK(x == expected);
        zeros += x == 0.0f;
    }
    CHECK(zeros > 140);
    CHECK(zeros < 260);
    // Position inits drop too (one draw per element); dropout 1 drops everything.
    Rng ref2(4);
    const Matrix rows = init("rows", 4, 4, leaf(1, 2, 0.3), 4);
    for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 4; ++j)
            CHECK(rows.at(i, j) == (ref2.uniform() > 0.3 ? static_cast<float>(1 + i / 3.0) : 0.0f));
    for (float x : init("gaussian", 5, 5, leaf(-1, 1, 1)).v) CHECK(x == 0.0f);
}

TEST_CASE("unknown init is an error naming the place and the valid names") {
    try {
        init("sphere", 2, 2);
        FAIL("no error");
    } catch (const Error& e) {
        const std::string msg = e.what();
        CHECK(msg.find("scene.yaml:3:5: ") == 0);
        CHECK(msg.find("unknown init 'sphere'") != std::string::npos);
        CHECK(msg.find("rows, cols, row major") != std::string::npos);
        CHECK(msg.find('\n') == std::string::npos);
    }
}

TEST_CASE("csv and url inits read a local file, relative to the scene folder") {
    test::TempDir dir;
    dir.write("d.csv", "1,2\n3,4,5");
    LeafSpec s = leaf(7, 8, 0.9);  // range and dropout do not apply
    s.file = "d.csv";
    Rng rng(1);
    const Matrix m = init_matrix(s, "csv", 3, 3, rng, dir.path);
    CHECK(m.v == fl({1, 2, 1, 3, 4, 5, 1, 2, 1}));
    CHECK(init_matrix(s, "url", 3, 3, rng, dir.path).v == m.v);
    s.file = dir.path + "/d.csv";  // an absolute path inside the scene folder
    CHECK(init_matrix(s, "csv", 3, 3, rng, dir.path).v == m.v);
    // outside it (and the data folders): refused, unless allow_any_path
    CHECK_THROWS_WITH_AS(init_matrix(s, "csv", 3, 3, rng, "/nonexistent"),
                         doctest::Contains("is outside the scene's folder and the data folders"), Error);
    DataPaths any{"/nonexistent", {}};
    any.allow_any_path = true;
    CHECK(init_matrix(s, "csv", 3, 3, rng, any).v == m.v);

    s.file.clear();
    CHECK_THROWS_WITH_AS(init_matrix(s, "url", 2, 2, rng, dir.path),
                         doctest::Contains("local path"), Error);
    CHECK_THROWS_WITH_AS(init_matrix(s, "csv", 2, 2, rng, dir.path),
                         doctest::Contains("scene.yaml:3:5: matrix 'A' uses init 'csv' without a file"),
                         Error);
}

TEST_CASE("expr init evaluates the formula, ignoring range and dropout") {
    LeafSpec s = leaf(5, 6, 0.9);
    s.js = "i == j";
    CHECK(init("expr", 2, 3, s).v == fl({1, 0, 0, 0, 1, 0}));
    s.js.clear();
    CHECK_THROWS_WITH_AS(init("expr", 2, 2, s), doctest::Contains("without a formula"), Error);
}
