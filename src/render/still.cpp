#include "mmr/render/still.h"

#include "mmr/draw/build_draw_list.h"
#include "mmr/layout/layout.h"
#include "mmr/model/build_model.h"

namespace mmr {

Image render_still(const SceneSpec& scene, const StillOptions& opts) {
    auto stage = [&](const char* s) {
        if (opts.on_stage) opts.on_stage(s);
    };
    Model model = build_model(scene);
    stage("values computed");
    Layout layout = compute_layout(model);
    DrawList dl = build_draw_list(model, layout, scene.output.width, scene.output.height);
    stage("draw list built");
    auto renderer = create_renderer(opts.backend, scene.output.width, scene.output.height, opts.render);
    if (opts.on_renderer) opts.on_renderer(renderer->description());
    Image img = renderer->render(dl);
    stage("rendered");
    return img;
}

}  // namespace mmr
