// The whole static pipeline in one call: scene -> model -> layout -> draw list
// -> GL backend -> pixels. Used by `mmr still` and the golden-image tests.
#pragma once
#include <functional>
#include <string>

#include "mmr/draw/overlay.h"
#include "mmr/gl/backend.h"
#include "mmr/scene/scene_spec.h"

namespace mmr {

struct StillOptions {
    BackendKind backend = BackendKind::Auto;
    RenderOptions render;
    // Animation step to show (1-based, <= the root's period); 0 = the static scene.
    int step = 0;
    // Called with a stage name after each stage (for -v timings); may be empty.
    std::function<void(const char*)> on_stage;
    std::function<void(const std::string&)> on_renderer;  // renderer description
    Overlay overlay;  // text over the picture (--overlay stats)
    bool flat_view = false;  // --view flat: the matrices face-on, drawn on the CPU (mmr/flat/flat_view.h)
};

Image render_still(const SceneSpec& scene, const StillOptions& opts = {});

}  // namespace mmr
