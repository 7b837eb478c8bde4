// Row guides, flow-guide arrows and world axes (docs/spec/mm-look.md §4, §5).
#include <algorithm>
#include <cmath>

#include "mmr/draw/build_draw_list.h"
#include "mmr/look/look.h"
#include "mmr/theme/theme.h"

namespace mmr {

void add_row_guides(const MatrixPlacement& mp, double level, std::vector<LineVertex>& out, ThemeKind theme) {
    if (level <= 0) return;
    const float grey = row_guide_grey(theme, level);  // lines are sRGB-encoded on output
    auto emit = [&](double x0, double y0, double x1, double y1) {
        glm::dvec4 a = mp.frame * glm::dvec4(x0, y0, 0, 1);
        glm::dvec4 b = mp.frame * glm::dvec4(x1, y1, 0, 1);
        out.push_back({float(a.x), float(a.y), float(a.z), grey, grey, grey});
        out.push_back({float(b.x), float(b.y), float(b.z), grey, grey, grey});
    };
    for (int bi = 0; bi < mp.rows.nvis; ++bi) {
        const int h = mp.rows.extent(bi);
        if (h <= 0) continue;
        for (int bj = 0; bj < mp.cols.nvis; ++bj) {
            const int w = mp.cols.extent(bj);
            if (w <= 0) continue;
            // Block-local lattice (c, r) -> matrix frame.
            const double ox = mp.gap + mp.cols.coord(mp.cols.start(bj));
            const double oy = mp.gap + mp.rows.coord(mp.rows.start(bi));
            auto line = [&](double c0, double r0, double c1, double r1) {
                emit(ox + c0, oy + r0, ox + c1, oy + r1);
            };
            line(0, 0, 0, h - 1);
            line(w - 1, 0, w - 1, h - 1);
            const double stride = std::max(1.0, (h - 1) / 8.0);
            for (double r = 0; r < h; r += stride) line(0, r, w - 1, r);
            line(w / 8.0, 0, 0, h / 8.0);  // closes the (0,0) corner
        }
    }
}

void add_flow_guide(const CubePlacement& cube, double s, std::vector<TriVertex>& out, ThemeKind theme) {
    if (s <= 0) return;
    const double g = cube.gap;
    const Orientation& o = cube.node->orient;
    const double cw = cube.Ex / 2, ch = cube.Ey / 2, cd = cube.Ez / 2;
    auto pl = [&](double v) { return o.left_right ? cube.Ex - v : v; };
    auto pt = [&](double v) { return o.right_bottom ? cube.Ey - v : v; };
    auto pr = [&](double v) { return o.result_back ? cube.Ez - v : v; };
    // mm sets the alpha of two of the three vertices (A, B); C keeps 1.
    const float a = std::floor(255.0 * (0.5 + s / 2)) / 255.0f;
    auto emit = [&](glm::dvec3 p, const float rgb[3], float alpha) {
        glm::dvec4 w = cube.local * glm::dvec4(p, 1.0);
        out.push_back({float(w.x), float(w.y), float(w.z), rgb[0], rgb[1], rgb[2], alpha});
    };
    const float* blue = theme_colors(theme).flow_blue;  // mm's (150, 200, 255) on dark
    emit({pl(cw - (cw - g + cube.scatter_left) * s), ch, pr(cd)}, blue, a);
    emit({pl(cw), ch, pr(cd)}, blue, a);
    emit({pl(cw), ch, pr(cd - (cd - g) * s)}, blue, 1.0f);
    const float* red = theme_colors(theme).flow_red;  // mm's (255, 150, 150) on dark
    emit({cw, pt(ch - (ch - g + cube.scatter_right) * s), pr(cd)}, red, a);
    emit({cw, ch, pr(cd)}, red, a);
    emit({cw, ch, pr(cd - (cd - g) * s)}, red, 1.0f);
}

}  // namespace mmr
