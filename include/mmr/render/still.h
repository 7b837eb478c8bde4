// The whole static pipeline in one call: scene -> model -> layout -> draw list
// -> GL backend -> pixels. Used by `mmr still` and the golden-image tests.
#pragma once
#include <functional>
#include <string>

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
};

Image render_still(const SceneSpec& scene, const StillOptions& opts = {});

// The box filter of --supersample: each factor x factor block averaged (alpha
// weighted: premultiplied, averaged, back to straight). Sizes must divide.
Image downsample(const Image& img, int factor);

// Fails with the numbers ("--supersample 8: a 15360x8640 render needs about
// 2.0 GiB, ...") when the enlarged render would exceed the memory allowed or the
// size mmr renders (16384 a side).
void check_supersample(int width, int height, int factor, const RenderOptions& render);

}  // namespace mmr
