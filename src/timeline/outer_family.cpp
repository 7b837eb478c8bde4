// One step of the vvprod family (vvprod, axpy; docs/spec/mm-animation.md §3.3): outer
// products at depth k accumulated into the result, which shows the running sum.
#include "mmr/model/values.h"
#include "state.h"

// The running sum is compared with mm's bit for bit: JavaScript never fuses
// a*b+c into one rounding, so neither may the compiler.
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

namespace mmr::timeline {

void State::step_outer(const Track& t, const StepEvent& e) {
    const CubePlacement& cube = *t.cube;
    const Node& n = *t.node;
    Sheet& left = sheet(*n.left);
    Sheet& right = sheet(*n.right);
    // Right element (k, j) per (k-block, j-block) when sweeping, else right row k;
    // and left column k, per k-block with room.
    auto mark = [&](ElementMode m, const Cursor& c) {
        for_blocks(cube.k, [&](int, int k0, int ek) {
            if (c.k >= ek) return;
            if (t.sweep)
                for_blocks(cube.j, [&](int, int j0, int ej) {
                    if (c.j < ej) right.touch(m, k0 + c.k, k0 + c.k + 1, j0 + c.j, j0 + c.j + 1);
                });
            else
                right.touch_row(m, k0 + c.k);
        });
        for_blocks(cube.k, [&](int, int k0, int ek) {
            if (c.k < ek) left.touch_col(m, k0 + c.k);
        });
    };

    if (e.old.k >= 0 && !t.hide_inputs) mark(ElementMode::Shown, e.old);
    if (e.ended) return;

    Intermediates& v = inter(t);
    Sheet& result = sheet(n);
    if (e.first) {
        for (auto& s : v.interiors) s->show_guides(true);
        result.set_all(ElementMode::Hidden);
    }
    if (!t.hide_inputs) mark(ElementMode::Highlighted, e.cur);
    update_interiors(t, e.cur);

    // Steps 7-10 in mm's order: accumulate per k-block (increasing) and j-block,
    // pointwise epilog per accumulated element, matrix-wide epilog over the whole
    // result, zero the not yet computed columns of a sweep, redraw everything.
    const Matrix& L = model.matrix(*n.left);
    const Matrix& R = model.matrix(*n.right);
    Matrix& data = result.own_data();
    const int c_k = e.cur.k, c_j = e.cur.j;
    for_blocks(cube.k, [&](int bk, int k0, int ek) {
        if (c_k >= ek) return;
        const int k = k0 + c_k;
        for_blocks(cube.j, [&](int, int j0, int ej) {
            if (c_j >= ej) return;
            const int ja = t.sweep ? j0 + c_j : j0, jb = t.sweep ? ja + 1 : j0 + ej;
            const bool fresh = bk == 0 && c_k == 0;
            for (int i = 0; i < n.rows; ++i) {
                const double l = L.at(i, k);
                for (int j = ja; j < jb; ++j) {
                    const double x = l * double(R.at(k, j));
                    float& acc = v.acc.at(i, j);
                    acc = float(fresh ? x : double(acc) + x);
                    data.at(i, j) = float(epilog_pointwise(n.epilog, acc, n.depth));
                }
            }
        });
    });
    epilog_matrixwide(n.epilog, data);
    if (t.sweep)
        for_blocks(cube.k, [&](int, int, int ek) {
            if (c_k >= ek) return;
            for_blocks(cube.j, [&](int, int j0, int ej) {
                if (c_j >= ej) return;
                for (int i = 0; i < n.rows; ++i)
                    for (int j = j0 + c_j + 1; j < j0 + ej; ++j) data.at(i, j) = 0;
            });
        });
    result.data_changed();
    result.set_all(ElementMode::Shown);
}

}  // namespace mmr::timeline
