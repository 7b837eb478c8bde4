// The animation's share of the draw list: every sprite and every row guide.
#include "mmr/draw/build_draw_list.h"
#include "mmr/timeline/animation.h"
#include "state.h"

namespace mmr {
namespace {

// Every sheet in draw order; `all` adds the inactive intermediates too.
std::vector<timeline::Sheet*> sheets_in_order(timeline::State& st, bool all) {
    std::vector<timeline::Sheet*> out;
    for (auto& s : st.sheets) out.push_back(s.get());
    for (auto& v : st.inter_by_id) {
        if (!v) continue;
        for (auto& s : v->interiors)
            if (all || s->active) out.push_back(s.get());
        for (auto& s : v->planes)
            if (all || s->active) out.push_back(s.get());
    }
    return out;
}

}  // namespace

void Animation::update_slots(SpriteSlots& slots, DrawList& dl, int width, int height) {
    timeline::State& st = *st_;
    const bool first = slots.generation == 0;
    slots.changed.clear();
    slots.drawn.clear();
    dl.points.clear();
    dl.lines.clear();
    const std::vector<timeline::Sheet*> sheets = sheets_in_order(st, true);
    size_t needed = slots.v.size();  // sheets seen for the first time take slots at the end
    for (timeline::Sheet* s : sheets)
        if (s->slot_base() < 0) needed += s->data().size();
    slots.v.reserve(needed);
    for (timeline::Sheet* s : sheets) {
        // Inactive sheets keep their slots current too: they are drawn again later.
        const float px = float(s->viz_elem_scale()) * float(std::min(width, height));
        s->write_slots(slots, px, slots.changed);
        const uint32_t b = uint32_t(s->slot_base()), e = uint32_t(s->slot_base() + int64_t(s->data().size()));
        if (s->active != s->drawn_last) slots.changed.push_back({b, e});
        s->drawn_last = s->active;
        if (!s->active) continue;
        slots.drawn.push_back({b, e});
        s->emit_guides(dl.lines);
    }
    if (st.model.root && st.model.root->deco.axes) add_axes(dl.lines);
    slot_runs::normalize(slots.changed);
    slots.all_changed = first;
    ++slots.generation;
}

void Animation::update_draw_list(DrawList& dl, int width, int height) {
    timeline::State& st = *st_;
    const std::vector<timeline::Sheet*> drawn = sheets_in_order(st, false);
    dl.points.clear();
    dl.lines.clear();
    for (timeline::Sheet* s : drawn) {
        s->emit_points(dl.points, width, height);
        s->emit_guides(dl.lines);
    }
    if (st.model.root && st.model.root->deco.axes) add_axes(dl.lines);
}

}  // namespace mmr
