#include "mmr/layer/layer_plan.h"

#include <algorithm>

namespace mmr {

LayerPlanner::LayerPlanner(const Model& model, const Layout& layout, int width, int height,
                           std::function<int(int64_t)> step_of, int64_t last, LayerPlanOptions opts)
    : ahead_(model, layout), width_(width), height_(height), step_of_(std::move(step_of)), last_(last),
      opts_(opts) {}

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
    double visible = 0;  // sprites drawn whole
    for (const SlotRun& r : slots_.drawn)
        for (uint32_t s = r.begin; s < r.end; ++s) visible += slots_.v[s].size >= 0;
    const double copy = opts_.always ? 0 : opts_.copy_sprites_per_pixel * double(width_) * double(height_);
    // Per frame: the layer's sprites (at most `visible`) over n frames, the
    // dynamic set every frame, and the copy.
    auto cost = [&](double n, uint64_t dynamic) { return visible / n + double(dynamic) + copy; };

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
        const double n = double(end - f0 + 1);
        if (cost(n + double(h - g + 1), slot_runs::count(grown)) > cost(n, slot_runs::count(dynamic)))
            break;  // ahead_ now holds the next window's first frame
        dynamic.swap(grown);
        end = h;
        g = h + 1;
    }
    window_end_ = end;
    ++layer_.id;
    layer_.dynamic = std::move(dynamic);
    const uint64_t dyn = slot_runs::count(layer_.dynamic);
    use_layer_ = end > f0 && (opts_.always || cost(double(end - f0 + 1), dyn) < visible);
    if (use_layer_) {
        ++stats_.windows;
        stats_.dynamic_slots += dyn;
    }
}

}  // namespace mmr
