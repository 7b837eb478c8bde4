#include <doctest/doctest.h>

#include "mmr/core/error.h"
#include "mmr/model/build_model.h"
#include "mmr/scene/scene_parser.h"

using namespace mmr;

static Model structure(const std::string& yaml) { return build_structure(parse_scene(yaml, "s.yaml")); }

static std::string error_of(const std::string& yaml) {
    try {
        build_model(parse_scene(yaml, "s.yaml"));
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

TEST_CASE("model: shapes default to 32 and chain through the expression") {
    Model m = structure("expr: A @ B @ C\nmatrices:\n  A: {shape: [5, 6]}\n  C: {shape: [4, 3]}\n");
    const Node& root = *m.root;
    CHECK(root.rows == 5);
    CHECK(root.depth == 4);
    CHECK(root.cols == 3);
    CHECK(root.left->rows == 5);
    CHECK(root.left->depth == 6);
    CHECK(root.left->cols == 4);  // B is inferred 6x4
    const Node& B = *root.left->right;
    CHECK(B.rows == 6);
    CHECK(B.cols == 4);
    Model d = structure("expr: L @ R\n");
    CHECK(d.root->rows == 32);
    CHECK(d.root->depth == 32);
    CHECK(d.root->cols == 32);
}

TEST_CASE("model: a name used twice is one matrix with one set of values") {
    Model m = build_model(parse_scene(
        "expr: (Q = X @ W) @ (K = W2 @ X2) @ X\nmatrices:\n  X: {shape: [8, 8], init: gaussian}\n", "s.yaml"));
    REQUIRE(m.leaves.size() == 4);
    const Node& x_first = *m.root->left->left->left;
    const Node& x_last = *m.root->right;
    CHECK(x_first.leaf == x_last.leaf);
    CHECK(&m.matrix(x_first) == &m.matrix(x_last));
}

TEST_CASE("model: default inits depend on the side a matrix is on") {
    Model m = structure("expr: A @ B\n");
    CHECK(*m.leaves[0].spec.init == "row major");
    CHECK(*m.leaves[1].spec.init == "col major");
}

TEST_CASE("model: settings inherit (docs/spec/mm-params.md §5.1) and alg inherit resolves") {
    Model m = structure(R"(
expr: A @ B @ C
anim: {alg: vmprod}
viz: {min_size: 0.3}
matmuls:
  A @ B: {viz: {elem_scale: 1.5}, deco: {legends: 2}}
)");
    CHECK(m.root->anim.alg == "vmprod");
    CHECK(m.root->left->anim.alg == "vmprod");  // inherit
    CHECK(m.root->left->viz.min_size == doctest::Approx(0.3));
    CHECK(m.root->left->viz.elem_scale == doctest::Approx(1.5));
    CHECK(m.root->viz.elem_scale == doctest::Approx(1.25));
    CHECK(m.root->left->deco.legends == 2);
    CHECK(m.root->deco.legends == 6);
}

TEST_CASE("model: child orientation follows the scheme unless given") {
    Model m = structure("expr: A @ B @ C\n");
    const Orientation& o = m.root->left->orient;  // blocks: -LTF -> +LBB
    CHECK(o.positive);
    CHECK(!o.left_right);
    CHECK(o.right_bottom);
    CHECK(o.result_back);
    Model c = structure("expr: A @ B @ C\nmatmuls:\n  A @ B: {polarity: negative}\n");
    CHECK(!c.root->left->orient.positive);
    CHECK(c.root->left->orient.right_bottom);
}

TEST_CASE("model: block counts propagate (docs/spec/mm-params.md §5.3)") {
    Model m = structure(R"(
expr: A @ B @ (C @ D)
blocks: {i: 2, k: 3, j: 4}
matmuls:
  C @ D: {k_blocks: 5}
)");
    const Node& r = *m.root;
    CHECK(r.blocks.i == 2);
    CHECK(r.blocks.k == 3);
    CHECK(r.blocks.j == 4);
    const Node& L = *r.left;   // A @ B: i from root i, j from root k, k inherited
    CHECK(L.blocks.i == 2);
    CHECK(L.blocks.j == 3);
    CHECK(L.blocks.k == 3);
    const Node& R = *r.right;  // C @ D: i from root k, j from root j, own k
    CHECK(R.blocks.i == 3);
    CHECK(R.blocks.j == 4);
    CHECK(R.blocks.k == 5);
    CHECK(R.left->row_blocks == 3);   // C: i x k of C @ D
    CHECK(R.left->col_blocks == 5);
    CHECK(L.right->row_blocks == 3);  // B: k x j of A @ B
    CHECK(L.right->col_blocks == 3);
}

TEST_CASE("model: the root's k_blocks is its k partition; a different blocks.k is an error") {
    Model m = structure("expr: A @ B @ C\nmatmuls:\n  A @ B @ C: {k_blocks: 4}\n");
    CHECK(m.root->blocks.k == 4);
    CHECK(m.root->left->blocks.j == 4);  // the k cut runs into the left child's columns
    CHECK(m.root->right->row_blocks == 4);
    Model same = structure("expr: A @ B\nblocks: {k: 2}\nmatmuls:\n  A @ B: {k_blocks: 2}\n");
    CHECK(same.root->blocks.k == 2);
    CHECK(error_of("expr: A @ B\nblocks: {k: 2}\nmatmuls:\n  A @ B: {k_blocks: 3}\n") ==
          "s.yaml:4:3: k_blocks: 3 of the root matmul 'A @ B' contradicts blocks.k: 2; give the root's k "
          "partition once, as blocks.k");
}

TEST_CASE("model: values are computed in tree order with the epilog") {
    Model m = build_model(parse_scene(R"(
expr: A @ B
matrices:
  A: {shape: [2, 3], init: row major, min: 0, max: 5}
  B: {shape: [3, 2], init: eye}
matmuls:
  A @ B: {epilog: relu}
)", "s.yaml"));
    // A = [[0,1,2],[3,4,5]], B = eye(3x2) -> A @ B = [[0,1],[3,4]]
    CHECK(m.root->result.at(0, 0) == 0);
    CHECK(m.root->result.at(0, 1) == 1);
    CHECK(m.root->result.at(1, 0) == 3);
    CHECK(m.root->result.at(1, 1) == 4);
    CHECK(m.global_absmax == 5);
}

TEST_CASE("model: the same seed gives the same values, another seed others") {
    const char* scene = "expr: A @ B\nmatrices:\n  A: {shape: [4, 4], init: gaussian}\n";
    SceneSpec s = parse_scene(scene, "s.yaml");
    Model a = build_model(s), b = build_model(s);
    CHECK(a.leaves[0].values.v == b.leaves[0].values.v);
    s.seed = 99;
    Model c = build_model(s);
    CHECK(a.leaves[0].values.v != c.leaves[0].values.v);
}

TEST_CASE("model: bad scenes give one-line errors") {
    CHECK(error_of("expr: A @ B\nmatrices:\n  A: {shape: [32, 24]}\n  B: {shape: [16, 32]}\n") ==
          "s.yaml:1:7: shapes do not chain in 'A @ B': 'A' is 32x24 but 'B' is 16x32; the columns "
          "of 'A' (24) must equal the rows of 'B' (16)");
    CHECK(error_of("expr: A @ A\nmatrices:\n  A: {shape: [3, 4]}\n").find("shapes do not chain") !=
          std::string::npos);
    CHECK(error_of("expr: A @ B\nmatrices:\n  C: {shape: [3, 4]}\n") ==
          "s.yaml:3:3: matrix 'C' does not appear in the expression; remove it or use it in 'expr'");
    CHECK(error_of("expr: Alpha @ B\nmatrices:\n  Alpah: {shape: [3, 4]}\n").find("did you mean 'Alpha'") !=
          std::string::npos);
    CHECK(error_of("expr: x = A @ B\nmatmuls:\n  y: {epilog: relu}\n") ==
          "s.yaml:3:3: no matmul result is named 'y'; results of this expression: 'x'");
    CHECK(error_of("expr: x = A @ B\nmatrices:\n  x: {shape: [3, 4]}\n").find("is a matmul result") !=
          std::string::npos);
    CHECK(error_of("expr: (A = B @ C) @ A\n").find("both a matrix and a matmul result") !=
          std::string::npos);
    CHECK(error_of("expr: A @ B + C\n").find("s.yaml:1:13: unexpected character '+'") == 0);
    std::string big = error_of("expr: A @ B\nmatrices:\n  A: {shape: [1000000, 1000000]}\n");
    CHECK(big.find("makes the scene need about") != std::string::npos);
    CHECK(big.find("TiB") != std::string::npos);
}
