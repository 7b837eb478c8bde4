// Internal: one drawn point cloud (a leaf, a result, an interior mat or a
// partial-result plane) with mm's per-element display state (docs/spec/mm-look.md §2.7,
// docs/spec/mm-animation.md §1) and caches of its sprites and row guides.
#pragma once
#include <cstdint>
#include <vector>

#include "mmr/draw/draw_list.h"
#include "mmr/draw/sprite_slots.h"
#include "mmr/layout/layout.h"
#include "mmr/look/look.h"
#include "mmr/timeline/animation.h"

namespace mmr::timeline {

class Sheet {
public:
    // `data` is borrowed (model values, cached partial sums) unless own_data() is used.
    Sheet(const MatrixPlacement& mp, const Matrix* data, const MagnitudeRange& range,
          const VizSettings& viz, double guide_level);
    // An intermediate that owns its data from the start.
    Sheet(const MatrixPlacement& mp, Matrix owned, const MagnitudeRange& range,
          const VizSettings& viz, double guide_level);
    Sheet(const Sheet&) = delete;  // data_ may point at own_
    Sheet& operator=(const Sheet&) = delete;

    // mm's Mat operations on rows [r0, r1) x columns [c0, c1):
    // Hidden = hide(), Shown = show()/setColorsAndSizes(), Highlighted = bumpColor().
    void set(ElementMode m, int r0, int r1, int c0, int c1);
    void set_row(ElementMode m, int r) { set(m, r, r + 1, 0, data_->w); }
    void set_col(ElementMode m, int c) { set(m, 0, data_->h, c, c + 1); }
    void set_all(ElementMode m) { set(m, 0, data_->h, 0, data_->w); }
    // Highlighting and un-highlighting as an operand: like set(), except that the
    // hidden elements of a scratch result stay hidden (its earlier tiles are gone).
    void touch(ElementMode m, int r0, int r1, int c0, int c1);
    void touch_row(ElementMode m, int r) { touch(m, r, r + 1, 0, data_->w); }
    void touch_col(ElementMode m, int c) { touch(m, 0, data_->h, c, c + 1); }
    ElementMode mode(int r, int c) const { return mode_[index(r, c)]; }
    bool drawn(int r, int c) const;  // emitted as a sprite: not hidden, size > 0

    const Matrix& data() const { return *data_; }
    // Switches to an owned copy of the data (running results, interior mats).
    Matrix& own_data();
    // Call after changing owned data: every element is redrawn from it.
    void data_changed();

    const MatrixPlacement& placement() const { return mp_; }
    void move(const glm::dmat4& frame);
    const MagnitudeRange& range() const { return range_; }
    double viz_elem_scale() const { return viz_.elem_scale; }

    bool active = true;   // interior mats and partial planes exist only during a cycle
    bool guides = true;   // row guides drawn (interior mats get them at their first step)
    bool scratch = false; // the result of a matmul with anim.scratch
    void show_guides(bool on);

    // Appends the visible sprites (cached until the state changes).
    void emit_points(std::vector<PointVertex>& out, int width, int height);
    void emit_guides(std::vector<LineVertex>& out);

    // Frame-to-frame sprites (mmr/draw/sprite_slots.h): the sheet owns slots
    // [slot_base, slot_base + elements) of `slots`, given on the first call. Only
    // elements changed since the last call are rewritten; their slots are
    // appended to `changed`.
    void write_slots(SpriteSlots& slots, float px, std::vector<SlotRun>& changed);
    int64_t slot_base() const { return slot_base_; }
    bool drawn_last = false;  // `active` when the slots were last written

private:
    MatrixPlacement mp_;
    const Matrix* data_;
    Matrix own_;
    MagnitudeRange range_;
    VizSettings viz_;
    double guide_level_;
    std::vector<ElementMode> mode_;
    std::vector<ElementLook> look_;  // from the data, without state
    std::vector<glm::vec3> pos_;     // world positions
    bool look_valid_ = false, pos_valid_ = false;
    std::vector<PointVertex> points_;
    std::vector<LineVertex> lines_;
    bool points_valid_ = false, lines_valid_ = false;
    float points_px_ = 0;
    // What changed since write_slots last ran: element rectangles [r0, r1) x
    // [c0, c1), or everything (slots_all_). Too many rectangles become everything.
    struct Rect { int r0, r1, c0, c1; };
    std::vector<Rect> dirty_;
    bool slots_all_ = true;
    int64_t slot_base_ = -1;
    float slots_px_ = 0;
    void mark(int r0, int r1, int c0, int c1);
    PointVertex slot_vertex(size_t e, float px) const;
    void ensure_look_and_pos();

    size_t index(int r, int c) const { return size_t(r) * size_t(data_->w) + size_t(c); }
};

}  // namespace mmr::timeline
