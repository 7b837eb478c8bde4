// The whole static pipeline in one call: scene -> model -> layout -> draw list
// -> GL backend -> pixels. Used by `mmr still` and the golden-image tests.
#pragma once
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "mmr/draw/overlay.h"
#include "mmr/gl/backend.h"
#include "mmr/scene/scene_spec.h"

namespace mmr {

struct StillOptions {
    BackendKind backend = BackendKind::Auto;
    RenderOptions render;
    // Animation step to show (1-based, <= the root's period); 0 = the static scene.
    int step = 0;
    // Render supersample x supersample times larger (with RenderOptions::scale
    // multiplied by it) and average each block down (a box filter, on
    // premultiplied colour when there is alpha). 1 = off.
    int supersample = 1;
    // Called with a stage name after each stage (for -v timings); may be empty.
    std::function<void(const char*)> on_stage;
    std::function<void(const std::string&)> on_renderer;  // renderer description
    Overlay overlay;  // text over the picture (--overlay stats)
    bool flat_view = false;  // --view flat: the matrices face-on, drawn on the CPU (mmr/flat/flat_view.h)
};

Image render_still(const SceneSpec& scene, const StillOptions& opts = {});

// The draw list of a still of `step` (0 = the static scene), checked as
// `mmr still --step` checks it. render_still and video posters share it so
// that a poster is the same picture as the still.
struct Model;
struct Layout;
DrawList still_draw_list(const SceneSpec& scene, const Model& model, const Layout& layout, int step);

// The text chunks of a still's PNG (the scene, how it was rendered, the program):
// `mmr still` writes them and a poster carries the same, so that its bytes equal
// the still's.
std::vector<std::pair<std::string, std::string>> still_png_texts(const SceneSpec& scene, const RenderOptions& render,
                                                                 int step, int supersample);

// The box filter of --supersample: each factor x factor block averaged (alpha
// weighted: premultiplied, averaged, back to straight). Sizes must divide.
Image downsample(const Image& img, int factor);

// Fails with the numbers ("--supersample 8: a 15360x8640 render needs about
// 2.0 GiB, ...") when the enlarged render would exceed the memory allowed or the
// size mmr renders (16384 a side).
void check_supersample(int width, int height, int factor, const RenderOptions& render);

}  // namespace mmr
