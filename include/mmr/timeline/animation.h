// mm's animation (docs/spec/mm-animation.md) as a CPU simulation, step by step, and its
// conversion to a draw list. Values never change (they were computed by the
// model); a step hides, reveals and highlights elements, moves the interior
// product mats and reveals results. The one exception is the vvprod/axpy
// running sum, kept in mm's float32 order with its epilog quirks (§3.3).
//
// Interior products and partial-result planes are computed from the model's
// values. mm reads an operand's current data instead, which differs only for
// the result of a vvprod/axpy child (its running sum ends equal to the result up
// to float32 summation order, or re-normalised by a matrix-wide epilog).
#pragma once
#include <memory>
#include <vector>

#include "mmr/draw/draw_list.h"
#include "mmr/draw/sprite_slots.h"
#include "mmr/layout/layout.h"
#include "mmr/look/look.h"
#include "mmr/model/model.h"

namespace mmr {

namespace timeline {
class Sheet;
struct State;
}  // namespace timeline

// Display state of one element (docs/spec/mm-look.md §2.7): Shown = size and colour from its
// value, Hidden = not drawn, Highlighted = normal size, colour x kHighlightScale.
enum class ElementMode : uint8_t { Shown, Hidden, Highlighted };

// Read-only view of one drawn matrix: a leaf or result placement, an interior
// product mat or a partial-result plane.
class MatrixView {
public:
    explicit MatrixView(const timeline::Sheet* s) : s_(s) {}
    const MatrixPlacement& placement() const;  // current frame (interior mats move)
    const Matrix& values() const;  // displayed data (the running sum for vvprod/axpy results)
    ElementMode mode(int r, int c) const;
    bool drawn(int r, int c) const;  // drawn as a sprite: not hidden, size > 0
    bool guides() const;             // row guides drawn
    MagnitudeRange range() const;    // what sizes and colours are normalised with

private:
    const timeline::Sheet* s_;
};

// An animation intermediate that currently exists (docs/spec/mm-animation.md §1).
struct Intermediate {
    enum class Kind { Interior, PartialPlane } kind;
    const Node* matmul;
    int bi, bk, bj;  // block triple (interior); a partial plane sets only bk
    MatrixView view;
};

class Animation {
public:
    // Nodes carry effective anim settings (alg "inherit" already resolved).
    Animation(const Model& model, const Layout& layout);
    ~Animation();
    Animation(const Animation&) = delete;
    Animation& operator=(const Animation&) = delete;

    bool animated() const;  // root alg != none
    int period() const;     // steps per root cycle (§4–§6); 0 if not animated
    int step() const;       // current step, 1-based: mm runs the first step at build time
    void advance();         // executes the next step on top of the current state
    void seek(int n);       // forward: advances; backward: restarts from step 1

    // Overwrites dl.points (all element sprites) and dl.lines (row guides of every
    // matrix incl. intermediates, and the world axes) for the current step. Every
    // other member (camera, text, flow guides, background, size) is left to the
    // caller, e.g. from build_draw_list() once. Only matrices changed since the
    // last call are rebuilt; the others are copied from per-matrix caches.
    void update_draw_list(DrawList& dl, int width, int height);

    // The same frame as a change to the previous one (video frames): rewrites only
    // the slots of elements changed since the last call, lists them in
    // slots.changed, and sets slots.drawn (draw order) and dl.lines; dl.points is
    // left empty (the sprites are in `slots`). The same Animation must not mix
    // this with update_draw_list.
    void update_slots(SpriteSlots& slots, DrawList& dl, int width, int height);

    // Inspection.
    MatrixView matrix(const Node& n) const;  // n's leaf or result placement
    std::vector<Intermediate> intermediates() const;
    // Fusion index of an animated matmul (docs/spec/mm-animation.md §3; -1 before its
    // first step of the cycle), or -2 if the matmul is not animated.
    int cursor(const Node& matmul) const;

private:
    std::unique_ptr<timeline::State> st_;
};

}  // namespace mmr
