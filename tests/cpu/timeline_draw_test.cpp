// The animation's draw list: static scenes match build_draw_list, highlights
// add the bump colour, intermediates bring their row guides, and the
// incremental update equals a from-scratch one.
#include <map>
#include <tuple>

#include "mmr/draw/build_draw_list.h"
#include "timeline_test_util.h"

using namespace mmr;
using mmr::test::Scene;

namespace {

bool same(const PointVertex& a, const PointVertex& b) {
    return a.x == b.x && a.y == b.y && a.z == b.z && a.size == b.size && a.r == b.r &&
           a.g == b.g && a.b == b.b;
}
bool same(const LineVertex& a, const LineVertex& b) {
    return a.x == b.x && a.y == b.y && a.z == b.z && a.r == b.r && a.g == b.g && a.b == b.b;
}
template <class V>
bool same(const std::vector<V>& a, const std::vector<V>& b) {
    if (a.size() != b.size()) return false;
    for (size_t n = 0; n < a.size(); ++n)
        if (!same(a[n], b[n])) return false;
    return true;
}

DrawList drawn(Animation& a, int step) {
    a.seek(step);
    DrawList dl;
    a.update_draw_list(dl, 640, 360);
    return dl;
}

const char* kCompound =
    "expr: A @ B @ C\nseed: 2\nmatrices:\n  A: {shape: [5, 6], init: gaussian}\n"
    "  B: {shape: [6, 4], init: gaussian}\n  C: {shape: [4, 3], init: gaussian}\n"
    "blocks: {i: 2, k: 2, j: 1}\nanim: {alg: vvprod}\ndeco: {axes: true}\n"
    "matmuls:\n  A @ B: {anim: {alg: \"dotprod (col major)\"}, epilog: layernorm}\n";

}  // namespace

TEST_CASE("timeline: without animation the draw list is the static one") {
    Scene s("expr: A @ B @ C\nmatrices:\n  A: {shape: [5, 6], init: gaussian}\ndeco: {axes: true}\n");
    Animation a(s.model, s.layout);
    CHECK(!a.animated());
    CHECK(a.period() == 0);
    DrawList mine;
    a.update_draw_list(mine, 640, 360);
    const DrawList ref = build_draw_list(s.model, s.layout, 640, 360);
    CHECK(same(mine.points, ref.points));
    CHECK(same(mine.lines, ref.lines));
    a.advance();
    CHECK(a.step() == 1);
}

TEST_CASE("timeline: highlighted sprites get the bump colour, hidden ones are not drawn") {
    Scene s("expr: A @ B\nmatrices:\n  A: {shape: [5, 6], init: gaussian}\n"
            "anim: {alg: vmprod}\n");
    Animation a(s.model, s.layout);
    const DrawList ref = build_draw_list(s.model, s.layout, 640, 360);
    std::map<std::tuple<float, float, float>, PointVertex> by_pos;
    for (const PointVertex& v : ref.points) by_pos[{v.x, v.y, v.z}] = v;

    a.seek(2);
    DrawList dl;
    a.update_draw_list(dl, 640, 360);
    const Node& root = s.root();
    const MatrixPlacement& left = *s.layout.matrix_of(root.left.get());
    int bumped = 0;
    for (int k = 0; k < 6; ++k) {
        const glm::vec3 p(left.element(1, k));
        const PointVertex& base = by_pos.at({p.x, p.y, p.z});
        bool found = false;
        for (const PointVertex& v : dl.points)
            if (v.x == p.x && v.y == p.y && v.z == p.z) {
                found = true;
                CHECK(v.size == base.size);
                CHECK(v.r == 2 * base.r);  // mm doubles the colour (look.h)
                CHECK(v.g == 2 * base.g);
                CHECK(v.b == 2 * base.b);
                ++bumped;
            }
        CHECK(found);
    }
    CHECK(bumped == 6);
    // Sprites: all drawn elements of the leaves and the result, plus the interior mat.
    size_t expect = 0;
    for (const MatrixPlacement& mp : s.layout.matrices) {
        const MatrixView v = a.matrix(*mp.node);
        for (int r = 0; r < v.values().h; ++r)
            for (int c = 0; c < v.values().w; ++c) expect += v.drawn(r, c);
    }
    for (const Intermediate& m : a.intermediates())
        for (int r = 0; r < m.view.values().h; ++r)
            for (int c = 0; c < m.view.values().w; ++c) expect += m.view.drawn(r, c);
    CHECK(expect == 30 + 6 * 32 + 2 * 32 + 6 * 32);  // A, B, result rows 0-1, interior
    CHECK(dl.points.size() == expect);
    // Row guides: the static ones plus the interior mat's (6 rows x 32 columns:
    // two sides, six rows, one corner diagonal).
    CHECK(dl.lines.size() == ref.lines.size() + 2 * (2 + 6 + 1));
}

TEST_CASE("timeline: the incremental draw list equals one built from scratch") {
    Scene s(kCompound);
    Animation a(s.model, s.layout);
    const int P = a.period();
    REQUIRE(P == 9);  // child 3 x 2 dot products + its end step, then 2 root k steps
    DrawList inc;
    for (int step = 1; step <= P + 3; ++step) {
        a.seek(step);
        a.update_draw_list(inc, 640, 360);
        Animation fresh(s.model, s.layout);
        const DrawList ref = drawn(fresh, step);
        CAPTURE(step);
        CHECK(same(inc.points, ref.points));
        CHECK(same(inc.lines, ref.lines));
    }
    // A different size rescales every sprite.
    DrawList big;
    a.update_draw_list(big, 1280, 720);
    REQUIRE(big.points.size() == inc.points.size());
    CHECK(big.points[0].size == 2 * inc.points[0].size);
}

TEST_CASE("timeline: seeking backwards replays from step 1") {
    Scene s(kCompound);
    Animation a(s.model, s.layout);
    const DrawList late = drawn(a, 9);
    const DrawList early = drawn(a, 4);
    CHECK(a.step() == 4);
    Animation fresh(s.model, s.layout);
    CHECK(same(early.points, drawn(fresh, 4).points));
    CHECK(same(late.points, drawn(fresh, 9).points));
    CHECK(!same(early.points, late.points));
}
