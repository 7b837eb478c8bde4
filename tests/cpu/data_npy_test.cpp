// .npy files written by the test load to the exact values: every dtype, both
// orders, both byte orders, 1-D to 4-D; bad files are one-line errors.
#include <doctest/doctest.h>

#include "data_test_util.h"
#include "mmr/core/error.h"
#include "mmr/model/build_model.h"
#include "mmr/model/data.h"
#include "mmr/scene/scene_parser.h"

using namespace mmr;
using namespace mmr::test;

namespace {

LeafSpec leaf(const std::string& file) {
    LeafSpec s;
    s.name = "A";
    s.file = file;
    s.init = "csv";
    s.loc = {"scene.yaml", 3, 5};
    return s;
}

std::string error_of(const TempDir& dir, const LeafSpec& s, int h = 2, int w = 3) {
    return leaf_error(dir, s, h, w);
}

const std::vector<double> k6 = {1, -2, 3.5, -4.25, 0, 100};  // 2x3, C order

}  // namespace

TEST_CASE("npy: every supported dtype loads to the exact values") {
    TempDir dir;
    struct Case {
        std::string code;
        std::vector<double> values;
    };
    const std::vector<Case> cases = {
        {"f2", {1, -2, 3.5, -4.25, 0, 100}},
        {"f4", {1.1, -2.2, 3.3e-5, -4e30, 0, 0.1}},
        {"f8", {1.1, -2.2, 3.3e-5, -4e30, 0, 1e-300}},
        {"i1", {-128, 127, 0, -1, 5, 64}},
        {"i2", {-32768, 32767, 0, -1, 5, 1000}},
        {"i4", {-2147483648.0, 2147483647.0, 0, -1, 5, 70000}},
        {"i8", {-9007199254740992.0, 9007199254740992.0, 0, -1, 5, 1e12}},
        {"u1", {0, 255, 1, 2, 3, 128}},
        {"u2", {0, 65535, 1, 2, 3, 40000}},
        {"u4", {0, 4294967295.0, 1, 2, 3, 3e9}},
        {"u8", {0, 18446744073709551615.0 / 2, 1, 2, 3, 1e15}},
        {"b1", {1, 0, 1, 1, 0, 0}},
    };
    for (const Case& c : cases) {
        for (bool big : {false, true}) {
            for (bool fortran : {false, true}) {
                CAPTURE(c.code);
                CAPTURE(big);
                CAPTURE(fortran);
                const std::string name = "a_" + c.code + (big ? "_be" : "") + (fortran ? "_f" : "") + ".npy";
                dir.write(name, npy_bytes(c.values, {2, 3}, c.code, big, fortran));
                const Matrix m = load_leaf(dir, leaf(name));
                CHECK(m.h == 2);
                CHECK(m.w == 3);
                CHECK(m.v == as_floats(c.values));
            }
        }
    }
}

TEST_CASE("npy: shapes and slices") {
    TempDir dir;
    SUBCASE("1-D is one row; 0-D is 1x1") {
        dir.write("v.npy", npy_bytes({1, 2, 3, 4}, {4}, "f4"));
        const Matrix m = load_leaf(dir, leaf("v.npy"));
        CHECK(m.h == 1);
        CHECK(m.w == 4);
        CHECK(m.v == as_floats({1, 2, 3, 4}));
        dir.write("s.npy", npy_bytes({7}, {}, "f8"));
        const Matrix s = load_leaf(dir, leaf("s.npy"));
        CHECK(s.h == 1);
        CHECK(s.w == 1);
        CHECK(s.v[0] == 7);
    }
    SUBCASE("transpose") {
        dir.write("a.npy", npy_bytes(k6, {2, 3}, "f4"));
        LeafSpec s = leaf("a.npy");
        s.transpose = true;
        const Matrix m = load_leaf(dir, s);
        CHECK(m.h == 3);
        CHECK(m.w == 2);
        CHECK(m.v == as_floats({1, -4.25, -2, 0, 3.5, 100}));
    }
    SUBCASE("N-D: index picks a 2-D slice of the last two axes, in both orders") {
        std::vector<double> v(2 * 3 * 4 * 5);
        for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<double>(i);  // C order index
        for (bool fortran : {false, true}) {
            CAPTURE(fortran);
            dir.write("t.npy", npy_bytes(v, {2, 3, 4, 5}, "f4", false, fortran));
            LeafSpec s = leaf("t.npy");
            s.index = {1, 2};
            Matrix m = load_leaf(dir, s);
            REQUIRE(m.h == 4);
            REQUIRE(m.w == 5);
            for (int i = 0; i < 4; ++i)
                for (int j = 0; j < 5; ++j) CHECK(m.at(i, j) == static_cast<float>(((1 * 3 + 2) * 4 + i) * 5 + j));
            s.index = {-1, 0};  // negative: from the end
            m = load_leaf(dir, s);
            CHECK(m.at(0, 0) == static_cast<float>(((1 * 3 + 0) * 4 + 0) * 5));
            s.transpose = true;
            m = load_leaf(dir, s);
            CHECK(m.h == 5);
            CHECK(m.at(4, 3) == static_cast<float>(((1 * 3 + 0) * 4 + 3) * 5 + 4));
        }
    }
    SUBCASE("format version 2.0") {
        dir.write("v2.npy", npy_bytes(k6, {2, 3}, "f8", false, false, 2));
        CHECK(load_leaf(dir, leaf("v2.npy")).v == as_floats(k6));
    }
}

TEST_CASE("npy: a scene takes the matrix shape from the data, or checks it") {
    TempDir dir;
    dir.write("q.npy", npy_bytes(k6, {2, 3}, "f4"));
    const std::string scene = dir.path + "/s.yaml";
    Model m = build_model(parse_scene("expr: A @ B\nmatrices:\n  A: {file: q.npy}\n", scene));
    CHECK(m.root->rows == 2);
    CHECK(m.root->depth == 3);
    CHECK(m.leaves[0].values.v == as_floats(k6));
    CHECK_THROWS_WITH_AS(
        build_structure(parse_scene("expr: A @ B\nmatrices:\n  A: {file: q.npy, shape: [3, 2]}\n", scene)),
        doctest::Contains("matrix 'A' is 3x2 but its data (q.npy) is 2x3; give 'shape: [2, 3]' or leave the shape "
                          "out (it then comes from the data), or add 'transpose: true'"),
        Error);
    // init_matrix itself also names both shapes
    CHECK(error_of(dir, leaf("q.npy"), 3, 3).find("the array is 2x3 but matrix 'A' is 3x3") != std::string::npos);
}

TEST_CASE("npy: bad files are one-line errors naming the file and what was expected") {
    TempDir dir;
    const std::string good = npy_bytes(k6, {2, 3}, "f4");
    SUBCASE("missing") {
        const std::string e = error_of(dir, leaf("nope.npy"));
        CHECK(e.find("nope.npy: the data file does not exist") != std::string::npos);
        CHECK(e.find("(data for matrix 'A' at scene.yaml:3:5)") != std::string::npos);
    }
    SUBCASE("truncated data") {
        dir.write("t.npy", good.substr(0, good.size() - 5));
        CHECK(error_of(dir, leaf("t.npy")).find("truncated: the header describes 2x3 float32 values (24 bytes) but only 19 "
                                                "bytes of data follow") != std::string::npos);
    }
    SUBCASE("a header that lies about the size") {
        dir.write("l.npy", npy_bytes(k6, {2, 3}, "f4").replace(good.find("(2, 3)"), 6, "(9, 9)"));
        CHECK(error_of(dir, leaf("l.npy")).find("describes 9x9 float32 values (324 bytes) but only 24") !=
              std::string::npos);
        std::string huge = good;
        huge.replace(good.find("(2, 3)"), 6, "(99999999999, 99999999999)");
        dir.write("h.npy", huge);
        CHECK(error_of(dir, leaf("h.npy")).find("truncated") != std::string::npos);
        std::string long_header = good;
        long_header[8] = '\xff';
        long_header[9] = '\x7f';
        dir.write("lh.npy", long_header);
        CHECK(error_of(dir, leaf("lh.npy")).find("the .npy header says it is 32767 bytes long") != std::string::npos);
    }
    SUBCASE("a truncated header") {
        dir.write("th.npy", good.substr(0, 30));
        CHECK(error_of(dir, leaf("th.npy")).find("truncated") != std::string::npos);
        dir.write("tiny.npy", "\x93NUM");
        CHECK(error_of(dir, leaf("tiny.npy")).find("shorter than an .npy header") != std::string::npos);
    }
    SUBCASE("unsupported dtypes") {
        std::string c = good;
        c.replace(c.find("<f4"), 3, "<c8");
        dir.write("c.npy", c);
        CHECK(error_of(dir, leaf("c.npy")).find("dtype '<c8' (complex) is not supported; supported: float16") !=
              std::string::npos);
        std::string u = good;
        u.replace(u.find("'<f4'"), 5, "'<U1'");
        dir.write("u.npy", u);
        CHECK(error_of(dir, leaf("u.npy")).find("(text) is not supported") != std::string::npos);
        std::string rec = good;
        rec.replace(rec.find("'<f4'"), 5, "[('a', '<f4')]");
        dir.write("r.npy", rec);
        CHECK(error_of(dir, leaf("r.npy")).find("structured dtypes") != std::string::npos);
    }
    SUBCASE("not an npy file") {
        dir.write("x.npy", "hello, world, this is text");
        CHECK(error_of(dir, leaf("x.npy")).find("not an .npy file") != std::string::npos);
        std::string v = good;
        v[6] = 9;
        dir.write("v9.npy", v);
        CHECK(error_of(dir, leaf("v9.npy")).find("format version 9.0 is not supported") != std::string::npos);
        std::string bad = good;
        bad.replace(bad.find("'shape'"), 7, "'shapf'");
        dir.write("ns.npy", bad);
        CHECK(error_of(dir, leaf("ns.npy")).find("'shape' is missing") != std::string::npos);
    }
    SUBCASE("index and shape problems") {
        dir.write("a.npy", good);
        LeafSpec s = leaf("a.npy");
        s.index = {0};
        CHECK(error_of(dir, s).find("'index' is given but the array is 2x3 (2-D)") != std::string::npos);
        std::vector<double> v(24, 1);
        dir.write("t.npy", npy_bytes(v, {2, 3, 4}, "f4"));
        s = leaf("t.npy");
        CHECK(error_of(dir, s, 3, 4).find("'index' needs 1 entry for the leading axes, not 0") != std::string::npos);
        s.index = {2};
        CHECK(error_of(dir, s, 3, 4).find("index 2 is out of range for axis 0 of the 2x3x4 array") != std::string::npos);
        dir.write("e.npy", npy_bytes({}, {0, 3}, "f4"));
        CHECK(error_of(dir, leaf("e.npy"), 1, 3).find("has no elements") != std::string::npos);
    }
}
