// link -> YAML -> link -> YAML is stable, in both link forms, and the exported link
// means what the original did.
#include <doctest/doctest.h>

#include "import_test_util.h"
#include "mmr/model/build_model.h"
#include "mmr/scene/mm_params.h"
#include "mmr/scene/scene_parser.h"
#include "mmr/scene/scene_writer.h"

using namespace mmr;
using namespace mmr::test;

namespace {

std::string yaml_of(const std::string& link) {
    return write_scene(scene_from_params(decode_mm_link(link), {}, "mm link"));
}

// The meaning of a params object without names of no consequence.
std::string meaning(const OJson& p) {
    std::string s;
    for (const Expected& e : expected_nodes(p)) {
        s += e.path + "|" + e.name + "|" + std::to_string(e.rows) + "x" + std::to_string(e.cols) + "|" + e.alg +
             "|" + e.fuse + "|" + std::to_string(e.positive) + std::to_string(e.left_right) +
             std::to_string(e.right_bottom) + std::to_string(e.result_back) + "|" + std::to_string(e.ib) +
             std::to_string(e.kb) + std::to_string(e.jb) + "|" + e.init + "|" + e.js + "|" + e.url + "|" +
             js_number_text(e.gap) + "|" + js_number_text(e.legends) + "|" + e.sensitivity + "|" + e.epilog;
        for (const auto& [k, v] : e.viz) s += "|" + js_number_text(v);
        s += "\n";
    }
    return s;
}

}  // namespace

TEST_CASE("round trip: link -> YAML -> link -> YAML gives the same YAML") {
    for (const Fixture& f : fixtures()) {
        CAPTURE(f.name);
        for (const std::string& link : {json_link(f.params), compressed_link(f.params)}) {
            const std::string y1 = yaml_of(link);
            const SceneSpec s1 = parse_scene(y1, "scene.yaml");
            const OJson exported = params_from_scene(s1);
            const std::string y2 = yaml_of(encode_mm_link_json(exported));
            CHECK(y1 == y2);
            CHECK(yaml_of(encode_mm_link_compressed(exported)) == y1);
            // the exported link means what the original did
            CHECK(meaning(decode_mm_link(encode_mm_link_json(exported))) == meaning(f.params));
            // and it is a complete mm params object
            CHECK(exported["expr"] == f.params["expr"]);
            CHECK(exported["cam"]["x"] == f.params["cam"]["x"]);
        }
    }
}

TEST_CASE("round trip: scene YAML -> link keeps scene settings mm can hold") {
    const std::string y =
        "expr: out = (h = X @ W1) @ W2\n"
        "matrices:\n"
        "  X: {shape: [8, 12], init: gaussian, min: -2, max: 2, dropout: 0.25}\n"
        "  W1: {shape: [12, 6], expr: \"i == j\"}\n"
        "  W2: {shape: [6, 4], file: w2.csv}\n"
        "matmuls:\n"
        "  h: {epilog: gelu, k_blocks: 3, anim: {alg: vvprod}, viz: {sensitivity: local}}\n"
        "blocks: {i: 2}\n"
        "anim: {alg: vmprod, fuse: sync, spin: 2}\n"
        "layout: {scheme: zigzag, gap: 6, polarity: positive}\n"
        "deco: {legends: 3, axes: true}\n";
    const SceneSpec s = parse_scene(y, "scene.yaml");
    const OJson p = params_from_scene(s);
    CHECK(p["expr"] == "out = (h = X @ W1) @ W2");
    CHECK(p["left"]["name"] == "h");
    CHECK(p["left"]["epilog"] == "gelu");
    CHECK(p["left"]["block"]["k blocks"] == 3);
    CHECK(p["left"]["anim"]["alg"] == "vvprod");
    CHECK(p["left"]["viz"]["sensitivity"] == "local");
    CHECK(p["left"]["left"]["dropout"] == 0.25);
    CHECK(p["left"]["right"]["init"] == "expr");
    CHECK(p["right"]["init"] == "url");
    CHECK(p["right"]["url"] == "w2.csv");
    CHECK(p["layout"]["scheme"] == "zigzag");
    CHECK(p["layout"]["polarity"] == "positive");
    CHECK(p["deco"]["axes"] == true);
    CHECK(p["anim"]["spin"] == 2);
    // the camera was not set: mm's default, scaled to the scene as mm does
    CHECK(p["cam"]["x"].get<double>() < 0);
    // and back: the same scene (the CSV file is now a url)
    const SceneSpec back = scene_from_params(decode_mm_link(encode_mm_link_json(p)), {}, "mm link");
    CHECK(back.matmuls.at("h").epilog == "gelu");
    CHECK(back.matmuls.at("h").k_blocks == std::optional<int>(3));
    CHECK(back.matrices.at("X").dropout == 0.25);
    CHECK(back.matrices.at("W2").url == "w2.csv");
    CHECK(back.layout.scheme == "zigzag");
}
