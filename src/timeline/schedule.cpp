// The step state machine of docs/spec/mm-animation.md §3–§6 (cursors only).
#include "schedule.h"

#include "mmr/core/error.h"

namespace mmr::timeline {

Alg alg_of(const std::string& name) {
    if (name == "dotprod (row major)") return Alg::DotRow;
    if (name == "dotprod (col major)") return Alg::DotCol;
    if (name == "axpy") return Alg::Axpy;
    if (name == "vmprod") return Alg::Vmprod;
    if (name == "mvprod") return Alg::Mvprod;
    if (name == "vvprod") return Alg::Vvprod;
    return Alg::None;  // "none" (the scene parser rejects anything else)
}

static Fuse fuse_of(const std::string& name) {
    return name == "sync" ? Fuse::Sync : name == "async" ? Fuse::Async : Fuse::None;
}

int Track::index() const {
    switch (family) {
        case Family::Rows: return cur.i;
        case Family::Cols: return cur.j;
        case Family::Depth: return cur.k;
    }
    return cur.i;
}

// Cursors before the first step of a cycle: the fusion index (and a sweeping
// inner cursor) at -1, a non-sweeping inner cursor at 0.
static void reset_cursor(Track& t) {
    const int inner = t.sweep ? -1 : 0;
    t.cur = {0, 0, 0};
    if (t.family == Family::Rows) t.cur = {-1, inner, 0};
    if (t.family == Family::Cols) t.cur = {inner, -1, 0};
    if (t.family == Family::Depth) t.cur = {0, inner, -1};
}

// Step 1 of §3.1–§3.3: advance the cursors, detect the end and the first step.
static StepEvent advance(Track& t) {
    StepEvent e;
    e.old = t.cur;
    Cursor& c = t.cur;
    switch (t.family) {
        case Family::Rows:
            if (t.sweep) c.j = (c.j + 1) % t.sj;
            if (c.j == 0) ++c.i;
            e.ended = c.i == t.si;
            e.first = c.i == 0 && c.j == 0;
            break;
        case Family::Cols:
            if (t.sweep) c.i = (c.i + 1) % t.si;
            if (c.i == 0) ++c.j;
            e.ended = c.j == t.sj;
            e.first = c.j == 0 && c.i == 0;
            break;
        case Family::Depth:
            ++c.k;
            if (t.sweep && c.k % t.sk == 0) {  // axpy: k fastest, then the column
                c.k = 0;
                ++c.j;
            }
            e.ended = t.sweep ? c.j == t.sj : c.k == t.sk;
            e.first = c.j == 0 && c.k == 0;
            break;
    }
    e.cur = c;
    return e;
}

Alg join(const Track& t) {
    auto side = [&](const Track* child, bool done) {
        if (!child || done) return Alg::None;
        if (t.fuse == Fuse::Async || child->index() == t.index()) return join(*child);
        return Alg::Mixed;
    };
    const Alg lj = side(t.left, t.done_left);
    const Alg rj = side(t.right, t.done_right);
    auto or_none = [](Alg a, Alg b) { return a == b || a == Alg::None; };
    if (t.alg == Alg::Vmprod && or_none(lj, Alg::Vmprod) && rj == Alg::None) return Alg::Vmprod;
    if (t.alg == Alg::Mvprod && lj == Alg::None && or_none(rj, Alg::Mvprod)) return Alg::Mvprod;
    if (t.alg == Alg::Vvprod && or_none(lj, Alg::Mvprod) && or_none(rj, Alg::Vmprod))
        return Alg::Vvprod;
    if (lj == Alg::None && rj == Alg::None) return t.alg;
    return Alg::Mixed;
}

Schedule::Schedule(const Model& model, const Layout& layout) {
    if (!model.root || !model.root->matmul) return;
    int nodes = 0;
    post_order(*model.root, [&](const Node& n) { nodes = std::max(nodes, n.id + 1); });
    by_id_.assign(static_cast<size_t>(nodes), nullptr);
    if (alg_of(model.root->anim.alg) != Alg::None) root_ = build(*model.root, layout, nullptr);
}

// Tracks exist only below animated matmuls: a child with alg none is never
// started, and neither is anything under it (§3.4).
Track* Schedule::build(const Node& n, const Layout& layout, Track* parent) {
    auto t = std::make_unique<Track>();
    Track* p = t.get();
    p->node = &n;
    p->cube = layout.cube_of(&n);
    p->alg = alg_of(n.anim.alg);
    p->family = (p->alg == Alg::Vmprod || p->alg == Alg::DotRow)   ? Family::Rows
                : (p->alg == Alg::Mvprod || p->alg == Alg::DotCol) ? Family::Cols
                                                                   : Family::Depth;
    p->sweep = p->alg == Alg::DotRow || p->alg == Alg::DotCol || p->alg == Alg::Axpy;
    p->fuse = fuse_of(n.anim.fuse);
    p->hide_inputs = n.anim.hide_inputs;
    p->scratch = p->family == Family::Depth ? 0 : n.anim.scratch;
    p->si = p->cube->i.size;
    p->sk = p->cube->k.size;
    p->sj = p->cube->j.size;
    p->parent = parent;
    by_id_[static_cast<size_t>(n.id)] = p;
    tracks_.push_back(std::move(t));
    auto animated = [](const Node& c) { return c.matmul && alg_of(c.anim.alg) != Alg::None; };
    if (animated(*n.left)) p->left = build(*n.left, layout, p);
    if (animated(*n.right)) p->right = build(*n.right, layout, p);
    return p;
}

const Track* Schedule::track(const Node& n) const {
    size_t id = static_cast<size_t>(n.id);
    return id < by_id_.size() ? by_id_[id] : nullptr;
}

// mm's start(): own intermediates first, then the animated children's cycles,
// then hiding (the children have hidden their own inputs by then).
void Schedule::begin(Track& t, Effects& fx) {
    reset_cursor(t);
    fx.setup(t);
    t.done_left = t.left == nullptr;
    t.done_right = t.right == nullptr;
    if (t.left) begin(*t.left, fx);
    if (t.right) begin(*t.right, fx);
    fx.started(t);
}

void Schedule::start(Effects& fx) {
    if (!root_) return;
    begin(*root_, fx);
    bump(*root_, fx);
}

void Schedule::step(Effects& fx) {
    if (root_) bump(*root_, fx);
}

// §5: `go` is evaluated before the children move.
void Schedule::bump(Track& t, Effects& fx) {
    const bool go = (t.done_left && t.done_right) || (t.fuse != Fuse::None && join(t) != Alg::Mixed);
    if (!t.done_left) bump(*t.left, fx);
    if (!t.done_right) bump(*t.right, fx);
    if (go) own_step(t, fx);
}

void Schedule::own_step(Track& t, Effects& fx) {
    const StepEvent e = advance(t);
    fx.stepped(t, e);
    if (!e.ended) return;
    fx.ended(t);
    if (t.parent) {
        (t.parent->left == &t ? t.parent->done_left : t.parent->done_right) = true;
        return;
    }
    // The root restarts at once and runs the new cycle's first step (§4).
    ++restarts_;
    begin(t, fx);
    bump(t, fx);
}

int Schedule::period(const Model& model, const Layout& layout) {
    Schedule s(model, layout);
    if (!s.animated()) return 0;
    Effects none;
    s.start(none);
    // Every cycle is finite (children always finish), so the root restarts;
    // the bound only protects against a logic error.
    const long limit = 1L << 31;
    for (long steps = 1; steps < limit; ++steps) {
        s.step(none);
        if (s.restarts_ > 0) return static_cast<int>(steps);
    }
    fail("animation", "the root cycle does not end", "report this scene as a bug");
}

}  // namespace mmr::timeline
