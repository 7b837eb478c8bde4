// Internal helpers of the layout stage: the rigid transforms of docs/spec/mm-layout.md
// §3, §5 and the scatter distance of §7.
#pragma once
#include <glm/glm.hpp>

#include "mmr/layout/layout.h"

namespace mmr::layout_detail {

// Affine map given by the images of the unit axes and of the origin.
glm::dmat4 affine(glm::dvec3 ex, glm::dvec3 ey, glm::dvec3 ez, glm::dvec3 t);

// Maps an operand's frame into the parent cube's local frame (§5). For a
// child matmul this is the child's local frame (depth Cz, scatter s); for a
// leaf (Cz = 0, s = 0) it is the leaf's own 2D matrix frame (§3).
glm::dmat4 operand_frame(const CubePlacement& parent, const Orientation& parent_orient,
                         bool left, double Cz, double s);

// Translation of a matmul's result frame inside its own cube (§3: z_res).
glm::dmat4 result_frame(const CubePlacement& cube, const Orientation& orient);

// Number of matmul nodes in a subtree (a leaf has 0).
int count_matmuls(const Node& n);

// Distance of a child with c matmuls from its parent (§7), using the parent's
// effective scatter/molecule/blast; total = matmuls in the whole expression.
double scatter_distance(const LayoutSettings& parent, int c, int total);

}  // namespace mmr::layout_detail
