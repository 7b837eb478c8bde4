#include "mmr/render/still.h"

#include <memory>

#include "mmr/draw/build_draw_list.h"
#include "mmr/flat/flat_view.h"
#include "mmr/layout/layout.h"
#include "mmr/core/error.h"
#include "mmr/model/build_model.h"
#include "mmr/timeline/animation.h"
#include "mmr/timeline/fuse_check.h"

namespace mmr {

DrawList still_draw_list(const SceneSpec& scene, const Model& model, const Layout& layout, int step) {
    DrawList dl = build_draw_list(model, layout, scene.output.width, scene.output.height);
    if (step != 0) {
        check_fusion(model, scene.path);  // as render does: a fuse that can never apply
        Animation anim(model, layout);
        if (!anim.animated())
            fail("--step " + std::to_string(step), "the scene is not animated (anim.alg is none)",
                 "set anim.alg in the scene, or drop --step");
        if (step < 1 || step > anim.period())
            fail("--step " + std::to_string(step),
                 "outside the animation, whose cycle has steps 1 to " + std::to_string(anim.period()),
                 "choose a step from 1 to " + std::to_string(anim.period()));
        anim.seek(step);
        anim.update_draw_list(dl, scene.output.width, scene.output.height);
    }
    return dl;
}

std::vector<std::pair<std::string, std::string>> still_png_texts(const SceneSpec& scene) {
    // The scene travels inside the PNG, so the picture can be re-rendered from itself.
    return {{"mmr:scene", scene.text}, {"Software", "mmr " MMR_VERSION}};
}

Image render_still(const SceneSpec& scene, const StillOptions& opts) {
    auto stage = [&](const char* s) {
        if (opts.on_stage) opts.on_stage(s);
    };
    Model model = build_model(scene);
    stage("values computed");
    Layout layout = compute_layout(model);
    DrawList dl = still_draw_list(scene, model, layout, opts.step);
    if (opts.flat_view) {
        std::unique_ptr<Animation> anim;
        if (opts.step != 0) {
            anim = std::make_unique<Animation>(model, layout);
            anim->seek(opts.step);
        }
        Image img = flat::flat_image(model, flat::flat_arrangement(model, scene.output.width, scene.output.height), anim.get(),
                                     scene.output.width, scene.output.height, scene.output.background);
        stage("drawn flat");
        return img;
    }
    add_overlay(opts.overlay, model, layout, dl);
    stage("draw list built");
    auto renderer = create_renderer(opts.backend, scene.output.width, scene.output.height, opts.render);
    if (opts.on_renderer) opts.on_renderer(renderer->description());
    Image img = renderer->render(dl);
    stage("rendered");
    return img;
}

}  // namespace mmr
