// safetensors files load to the exact values for every dtype; names, slices and
// bad headers.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "data_test_util.h"
#include "mmr/core/error.h"
#include "mmr/model/build_model.h"
#include "mmr/model/data.h"
#include "mmr/scene/scene_parser.h"

using namespace mmr;
using namespace mmr::test;

namespace {

LeafSpec leaf(const std::string& file, const std::string& tensor) {
    LeafSpec s;
    s.name = "wQ";
    s.file = file;
    s.entry = tensor;
    s.init = "csv";
    s.loc = {"head.yaml", 5, 3};
    return s;
}

std::string error_of(const TempDir& dir, const LeafSpec& s) { return leaf_error(dir, s, 2, 2); }

}  // namespace

TEST_CASE("safetensors: every dtype loads to the exact values") {
    TempDir dir;
    const std::vector<StTensor> ts = {
        {"f16", "F16", {2, 2}, {1, -0.5, 1024, -3.75}},
        {"bf16", "BF16", {2, 2}, {1, -0.5, 1.2676506002282294e30, -2.5}},
        {"f32", "F32", {2, 2}, {1.1, -0.5, 1e-30, 7}},
        {"f64", "F64", {2, 2}, {1.1, -0.5, 1e-300, 7}},
        {"i8", "I8", {2, 2}, {-128, 127, 0, 1}},
        {"i16", "I16", {2, 2}, {-32768, 32767, 0, 1}},
        {"i32", "I32", {2, 2}, {-2147483648.0, 2147483647.0, 0, 1}},
        {"i64", "I64", {2, 2}, {-1e15, 1e15, 0, 1}},
        {"u8", "U8", {2, 2}, {0, 255, 7, 1}},
        {"u16", "U16", {2, 2}, {0, 65535, 7, 1}},
        {"u32", "U32", {2, 2}, {0, 4294967295.0, 7, 1}},
        {"u64", "U64", {2, 2}, {0, 1e18, 7, 1}},
        {"bool", "BOOL", {2, 2}, {1, 0, 0, 1}},
    };
    dir.write("m.safetensors", safetensors_bytes(ts, "{\"format\":\"pt\"}"));
    for (const StTensor& t : ts) {
        CAPTURE(t.name);
        const Matrix m = load_leaf(dir, leaf("m.safetensors", t.name));
        CHECK(m.h == 2);
        CHECK(m.w == 2);
        CHECK(m.v == as_floats(t.values));
    }
    FileSource f(dir.path + "/m.safetensors");
    CHECK(safetensors_names(f).size() == ts.size());
    CHECK(safetensors_names(f)[1] == "bf16");  // header order, metadata left out
}

TEST_CASE("safetensors: N-D slices, transpose, and shapes from the data in a scene") {
    TempDir dir;
    std::vector<double> v(3 * 4 * 2);
    for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<double>(i) * 0.5;
    dir.write("h.safetensors", safetensors_bytes({{"qkv", "F32", {3, 4, 2}, v}, {"bias", "F32", {4}, {1, 2, 3, 4}}}));
    LeafSpec s = leaf("h.safetensors", "qkv");
    s.index = {2};
    Matrix m = load_leaf(dir, s);
    CHECK(m.h == 4);
    CHECK(m.w == 2);
    CHECK(m.at(3, 1) == static_cast<float>((2 * 8 + 3 * 2 + 1) * 0.5));
    s.transpose = true;
    m = load_leaf(dir, s);
    CHECK(m.h == 2);
    CHECK(m.at(1, 3) == static_cast<float>((2 * 8 + 3 * 2 + 1) * 0.5));
    const Matrix b = load_leaf(dir, leaf("h.safetensors", "bias"));
    CHECK(b.h == 1);
    CHECK(b.w == 4);
    Model model = build_model(parse_scene(
        "expr: Q = X @ W\nmatrices:\n  W: {file: h.safetensors, tensor: qkv, index: [1]}\n", dir.path + "/s.yaml"));
    CHECK(model.root->depth == 4);
    CHECK(model.root->cols == 2);
    CHECK(model.root->rows == 32);
}

TEST_CASE("safetensors: bad files are one-line errors") {
    TempDir dir;
    const std::string good = safetensors_bytes({{"wq", "F32", {2, 2}, {1, 2, 3, 4}}, {"wk", "F32", {2, 2}, {5, 6, 7, 8}}});
    dir.write("g.safetensors", good);
    SUBCASE("a tensor that is not in the file lists those that are") {
        CHECK(error_of(dir, leaf("g.safetensors", "wv")).find("no tensor 'wv' in this file; did you mean 'wq'? tensors in it: wq, wk") !=
              std::string::npos);
        CHECK(error_of(dir, leaf("g.safetensors", "")).find("add 'tensor: NAME'; tensors in it: wq, wk") != std::string::npos);
    }
    SUBCASE("truncated") {
        dir.write("t.safetensors", good.substr(0, good.size() - 4));
        CHECK(error_of(dir, leaf("t.safetensors", "wk")).find("truncated: its data ends at byte 32 of the data section, which has only 28 bytes") !=
              std::string::npos);
        dir.write("t2.safetensors", good.substr(0, 20));
        CHECK(error_of(dir, leaf("t2.safetensors", "wk")).find("truncated: the header says it is") != std::string::npos);
        dir.write("t3.safetensors", good.substr(0, 5));
        CHECK(error_of(dir, leaf("t3.safetensors", "wk")).find("shorter than a safetensors header") != std::string::npos);
    }
    SUBCASE("a header that lies about the size") {
        std::string bad = good;
        bad.replace(bad.find("[2,2]"), 5, "[9,9]");
        dir.write("l.safetensors", bad);
        CHECK(error_of(dir, leaf("l.safetensors", "wq")).find("the header says 9x9 float32 (324 bytes) but its data_offsets span 16 bytes") !=
              std::string::npos);
        std::string off = good;
        off.replace(off.find("[0,16]"), 6, "[0,99]");
        dir.write("o.safetensors", off);
        CHECK(error_of(dir, leaf("o.safetensors", "wq")).find("truncated") != std::string::npos);
    }
    SUBCASE("unsupported dtype") {
        std::string bad = good;
        bad.replace(bad.find("\"F32\""), 5, "\"F8E\"");
        dir.write("d.safetensors", bad);
        CHECK(error_of(dir, leaf("d.safetensors", "wq")).find("dtype 'F8E' is not supported; supported: F16, BF16") !=
              std::string::npos);
    }
    SUBCASE("not JSON") {
        std::string bad = good;
        bad[8] = '[';
        dir.write("j.safetensors", bad);
        CHECK(error_of(dir, leaf("j.safetensors", "wq")).find("header is not a JSON object") != std::string::npos);
    }
    SUBCASE("a shape that does not fit the matrix") {
        CHECK(error_of(dir, leaf("g.safetensors", "wq")).empty());  // 2x2 fits
        LeafSpec s = leaf("g.safetensors", "wq");
        try {
            Rng rng(1);
            init_matrix(s, "csv", 3, 2, rng, DataPaths{dir.path, {}});
            CHECK(false);
        } catch (const Error& e) {
            CHECK(std::string(e.what()).find("'wq' is 2x2 but matrix 'wQ' is 3x2") != std::string::npos);
        }
    }
}

TEST_CASE("examples/pytorch-head: the scenes build from the files dump_head.py writes") {
    TempDir dir;
    const size_t T = 8, d = 768, dh = 64;
    auto ramp = [](size_t n, double scale) {
        std::vector<double> v(n);
        for (size_t i = 0; i < n; ++i) v[i] = (static_cast<double>(i % 97) - 48) * scale;
        return v;
    };
    const std::vector<StTensor> ts = {{"input", "F32", {T, d}, ramp(T * d, 0.01)},
                                      {"wq", "F32", {d, dh}, ramp(d * dh, 0.001)},
                                      {"wk", "F32", {d, dh}, ramp(d * dh, 0.002)},
                                      {"wv", "F32", {d, dh}, ramp(d * dh, 0.003)},
                                      {"wo", "F32", {dh, d}, ramp(dh * d, 0.004)}};
    dir.write("head.safetensors", safetensors_bytes(ts, "{\"model\":\"gpt2\"}"));
    for (const StTensor& t : ts) dir.write(t.name + ".npy", npy_bytes(t.values, t.shape, "f4"));
    for (const char* scene : {"head.yaml", "head-npy.yaml"}) {
        CAPTURE(scene);
        std::ifstream in(std::string(MMR_SOURCE_DIR) + "/examples/pytorch-head/" + scene);
        std::stringstream text;
        text << in.rdbuf();
        const Model m = build_model(parse_scene(text.str(), dir.path + "/" + scene));
        CHECK(m.root->name == "out");
        CHECK(m.root->rows == static_cast<int>(T));
        CHECK(m.root->cols == static_cast<int>(d));
        const Node& attn = *m.root->left->left;
        CHECK(attn.name == "attn");
        CHECK(attn.rows == static_cast<int>(T));
        CHECK(attn.cols == static_cast<int>(T));
        CHECK(attn.depth == static_cast<int>(dh));
        // wK_t is the transpose of wk
        const Leaf& wk_t = m.leaves[static_cast<size_t>(attn.right->left->leaf)];
        CHECK(wk_t.spec.name == "wK_t");
        CHECK(wk_t.values.at(3, 5) == static_cast<float>(ts[2].values[5 * dh + 3]));
    }
}
