// One step of the vmprod family (vmprod, dotprod row major; docs/spec/mm-animation.md
// §3.1) and of its mirror image, the mvprod family (mvprod, dotprod col major;
// §3.2). The "outer" cursor is the fusion index (rows i for the vmprod family,
// columns j for the mvprod family); the "inner" one moves only when sweeping.
#include "state.h"

namespace mmr::timeline {

void State::step_dot(const Track& t, const StepEvent& e) {
    const bool by_rows = t.family == Family::Rows;
    const CubePlacement& cube = *t.cube;
    const BlockSplit& outer = by_rows ? cube.i : cube.j;
    const BlockSplit& inner = by_rows ? cube.j : cube.i;
    const int outer_old = by_rows ? e.old.i : e.old.j, outer_cur = by_rows ? e.cur.i : e.cur.j;
    const int inner_old = by_rows ? e.old.j : e.old.i, inner_cur = by_rows ? e.cur.j : e.cur.i;
    Sheet& left = sheet(*t.node->left);
    Sheet& right = sheet(*t.node->right);
    // The operand consumed along the outer axis (left rows / right columns) and
    // the one consumed along the inner axis while sweeping.
    const bool outer_is_left = by_rows;
    // Row `x` of the left operand or column `x` of the right one.
    auto line = [&](bool of_left, ElementMode m, int x) {
        of_left ? left.touch_row(m, x) : right.touch_col(m, x);
    };
    auto mark = [&](ElementMode m, int o, int n) {
        if (t.sweep)
            for_blocks(inner, [&](int, int x0, int ext) {
                if (n < ext) line(!outer_is_left, m, x0 + n);
            });
        if (outer_old != outer_cur)
            for_blocks(outer, [&](int, int x0, int ext) {
                if (o < ext) line(outer_is_left, m, x0 + o);
            });
    };

    if (outer_old >= 0 && !t.hide_inputs) mark(ElementMode::Shown, outer_old, inner_old);
    if (e.ended) return;

    Intermediates& v = inter(t);
    // Result planes: the partial-result planes, or the result itself.
    std::vector<Sheet*> planes;
    for (auto& p : v.planes) planes.push_back(p.get());
    if (planes.empty()) planes.push_back(&sheet(*t.node));

    if (e.first) {
        for (auto& s : v.interiors) s->show_guides(true);
        for (Sheet* p : planes) p->set_all(ElementMode::Hidden);
    }
    // A scratch result keeps only the current group of `scratch` outer lines (all
    // blocks at once): entering the next group forgets the earlier ones.
    if (t.scratch > 0 && !e.first && outer_cur % t.scratch == 0 && outer_cur != outer_old)
        for (Sheet* p : planes) p->set_all(ElementMode::Hidden);
    if (!t.hide_inputs) mark(ElementMode::Highlighted, outer_cur, inner_cur);
    update_interiors(t, e.cur);

    // Reveal: the outer line at the cursor, across the inner block (or only the
    // inner cursor's element when sweeping), in every (i-block, j-block).
    for_blocks(outer, [&](int, int o0, int oext) {
        if (outer_cur >= oext) return;
        for_blocks(inner, [&](int, int n0, int next) {
            if (inner_cur >= next) return;
            const int a0 = o0 + outer_cur, a1 = a0 + 1;
            const int b0 = t.sweep ? n0 + inner_cur : n0, b1 = t.sweep ? b0 + 1 : n0 + next;
            for (Sheet* p : planes) {
                if (by_rows)
                    p->set(ElementMode::Shown, a0, a1, b0, b1);
                else
                    p->set(ElementMode::Shown, b0, b1, a0, a1);
            }
        });
    });
}

}  // namespace mmr::timeline
