// Speed of the animation timeline alone: step + incremental draw-list update
// on the article's attention head at GPT-2 sizes (fixture 20: root vmprod,
// fuse sync), 1920x1080, no GL and no encoding.
//   cmake --build build --target bench_timeline_steps && build/bench/bench_timeline_steps
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "mmr/draw/build_draw_list.h"
#include "mmr/layout/layout.h"
#include "mmr/model/build_model.h"
#include "mmr/scene/scene_parser.h"
#include "mmr/timeline/animation.h"

using namespace mmr;

int main() {
    SceneSpec spec = load_scene_file(MMR_SOURCE_DIR "/scenes/attn-animation.yaml");
    using clock = std::chrono::steady_clock;
    auto secs = [](clock::duration d) { return std::chrono::duration<double>(d).count(); };
    auto t0 = clock::now();
    Model model = build_model(spec);
    Layout layout = compute_layout(model);
    Animation a(model, layout);
    DrawList dl = build_draw_list(model, layout, 1920, 1080);
    a.update_draw_list(dl, 1920, 1080);
    auto t1 = clock::now();
    const int steps = 120;
    for (int n = 0; n < steps; ++n) {
        a.advance();
        a.update_draw_list(dl, 1920, 1080);
    }
    auto t2 = clock::now();
    a.seek(1);
    a.update_draw_list(dl, 1920, 1080);
    auto t3 = clock::now();
    std::printf("attn-animation (period %d): set-up + first draw list %.2f s, %zu points\n",
                a.period(), secs(t1 - t0), dl.points.size());
    std::printf("step + update_draw_list: %.1f steps/s\n", steps / secs(t2 - t1));
    std::printf("seek back to step 1 + update_draw_list: %.3f s\n", secs(t3 - t2));
}
