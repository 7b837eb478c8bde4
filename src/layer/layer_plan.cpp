#include "mmr/layer/layer_plan.h"

#include "mmr/core/error.h"

#include <algorithm>
#include <cmath>
#include <string>

#include <glm/glm.hpp>
#include <glm/gtc/matrix_transform.hpp>
#include <glm/gtc/type_ptr.hpp>

namespace mmr {

LayerPlanner::LayerPlanner(const Model& model, const Layout& layout, int width, int height,
                           const CameraView& camera, std::function<int(int64_t)> step_of, int64_t last,
                           LayerPlanOptions opts)
    : ahead_(model, layout), width_(width), height_(height), camera_(camera), step_of_(std::move(step_of)),
      last_(last), opts_(opts) {}

// A drawn sprite covers its point square: diameter size / view depth, clamped as
// the point shader clamps it. A slot hidden now costs what the scene's average
// sprite does (it is in the dynamic set because it is about to be shown).
void LayerPlanner::slot_costs() {
    const glm::mat4 view = glm::lookAt(glm::make_vec3(camera_.position), glm::make_vec3(camera_.target),
                                       glm::make_vec3(camera_.up));
    cost_.assign(slots_.v.size(), float(opts_.per_hidden));
    double sum = 0;
    uint64_t n = 0;
    for (const SlotRun& r : slots_.drawn)
        for (uint32_t s = r.begin; s < r.end; ++s) {
            const PointVertex& p = slots_.v[s];
            if (p.size < 0) continue;
            const float depth = -(view * glm::vec4(p.x, p.y, p.z, 1.0f)).z;
            const float d = depth > 0 ? std::clamp(p.size / depth, 1.0f, 255.0f) : 1.0f;
            cost_[s] = float(opts_.per_sprite) + d * d;
            sum += cost_[s];
            ++n;
        }
    const float average = n ? float(sum / double(n)) : float(opts_.per_sprite + 1);
    for (const SlotRun& r : slots_.drawn)
        for (uint32_t s = r.begin; s < r.end; ++s)
            if (slots_.v[s].size < 0) cost_[s] = average;
}

double LayerPlanner::cost_of(const std::vector<SlotRun>& runs) const {
    double sum = 0;
    for (const SlotRun& r : runs)
        for (uint32_t s = r.begin; s < r.end && s < cost_.size(); ++s) sum += cost_[s];
    return sum;
}

void LayerPlanner::update_ahead() {
    ahead_.update_slots(slots_, scratch_, width_, height_);
    // A recycled delta keeps its buffers' capacity: no allocation per step.
    Delta d;
    if (!spare_.empty()) {
        d = std::move(spare_.back());
        spare_.pop_back();
        d.values.clear();
    }
    d.step = ahead_.animated() ? ahead_.step() : 0;
    d.all = slots_.all_changed;
    d.size = slots_.v.size();
    d.changed = slots_.changed;
    d.drawn = slots_.drawn;
    d.lines = scratch_.lines;
    for (const SlotRun& r : d.changed) d.values.insert(d.values.end(), slots_.v.begin() + r.begin, slots_.v.begin() + r.end);
    recorded_step_ = d.step;
    deltas_.push_back(std::move(d));
}

const SpriteLayer* LayerPlanner::advance(int64_t f, SpriteSlots& slots, DrawList& dl) {
    if (f > window_end_) plan(f);
    const int step = ahead_.animated() ? step_of_(f) : 0;
    if (step != replayed_step_) {
        if (deltas_.empty() || deltas_.front().step != step)
            throw Error("internal error: the static-layer plan lost track of the animation at frame " +
                        std::to_string(f) + " (step " + std::to_string(step) + ")");
        const Delta& d = deltas_.front();
        slots.v.resize(d.size);
        size_t at = 0;
        for (const SlotRun& r : d.changed) {
            std::copy(d.values.begin() + long(at), d.values.begin() + long(at + r.size()), slots.v.begin() + r.begin);
            at += r.size();
        }
        slots.changed = d.changed;
        slots.drawn = d.drawn;
        slots.all_changed = d.all || slots.generation == 0;
        ++slots.generation;
        dl.points.clear();
        dl.lines = d.lines;
        replayed_step_ = step;
        spare_.push_back(std::move(deltas_.front()));
        deltas_.pop_front();
    }
    if (!use_layer_) return nullptr;
    ++stats_.layered_frames;
    return &layer_;
}

void LayerPlanner::plan(int64_t f0) {
    // The window's first frame: the layer is drawn as the slots are here.
    const bool animated = ahead_.animated();
    const int first = animated ? step_of_(f0) : 0;
    // Where the window before stopped, ahead_ already shows this frame's step
    // (its changes are recorded); else it moves there (a new cycle, or the start).
    if (first != recorded_step_) {
        if (animated) ahead_.seek(first);
        update_ahead();
    }
    slot_costs();
    const double whole = cost_of(slots_.drawn);  // the frame drawn whole
    const double copy = opts_.always ? 0 : opts_.copy_per_pixel * double(width_) * double(height_);
    // Per frame: the layer's sprites (at most all of them) over n frames, the
    // dynamic set every frame, and the copy.
    auto cost = [&](double n, double dynamic) { return whole / n + dynamic + copy; };
    double dynamic_cost = 0;

    std::vector<SlotRun> dynamic;
    int64_t end = f0;  // the window so far: f0..end
    int shown = animated ? ahead_.step() : 0;
    for (int64_t g = f0 + 1; g <= last_;) {
        const int step = animated ? step_of_(g) : 0;
        if (step == shown) {  // the same picture as the frame before: free
            end = g++;
            continue;
        }
        if (step < shown) break;  // a new cycle: everything is redrawn
        // The step's frames, g..h.
        int64_t h = g;
        while (h < last_ && step_of_(h + 1) == step) ++h;
        ahead_.seek(step);
        update_ahead();
        shown = step;
        std::vector<SlotRun> grown = slot_runs::unite(dynamic, slots_.changed);
        const double grown_cost = cost_of(grown);
        const double n = double(end - f0 + 1);
        if (cost(n + double(h - g + 1), grown_cost) > cost(n, dynamic_cost))
            break;  // ahead_ now holds the next window's first frame
        dynamic.swap(grown);
        dynamic_cost = grown_cost;
        end = h;
        g = h + 1;
    }
    window_end_ = end;
    ++layer_.id;
    layer_.dynamic = std::move(dynamic);
    const uint64_t dyn = slot_runs::count(layer_.dynamic);
    use_layer_ = end > f0 && (opts_.always || cost(double(end - f0 + 1), dynamic_cost) < whole);
    if (use_layer_) {
        ++stats_.windows;
        stats_.dynamic_slots += dyn;
    }
}

}  // namespace mmr
