#include "mmr/layer/layer_plan.h"

#include <algorithm>
#include <cmath>

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

const SpriteLayer* LayerPlanner::layer_for(int64_t f) {
    if (f > window_end_) plan(f);
    if (!use_layer_) return nullptr;
    ++stats_.layered_frames;
    return &layer_;
}

void LayerPlanner::plan(int64_t f0) {
    // The window's first frame: the layer is drawn as the slots are here.
    const bool animated = ahead_.animated();
    if (animated) ahead_.seek(step_of_(f0));
    ahead_.update_slots(slots_, scratch_, width_, height_);
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
        ahead_.update_slots(slots_, scratch_, width_, height_);
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
