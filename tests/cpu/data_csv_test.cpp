// CSV data with mm's roll-over (docs/spec/mm-values.md §2.2) and mm's url init resolved to a
// local file by base name in the data dirs.
#include <doctest/doctest.h>

#include "data_test_util.h"
#include "mmr/core/error.h"
#include "mmr/model/build_model.h"
#include "mmr/model/data.h"
#include "mmr/scene/scene_parser.h"

using namespace mmr;
using namespace mmr::test;

namespace {

Matrix csv_matrix(const TempDir& dir, const std::string& text, int h, int w) {
    dir.write("d.csv", text);
    LeafSpec s;
    s.name = "A";
    s.file = "d.csv";
    Rng rng(1);
    return init_matrix(s, "csv", h, w, rng, DataPaths{dir.path, {}});
}

// mm's rule, written out: row = data[i mod nrows], value = row[j mod len(row)];
// lines split on \r\n, \n or \r; a trailing newline adds a row holding one 0.
std::vector<float> mm_rollover(const std::vector<std::vector<double>>& rows, int h, int w) {
    std::vector<float> v;
    for (int i = 0; i < h; ++i) {
        const auto& r = rows[static_cast<size_t>(i) % rows.size()];
        for (int j = 0; j < w; ++j) v.push_back(static_cast<float>(r[static_cast<size_t>(j) % r.size()]));
    }
    return v;
}

}  // namespace

TEST_CASE("csv: roll-over follows mm's rule") {
    TempDir dir;
    CHECK(csv_matrix(dir, "1,2,3\n4,5\n6", 5, 4).v == mm_rollover({{1, 2, 3}, {4, 5}, {6}}, 5, 4));
    // trailing newline: one extra row with a single 0
    CHECK(csv_matrix(dir, "1,2\n3,4\n", 4, 3).v == mm_rollover({{1, 2}, {3, 4}, {0}}, 4, 3));
    // \r\n and \r line ends, blanks around numbers, empty field = 0
    CHECK(csv_matrix(dir, "1, 2\r\n 3 ,\r5", 3, 2).v == mm_rollover({{1, 2}, {3, 0}, {5}}, 3, 2));
    // smaller matrix: the top-left corner
    CHECK(csv_matrix(dir, "1,2,3\n4,5,6\n7,8,9", 2, 2).v == as_floats({1, 2, 4, 5}));
}

TEST_CASE("url init: the file is found by base name in the data dirs, never downloaded") {
    TempDir dir;
    std::filesystem::create_directories(dir.path + "/weights");
    std::filesystem::create_directories(dir.path + "/data");
    dir.write("weights/layer5_wq4_768_64.csv", "1,2\n3,4");
    dir.write("data/layer5_wq4_768_64.csv", "9");
    LeafSpec s;
    s.name = "wQ";
    s.url = "https://raw.githubusercontent.com/bhosmer/testdata/main/weights/gpt2/layer5_wq4_768_64.csv";
    s.loc = {"head.yaml", 4, 3};
    Rng rng(1);
    DataPaths p{dir.path, {dir.path + "/weights"}};
    CHECK(init_matrix(s, "url", 2, 2, rng, p).v == as_floats({1, 2, 3, 4}));
    // several dirs: the first that has it
    p.data_dirs = {dir.path + "/data", dir.path + "/weights"};
    CHECK(init_matrix(s, "url", 1, 1, rng, p).v == as_floats({9}));
    // default: the scene's folder, then ./data
    DataPaths d{dir.path + "/weights", {}};
    CHECK(d.url_dirs() == std::vector<std::string>{dir.path + "/weights", "data"});
    CHECK(init_matrix(s, "url", 1, 2, rng, d).v == as_floats({1, 2}));
    // a missing file names the file and where it was looked for
    DataPaths none{dir.path, {dir.path + "/nowhere", dir.path + "/data2"}};
    try {
        init_matrix(s, "url", 2, 2, rng, none);
        CHECK(false);
    } catch (const Error& e) {
        const std::string m = e.what();
        CHECK(m == "head.yaml:4:3: matrix 'wQ': data file 'layer5_wq4_768_64.csv' (from its url) not found in " +
                       dir.path + "/nowhere, " + dir.path +
                       "/data2; put the file in one of these folders or name its folder with --data-dir (mmr never "
                       "downloads)");
    }
    // with a fallback: the stand-in init instead
    s.fallback = "gaussian";
    const Matrix g = init_matrix(s, "url", 8, 8, rng, none);
    CHECK(g.h == 8);
    bool varied = false;
    for (float x : g.v) varied = varied || x != g.v[0];
    CHECK(varied);
    CHECK(url_base_name("https://x/y/a%20b.csv?raw=1#top") == "a b.csv");
}

TEST_CASE("url init in a scene: --data-dir, fallback and the scene's folder") {
    TempDir dir;
    dir.write("wq.csv", "0.5");
    const std::string yaml =
        "expr: A @ B\nmatrices:\n  A: {shape: [2, 2], url: \"https://h/x/wq.csv\"}\n"
        "  B: {shape: [2, 2], url: \"https://h/x/missing.csv\", fallback: eye}\n";
    SceneSpec s = parse_scene(yaml, dir.path + "/s.yaml");
    Model m = build_model(s);  // wq.csv is next to the scene; missing.csv -> eye
    CHECK(m.leaves[0].values.v == as_floats({0.5, 0.5, 0.5, 0.5}));
    CHECK(m.leaves[1].values.v == as_floats({1, 0, 0, 1}));
    s.data_dirs = {dir.path + "/elsewhere"};
    CHECK_THROWS_WITH_AS(build_model(s), doctest::Contains("data file 'wq.csv' (from its url) not found in"), Error);
    CHECK_THROWS_WITH_AS(parse_scene("expr: A @ B\nmatrices:\n  A: {init: eye, fallback: eye}\n", "s.yaml"),
                         doctest::Contains("'matrices.A.fallback' only applies to init url"), Error);
}
