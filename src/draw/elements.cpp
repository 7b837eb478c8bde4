#include <algorithm>
#include <cmath>

#include "mmr/draw/build_draw_list.h"
#include "mmr/look/look.h"

namespace mmr {

// The settings that style a matrix: a leaf takes its owning matmul's effective
// settings (leaves carry none of their own), a result its matmul's.
static const Node& styling_node(const MatrixPlacement& mp) {
    return mp.role == MatrixRole::Result ? *mp.node : *mp.owner;
}

void add_elements(const Model& model, const MatrixPlacement& mp, int width, int height,
                  std::vector<PointVertex>& out) {
    const Matrix& m = model.matrix(*mp.node);
    const VizSettings& viz = styling_node(mp).viz;
    MagnitudeRange range = magnitude_range(viz.sensitivity, matrix_stats(m), model.global_absmax);
    const float elem_size = float(viz.elem_scale) * float(std::min(width, height));
    out.reserve(out.size() + m.size());
    for (int r = 0; r < m.h; ++r) {
        for (int c = 0; c < m.w; ++c) {
            ElementLook look = element_look(m.at(r, c), range, viz);
            if (look.size <= 0) continue;  // zeros and hidden elements are not drawn
            glm::dvec3 p = mp.element(r, c);
            out.push_back({float(p.x), float(p.y), float(p.z), look.size * elem_size, look.rgb[0],
                           look.rgb[1], look.rgb[2]});
        }
    }
}

}  // namespace mmr
