// Construction, restart and the cycle-level effects (docs/spec/mm-animation.md §4, §5, §7).
#include "state.h"

namespace mmr::timeline {

State::State(const Model& m, const Layout& l) : model(m), layout(l) {
    int nodes = 0;
    if (model.root) post_order(*model.root, [&](const Node& n) { nodes = std::max(nodes, n.id + 1); });
    sheet_by_id.assign(size_t(nodes), nullptr);
    inter_by_id.resize(size_t(nodes));
    for (const MatrixPlacement& mp : layout.matrices) {
        // A leaf is styled by the matmul that owns it, a result by its own matmul.
        const Node& style = mp.role == MatrixRole::Result ? *mp.node : *mp.owner;
        const Matrix* data = &model.matrix(*mp.node);
        const MagnitudeRange range =
            magnitude_range(style.viz.sensitivity, matrix_stats(*data), model.global_absmax);
        sheets.push_back(std::make_unique<Sheet>(mp, data, range, style.viz, style.deco.row_guides));
        sheet_by_id[size_t(mp.node->id)] = sheets.back().get();
    }
    period = Schedule::period(model, layout);
    restart();
}

void State::restart() {
    for (auto& s : sheets) s->set_all(ElementMode::Shown);
    for (auto& v : inter_by_id) {
        if (!v) continue;
        for (auto& s : v->interiors) s->active = false;
        for (auto& s : v->planes) s->active = false;
    }
    schedule = std::make_unique<Schedule>(model, layout);
    // A vvprod/axpy result shows its running sum; before the first cycle it holds
    // the true result, as mm's result matrix does when the scene is built.
    for (const auto& t : schedule->tracks()) {
        if (t->family != Family::Depth) continue;
        Sheet& s = sheet(*t->node);
        s.own_data() = model.matrix(*t->node);
        s.data_changed();
    }
    for (const auto& t : schedule->tracks()) sheet(*t->node).scratch = t->scratch > 0;
    schedule->start(*this);
    step = 1;
}

Intermediates& State::inter(const Track& t) {
    auto& v = inter_by_id[size_t(t.node->id)];
    if (!v) v = make_intermediates(model, t);
    return *v;
}

void State::setup(const Track& t) {
    Intermediates& v = inter(t);
    for (auto& s : v.interiors) {
        s->active = true;
        s->set_all(ElementMode::Hidden);
        s->show_guides(false);  // they come with the first step
    }
    for (auto& s : v.planes) {
        s->active = true;
        s->set_all(ElementMode::Hidden);
        s->show_guides(true);  // partial planes get theirs when created
    }
    if (t.family == Family::Depth) v.acc = Matrix(t.node->rows, t.node->cols);
}

// Hiding a matmul operand hides its whole subtree (mm's MatMul.hide), not its
// intermediates.
void State::hide_subtree(const Node& n) {
    if (n.matmul) {
        hide_subtree(*n.left);
        hide_subtree(*n.right);
    }
    sheet(n).set_all(ElementMode::Hidden);
}

void State::started(const Track& t) {
    if (t.hide_inputs) {
        hide_subtree(*t.node->left);
        hide_subtree(*t.node->right);
    }
    sheet(*t.node).set_all(ElementMode::Hidden);
}

void State::stepped(const Track& t, const StepEvent& e) {
    if (t.family == Family::Depth)
        step_outer(t, e);
    else
        step_dot(t, e);
}

// §4: intermediates go; with several j blocks the result is shown completely.
void State::ended(const Track& t) {
    Intermediates& v = inter(t);
    for (auto& s : v.interiors) s->active = false;
    for (auto& s : v.planes) s->active = false;
    if (t.scratch > 0) {  // the scratch buffer is discarded with its last tile
        sheet(*t.node).set_all(ElementMode::Hidden);
        for (auto& s : v.planes) s->set_all(ElementMode::Hidden);
    } else if (t.cube->j.n > 1) {
        sheet(*t.node).set_all(ElementMode::Shown);
    }
}

// Interior mats of the triples whose blocks still have room move to the cursor and
// show their new products; the others stay frozen where they were (§3.1 step 6).
void State::update_interiors(const Track& t, const Cursor& c) {
    Intermediates& v = inter(t);
    const CubePlacement& cube = *t.cube;
    for (size_t n = 0; n < v.triples.size(); ++n) {
        const auto& b = v.triples[n];
        // Cursors an algorithm does not use stay 0 and always fit.
        if (c.i >= cube.i.extent(b[0]) || c.k >= cube.k.extent(b[1]) || c.j >= cube.j.extent(b[2]))
            continue;
        place_interior(model, t, b, c, *v.interiors[n]);
        v.interiors[n]->set_all(ElementMode::Shown);
    }
}

}  // namespace mmr::timeline
