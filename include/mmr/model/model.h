// The constructed model: the expression tree with effective settings, shapes,
// propagated block counts and computed values.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "mmr/model/matrix.h"
#include "mmr/scene/scene_spec.h"
#include "mmr/scene/settings.h"

namespace mmr {

struct Leaf {
    LeafSpec spec;   // shape fields are resolved (h, w set)
    Matrix values;
};

struct Node {
    std::string name;
    bool matmul = false;
    int leaf = -1;        // leaf: index into Model::leaves (shared by equal names)
    bool is_left = true;  // leaf/matmul: is it the left operand of its parent (root: true)
    Node* parent = nullptr;
    int id = 0;           // pre-order index, root = 0

    // matmul only
    std::unique_ptr<Node> left, right;
    std::string epilog = "none";
    Matrix result;

    // shape: rows x cols of this node's matrix; for a matmul also D
    int rows = 0, cols = 0, depth = 0;  // H, W, D (D only for matmul)

    // effective settings (after inheritance); orientation/blocks for matmuls
    AnimSettings anim;
    LayoutSettings layout;
    Orientation orient;
    DecoSettings deco;
    VizSettings viz;
    BlockCounts blocks;  // propagated counts (docs/spec/mm-params.md §5.3)
    int row_blocks = 1, col_blocks = 1;  // for any node: blocks of its matrix (rows, cols)

    const Matrix& matrix(const std::vector<Leaf>& leaves) const {
        return matmul ? result : leaves[leaf].values;
    }
};

struct Model {
    std::unique_ptr<Node> root;
    std::vector<Leaf> leaves;
    CameraSpec camera;
    OutputSpec output;
    uint64_t seed = 0;
    float global_absmax = 0;  // over all leaves and matmul results

    const Matrix& matrix(const Node& n) const { return n.matrix(leaves); }
};

// Visits nodes in mm's tree order (left subtree, right subtree, node).
template <class F>
void post_order(Node& n, F&& f) {
    if (n.matmul) {
        post_order(*n.left, f);
        post_order(*n.right, f);
    }
    f(n);
}
template <class F>
void post_order(const Node& n, F&& f) {
    if (n.matmul) {
        post_order(static_cast<const Node&>(*n.left), f);
        post_order(static_cast<const Node&>(*n.right), f);
    }
    f(n);
}

}  // namespace mmr
