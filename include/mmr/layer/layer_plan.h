// Static-layer planning for video frames (issue #14): which sprites stay
// unchanged over the coming frames, so that the GL backend renders them once into
// a colour+depth layer and each frame draws only the rest on top.
//
// The plan is exact: a second Animation runs ahead of the frames being drawn and
// reports, step by step, the slots that change (mmr/draw/sprite_slots.h). A
// layer covers frames f0..f1 and its dynamic set is every slot that changes in
// (f0, f1]. Its cost per frame, counted in sprites drawn, is the layer's own
// sprites spread over the window's frames, plus the dynamic set (drawn every
// frame), plus the copy of the layer; the window grows step by step while that
// falls, and ends before a cycle restart (everything changes). A window whose
// cost is not below drawing the frame whole gets no layer (small scenes: the
// copy costs more than the sprites). Frames whose camera moves (spin) are drawn
// without a layer by the caller.
#pragma once
#include <cstdint>
#include <functional>

#include "mmr/draw/draw_list.h"
#include "mmr/draw/sprite_slots.h"
#include "mmr/layout/layout.h"
#include "mmr/model/model.h"
#include "mmr/timeline/animation.h"

namespace mmr {

struct LayerPlanOptions {
    // What copying the layer into a frame costs, in sprites per pixel of the
    // frame: measured on llvmpipe, a 1920x1080 copy of colour and depth takes
    // about as long as drawing 17 000 sprites of mm's usual sizes.
    double copy_sprites_per_pixel = 1.0 / 120;
    // Tests: a layer for every window of more than one frame, however small the
    // scene (windows still grow by the cost rule, without the copy).
    bool always = false;
};

struct LayerPlanStats {
    int64_t windows = 0;         // layers planned
    int64_t layered_frames = 0;  // frames given a layer
    uint64_t dynamic_slots = 0;  // summed over windows
};

class LayerPlanner {
public:
    // step_of(f): the animation step frame f shows (frames are asked for in
    // increasing order, first..last).
    LayerPlanner(const Model& model, const Layout& layout, int width, int height,
                 std::function<int(int64_t)> step_of, int64_t last, LayerPlanOptions opts = {});

    // The layer frame f is drawn with, or nullptr to draw it whole.
    const SpriteLayer* layer_for(int64_t f);

    const LayerPlanStats& stats() const { return stats_; }

private:
    void plan(int64_t f0);

    Animation ahead_;
    SpriteSlots slots_;
    DrawList scratch_;
    int width_, height_;
    std::function<int(int64_t)> step_of_;
    int64_t last_;
    LayerPlanOptions opts_;
    SpriteLayer layer_;
    bool use_layer_ = false;
    int64_t window_end_ = -1;
    LayerPlanStats stats_;
};

}  // namespace mmr
