#include "mmr/layer/layer_plan.h"

#include "mmr/core/error.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>
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
LayerPlanner::Square LayerPlanner::square(const PointVertex& p) const {
    Square q;
    if (p.size < 0) return q;
    const glm::vec4 v = view_ * glm::vec4(p.x, p.y, p.z, 1.0f);
    const glm::vec4 c = proj_ * v;
    if (!(c.w > 0)) return q;
    const float nx = c.x / c.w, ny = c.y / c.w, nz = c.z / c.w;
    if (nx < -1 || nx > 1 || ny < -1 || ny > 1 || nz < -1 || nz > 1) return q;  // clipped
    q.key = 1 + uint32_t(std::llround((0.5 * double(nz) + 0.5) * 16777215.0));
    q.x = (0.5f * nx + 0.5f) * float(width_);
    q.y = (0.5f * ny + 0.5f) * float(height_);
    q.d = std::clamp(p.size / -v.z, std::max(1.0f, opts_.min_point), 255.0f);
    return q;
}

void LayerPlanner::slot_costs() {
    view_ = glm::lookAt(glm::make_vec3(camera_.position), glm::make_vec3(camera_.target), glm::make_vec3(camera_.up));
    proj_ = glm::perspective(glm::radians(camera_.fov_y_deg), float(width_) / float(height_), camera_.near_plane,
                             camera_.far_plane);
    const glm::mat4& view = view_;
    cost_.assign(slots_.v.size(), float(opts_.per_hidden));
    base_.assign(slots_.v.size(), Square{});
    order_.assign(slots_.v.size(), -1);
    int64_t position = 0;
    for (const SlotRun& r : slots_.drawn)
        for (uint32_t s = r.begin; s < r.end; ++s) order_[s] = position++;
    double sum = 0;
    uint64_t n = 0;
    for (const SlotRun& r : slots_.drawn)
        for (uint32_t s = r.begin; s < r.end; ++s) {
            const PointVertex& p = slots_.v[s];
            if (p.size < 0) continue;
            base_[s] = square(p);
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

// Sprites are flat squares at one depth each, depth-tested less-or-equal: on a tie
// (the same stored depth on the same pixel) the one drawn later wins. The layer
// draws its sprites before the dynamic ones, so a static sprite that comes after a
// dynamic one in draw order, at the same depth and overlapping it on screen, would
// lose where it should win (a camera facing a matrix puts a whole sheet at one
// depth). Such static slots join the dynamic set, until none is left: then every
// tie is resolved in draw order, as when the frame is drawn whole. Depths are
// compared as the depth buffer stores them (24 bits), with one step of slack
// either way; squares with 2 pixels of slack.
void LayerPlanner::resolve_ties(std::vector<SlotRun>& dynamic, size_t first_delta) {
    struct State { uint32_t slot; Square q; };
    std::vector<State> moving;  // every state a dynamic slot takes in the window
    for (const SlotRun& r : dynamic)
        for (uint32_t s = r.begin; s < r.end && s < base_.size(); ++s)
            if (base_[s].key) moving.push_back({s, base_[s]});
    for (size_t i = first_delta; i < deltas_.size(); ++i) {
        const Delta& d = deltas_[i];
        size_t at = 0;
        for (const SlotRun& r : d.changed)
            for (uint32_t s = r.begin; s < r.end; ++s, ++at) {
                const Square q = square(d.values[at]);
                if (q.key) moving.push_back({s, q});
            }
    }
    if (moving.empty()) return;
    // Beyond this many states the check would cost more than the layer saves (the
    // GPT-2-size head moves 131 k sprites a step): the window keeps its dynamic set
    // as it is, and a pixel where two sprites tie exactly in stored depth may show
    // the other one (docs/performance.md). No shipped scene differs.
    if (moving.size() > opts_.max_tie_states) {
        ++stats_.ties_unchecked;
        return;
    }
    constexpr float cell = 32;
    auto cell_key = [](uint32_t key, int cx, int cy) {
        return (uint64_t(key) << 32) ^ (uint64_t(uint16_t(int16_t(cx))) << 16) ^ uint64_t(uint16_t(int16_t(cy)));
    };
    std::vector<uint8_t> is_dynamic(base_.size(), 0);
    for (const SlotRun& r : dynamic)
        for (uint32_t s = r.begin; s < r.end && s < base_.size(); ++s) is_dynamic[s] = 1;
    // Static sprites at the depths the moving ones take, by depth and screen cell.
    // Depths are 24-bit (+1): one bit each.
    std::vector<uint64_t> moving_keys((uint64_t(1) << 24) / 64 + 2, 0), static_keys(moving_keys.size(), 0);
    auto set_bit = [](std::vector<uint64_t>& b, uint32_t k) { b[k >> 6] |= uint64_t(1) << (k & 63); };
    auto bit = [](const std::vector<uint64_t>& b, uint32_t k) { return (b[k >> 6] >> (k & 63)) & 1; };
    for (const State& m : moving)
        for (uint32_t k = m.q.key - 1; k <= m.q.key + 1; ++k) set_bit(moving_keys, k);
    std::unordered_map<uint64_t, std::vector<uint32_t>> grid;
    float largest = 1;
    for (uint32_t s = 0; s < base_.size(); ++s) {
        const Square& q = base_[s];
        if (!q.key || is_dynamic[s] || !bit(moving_keys, q.key)) continue;
        set_bit(static_keys, q.key);
        largest = std::max(largest, q.d);
        const int x0 = int(std::floor((q.x - q.d / 2 - 2) / cell)), x1 = int(std::floor((q.x + q.d / 2 + 2) / cell));
        const int y0 = int(std::floor((q.y - q.d / 2 - 2) / cell)), y1 = int(std::floor((q.y + q.d / 2 + 2) / cell));
        for (int cx = x0; cx <= x1; ++cx)
            for (int cy = y0; cy <= y1; ++cy) grid[cell_key(q.key, cx, cy)].push_back(s);
    }
    if (grid.empty()) return;
    std::vector<SlotRun> joined;
    for (size_t i = 0; i < moving.size(); ++i) {  // grows as static slots join
        const State m = moving[i];
        if (!bit(static_keys, m.q.key - 1) && !bit(static_keys, m.q.key) && !bit(static_keys, m.q.key + 1)) continue;
        const int64_t order = order_[m.slot];  // -1: not drawn at the start, treated as first
        const int x0 = int(std::floor((m.q.x - m.q.d / 2 - 2) / cell)), x1 = int(std::floor((m.q.x + m.q.d / 2 + 2) / cell));
        const int y0 = int(std::floor((m.q.y - m.q.d / 2 - 2) / cell)), y1 = int(std::floor((m.q.y + m.q.d / 2 + 2) / cell));
        for (uint32_t k = m.q.key - 1; k <= m.q.key + 1; ++k)
            for (int cx = x0; cx <= x1; ++cx)
                for (int cy = y0; cy <= y1; ++cy) {
                    auto it = grid.find(cell_key(k, cx, cy));
                    if (it == grid.end()) continue;
                    for (uint32_t s : it->second) {
                        if (is_dynamic[s] || order_[s] <= order) continue;
                        const Square& q = base_[s];
                        const float reach = (q.d + m.q.d) / 2 + 2;
                        if (std::fabs(q.x - m.q.x) >= reach || std::fabs(q.y - m.q.y) >= reach) continue;
                        is_dynamic[s] = 1;
                        joined.push_back({s, s + 1});
                        moving.push_back({s, q});
                    }
                }
    }
    if (joined.empty()) return;
    dynamic = slot_runs::unite(dynamic, [&] {
        slot_runs::normalize(joined);
        return joined;
    }());
    stats_.tie_slots += slot_runs::count(joined);
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
    const size_t first_delta = deltas_.size();  // the window's changes are recorded from here on
    slot_costs();
    const double whole = cost_of(slots_.drawn);  // the frame drawn whole
    const double copy = opts_.always ? 0 : opts_.copy_per_pixel * double(width_) * double(height_);
    // Per frame: the layer's sprites (at most all of them) over n frames, the
    // dynamic set every frame, and the copy.
    auto cost = [&](double n, double dynamic) { return whole / n + dynamic + copy; };
    double dynamic_cost = 0;

    std::vector<SlotRun> dynamic;
    int64_t end = f0;  // the window so far: f0..end
    // Frames that show the step of the frame before are not drawn (the video
    // repeats the picture): a window's cost is spread over the steps it draws.
    int64_t drawn = 1;
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
        if (!opts_.always && cost(double(drawn + 1), grown_cost) > cost(double(drawn), dynamic_cost))
            break;  // ahead_ now holds the next window's first frame
        dynamic.swap(grown);
        dynamic_cost = grown_cost;
        ++drawn;
        end = h;
        g = h + 1;
    }
    window_end_ = end;
    ++layer_.id;
    // The changes of a step that ended the window are recorded too: resolving
    // ties against them as well only makes the dynamic set larger, never wrong.
    if (drawn > 1) {
        resolve_ties(dynamic, first_delta);
        dynamic_cost = cost_of(dynamic);
    }
    layer_.dynamic = std::move(dynamic);
    const uint64_t dyn = slot_runs::count(layer_.dynamic);
    use_layer_ = drawn > 1 && (opts_.always || cost(double(drawn), dynamic_cost) < whole);
    if (use_layer_) {
        ++stats_.windows;
        stats_.dynamic_slots += dyn;
    }
}

}  // namespace mmr
