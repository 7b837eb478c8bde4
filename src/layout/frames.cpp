// Rigid transforms between cube, operand and matrix frames (docs/spec/mm-layout.md §3,
// §5, §7), plus the small accessor methods of the layout structs.
#include "frames.h"

#include <cmath>

namespace mmr {
namespace layout_detail {

glm::dmat4 affine(glm::dvec3 ex, glm::dvec3 ey, glm::dvec3 ez, glm::dvec3 t) {
    return glm::dmat4(glm::dvec4(ex, 0), glm::dvec4(ey, 0), glm::dvec4(ez, 0),
                      glm::dvec4(t, 1));
}

glm::dmat4 operand_frame(const CubePlacement& p, const Orientation& o, bool left, double Cz,
                         double s) {
    // The §5 tables, written as axis images + offset. The operand's x axis
    // runs along the parent's k axis, its z (plane normal / cube depth) points
    // away from the parent for negative polarity and towards it for positive,
    // which is what makes a leaf frame (Cz = s = 0) equal the §3 leaf frames.
    if (left) {
        if (!o.positive) {
            double x0 = o.left_right ? p.Ex + s : -(Cz + s);
            return affine({0, 0, -1}, {0, 1, 0}, {1, 0, 0}, {x0, 0, p.Ez});
        }
        double x0 = o.left_right ? p.Ex + Cz + s : -s;
        return affine({0, 0, 1}, {0, 1, 0}, {-1, 0, 0}, {x0, 0, 0});
    }
    if (!o.positive) {
        double y0 = o.right_bottom ? p.Ey + s : -(Cz + s);
        return affine({1, 0, 0}, {0, 0, -1}, {0, 1, 0}, {0, y0, p.Ez});
    }
    double y0 = o.right_bottom ? p.Ey + Cz + s : -s;
    return affine({1, 0, 0}, {0, 0, 1}, {0, -1, 0}, {0, y0, 0});
}

glm::dmat4 result_frame(const CubePlacement& c, const Orientation& o) {
    return affine({1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {0, 0, o.result_back ? c.Ez : 0.0});
}

int count_matmuls(const Node& n) {
    return n.matmul ? 1 + count_matmuls(*n.left) + count_matmuls(*n.right) : 0;
}

double scatter_distance(const LayoutSettings& l, int c, int total) {
    if (c < l.molecule) return 0;
    double mult = l.blast >= 0 ? std::pow(double(c), l.blast)
                               : std::pow(double(total - c), -l.blast);
    return l.scatter * mult;
}

}  // namespace layout_detail

double CubePlacement::X(int jj) const { return gap + j.coord(jj); }
double CubePlacement::Y(int ii) const { return gap + i.coord(ii); }
double CubePlacement::Z(int kk) const {
    // Polarity decides which way k runs (§3).
    return node && node->orient.positive ? gap + k.coord(kk) : Ez - gap - k.coord(kk);
}

glm::dvec3 MatrixPlacement::element(int r, int c) const {
    return glm::dvec3(frame * glm::dvec4(gap + cols.coord(c), gap + rows.coord(r), 0, 1));
}

glm::dvec3 MatrixPlacement::normal() const {
    return glm::normalize(glm::dvec3(frame * glm::dvec4(0, 0, 1, 0)));
}

const CubePlacement* Layout::cube_of(const Node* n) const {
    for (const auto& c : cubes)
        if (c.node == n) return &c;
    return nullptr;
}

const MatrixPlacement* Layout::matrix_of(const Node* n) const {
    for (const auto& m : matrices)
        if (m.node == n) return &m;
    return nullptr;
}

}  // namespace mmr
