// Frames as changes (issue #14): slot run sets, the animation's incremental
// sprite slots against its whole draw list, and the static-layer planner's
// guarantee that nothing outside a window's dynamic set changes.
#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <vector>

#include "mmr/draw/build_draw_list.h"
#include "mmr/draw/sprite_slots.h"
#include "mmr/layer/layer_plan.h"
#include "mmr/layout/layout.h"
#include "mmr/model/build_model.h"
#include "mmr/scene/scene_parser.h"
#include "mmr/timeline/animation.h"

using namespace mmr;

namespace {

std::vector<SlotRun> runs(std::initializer_list<std::pair<uint32_t, uint32_t>> l) {
    std::vector<SlotRun> out;
    for (auto [b, e] : l) out.push_back({b, e});
    return out;
}

bool same_vertex(const PointVertex& a, const PointVertex& b) { return std::memcmp(&a, &b, sizeof a) == 0; }

bool in_runs(const std::vector<SlotRun>& set, uint32_t s) {
    for (const SlotRun& r : set)
        if (s >= r.begin && s < r.end) return true;
    return false;
}

const char* kScenes[] = {"/scenes/dotprod.yaml", "/scenes/vvprod.yaml", "/scenes/article/04-mvprod.yaml",
                         "/scenes/partition-binary-k-anim.yaml", "/scenes/partition-data-parallel-anim.yaml",
                         "/scenes/attention/flash-prefill.yaml"};

}  // namespace

TEST_CASE("slot runs: normalize, unite, count and split") {
    std::vector<SlotRun> a = runs({{10, 20}, {0, 5}, {5, 8}, {30, 30}, {15, 25}});
    slot_runs::normalize(a);
    CHECK(a == runs({{0, 8}, {10, 25}}));
    CHECK(slot_runs::count(a) == 23);
    CHECK(slot_runs::unite(a, runs({{8, 10}, {40, 41}})) == runs({{0, 25}, {40, 41}}));
    std::vector<SlotRun> in, out;
    slot_runs::split({4, 30}, a, true, in);
    slot_runs::split({4, 30}, a, false, out);
    CHECK(in == runs({{4, 8}, {10, 25}}));
    CHECK(out == runs({{8, 10}, {25, 30}}));
    in.clear(), out.clear();
    slot_runs::split({26, 29}, a, true, in);
    slot_runs::split({26, 29}, a, false, out);
    CHECK(in.empty());
    CHECK(out == runs({{26, 29}}));
}

TEST_CASE("sprite slots: the drawn slots are the draw list's points, and every change is listed") {
    for (const char* rel : kScenes) {
        const std::string path = std::string(MMR_SOURCE_DIR) + rel;
        CAPTURE(path);
        SceneSpec spec = load_scene_file(path);
        Model model = build_model(spec);
        Layout layout = compute_layout(model);
        Animation whole(model, layout), changes(model, layout);
        REQUIRE(whole.animated());
        DrawList a = build_draw_list(model, layout, 640, 360), b = a;
        SpriteSlots slots;
        std::vector<PointVertex> before;
        std::vector<SlotRun> drawn_before;
        const int period = whole.period();
        // Two cycles' worth of steps, some skipped, with a restart.
        std::vector<int> steps;
        for (int s = 1; s <= period; s += 1 + s / 16) steps.push_back(s);
        for (int s = 1; s <= std::min(period, 6); ++s) steps.push_back(s);
        for (int step : steps) {
            CAPTURE(step);
            whole.seek(step);
            whole.update_draw_list(a, 640, 360);
            changes.seek(step);
            changes.update_slots(slots, b, 640, 360);
            CHECK(b.points.empty());
            CHECK(a.lines.size() == b.lines.size());
            std::vector<PointVertex> visible;
            for (const SlotRun& r : slots.drawn)
                for (uint32_t s = r.begin; s < r.end; ++s)
                    if (slots.v[s].size >= 0) visible.push_back(slots.v[s]);
            REQUIRE(visible.size() == a.points.size());
            bool equal = true;
            for (size_t i = 0; i < visible.size(); ++i) equal = equal && same_vertex(visible[i], a.points[i]);
            CHECK(equal);
            // Every slot that differs from the previous update, or whose matrix
            // started or stopped being drawn, is in `changed`.
            if (!before.empty() && !slots.all_changed) {
                int missed = 0;
                for (uint32_t s = 0; s < uint32_t(before.size()); ++s)
                    if ((!same_vertex(before[s], slots.v[s]) || in_runs(drawn_before, s) != in_runs(slots.drawn, s)) &&
                        !in_runs(slots.changed, s))
                        ++missed;
                CHECK(missed == 0);
            }
            before = slots.v;
            drawn_before = slots.drawn;
        }
    }
}

TEST_CASE("layer planner: frames replayed from the animation run ahead, and nothing outside a window's dynamic set changes while its layer is in use") {
    for (const char* rel : kScenes) {
        const std::string path = std::string(MMR_SOURCE_DIR) + rel;
        CAPTURE(path);
        SceneSpec spec = load_scene_file(path);
        Model model = build_model(spec);
        Layout layout = compute_layout(model);
        Animation anim(model, layout);  // the truth, step by step
        const int period = anim.animated() ? anim.period() : 1;
        // 2.5 frames per step, over a cycle and a half: repeated frames and a restart.
        const int64_t last = int64_t(period * 5 / 2 * 3 / 2);
        auto step_of = [&](int64_t f) { return 1 + int((f * 2 / 5) % period); };
        LayerPlanOptions po;
        po.always = true;
        const DrawList base = build_draw_list(model, layout, 640, 360);
        LayerPlanner planner(model, layout, 640, 360, base.camera, step_of, last, po);
        SpriteSlots truth, replayed;
        DrawList dt = base, dr = base;
        uint64_t id = 0;
        std::vector<PointVertex> at_start;
        std::vector<SlotRun> drawn_at_start;
        int violations = 0, layered = 0, replay_errors = 0;
        for (int64_t f = 0; f <= last; ++f) {
            anim.seek(step_of(f));
            anim.update_slots(truth, dt, 640, 360);
            const SpriteLayer* layer = planner.advance(f, replayed, dr);
            // The replayed frame is the frame: same drawn runs, same drawn slots, same guides.
            bool same = replayed.drawn == truth.drawn && dr.lines.size() == dt.lines.size() &&
                        replayed.v.size() == truth.v.size() && dr.points.empty();
            for (const SlotRun& r : truth.drawn)
                for (uint32_t s = r.begin; same && s < r.end; ++s) same = same_vertex(truth.v[s], replayed.v[s]);
            replay_errors += !same;
            if (!layer) {
                id = 0;
                continue;
            }
            ++layered;
            if (layer->id != id) {  // a new layer: drawn from these slots
                id = layer->id;
                at_start = truth.v;
                drawn_at_start = truth.drawn;
                continue;
            }
            for (uint32_t s = 0; s < uint32_t(at_start.size()); ++s) {
                if (in_runs(layer->dynamic, s)) continue;
                if (!same_vertex(at_start[s], truth.v[s]) || in_runs(drawn_at_start, s) != in_runs(truth.drawn, s))
                    ++violations;
            }
        }
        CHECK(replay_errors == 0);
        CHECK(violations == 0);
        CHECK(layered > last / 2);
        CHECK(planner.stats().windows >= 1);
    }
}
