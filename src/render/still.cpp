#include "mmr/render/still.h"

#include <memory>

#include "mmr/draw/build_draw_list.h"
#include "mmr/flat/flat_view.h"
#include "mmr/layout/layout.h"
#include "mmr/core/error.h"
#include "mmr/core/input_file.h"
#include "mmr/core/limits.h"
#include "mmr/core/memory_limit.h"
#include "mmr/render/frame_memory.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include "mmr/model/build_model.h"
#include "mmr/timeline/animation.h"
#include "mmr/timeline/fuse_check.h"
#include "mmr/record/record.h"
#include "mmr/theme/theme.h"

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

std::vector<std::pair<std::string, std::string>> still_png_texts(const SceneSpec& spec, const RenderOptions& render,
                                                                 int step, int supersample) {
    // The scene and how it was rendered travel inside the PNG, so the picture can be
    // re-rendered from itself (mmr/record/record.h).
    RenderRecord made;
    made.width = spec.output.width;
    made.height = spec.output.height;
    made.seed = spec.seed;
    made.theme = theme_name(spec.output.theme);
    const Rgba bg = spec.output.background_set
                        ? Rgba{spec.output.background[0], spec.output.background[1], spec.output.background[2],
                               spec.output.background_alpha}
                        : theme_colors(spec.output.theme).background;
    made.background = color_text(bg);
    made.aa = render.aa == Antialias::Msaa ? "msaa" : render.aa == Antialias::None ? "none" : "smooth";
    made.msaa = render.msaa;
    made.step = step;
    made.scale = render.scale;
    made.supersample = supersample;
    made.fit = spec.camera.fit;
    made.margin = spec.camera.margin;
    made.version = MMR_VERSION;
    return {{"mmr:scene", spec.text}, {kRecordKey, record_text(made)}, {"Software", "mmr " MMR_VERSION}};
}

Image downsample(const Image& img, int n) {
    if (n <= 1) return img;
    Image out;
    out.width = img.width / n;
    out.height = img.height / n;
    out.rgba.resize(size_t(out.width) * out.height * 4);
    const double cells = double(n) * n;
    for (int y = 0; y < out.height; ++y)
        for (int x = 0; x < out.width; ++x) {
            // Sums of alpha and of colour times alpha (premultiplied).
            double a = 0, c[3] = {0, 0, 0};
            for (int j = 0; j < n; ++j) {
                const uint8_t* p = &img.rgba[(size_t(y * n + j) * img.width + size_t(x) * n) * 4];
                for (int i = 0; i < n; ++i, p += 4) {
                    a += p[3];
                    for (int k = 0; k < 3; ++k) c[k] += double(p[k]) * p[3];
                }
            }
            uint8_t* q = &out.rgba[(size_t(y) * out.width + x) * 4];
            for (int k = 0; k < 3; ++k) q[k] = a > 0 ? uint8_t(std::min(255.0, std::floor(c[k] / a + 0.5))) : 0;
            q[3] = uint8_t(std::floor(a / cells + 0.5));
        }
    return out;
}

namespace {
}  // namespace

void check_supersample(int width, int height, int n, const RenderOptions& render) {
    if (n <= 1) return;
    const std::string opt = "--supersample " + std::to_string(n);
    const long long w = (long long)width * n, h = (long long)height * n;
    const std::string size = std::to_string(w) + "x" + std::to_string(h);
    if (w > limits::max_render_side || h > limits::max_render_side)
        fail(opt, "a " + std::to_string(width) + "x" + std::to_string(height) + " picture would be rendered at " +
                      size + ", over the " + std::to_string(limits::max_render_side) + " pixels a side mmr renders",
             "use --supersample " + std::to_string(std::max<long long>(1, limits::max_render_side / std::max(width, height))) +
                 " or less, or a smaller --size");
    const double need = renderer_bytes_per_pixel(render) * double(w) * double(h);
    const MemoryLimit lim = process_memory_limit();
    if (lim.bytes > 0 && need > 0.75 * lim.bytes)
        fail(opt,
             "a " + size + " render needs about " + memory_text(need) + ", more than the " + memory_text(0.75 * lim.bytes) +
                 " allowed (3/4 of " + lim.source + ")",
             "use a smaller --supersample or --size");
}

Image render_still(const SceneSpec& scene, const StillOptions& opts) {
    if (opts.supersample > 1) {
        // N x N times the pixels, lines and sprites N times wider: the same
        // picture, finer; then each N x N block becomes one pixel.
        check_supersample(scene.output.width, scene.output.height, opts.supersample, opts.render);
        SceneSpec big = scene;
        big.output.width *= opts.supersample;
        big.output.height *= opts.supersample;
        StillOptions o = opts;
        o.supersample = 1;
        o.render.scale *= float(opts.supersample);
        return downsample(render_still(big, o), opts.supersample);
    }
    // Before the scene is built: a size that cannot fit in memory fails at once.
    check_frame_memory(scene, renderer_bytes_per_pixel(opts.render), "still");
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
