// Interior product mats and partial-result planes (docs/spec/mm-animation.md §1, §3;
// docs/spec/mm-layout.md §4; docs/spec/mm-look.md §2.2, §4.1).
#include <cmath>
#include <glm/gtc/matrix_transform.hpp>

#include "mmr/model/values.h"
#include "state.h"

// Partial sums must match mm's dot products bit for bit: JavaScript never fuses
// a*b+c into one rounding, so neither may the compiler.
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

namespace mmr::timeline {
namespace {

// Intermediates use their matmul's viz, with superlocal replaced by local.
VizSettings intermediate_viz(const Node& n) {
    VizSettings v = n.viz;
    if (v.sensitivity == "superlocal") v.sensitivity = "local";
    return v;
}

struct Triple {
    int i0, k0, j0, ei, ek, ej;
};
Triple blocks_of(const Track& t, const std::array<int, 3>& b) {
    const CubePlacement& c = *t.cube;
    return {c.i.start(b[0]), c.k.start(b[1]), c.j.start(b[2]),
            c.i.extent(b[0]), c.k.extent(b[1]), c.j.extent(b[2])};
}

// Shape of a triple's interior mat (§3.1–3.3): vmprod family k x j (a row's plane
// or, sweeping, the line along k); mvprod family i x k; vvprod family i x j.
struct Shape {
    int rows = 0, cols = 0;
};
Shape interior_shape(const Track& t, const Triple& b) {
    switch (t.family) {
        case Family::Rows: return {b.ek, t.sweep ? 1 : b.ej};
        case Family::Cols: return {t.sweep ? 1 : b.ei, b.ek};
        case Family::Depth: return {b.ei, t.sweep ? 1 : b.ej};
    }
    return {};
}

// The (i, k, j) an interior element (r, c) shows at cursor `cur`.
struct Ikj {
    int i = 0, k = 0, j = 0;
};
Ikj interior_ikj(const Track& t, const Triple& b, const Cursor& cur, int r, int c) {
    switch (t.family) {
        case Family::Rows: return {b.i0 + cur.i, b.k0 + r, b.j0 + cur.j + c};
        case Family::Cols: return {b.i0 + cur.i + r, b.k0 + c, b.j0 + cur.j};
        case Family::Depth: return {b.i0 + r, b.k0 + cur.k, b.j0 + cur.j + c};
    }
    return {};
}

// The mat's own frame: element (r, c) at (gap + c, gap + r, 0) lands on the
// interior lattice point (X(j), Y(i), Z(k)) of its (i, k, j). Its axes are those
// of mm's rotated Mat groups: vmprod rows run along k, mvprod columns along k,
// vvprod mats are parallel to the result; normal = x axis cross y axis.
glm::dmat4 interior_frame(const Track& t, const Triple& b, const Cursor& cur) {
    const CubePlacement& cube = *t.cube;
    const Ikj p = interior_ikj(t, b, cur, 0, 0);
    const glm::dvec3 p00(cube.X(p.j), cube.Y(p.i), cube.Z(p.k));
    const glm::dvec3 kdir(0, 0, t.node->orient.positive ? 1 : -1);
    glm::dvec3 ex(1, 0, 0), ey(0, 1, 0);
    if (t.family == Family::Rows) ey = kdir;
    if (t.family == Family::Cols) ex = kdir;
    const glm::dvec3 ez = glm::cross(ex, ey);
    const glm::dvec3 o = p00 - cube.gap * (ex + ey);
    glm::dmat4 m(glm::dvec4(ex, 0), glm::dvec4(ey, 0), glm::dvec4(ez, 0), glm::dvec4(o, 1));
    return cube.local * m;
}

void fill_interior(const Model& model, const Track& t, const Triple& b, const Cursor& cur,
                   Matrix& out) {
    const Matrix& L = model.matrix(*t.node->left);
    const Matrix& R = model.matrix(*t.node->right);
    for (int r = 0; r < out.h; ++r)
        for (int c = 0; c < out.w; ++c) {
            const Ikj p = interior_ikj(t, b, cur, r, c);
            // float32 product: the double product of two floats rounded once, as mm stores it.
            out.at(r, c) = L.at(p.i, p.k) * R.at(p.k, p.j);
        }
}

// Pointwise epilog of the partial sum over k in [k0, k1) (docs/spec/mm-values.md §4.3):
// double sums in k order, a NaN sum becomes 0, no matrix-wide part.
Matrix partial_sum(const Node& n, const Matrix& L, const Matrix& R, int k0, int k1) {
    Matrix out(L.h, R.w);
    std::vector<double> acc(size_t(R.w));
    for (int i = 0; i < L.h; ++i) {
        std::fill(acc.begin(), acc.end(), 0.0);
        for (int k = k0; k < k1; ++k) {
            const double a = L.at(i, k);
            const float* row = R.v.data() + size_t(k) * size_t(R.w);
            for (int j = 0; j < R.w; ++j) acc[size_t(j)] += a * row[j];
        }
        for (int j = 0; j < R.w; ++j) {
            const double x = acc[size_t(j)];
            out.at(i, j) = std::isnan(x) ? 0.0f : float(epilog_pointwise(n.epilog, x, n.depth));
        }
    }
    return out;
}

// Depth of partial plane `kb` in the cube (table of §3.1): each plane sits just
// on the result side of its k block; the block next to the result face uses it.
double plane_z(const Track& t, int kb) {
    const CubePlacement& c = *t.cube;
    const Orientation& o = t.node->orient;
    const double g = c.gap, sk = c.k.size, Ez = c.Ez;
    const double k0 = c.k.start(kb), k1 = k0 + c.k.extent(kb);
    const int last = c.k.n - 1;  // the requested count: a dead last block leaves no plane there
    const double z_res = o.result_back ? Ez : 0;
    if (o.positive && !o.result_back)
        return kb == 0 ? z_res : g + k0 + std::floor(g * k0 / sk - g / 4);
    if (o.positive)
        return kb == last ? z_res : g + k1 + std::floor(g * k0 / sk + (g - 1) / 4);
    if (!o.result_back)
        return kb == last ? z_res : Ez - k1 - std::floor(g * k1 / sk + (g - 1) / 4);
    return kb == 0 ? z_res : Ez - k0 - std::floor(g * k1 / sk - g / 4);
}

}  // namespace

std::unique_ptr<Intermediates> make_intermediates(const Model& model, const Track& t) {
    auto out = std::make_unique<Intermediates>();
    const CubePlacement& cube = *t.cube;
    const Node& n = *t.node;
    const VizSettings viz = intermediate_viz(n);
    const double level = n.deco.row_guides;

    for_blocks(cube.i, [&](int bi, int, int) {
        for_blocks(cube.k, [&](int bk, int, int) {
            for_blocks(cube.j, [&](int bj, int, int) {
                const std::array<int, 3> tb = {bi, bk, bj};
                const Triple b = blocks_of(t, tb);
                const Shape shape = interior_shape(t, b);
                // Created holding the cycle's first slice: its local absmax is
                // never updated afterwards (docs/spec/mm-look.md §2.2).
                Matrix first(shape.rows, shape.cols);
                fill_interior(model, t, b, Cursor{}, first);
                MatrixPlacement mp;
                mp.node = mp.owner = &n;
                mp.gap = cube.gap;
                mp.rows = BlockSplit::make(shape.rows, 1, cube.gap);
                mp.cols = BlockSplit::make(shape.cols, 1, cube.gap);
                mp.frame = interior_frame(t, b, Cursor{});
                const MagnitudeRange range =
                    magnitude_range(viz.sensitivity, matrix_stats(first), model.global_absmax);
                out->interiors.push_back(
                    std::make_unique<Sheet>(mp, std::move(first), range, viz, level));
                out->triples.push_back(tb);
            });
        });
    });

    // Partial-result planes: dot-product, vmprod and mvprod families with k blocks.
    // Computed once (values never change), the planes are parallel to the result.
    if (t.family == Family::Depth || cube.k.n == 1) return out;
    const Matrix& L = model.matrix(*n.left);
    const Matrix& R = model.matrix(*n.right);
    for_blocks(cube.k, [&](int bk, int k0, int ek) {
        out->partial.push_back(partial_sum(n, L, R, k0, k0 + ek));
        out->plane_blocks.push_back(bk);
    });
    for (size_t p = 0; p < out->partial.size(); ++p) {
        MatrixPlacement mp;
        mp.node = mp.owner = &n;
        mp.gap = cube.gap;
        mp.rows = cube.i;
        mp.cols = cube.j;
        mp.frame = glm::translate(cube.local, glm::dvec3(0, 0, plane_z(t, out->plane_blocks[p])));
        const MagnitudeRange range =
            magnitude_range(viz.sensitivity, matrix_stats(out->partial[p]), model.global_absmax);
        out->planes.push_back(std::make_unique<Sheet>(mp, &out->partial[p], range, viz, level));
    }
    return out;
}

void place_interior(const Model& model, const Track& t, const std::array<int, 3>& triple,
                    const Cursor& c, Sheet& sheet) {
    const Triple b = blocks_of(t, triple);
    sheet.move(interior_frame(t, b, c));
    fill_interior(model, t, b, c, sheet.own_data());
    sheet.data_changed();
}

}  // namespace mmr::timeline
