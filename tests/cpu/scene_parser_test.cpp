#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "mmr/core/error.h"
#include "mmr/scene/scene_parser.h"

using namespace mmr;

static std::string error_of(const std::string& text) {
    try {
        parse_scene(text, "s.yaml");
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

TEST_CASE("scene: a minimal scene is just expr, with mm's defaults") {
    SceneSpec s = parse_scene("expr: A @ B\n", "s.yaml");
    CHECK(s.expr == "A @ B");
    CHECK(s.layout.gap == 4);
    CHECK(s.layout.scheme == "blocks");
    CHECK(s.deco.legends == 6);
    CHECK(s.deco.row_guides == doctest::Approx(0.6));
    CHECK(s.viz.elem_scale == doctest::Approx(1.25));
    CHECK(s.viz.sensitivity == "global");
    CHECK(s.anim.alg == "none");
    CHECK(s.anim.speed == 20);
    CHECK(s.camera.position.x == -48);
    CHECK(!s.camera.position_set);
    CHECK(s.output.width == 1280);
    CHECK(s.blocks.i == 1);
    CHECK(!s.orientation.positive);
}

TEST_CASE("scene: every group is read, in snake_case and in mm's spelling") {
    SceneSpec s = parse_scene(R"(
expr: out = A @ B
seed: 7
matrices:
  A: {shape: [8, 4], init: gaussian, min: -2, max: 2, dropout: 0.25}
  B: {expr: "i == j"}
matmuls:
  out: {epilog: softmax, k_blocks: 2, anim: {alg: vmprod}, polarity: positive}
blocks: {i: 2, j: 3}
layout: {gap: 2.5, "left placement": right, scheme: zigzag, scatter: 4, molecule: 2, blast: -1}
deco: {legends: 3, shape: false, row_guides: 0.2, "flow guides": 0, axes: true}
viz: {sensitivity: local, min_size: 0.1, "elem scale": 0.9, hue_gap: 0.5}
camera: {position: [1, 2, 3], target: {x: 4, y: 5, z: 6}, fov: 30}
output: {width: 640, height: 480, background: "#102030"}
anim: {alg: vvprod, speed: 12, spin: 2, hide_inputs: true, fuse: sync}
)", "s.yaml");
    CHECK(s.seed == 7);
    REQUIRE(s.matrices.count("A"));
    CHECK(*s.matrices["A"].h == 8);
    CHECK(*s.matrices["A"].w == 4);
    CHECK(*s.matrices["A"].init == "gaussian");
    CHECK(s.matrices["A"].min == -2);
    CHECK(s.matrices["A"].dropout == 0.25);
    CHECK(*s.matrices["B"].init == "expr");
    CHECK(s.matrices["B"].js == "i == j");
    CHECK(s.matmuls["out"].epilog == "softmax");
    CHECK(*s.matmuls["out"].k_blocks == 2);
    CHECK(*s.matmuls["out"].anim.alg == "vmprod");
    CHECK(*s.matmuls["out"].layout.positive);
    CHECK(s.blocks.i == 2);
    CHECK(s.blocks.j == 3);
    CHECK(s.blocks.k == 1);
    CHECK(s.layout.gap == 2.5);
    CHECK(s.orientation.left_right);
    CHECK(s.layout.scheme == "zigzag");
    CHECK(s.layout.molecule == 2);
    CHECK(s.layout.blast == -1);
    CHECK(s.deco.legends == 3);
    CHECK(!s.deco.shape);
    CHECK(s.deco.flow_guides == 0);
    CHECK(s.deco.axes);
    CHECK(s.viz.sensitivity == "local");
    CHECK(s.viz.elem_scale == doctest::Approx(0.9));
    CHECK(s.camera.position_set);
    CHECK(s.camera.position.z == 3);
    CHECK(s.camera.target.y == 5);
    CHECK(s.camera.fov == 30);
    CHECK(s.output.width == 640);
    CHECK(s.output.background[0] == doctest::Approx(16 / 255.0));
    CHECK(s.anim.alg == "vvprod");
    CHECK(s.anim.hide_inputs);
    CHECK(s.anim.fuse == "sync");
}

TEST_CASE("scene: the expression's location accounts for quotes") {
    SceneSpec s = parse_scene("seed: 1\nexpr: \"A @ B\"\n", "s.yaml");
    CHECK(s.expr_loc.line == 2);
    CHECK(s.expr_loc.column == 8);
}

TEST_CASE("scene: bad input gives one-line errors with file:line:column") {
    CHECK(error_of("expr: [A @ B\n").rfind("s.yaml:", 0) == 0);
    CHECK(error_of("expr: [A @ B\n").find("malformed YAML") != std::string::npos);
    CHECK(error_of("expr: A @ B\ndeco:\n  lgends: 3\n") ==
          "s.yaml:3:3: unknown key 'deco.lgends'; did you mean 'legends'?");
    CHECK(error_of("expr: A @ B\ncolour: red\n") .find("s.yaml:2:1: unknown key 'colour'") == 0);
    CHECK(error_of("expr: A @ B\nmatrices:\n  A: {init: gausian}\n") ==
          "s.yaml:3:13: unknown init 'gausian' in 'matrices.A.init'; did you mean 'gaussian'? "
          "choose one of: rows, cols, row major, col major, pt linear, uniform, gaussian, tril mask, "
          "triu mask, eye, diff, url, expr, csv (what each does: docs/values.md)");
    CHECK(error_of("expr: A @ B\nblocks: {i: 2, i_blocks: 3}\n") ==
          "s.yaml:2:26: 'blocks.i' is given twice, as 'i' and 'i_blocks'; keep one of them");
    // the page named for each choice exists in the repository
    for (const char* page : {"docs/values.md", "docs/layout.md", "docs/look.md", "docs/animation.md"})
        CHECK_MESSAGE(std::ifstream(std::string(MMR_SOURCE_DIR) + "/" + page).good(), page);
    CHECK(error_of("expr: A @ B\nviz: {sensitivity: lokal}\n").find("(what each does: docs/look.md)") !=
          std::string::npos);
    CHECK(error_of("expr: A @ B\nmatmuls:\n  A @ B: {epilog: softmx}\n")
              .find("unknown epilog 'softmx' in 'matmuls.A @ B.epilog'; did you mean 'softmax'?") !=
          std::string::npos);
    CHECK(error_of("expr: A @ B\nlayout: {scheme: wheels}\n").find("did you mean 'wheel'") !=
          std::string::npos);
    CHECK(error_of("expr: A @ B\nmatrices:\n  A: {shape: [0, 4]}\n") ==
          "s.yaml:3:14: 'matrices.A.shape' is [0, 4]; sizes must be positive; use at least 1 row and 1 column");
    CHECK(error_of("expr: A @ B\nmatrices:\n  A: {shape: [-3, 4]}\n").find("sizes must be positive") !=
          std::string::npos);
    CHECK(error_of("expr: A @ B\nmatrices:\n  A: {shape: 4}\n").find("must be [rows, cols]") !=
          std::string::npos);
    CHECK(error_of("expr: A @ B\ndeco: {row_guides: 3}\n") ==
          "s.yaml:2:20: 'deco.row_guides' is 3, out of range; use a value from 0 to 1");
    CHECK(error_of("expr: A @ B\nblocks: {i: 1.5}\n").find("must be a whole number") !=
          std::string::npos);
    CHECK(error_of("expr: A @ B\ndeco: {legends: big}\n").find("'deco.legends' must be a number") !=
          std::string::npos);
    CHECK(error_of("expr: A @ B\nlayout: {gap: 2, gap: 3}\n").find("given twice") != std::string::npos);
    CHECK(error_of("expr: A @ B\nlayout: {min size: 2, gap: 3}\n").find("unknown key 'layout.min size'") != std::string::npos);
    CHECK(error_of("expr: A @ B\noutput: {background: reddish}\n").find("must be a colour") != std::string::npos);
    CHECK(error_of("") == "s.yaml: the scene is empty; write at least 'expr: A @ B'");
    CHECK(error_of("- a\n- b\n").find("must be a mapping") != std::string::npos);
}

TEST_CASE("scene: a missing file is an error naming it") {
    try {
        load_scene_file("/nonexistent/scene.yaml");
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(std::string(e.what()) == "/nonexistent/scene.yaml: cannot open the scene file; check the path");
    }
}
