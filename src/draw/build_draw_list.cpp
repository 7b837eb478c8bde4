#include "mmr/draw/build_draw_list.h"

#include "mmr/look/look.h"
#include "mmr/text/text.h"
#include "mmr/theme/theme.h"
#include "mmr/framing/fit.h"

#include <cmath>

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
    const ThemeKind theme = model.output.theme;
    const ThemeColors& th = theme_colors(theme);
    if (model.output.background_set) {
        for (int i = 0; i < 3; ++i) dl.background[i] = model.output.background[i];
        dl.background_alpha = model.output.background_alpha;
    } else {
        dl.background[0] = th.background.r, dl.background[1] = th.background.g, dl.background[2] = th.background.b;
        dl.background_alpha = th.background.a;
    }
    for (int i = 0; i < 3; ++i) dl.text_rgb[i] = th.text_rgb[i];
    dl.camera = camera_view(model.camera, layout, width, height);
    dl.atlas = &Font::default_font().atlas();

    for (const MatrixPlacement& mp : layout.matrices) {
        add_elements(model, mp, width, height, dl.points);
        const Node& style = mp.role == MatrixRole::Result ? *mp.node : *mp.owner;
        add_row_guides(mp, style.deco.row_guides, dl.lines, theme);
        add_legends(model, mp, dl.camera, dl.text);
    }
    for (const CubePlacement& cube : layout.cubes)
        add_flow_guide(cube, cube.node->deco.flow_guides, dl.flow, theme);
    if (model.root->deco.axes) add_axes(dl.lines);
    if (model.camera.fit) {
        // Legends turn to face the camera: fit, re-lay them out for the new
        // camera, and again until the distance settles.
        for (int pass = 0; pass < 4; ++pass) {
            const CameraView before = dl.camera;
            dl.camera = fit_camera(dl, model.camera.margin);
            dl.text.clear();
            for (const MatrixPlacement& mp : layout.matrices) add_legends(model, mp, dl.camera, dl.text);
            if (std::fabs(before.position[0] - dl.camera.position[0]) +
                    std::fabs(before.position[1] - dl.camera.position[1]) +
                    std::fabs(before.position[2] - dl.camera.position[2]) <
                1e-4f * (1 + std::fabs(dl.camera.position[0])))
                break;
        }
        // The distance for the legends as they are now laid out (moving along
        // the view axis does not turn them).
        dl.camera = fit_camera(dl, model.camera.margin);
    }
    return dl;
}

}  // namespace mmr
