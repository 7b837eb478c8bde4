// Internal: the complete animation state behind mmr::Animation: one Sheet per
// drawn matrix of the layout, the intermediates of every animated matmul, and
// the step machine. Implements the visible effects of each step.
#pragma once
#include <array>
#include <memory>
#include <vector>

#include "schedule.h"
#include "sheet.h"

namespace mmr::timeline {

// Intermediates of one animated matmul. They are made once and reused by every
// cycle: their values and magnitude ranges are the same each time (computed from
// the model's values), and `active` says whether the current cycle has them.
struct Intermediates {
    std::vector<std::unique_ptr<Sheet>> interiors;  // existing (i, k, j) block triples
    std::vector<std::array<int, 3>> triples;        // their block indices
    std::vector<Matrix> partial;                    // partial sums per existing k block
    std::vector<std::unique_ptr<Sheet>> planes;     // partial-result planes (k blocks > 1)
    std::vector<int> plane_blocks;
    Matrix acc;                                     // vvprod/axpy sums before the epilog
};

struct State final : Effects {
    State(const Model& model, const Layout& layout);
    void restart();  // back to step 1

    const Model& model;
    const Layout& layout;
    std::vector<std::unique_ptr<Sheet>> sheets;  // layout.matrices order
    std::vector<Sheet*> sheet_by_id;             // node id -> its leaf / result sheet
    std::vector<std::unique_ptr<Intermediates>> inter_by_id;
    std::unique_ptr<Schedule> schedule;
    int period = 0;
    int step = 1;

    Sheet& sheet(const Node& n) const { return *sheet_by_id[size_t(n.id)]; }
    Intermediates& inter(const Track& t);

    // Effects
    void setup(const Track& t) override;
    void started(const Track& t) override;
    void stepped(const Track& t, const StepEvent& e) override;
    void ended(const Track& t) override;

private:
    void hide_subtree(const Node& n);
    void step_dot(const Track& t, const StepEvent& e);    // dot-product/vmprod/mvprod (§3.1-3.2)
    void step_outer(const Track& t, const StepEvent& e);  // vvprod/axpy (§3.3)
    void update_interiors(const Track& t, const Cursor& c);
};

// Block iteration over the blocks that exist (dead blocks do not, §1).
template <class F>
void for_blocks(const BlockSplit& s, F&& f) {
    for (int b = 0; b < s.nvis; ++b) f(b, s.start(b), s.extent(b));
}

// intermediates.cpp
std::unique_ptr<Intermediates> make_intermediates(const Model& model, const Track& t);
// Places an interior mat at the cursor and fills it with left[i][k] * right[k][j].
void place_interior(const Model& model, const Track& t, const std::array<int, 3>& triple,
                    const Cursor& c, Sheet& sheet);

}  // namespace mmr::timeline
