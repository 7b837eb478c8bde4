// Every article link, imported to a YAML scene, builds the model mm builds from the
// link: shapes, names, epilogs, blocks, effective settings, camera.
#include <doctest/doctest.h>

#include <functional>

#include "import_test_util.h"
#include "mmr/core/error.h"
#include "mmr/model/build_model.h"
#include "mmr/scene/load_scene.h"
#include "mmr/scene/mm_params.h"
#include "mmr/scene/scene_parser.h"
#include "mmr/scene/scene_writer.h"

using namespace mmr;
using namespace mmr::test;

namespace {

std::vector<const Node*> pre_order(const Node& root) {
    std::vector<const Node*> out;
    std::function<void(const Node&)> walk = [&](const Node& n) {
        out.push_back(&n);
        if (n.matmul) {
            walk(*n.left);
            walk(*n.right);
        }
    };
    walk(root);
    return out;
}

void compare(const Model& m, const std::vector<Expected>& want) {
    const std::vector<const Node*> got = pre_order(*m.root);
    REQUIRE(got.size() == want.size());
    for (size_t i = 0; i < got.size(); ++i) {
        const Node& n = *got[i];
        const Expected& e = want[i];
        CAPTURE(e.path);
        CHECK(n.name == e.name);
        CHECK(n.matmul == e.matmul);
        CHECK(n.rows == e.rows);
        CHECK(n.cols == e.cols);
        CHECK(n.anim.alg == e.alg);
        CHECK(n.anim.fuse == e.fuse);
        CHECK(n.anim.hide_inputs == e.hide_inputs);
        CHECK(n.anim.speed == e.speed);
        CHECK(n.anim.spin == e.spin);
        CHECK(n.layout.scheme == e.scheme);
        CHECK(n.layout.gap == e.gap);
        CHECK(n.layout.scatter == e.scatter);
        CHECK(n.layout.molecule == e.molecule);
        CHECK(n.layout.blast == e.blast);
        CHECK(n.deco.legends == e.legends);
        CHECK(n.deco.row_guides == e.row_guides);
        CHECK(n.deco.flow_guides == e.flow_guides);
        CHECK(n.deco.shape == e.shape);
        CHECK(n.deco.axes == e.axes);
        CHECK(n.viz.sensitivity == e.sensitivity);
        CHECK(n.viz.min_size == e.viz.at("min size"));
        CHECK(n.viz.min_light == e.viz.at("min light"));
        CHECK(n.viz.max_light == e.viz.at("max light"));
        CHECK(n.viz.elem_scale == e.viz.at("elem scale"));
        CHECK(n.viz.zero_hue == e.viz.at("zero hue"));
        CHECK(n.viz.hue_gap == e.viz.at("hue gap"));
        CHECK(n.viz.hue_spread == e.viz.at("hue spread"));
        CHECK(n.row_blocks == e.row_blocks);
        CHECK(n.col_blocks == e.col_blocks);
        if (n.matmul) {
            CHECK(n.depth == e.depth);
            CHECK(n.epilog == e.epilog);
            CHECK(n.orient.positive == e.positive);
            CHECK(n.orient.left_right == e.left_right);
            CHECK(n.orient.right_bottom == e.right_bottom);
            CHECK(n.orient.result_back == e.result_back);
            CHECK(n.blocks.i == e.ib);
            CHECK(n.blocks.k == e.kb);
            CHECK(n.blocks.j == e.jb);
        } else {
            const LeafSpec& l = m.leaves[static_cast<size_t>(n.leaf)].spec;
            CHECK(*l.h == e.rows);
            CHECK(*l.w == e.cols);
            CHECK(*l.init == e.init);
            CHECK(l.js == e.js);
            CHECK(l.url == e.url);
            if (e.init == "url") CHECK(l.fallback == std::optional<std::string>("gaussian"));  // no local files
            const bool ranged = e.init == "rows" || e.init == "cols" || e.init == "row major" ||
                                e.init == "col major" || e.init == "uniform" || e.init == "gaussian";
            if (ranged) {
                CHECK(l.min == e.min);
                CHECK(l.max == e.max);
            }
            if (ranged || e.init == "pt linear") CHECK(l.dropout == e.dropout);
        }
    }
}

// link -> scene YAML -> SceneSpec, as `mmr import` and then `mmr still scene.yaml` do.
SceneSpec imported(const std::string& link, const std::string& data_dir) {
    ImportOptions io;
    io.scene_dir = data_dir;
    const SceneSpec s = scene_from_params(decode_mm_link(link), io, "mm link");
    return parse_scene(write_scene(s), data_dir + "/scene.yaml");
}

}  // namespace

TEST_CASE("import: every article link gives a scene with mm's meaning") {
    const std::string empty_dir = std::filesystem::temp_directory_path().string();
    for (const Fixture& f : fixtures()) {
        CAPTURE(f.name);
        const std::vector<Expected> want = expected_nodes(f.params);
        for (const std::string& link : {json_link(f.params), compressed_link(f.params)}) {
            const SceneSpec s = imported(link, empty_dir);
            const Model m = build_structure(s);
            compare(m, want);
            CHECK(m.camera.position_set);
            CHECK(m.camera.position.x == f.params["cam"]["x"].get<double>());
            CHECK(m.camera.position.y == f.params["cam"]["y"].get<double>());
            CHECK(m.camera.position.z == f.params["cam"]["z"].get<double>());
            const OJson t = f.params["cam"].value("target", OJson{{"x", 0}, {"y", 0}, {"z", 0}});
            CHECK(m.camera.target.x == t["x"].get<double>());
            CHECK(m.camera.target.y == t["y"].get<double>());
            CHECK(m.camera.target.z == t["z"].get<double>());
            // `still LINK` builds the same scene directly
            const SceneSpec direct = load_scene(link);
            CHECK(direct.expr == s.expr);
            CHECK(write_scene(direct) == write_scene(s));
        }
    }
}

TEST_CASE("import: the scene text is short and says only what differs") {
    const auto all = fixtures();
    const SceneSpec s = scene_from_params(all[0].params, {}, "p");  // 01-pitch
    const std::string y = write_scene(s);
    CHECK(y ==
          "expr: \"L @ R\"\n"
          "matrices:\n"
          "  L: {shape: [32, 24], expr: \"-2 * (Math.trunc(i / 8) % 2) + 1\"}\n"
          "  R: {shape: [24, 32], expr: \"-2 * (Math.trunc(j / 8) % 2) + 1\"}\n"
          "layout: {gap: 3}\n"
          "deco: {row_guides: 1}\n"
          "viz: {sensitivity: semilocal, min_size: 0.196, max_light: 0.6, elem_scale: 0.8227}\n"
          "camera: {position: [-48.763575165818956, 43.72517618222101, 33.70077275818966]}\n");
    // 18: GPT-2 CSV files are not here: gaussian stand-ins with a comment naming the file
    const std::string y18 = write_scene(scene_from_params(all[17].params, {}, "p"));
    CHECK(y18.find("  # stand-in for layer5_wq4_768_64.csv: put the file in --data-dir to use the real weights\n"
                   "  wQ: {shape: [768, 64], url: \"https://raw.githubusercontent.com/bhosmer/testdata/main/"
                   "weights/gpt2/layer5_wq4_768_64.csv\", fallback: gaussian}\n") != std::string::npos);
    // 34: one name, two different matrices (1x768 for Q, 256x768 for V)
    const std::string y34 = write_scene(scene_from_params(all[33].params, {}, "p"));
    CHECK(y34.find("  input_0_5:  # one matrix per occurrence, in expression order\n") != std::string::npos);
    CHECK(y34.find("    - {shape: [1, 768], url:") != std::string::npos);
    CHECK(y34.find("    - {shape: [256, 768], url:") != std::string::npos);
}

TEST_CASE("import: mm's quirks") {
    OJson p = fixtures()[10].params;  // 11-left-assoc: A @ B @ C
    SUBCASE("a right leaf is D x W: its own h is ignored") {
        p["right"]["h"] = 5;  // C: mm builds 96x32 regardless
        const Model m = build_structure(scene_from_params(p, {}, "p"));
        CHECK(m.root->right->rows == 96);
    }
    SUBCASE("leaf keys leaked into matmul nodes and embedded params copies are ignored") {
        p["left"]["h"] = 7;
        p["left"]["init"] = "eye";
        p["left"]["cam"] = {{"x", 1}, {"y", 2}, {"z", 3}};
        p["left"]["expr"] = "whatever";
        p["left"]["diag"] = {{"url", "x"}};
        p["left"]["compress"] = "true";
        p["left"]["folder"] = "open";
        const std::string a = write_scene(scene_from_params(p, {}, "p"));
        const std::string b = write_scene(scene_from_params(fixtures()[10].params, {}, "p"));
        CHECK(a == b);
    }
    SUBCASE("stored child orientation keys are used as given") {
        p["left"]["layout"]["polarity"] = "negative";  // the blocks rule says positive
        const SceneSpec s = scene_from_params(p, {}, "p");
        CHECK(s.matmuls.at("A @ B").layout.positive == std::optional<bool>(false));
        CHECK(!s.matmuls.at("A @ B").layout.left_right);  // same as the rule: not written
        CHECK(build_structure(s).root->left->orient.positive == false);
        CHECK(write_scene(s).find("\"A @ B\": {layout: {polarity: negative}}") != std::string::npos);
    }
    SUBCASE("a right matmul operand of the wrong height is rejected") {
        OJson q = fixtures()[13].params;  // 14-right-assoc: A @ (B @ C)
        q["left"]["w"] = 50;
        CHECK_THROWS_WITH_AS(scene_from_params(q, {}, "mm link"), doctest::Contains("shapes do not chain"), Error);
    }
    SUBCASE("values mm cannot show are errors naming the params path") {
        p["left"]["left"]["h"] = "tall";
        CHECK_THROWS_WITH_AS(scene_from_params(p, {}, "mm link"),
                             doctest::Contains("mm link: 'left.left.h' is 'tall', not a number"), Error);
    }
    SUBCASE("unknown init") {
        p["right"]["init"] = "ones";
        CHECK_THROWS_WITH_AS(scene_from_params(p, {}, "mm link"),
                             doctest::Contains("'right.init' is 'ones', which mm does not know"), Error);
    }
}
