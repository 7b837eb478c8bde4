// attention.weights (docs/attention.md#real-weights): the drawn weight matrices of a
// preset are windows of the real projections ([out, in], PyTorch's nn.Linear.weight),
// and a tensor that does not fit the layer is one line naming both shapes. Also the
// matrix key `offset` (a window of a data file) the preset builds on.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "data_test_util.h"
#include "mmr/core/error.h"
#include "mmr/model/build_model.h"
#include "mmr/scene/load_scene.h"
#include "mmr/scene/scene_parser.h"
#include "mmr/scene/scene_writer.h"

using namespace mmr;
using namespace mmr::test;

namespace {

// A [rows, cols] tensor whose element (r, c) is r * 100 + c (times sign): every value
// says where it came from, and all are exact in float32.
std::vector<double> coded(size_t rows, size_t cols, double sign = 1) {
    std::vector<double> v;
    for (size_t r = 0; r < rows; ++r)
        for (size_t c = 0; c < cols; ++c) v.push_back(sign * double(r * 100 + c));
    return v;
}

const Leaf& leaf_named(const Model& m, const std::string& name) {
    for (const Leaf& l : m.leaves)
        if (l.spec.name == name) return l;
    FAIL("no matrix " << name);
    return m.leaves.front();
}

std::string load_error(const std::string& path, const LoadOptions& o = {}) {
    try {
        build_model(load_scene(path, o));
    } catch (const Error& e) {
        const std::string m = e.what();
        CHECK(m.find('\n') == std::string::npos);
        return m;
    }
    return "";
}

// MHA, d_model 16, 2 heads of 8: wq/wk/wv are 16x16 ([out, in]), drawn at scale 2
// (head dims 4, inputs 8).
const char* kMha =
    "attention:\n"
    "  variant: mha\n"
    "  d_model: 16\n"
    "  heads: 2\n"
    "  seq: 4\n"
    "  show: {scale: 2}\n"
    "  weights: {file: w.safetensors, wq: q, wk: k, wv: v, wo: o}\n";

}  // namespace

TEST_CASE("offset: a matrix shows a window of a data file, transposed or not") {
    TempDir dir;
    dir.write("a.npy", npy_bytes(coded(5, 7), {5, 7}, "f4"));
    const std::string scene = dir.path + "/s.yaml";
    Model m = build_model(parse_scene(
        "expr: A @ B\nmatrices:\n  A: {file: a.npy, shape: [2, 3], offset: [1, 4]}\n"
        "  B: {file: a.npy, shape: [3, 2], transpose: true, offset: [4, 1]}\n",
        scene));
    const Matrix& a = leaf_named(m, "A").values;
    CHECK(a.at(0, 0) == 104.0f);  // row 1, column 4
    CHECK(a.at(1, 2) == 206.0f);
    const Matrix& b = leaf_named(m, "B").values;  // rows of B = columns of the file
    CHECK(b.at(0, 0) == 104.0f);                  // B[0][0] = a[1][4]
    CHECK(b.at(2, 1) == 206.0f);                  // B[2][1] = a[2][6]
    // Without a shape the window runs to the data's end.
    Model whole = build_model(parse_scene("expr: A @ B\nmatrices:\n  A: {file: a.npy, offset: [3, 5]}\n", scene));
    CHECK(leaf_named(whole, "A").values.h == 2);
    CHECK(leaf_named(whole, "A").values.w == 2);
    CHECK(leaf_named(whole, "A").values.at(1, 1) == 406.0f);
    // It round-trips through the scene writer.
    const SceneSpec s = parse_scene("expr: A @ B\nmatrices:\n  A: {file: a.npy, shape: [2, 3], offset: [1, 4]}\n", scene);
    CHECK(write_scene(s).find("offset: [1, 4]") != std::string::npos);
    // A window that does not fit names both shapes.
    CHECK_THROWS_WITH_AS(
        build_model(parse_scene("expr: A @ B\nmatrices:\n  A: {file: a.npy, shape: [3, 3], offset: [3, 0]}\n", scene)),
        doctest::Contains("matrix 'A' is 3x3 but its data (a.npy) has only 2x7 from offset [3, 0]; give a smaller "
                          "shape or offset"),
        Error);
    CHECK_THROWS_WITH_AS(parse_scene("expr: A @ B\nmatrices:\n  A: {file: a.npy, offset: [-1, 0]}\n", scene),
                         doctest::Contains("'matrices.A.offset' must be two whole numbers from 0: [row, column]"),
                         Error);
    dir.write("c.csv", "1,2\n3,4\n");
    CHECK_THROWS_WITH_AS(
        build_model(parse_scene("expr: A @ B\nmatrices:\n  A: {file: c.csv, shape: [2, 2], offset: [0, 0]}\n", scene)),
        doctest::Contains("'offset' apply to .npy, .npz and .safetensors data, not CSV"), Error);
}

TEST_CASE("attention.weights: the drawn wK_t and wV are windows of KV head 0 of the real k and v") {
    TempDir dir;
    dir.write("w.safetensors", safetensors_bytes({{"q", "F32", {16, 16}, coded(16, 16, 0.5)},
                                                  {"k", "F32", {16, 16}, coded(16, 16)},
                                                  {"v", "F32", {16, 16}, coded(16, 16, -1)},
                                                  {"o", "BF16", {16, 16}, std::vector<double>(256, 0.5)}}));
    const std::string path = dir.write("s.yaml", kMha);
    const SceneSpec s = load_scene(path);
    const Model m = build_model(s);
    // wK_t is drawn [head dims, inputs] = k's own layout: k[0:4, 0:8].
    const Matrix& wk = leaf_named(m, "wK_t").values;
    REQUIRE(wk.h == 4);
    REQUIRE(wk.w == 8);
    for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 8; ++j) CHECK(wk.at(i, j) == float(i * 100 + j));
    // wV is drawn [inputs, head dims]: v[0:4, 0:8] transposed.
    const Matrix& wv = leaf_named(m, "wV").values;
    REQUIRE(wv.h == 8);
    REQUIRE(wv.w == 4);
    for (int i = 0; i < 8; ++i)
        for (int j = 0; j < 4; ++j) CHECK(wv.at(i, j) == -float(j * 100 + i));
    // The expanded scene says so (and reads back as the same scene).
    const std::string expanded = write_scene(s);
    CHECK(expanded.find("wK_t: {shape: [4, 8], file: w.safetensors, tensor: k, offset: [0, 0]}") != std::string::npos);
    CHECK(expanded.find("wV: {shape: [8, 4], file: w.safetensors, tensor: v, transpose: true, offset: [0, 0]}") !=
          std::string::npos);
    const SceneSpec back = parse_scene(expanded, path);
    CHECK(write_scene(back) == expanded);
    // Everything else is unchanged: Q and X stay seeded random (gaussian).
    CHECK(*leaf_named(m, "Q").spec.init == "gaussian");

    // layout: in_out reads the same tensors stored [in, out] (no transposes flipped by hand).
    dir.write("t.safetensors", safetensors_bytes({{"kT", "F32", {16, 16}, coded(16, 16)}}));
    const std::string p2 = dir.write("t.yaml", std::string(kMha).replace(
        std::string(kMha).find("weights:"), std::string::npos, "weights: {file: t.safetensors, layout: in_out, wk: kT}\n"));
    const Model m2 = build_model(load_scene(p2));
    const Matrix& wk2 = leaf_named(m2, "wK_t").values;
    for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 8; ++j) CHECK(wk2.at(i, j) == float(j * 100 + i));
}

TEST_CASE("attention.weights: GQA with .npz and MLA's latent and per-head up-projections") {
    TempDir dir;
    // GQA: d_model 16, 4 heads of 4, 2 KV heads: wk and wv are [8, 16].
    dir.write("g.npz", zip_bytes({{"wk.npy", npy_bytes(coded(8, 16), {8, 16}, "f4")},
                                  {"wv.npy", npy_bytes(coded(8, 16, -1), {8, 16}, "f4"), true}}));
    const std::string gqa = dir.write(
        "g.yaml",
        "attention: {variant: gqa, d_model: 16, heads: 4, kv_heads: 2, seq: 3, show: {scale: 1},"
        " weights: {file: g.npz, wk: wk, wv: wv}}\n");
    const Model g = build_model(load_scene(gqa));
    const Matrix& wk = leaf_named(g, "wK_t").values;
    REQUIRE(wk.h == 4);
    REQUIRE(wk.w == 16);
    CHECK(wk.at(3, 15) == 315.0f);
    CHECK(leaf_named(g, "wV").values.at(15, 3) == -315.0f);
    CHECK(write_scene(load_scene(gqa)).find("file: g.npz, array: wk") != std::string::npos);

    // MLA: d_model 16, 2 heads, head_dim 4, v_head_dim 3, kv_latent 8, rope_dim 2:
    // wkv_a is [8 + 2, 16], wkv_b is [2 * (4 + 3), 8]; per head, K rows then V rows.
    dir.write("m.safetensors", safetensors_bytes({{"kv_a", "F32", {10, 16}, coded(10, 16)},
                                                  {"kv_b", "F32", {14, 8}, coded(14, 8)}}));
    const std::string mla = dir.write(
        "m.yaml",
        "attention: {variant: mla, d_model: 16, heads: 2, head_dim: 4, v_head_dim: 3, kv_latent: 8, rope_dim: 2,"
        " seq: 3, show: {scale: 1}, weights: {file: m.safetensors, wkv_a: kv_a, wkv_b: kv_b}}\n");
    const Model ml = build_model(load_scene(mla));
    CHECK(leaf_named(ml, "wDKV_t").values.at(7, 15) == 715.0f);  // latent rows 0..7 of kv_a
    CHECK(leaf_named(ml, "wDKV").values.at(15, 7) == 715.0f);
    CHECK(leaf_named(ml, "wUK_t").values.at(3, 7) == 307.0f);    // head 0's K rows 0..3
    const Matrix& uv = leaf_named(ml, "wUV").values;              // head 0's V rows 4..6, transposed
    REQUIRE(uv.h == 8);
    REQUIRE(uv.w == 3);
    CHECK(uv.at(0, 0) == 400.0f);
    CHECK(uv.at(7, 2) == 607.0f);
}

TEST_CASE("attention.weights: wrong shape, missing tensor, missing file, outside the folder: one line each") {
    TempDir dir;
    dir.write("w.safetensors", safetensors_bytes({{"q", "F32", {16, 16}, coded(16, 16)},
                                                  {"k8", "F32", {8, 16}, coded(8, 16)},
                                                  {"kT", "F32", {16, 8}, coded(16, 8)}}));
    auto scene = [&](const std::string& name, const std::string& weights) {
        return dir.write(name, "attention: {variant: gqa, d_model: 16, heads: 4, kv_heads: 1, seq: 2,\n"
                               "  weights: " + weights + "}\n");
    };
    // GQA with one KV head of 4: wk must be [4, 16].
    CHECK(load_error(scene("a.yaml", "{file: w.safetensors, wk: k8}")) ==
          dir.path + "/a.yaml:2:38: attention.weights.wk: 'k8' is 8x16 but this GQA layer needs 4x16 ([out, in]: 4 "
                     "outputs, 16 inputs); name this layer's wk tensor, or fix the sizes (d_model, heads, kv_heads, "
                     "head_dim)");
    // Stored the other way round: the fix names the layout key.
    dir.write("w2.safetensors", safetensors_bytes({{"kT", "F32", {16, 4}, coded(16, 4)}}));
    CHECK(load_error(scene("b.yaml", "{file: w2.safetensors, wk: kT}"))
              .find("'kT' is 16x4 but this GQA layer needs 4x16 ([out, in]: 4 outputs, 16 inputs); the tensor is "
                    "stored the other way round: write 'layout: in_out' in 'attention.weights'") != std::string::npos);
    CHECK(load_error(scene("c.yaml", "{file: w.safetensors, wq: nope}"))
              .find("attention.weights.wq: " + dir.path + "/w.safetensors: no tensor 'nope' in this file") !=
          std::string::npos);
    CHECK(load_error(scene("d.yaml", "{file: gone.safetensors, wq: q}"))
              .find("d.yaml:2:41: attention.weights.wq: the weights file 'gone.safetensors' does not exist") !=
          std::string::npos);
    // A scene in a subfolder may not read its parent's file (data confinement).
    std::filesystem::create_directory(dir.path + "/sub");
    const std::string outside = scene("sub/e.yaml", "{file: ../w.safetensors, wq: q}");
    CHECK(load_error(outside).find("attention.weights.wq: the weights file '../w.safetensors' is outside the scene's "
                                   "folder and the data folders; put the file there, or pass --allow-any-path") !=
          std::string::npos);
    LoadOptions any;
    any.allow_any_path = true;
    CHECK(load_error(outside, any) == "");
    CHECK(load_error(scene("f.yaml", "{file: w.safetensors, wkv_a: q}")).find("unknown key 'attention.weights.wkv_a'") !=
          std::string::npos);
    dir.write("x.csv", "1,2\n");
    CHECK(load_error(scene("g.yaml", "{file: x.csv, wq: q}")).find("'x.csv' is not a tensor file") != std::string::npos);
    CHECK(load_error(scene("h.yaml", "{file: w.safetensors}")).find("'attention.weights' names no projection") !=
          std::string::npos);
}
