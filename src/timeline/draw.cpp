// The animation's share of the draw list: every sprite and every row guide.
#include "mmr/draw/build_draw_list.h"
#include "mmr/timeline/animation.h"
#include "state.h"

namespace mmr {

void Animation::update_draw_list(DrawList& dl, int width, int height) {
    timeline::State& st = *st_;
    std::vector<timeline::Sheet*> drawn;
    for (auto& s : st.sheets) drawn.push_back(s.get());
    for (auto& v : st.inter_by_id) {
        if (!v) continue;
        for (auto& s : v->interiors)
            if (s->active) drawn.push_back(s.get());
        for (auto& s : v->planes)
            if (s->active) drawn.push_back(s.get());
    }
    dl.points.clear();
    dl.lines.clear();
    for (timeline::Sheet* s : drawn) {
        s->emit_points(dl.points, width, height);
        s->emit_guides(dl.lines);
    }
    if (st.model.root && st.model.root->deco.axes) add_axes(dl.lines);
}

}  // namespace mmr
