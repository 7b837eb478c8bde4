// compute_layout: walks the matmul tree, attaches child cubes to their
// parents (docs/spec/mm-layout.md §5, §7), then rotates and centres the whole (§8).
#include <algorithm>
#include <limits>

#include "frames.h"

namespace mmr {
namespace {

using namespace layout_detail;

CubePlacement make_cube(const Node& n) {
    CubePlacement c;
    c.node = &n;
    c.gap = n.layout.gap;
    c.i = BlockSplit::make(n.rows, n.blocks.i, c.gap);
    c.k = BlockSplit::make(n.depth, n.blocks.k, c.gap);
    c.j = BlockSplit::make(n.cols, n.blocks.j, c.gap);
    c.Ex = c.j.disp() + 2 * c.gap - 1;
    c.Ey = c.i.disp() + 2 * c.gap - 1;
    c.Ez = c.k.disp() + 2 * c.gap - 1;
    return c;
}

struct Walker {
    Layout& out;
    int total;

    // `to_root` maps n's local frame into the (rotated, not yet centred) root frame.
    void place(const Node& n, const glm::dmat4& to_root) {
        CubePlacement cube = make_cube(n);
        cube.local = to_root;
        const Node* kids[2] = {n.left.get(), n.right.get()};
        double s[2] = {0, 0};
        for (int side = 0; side < 2; ++side)
            if (kids[side]->matmul)  // leaves lie on the faces (§3, §7)
                s[side] = scatter_distance(n.layout, count_matmuls(*kids[side]), total);
        cube.scatter_left = s[0];
        cube.scatter_right = s[1];
        out.cubes.push_back(cube);

        // This matmul's result, on its own cube (§3).
        MatrixPlacement res;
        res.node = &n;
        res.owner = &n;
        res.role = MatrixRole::Result;
        res.frame = to_root * result_frame(cube, n.orient);
        res.rows = cube.i;
        res.cols = cube.j;
        res.gap = cube.gap;
        out.matrices.push_back(res);

        // Operands: leaves are drawn on this cube's faces, matmuls recurse
        // with their own cube attached to the operand face.
        for (int side = 0; side < 2; ++side) {
            const Node& kid = *kids[side];
            const bool left = side == 0;
            if (kid.matmul) {
                double Cz = make_cube(kid).Ez;
                place(kid, to_root * operand_frame(cube, n.orient, left, Cz, s[side]));
                continue;
            }
            MatrixPlacement m;
            m.node = &kid;
            m.owner = &n;
            m.role = left ? MatrixRole::LeftLeaf : MatrixRole::RightLeaf;
            m.frame = to_root * operand_frame(cube, n.orient, left, 0, 0);
            // Leaf splits come from the parent's blocks (docs/spec/mm-params.md §5.3).
            m.rows = left ? cube.i : cube.k;
            m.cols = left ? cube.k : cube.j;
            m.gap = cube.gap;
            out.matrices.push_back(m);
        }
    }
};

}  // namespace

Layout compute_layout(const Model& model) {
    Layout out;
    if (!model.root || !model.root->matmul) return out;
    const Node& root = *model.root;

    // Root local -> rotated root frame: 180° about x, so rows go down and a
    // front result faces +z (§8).
    glm::dmat4 rot = affine({1, 0, 0}, {0, -1, 0}, {0, 0, -1}, {0, 0, 0});
    Walker w{out, count_matmuls(root)};
    w.place(root, rot);

    // Union box of all cubes (not leaves, legends or guides).
    glm::dvec3 lo(std::numeric_limits<double>::max()), hi(-std::numeric_limits<double>::max());
    for (const auto& c : out.cubes) {
        glm::dvec3 a(c.local * glm::dvec4(0, 0, 0, 1));
        glm::dvec3 b(c.local * glm::dvec4(c.Ex, c.Ey, c.Ez, 1));
        lo = glm::min(lo, glm::min(a, b));
        hi = glm::max(hi, glm::max(a, b));
    }
    out.translation = -(lo + hi) * 0.5;
    out.box_min = lo + out.translation;
    out.box_max = hi + out.translation;

    glm::dmat4 centre = affine({1, 0, 0}, {0, 1, 0}, {0, 0, 1}, out.translation);
    for (auto& c : out.cubes) c.local = centre * c.local;
    for (auto& m : out.matrices) m.frame = centre * m.frame;
    return out;
}

}  // namespace mmr
