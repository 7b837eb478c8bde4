// The animation's sprites as a frame-to-frame state: one fixed slot per element
// of every drawn matrix (leaves, results, interior mats, partial planes), so that
// a frame is the previous one plus what changed. Hidden elements keep their slot
// with a negative size (the point shader clips them: no fragment). Video frames
// use this instead of DrawList::points; stills keep the compact points list.
#pragma once
#include <cstdint>
#include <vector>

#include "mmr/draw/draw_list.h"

namespace mmr {

// A range of slots [begin, end).
struct SlotRun {
    uint32_t begin = 0, end = 0;
    uint32_t size() const { return end - begin; }
    bool operator==(const SlotRun& o) const { return begin == o.begin && end == o.end; }
};

// The size of a slot whose element is not drawn (hidden, or of size 0).
constexpr float kHiddenSprite = -1.0f;

struct SpriteSlots {
    std::vector<PointVertex> v;  // every slot
    // The matrices drawn this frame, in draw order (the order DrawList::points
    // would list their sprites in): draw these runs, in this order.
    std::vector<SlotRun> drawn;
    // Slots whose vertex, or whose matrix's being drawn, changed in the last
    // update: sorted by begin, disjoint. `all_changed` when everything may have
    // (the first update, a new size).
    std::vector<SlotRun> changed;
    bool all_changed = true;
    uint64_t generation = 0;  // counts updates: changes are relative to generation - 1
};

// A static layer (issue #14): the drawn slots minus `dynamic`, as they are on the
// first frame drawn with this id, are rendered once into a colour+depth layer;
// every frame with the same id starts from a copy of it and draws only the
// `dynamic` slots on top. Whoever makes the plan guarantees that the other slots
// do not change while the id is in use (src/layer/).
struct SpriteLayer {
    uint64_t id = 0;
    std::vector<SlotRun> dynamic;  // normalized
};

// Run sets: sorted by begin, disjoint, non-empty runs.
namespace slot_runs {
// Sorts and merges touching or overlapping runs (empty runs dropped).
void normalize(std::vector<SlotRun>& runs);
// a ∪ b (both normalized).
std::vector<SlotRun> unite(const std::vector<SlotRun>& a, const std::vector<SlotRun>& b);
// Total slots.
uint64_t count(const std::vector<SlotRun>& runs);
// The parts of `run` inside (`inside` true) or outside the normalized `set`,
// appended in slot order.
void split(const SlotRun& run, const std::vector<SlotRun>& set, bool inside, std::vector<SlotRun>& out);
}  // namespace slot_runs

}  // namespace mmr
