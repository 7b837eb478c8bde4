// Where a video frame's time goes before encoding: the animation update and the
// GL render + readback, for the same frames drawn three ways —
//   whole:  every frame's draw list rebuilt and drawn whole (--no-layer-cache);
//   slots:  the sprites updated as changes (slots), drawn whole;
//   layer:  slots plus the static layer (mmr render's default);
//   always: windows to the end of the cycle, each with a layer (the tests' setting);
// and the fixed cost of a frame (an empty list: clear + readback). Wall and
// process CPU milliseconds per frame (CPU includes llvmpipe's threads and is the
// steadier figure on a busy machine). One animation step per frame.
//   cmake --build build --target bench_frame_cost
//   build/bench/bench_frame_cost scenes/dotprod.yaml 1920x1080 60
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>

#include "mmr/draw/build_draw_list.h"
#include "mmr/gl/backend.h"
#include "mmr/layer/layer_plan.h"
#include "mmr/layout/layout.h"
#include "mmr/model/build_model.h"
#include "mmr/scene/scene_parser.h"
#include "mmr/timeline/animation.h"

using namespace mmr;

namespace {
double cpu_now() {
    timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}
double wall_now() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
struct Timer {
    double wall = 0, cpu = 0, w0 = 0, c0 = 0;
    void start() { w0 = wall_now(), c0 = cpu_now(); }
    void stop() { wall += wall_now() - w0, cpu += cpu_now() - c0; }
};
}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_frame_cost SCENE [WxH] [FRAMES]\n");
        return 2;
    }
    int W = 1920, H = 1080, frames = 60;
    if (argc > 2 && std::sscanf(argv[2], "%dx%d", &W, &H) != 2) return 2;
    if (argc > 3) frames = std::atoi(argv[3]);
    SceneSpec spec = load_scene_file(argv[1]);
    Model model = build_model(spec);
    Layout layout = compute_layout(model);
    const DrawList base = build_draw_list(model, layout, W, H);
    auto renderer = create_renderer(BackendKind::Auto, W, H, {});
    std::printf("%s %dx%d, %d frames (one animation step each), %s\n", argv[1], W, H, frames,
                renderer->description().c_str());
    Image img;
    auto report = [&](const char* what, const Timer& a, const Timer& g) {
        std::printf("  %-6s animation wall %7.2f cpu %7.2f ms | GL wall %7.2f cpu %7.2f ms | total cpu %7.2f ms\n",
                    what, 1e3 * a.wall / frames, 1e3 * a.cpu / frames, 1e3 * g.wall / frames,
                    1e3 * g.cpu / frames, 1e3 * (a.cpu + g.cpu) / frames);
    };
    for (int mode = 0; mode < 4; ++mode) {
        Animation anim(model, layout);
        const int period = anim.animated() ? anim.period() : 1;
        LayerPlanOptions po;
        po.always = mode == 3;  // windows to the cycle's end, each with a layer
        LayerPlanner planner(model, layout, W, H, base.camera, [&](int64_t f) { return 1 + int(f % period); },
                             frames - 1, po);
        SpriteSlots slots, warm;
        DrawList dl = base;
        Timer ta, tg;
        for (int f = -1; f < frames; ++f) {  // frame -1: warm-up, not timed
            const int step = 1 + (f < 0 ? 0 : f) % period;
            if (f >= 0) ta.start();
            if (mode >= 2 && f >= 0) {  // the planner's animation, run ahead
                dl.layer = planner.advance(f, slots, dl);
                dl.slots = &slots;
            } else {
                if (anim.animated()) anim.seek(step);
                if (mode == 0) {
                    anim.update_draw_list(dl, W, H);
                } else {  // (the warm-up of modes 2 and 3 in slots of its own)
                    SpriteSlots& sl = mode == 1 ? slots : warm;
                    anim.update_slots(sl, dl, W, H);
                    dl.slots = &sl;
                    dl.layer = nullptr;
                }
            }
            if (f >= 0) ta.stop(), tg.start();
            renderer->render(dl, img);
            if (f >= 0) tg.stop();
        }
        report(mode == 0 ? "whole" : mode == 1 ? "slots" : mode == 2 ? "layer" : "always", ta, tg);
        if (mode >= 2)
            std::printf("         (%lld layers, %lld frames with one)\n", (long long)planner.stats().windows,
                        (long long)planner.stats().layered_frames);
    }
    DrawList empty = base;
    empty.points.clear(), empty.lines.clear(), empty.text.clear(), empty.flow.clear();
    Timer te;
    for (int f = 0; f < frames; ++f) {
        te.start();
        renderer->render(empty, img);
        te.stop();
    }
    std::printf("  empty frame (clear + readback): wall %.2f cpu %.2f ms\n", 1e3 * te.wall / frames,
                1e3 * te.cpu / frames);
}
