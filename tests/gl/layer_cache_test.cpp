// Static-layer caching (issue #14) against the brute-force path: for every
// shipped animated scene, frames drawn as changes with a static layer (the
// planner forced to use one for every window) equal, byte for byte, the same
// frames drawn whole from a rebuilt draw list — across many steps, cycle
// restarts, repeated frames, hide-inputs, fused children and block partitions.
#include <doctest/doctest.h>

#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <algorithm>
#include "mmr/draw/build_draw_list.h"
#include "mmr/gl/backend.h"
#include "mmr/layer/layer_plan.h"
#include "mmr/layout/layout.h"
#include "mmr/model/build_model.h"
#include "mmr/scene/scene_parser.h"
#include "mmr/timeline/animation.h"
#include "mmr/timeline/fuse_check.h"

using namespace mmr;

namespace {

constexpr int W = 320, H = 180;

// The steps the frames show: the first steps of the cycle (two frames each, so
// that windows hold repeated frames), a run near its end, a restart into the
// next cycle, and a jump forward.
std::vector<int> frame_steps(int period) {
    std::vector<int> steps;
    for (int s = 1; s <= std::min(period, 14); ++s) steps.insert(steps.end(), {s, s});
    for (int s = std::max(15, period - 6); s <= period; ++s) steps.push_back(s);
    for (int s = 1; s <= std::min(period, 5); ++s) steps.push_back(s);
    if (period > 12) steps.push_back(period / 2);
    return steps;
}

struct Result {
    int frames = 0, layered = 0, differing = 0;
    int64_t windows = 0;
};

Result compare_scene(SceneSpec spec, const std::string& path, Renderer& r, bool transparent = false) {
    spec.output.width = W, spec.output.height = H;
    Model model = build_model(spec);
    Layout layout = compute_layout(model);
    Result res;
    Animation whole(model, layout);
    if (!whole.animated()) return res;
    const std::vector<int> steps = frame_steps(whole.period());
    LayerPlanOptions po;
    po.always = true;
    DrawList a = build_draw_list(model, layout, W, H);
    LayerPlanner planner(model, layout, W, H, a.camera, [&](int64_t f) { return steps[size_t(f)]; },
                         int64_t(steps.size()) - 1, po);
    if (transparent) a.background_alpha = 0;
    DrawList b = a;
    SpriteSlots slots;
    Image ia, ib;
    for (size_t f = 0; f < steps.size(); ++f) {
        whole.seek(steps[f]);
        whole.update_draw_list(a, W, H);
        r.render(a, ia);
        b.layer = planner.advance(int64_t(f), slots, b);  // the planner's animation, replayed
        b.slots = &slots;
        res.layered += b.layer != nullptr;
        r.render(b, ib);
        ++res.frames;
        if (ia.rgba != ib.rgba) {
            ++res.differing;
            MESSAGE(path << ": frame " << f << " (step " << steps[f] << ") differs"
                         << (b.layer ? " (layered)" : ""));
        }
    }
    res.windows = planner.stats().windows;
    return res;
}

Result compare_scene(const std::string& path, Renderer& r, bool transparent = false) {
    return compare_scene(load_scene_file(path), path, r, transparent);
}

}  // namespace

TEST_CASE("static layer: hidden inputs, fused children and block partitions") {
    // No shipped scene hides its inputs: a chain that does, fused, with k blocks.
    const char* yaml = R"Y(
expr: (A @ B) @ C
matrices:
  A: {shape: [40, 8]}
  B: {shape: [8, 10]}
  C: {shape: [10, 6]}
matmuls:
  "A @ B": {anim: {alg: vmprod, hide_inputs: true}, k_blocks: 2}
anim: {alg: vmprod, fuse: sync, speed: 10, hide_inputs: true}
blocks: {i: 2}
)Y";
    auto renderer = create_renderer(BackendKind::Auto, W, H, {});
    const SceneSpec spec = parse_scene(yaml, "hide.yaml");
    {
        Model model = build_model(spec);
        check_fusion(model, "hide.yaml");  // the scene is one mmr renders (the fusion is valid)
    }
    const Result res = compare_scene(spec, "hide.yaml", *renderer);
    CHECK(res.frames > 30);
    CHECK(res.layered > 15);
    CHECK(res.differing == 0);
}

TEST_CASE("static layer: sprites tied in depth (a camera facing the matrices) still resolve in draw order") {
    // Face-on, a whole sheet is at one depth and large sprites overlap their
    // neighbours: the planner must move static sprites that tie with an earlier
    // dynamic one into the dynamic set (without that, 30 of these 40 frames differed).
    for (const char* camera : {"[0, 0, 90]", "[-90, 0, 0]", "[0, 0, -90]"}) {
        CAPTURE(camera);
        const std::string yaml = std::string(R"(
expr: "L @ R"
matrices:
  L: {shape: [16, 12], init: expr, expr: "-2 * (Math.trunc(i / 4) % 2) + 1"}
  R: {shape: [12, 16], init: expr, expr: "-2 * (Math.trunc(j / 4) % 2) + 1"}
anim: {speed: 12, alg: vmprod}
layout: {gap: 5}
viz: {sensitivity: semilocal, min_size: 0.196, max_light: 0.6, elem_scale: 4}
camera: {position: )") + camera + ", target: [0, 0, 0]}\n";
        auto renderer = create_renderer(BackendKind::Auto, W, H, {});
        const Result res = compare_scene(parse_scene(yaml, "tie.yaml"), "tie.yaml", *renderer);
        CHECK(res.frames > 20);
        CHECK(res.layered > 10);
        CHECK(res.differing == 0);
    }
}

TEST_CASE("static layer: every shipped animated scene draws the same bytes as the brute-force path") {
    std::vector<std::string> scenes;
    for (const char* dir : {"/scenes", "/scenes/article", "/scenes/attention"})
        for (const auto& e : std::filesystem::directory_iterator(std::string(MMR_SOURCE_DIR) + dir))
            if (e.path().extension() == ".yaml") scenes.push_back(e.path().string());
    std::sort(scenes.begin(), scenes.end());
    auto renderer = create_renderer(BackendKind::Auto, W, H, {});
    int animated = 0, layered_frames = 0;
    for (const std::string& s : scenes) {
        CAPTURE(s);
        const Result res = compare_scene(s, *renderer);
        CHECK(res.differing == 0);
        if (res.frames > 0) ++animated;
        layered_frames += res.layered;
    }
    // The comparison means something: many scenes, most frames drawn over a layer.
    MESSAGE(animated << " animated scenes, " << layered_frames << " frames drawn over a layer");
    CHECK(animated >= 25);
    CHECK(layered_frames > 300);
}

TEST_CASE("static layer: the same bytes without antialiasing, with MSAA, and on a transparent background") {
    const std::string dir = std::string(MMR_SOURCE_DIR) + "/scenes/";
    for (Antialias aa : {Antialias::None, Antialias::Msaa, Antialias::Smooth}) {
        RenderOptions ro;
        ro.aa = aa;
        auto renderer = create_renderer(BackendKind::Auto, W, H, ro);
        for (const char* s : {"partition-binary-k-anim.yaml", "vvprod.yaml", "attention/flash-prefill.yaml"}) {
            CAPTURE(s);
            CAPTURE(int(aa));
            const Result res = compare_scene(dir + s, *renderer, aa != Antialias::Msaa);
            CHECK(res.frames > 20);
            CHECK(res.differing == 0);
            // MSAA frames are drawn whole (the renderer ignores the layer).
            if (aa != Antialias::Msaa) CHECK(res.layered > 10);
        }
    }
}
