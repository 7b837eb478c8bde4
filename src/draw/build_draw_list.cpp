#include "mmr/draw/build_draw_list.h"

#include "mmr/look/look.h"
#include "mmr/text/text.h"

namespace mmr {

void add_axes(std::vector<LineVertex>& out) {
    // Three 128-unit segments from the world origin; colours sRGB-encoded.
    const float axes[3][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
    for (const auto& a : axes) {
        out.push_back({0, 0, 0, a[0], a[1], a[2]});
        out.push_back({128 * a[0], 128 * a[1], 128 * a[2], a[0], a[1], a[2]});
    }
}

DrawList build_draw_list(const Model& model, const Layout& layout, int width, int height) {
    DrawList dl;
    dl.width = width;
    dl.height = height;
    for (int i = 0; i < 3; ++i) dl.background[i] = model.output.background[i];
    dl.camera = camera_view(model.camera, layout, width, height);
    dl.atlas = &Font::default_font().atlas();

    for (const MatrixPlacement& mp : layout.matrices) {
        add_elements(model, mp, width, height, dl.points);
        const Node& style = mp.role == MatrixRole::Result ? *mp.node : *mp.owner;
        add_row_guides(mp, style.deco.row_guides, dl.lines);
        add_legends(model, mp, dl.camera, dl.text);
    }
    for (const CubePlacement& cube : layout.cubes)
        add_flow_guide(cube, cube.node->deco.flow_guides, dl.flow);
    if (model.root->deco.axes) add_axes(dl.lines);
    return dl;
}

}  // namespace mmr
