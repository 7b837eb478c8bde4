// 3D layout (docs/spec/mm-layout.md): where every element of every matrix is, per cube.
#pragma once
#include <glm/glm.hpp>
#include <vector>

#include "mmr/model/model.h"

namespace mmr {

// Block partition of one dimension (docs/spec/mm-layout.md §2).
struct BlockSplit {
    int N = 0;       // length
    int n = 1;       // requested blocks, min(c, N)
    int size = 0;    // ceil(N / n)
    int nvis = 1;    // blocks that exist
    double gap = 0;
    static BlockSplit make(int N, int count, double gap);
    double disp() const;              // N + gap * (nvis - 1)
    double coord(int x) const;        // x + gap * floor(x / size)
    int start(int b) const { return b * size; }
    int extent(int b) const;          // size, short final block, 0 if dead
};

enum class MatrixRole { LeftLeaf, RightLeaf, Result };

// One matrix drawn in the scene, with its own 2D frame (docs/spec/mm-layout.md §3):
// element (r, c) sits at frame * (gap + cols.coord(c), gap + rows.coord(r), 0, 1).
struct MatrixPlacement {
    const Node* node = nullptr;   // the leaf, or the matmul whose result this is
    const Node* owner = nullptr;  // the matmul whose cube holds this matrix
    MatrixRole role = MatrixRole::Result;
    glm::dmat4 frame{1.0};        // matrix frame -> world
    BlockSplit rows, cols;
    double gap = 0;
    glm::dvec3 element(int r, int c) const;  // world position of element (r, c)
    glm::dvec3 normal() const;               // world direction of the frame's +z
};

// One matmul cube.
struct CubePlacement {
    const Node* node = nullptr;
    glm::dmat4 local{1.0};        // cube local frame -> world
    double Ex = 0, Ey = 0, Ez = 0;
    BlockSplit i, k, j;           // H, D, W splits with this matmul's blocks
    double gap = 0;
    double scatter_left = 0, scatter_right = 0;  // sL, sR of its children (§7)
    // lattice coordinates in the local frame (§3)
    double X(int j) const;
    double Y(int i) const;
    double Z(int k) const;
};

struct Layout {
    std::vector<CubePlacement> cubes;       // pre-order: root first
    std::vector<MatrixPlacement> matrices;  // every leaf operand and every result
    glm::dvec3 translation{0.0};            // centring translation applied (§8)
    glm::dvec3 box_min{0.0}, box_max{0.0};  // world bounding box of all cubes
    const CubePlacement* cube_of(const Node* n) const;
    const MatrixPlacement* matrix_of(const Node* n) const;  // result or leaf placement
};

// Builds the layout of a model whose nodes carry effective orientation, gap,
// scatter/molecule/blast and propagated block counts.
Layout compute_layout(const Model& model);

}  // namespace mmr
