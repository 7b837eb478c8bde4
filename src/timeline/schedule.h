// Internal: who steps when (docs/spec/mm-animation.md §3 cursors, §4 cycles, §5 order,
// §6 fusion), as a pure state machine over cursors. What a step *shows* is
// left to an Effects implementation, so the same machine also runs "dry" to
// measure the period.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "mmr/layout/layout.h"
#include "mmr/model/model.h"

namespace mmr::timeline {

// Algorithms, plus the two extra values of join() (§6).
enum class Alg { None, DotRow, DotCol, Axpy, Vmprod, Mvprod, Vvprod, Mixed };
Alg alg_of(const std::string& name);  // "inherit" is resolved by the model builder

// vmprod family sweeps rows (i outer), mvprod family columns (j outer),
// vvprod family depth (k) (§2).
enum class Family { Rows, Cols, Depth };

enum class Fuse { None, Sync, Async };

struct Cursor {
    int i = 0, j = 0, k = 0;
};

// What one step of one matmul did to its cursors.
struct StepEvent {
    Cursor old, cur;
    bool ended = false;  // the cursor reached the end: only un-highlighting happened
    bool first = false;  // first step of a cycle
};

// One animated matmul (effective alg != none, reached through animated parents).
struct Track {
    const Node* node = nullptr;
    const CubePlacement* cube = nullptr;
    Alg alg = Alg::None;
    Family family = Family::Rows;
    bool sweep = false;  // dotprod / axpy: the inner cursor moves too
    Fuse fuse = Fuse::None;
    bool hide_inputs = false;
    int scratch = 0;  // dot family: lines of the sweep the result keeps (0: all)
    int si = 1, sk = 1, sj = 1;  // block sizes: all blocks move in lockstep (§1)
    Cursor cur;
    bool done_left = true, done_right = true;
    Track* parent = nullptr;
    Track* left = nullptr;  // animated matmul operands, null otherwise
    Track* right = nullptr;

    int index() const;  // the fusion index of §3 (-1 before the first step)
};

// The visible consequences of the state machine.
class Effects {
public:
    virtual ~Effects() = default;
    virtual void setup(const Track&) {}    // a cycle of t begins: intermediates created hidden
    virtual void started(const Track&) {}  // t's children are set up: hide inputs / result
    virtual void stepped(const Track&, const StepEvent&) {}
    virtual void ended(const Track&) {}    // t's cycle ended: intermediates removed
};

class Schedule {
public:
    Schedule(const Model& model, const Layout& layout);
    bool animated() const { return root_ != nullptr; }
    // Sets up the root cycle and runs its first step (mm does so at build time).
    void start(Effects& fx);
    // One timer step of the root (§5), restarting the root within the step (§4).
    void step(Effects& fx);
    long root_restarts() const { return restarts_; }
    const Track* track(const Node& n) const;
    const std::vector<std::unique_ptr<Track>>& tracks() const { return tracks_; }

    // Steps per root cycle, by a dry run (0 when not animated).
    static int period(const Model& model, const Layout& layout);

private:
    std::vector<std::unique_ptr<Track>> tracks_;
    std::vector<Track*> by_id_;
    Track* root_ = nullptr;
    long restarts_ = 0;

    Track* build(const Node& n, const Layout& layout, Track* parent);
    void begin(Track& t, Effects& fx);
    void bump(Track& t, Effects& fx);
    void own_step(Track& t, Effects& fx);
};

Alg join(const Track& t);

}  // namespace mmr::timeline
