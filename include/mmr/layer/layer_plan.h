// Static-layer planning for video frames (issue #14): which sprites stay
// unchanged over the coming frames, so that the GL backend renders them once into
// a colour+depth layer and each frame draws only the rest on top.
//
// The plan is exact: a second Animation runs ahead of the frames being drawn and
// reports, step by step, the slots that change (mmr/draw/sprite_slots.h). A
// layer covers frames f0..f1 and its dynamic set is every slot that changes in
// (f0, f1]. Its cost per frame is the layer's own sprites spread over the
// window's frames, plus the dynamic set (drawn every frame), plus the copy of the
// layer; the window grows step by step while that falls, and ends before a cycle
// restart (everything changes). A window whose cost is not below drawing the
// frame whole gets no layer (a few small sprites cost less than the copy).
// Costs are in pixels a sprite covers on screen (its point square, at least 1)
// plus a fixed amount per sprite. Frames whose camera moves (spin) are drawn
// without a layer by the caller.
#pragma once
#include <cstdint>
#include <deque>
#include <functional>
#include <vector>

#include <glm/glm.hpp>

#include "mmr/draw/draw_list.h"
#include "mmr/draw/sprite_slots.h"
#include "mmr/layout/layout.h"
#include "mmr/model/model.h"
#include "mmr/timeline/animation.h"

namespace mmr {

struct LayerPlanOptions {
    // Costs in sprite pixels (llvmpipe, measured with bench/frame_cost.cpp):
    // a sprite costs its point square in pixels plus `per_sprite`; a slot that
    // is not drawn (clipped) `per_hidden`; copying the layer into a frame
    // `copy_per_pixel` per pixel of the frame.
    double per_sprite = 2;
    double per_hidden = 0.5;
    double copy_per_pixel = 0.0625;
    // The smallest sprite in pixels (the renderer's --scale): for the tie check.
    float min_point = 1;
    // Depth ties are checked in windows whose moving sprites take at most this
    // many positions (layer_plan.cpp, resolve_ties).
    size_t max_tie_states = 250000;
    // Tests: windows that run to the end of the cycle, each with a layer however
    // small the scene.
    bool always = false;
};

struct LayerPlanStats {
    int64_t windows = 0;         // layers planned
    int64_t layered_frames = 0;  // frames given a layer
    uint64_t dynamic_slots = 0;  // summed over windows
    uint64_t tie_slots = 0;      // static slots made dynamic so that depth ties resolve in draw order
    int64_t ties_unchecked = 0;  // windows too large for the tie check
};

class LayerPlanner {
public:
    // step_of(f): the animation step frame f shows (frames are asked for in
    // increasing order, first..last).
    // `camera` is the frames' camera (fixed: the caller plans no layer with spin).
    LayerPlanner(const Model& model, const Layout& layout, int width, int height, const CameraView& camera,
                 std::function<int(int64_t)> step_of, int64_t last, LayerPlanOptions opts = {});

    // Frame f's sprites and row guides, and its layer (nullptr: drawn whole).
    // The animation ran once, ahead: each step's changes were recorded then and
    // are applied here to `slots` and dl.lines (dl.points is left empty), so the
    // caller needs no Animation of its own. Frames come in increasing order;
    // frames showing the step of the frame before need no call, but may make one.
    const SpriteLayer* advance(int64_t f, SpriteSlots& slots, DrawList& dl);

    const LayerPlanStats& stats() const { return stats_; }

private:
    void plan(int64_t f0);
    void update_ahead();  // ahead_'s slots to its step, the changes recorded for advance()
    void slot_costs();  // cost_, base_ and order_ for every slot, as the slots are now
    void resolve_ties(std::vector<SlotRun>& dynamic, size_t first_delta);
    // A sprite on screen: its stored depth (+1; 0 = not drawn) and its square.
    struct Square {
        uint32_t key = 0;
        float x = 0, y = 0, d = 0;
    };
    Square square(const PointVertex& p) const;
    double cost_of(const std::vector<SlotRun>& runs) const;

    Animation ahead_;
    SpriteSlots slots_;
    DrawList scratch_;
    int width_, height_;
    CameraView camera_;
    std::vector<float> cost_;  // per slot, at the window's start
    std::vector<Square> base_;  // per slot, at the window's start
    std::vector<int64_t> order_;  // draw position at the window's start (-1: not drawn)
    glm::mat4 view_{1.0f}, proj_{1.0f};
    std::function<int(int64_t)> step_of_;
    int64_t last_;
    LayerPlanOptions opts_;
    SpriteLayer layer_;
    bool use_layer_ = false;
    // One step's changes, as the ahead animation made them, in order.
    struct Delta {
        int step = 0;
        bool all = false;
        size_t size = 0;  // slots in all
        std::vector<SlotRun> changed, drawn;
        std::vector<PointVertex> values;  // of the changed slots, run after run
        std::vector<LineVertex> lines;
    };
    std::deque<Delta> deltas_;
    std::vector<Delta> spare_;  // replayed, kept for their buffers
    int recorded_step_ = -1, replayed_step_ = -1;
    int64_t window_end_ = -1;
    LayerPlanStats stats_;
};

}  // namespace mmr
