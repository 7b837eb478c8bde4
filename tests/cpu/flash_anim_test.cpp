// FlashAttention as an animation (docs/attention.md#flashattention-tile-by-tile): the
// preset's `flash` expands to a fused mvprod (scores, a scratch tile one K block wide)
// and vvprod (the output accumulator) pair; `anim.scratch` forgets earlier tiles.
#include <cmath>

#include "timeline_test_util.h"

using namespace mmr;
using mmr::test::Scene;

namespace {

const char* kFlash =
    "attention: {variant: mha, d_model: 64, heads: 8, phase: prefill, seq: 12, causal: true,"
    " flash: {block_q: 4, block_k: 4}}\n";
const char* kPlain = "attention: {variant: mha, d_model: 64, heads: 8, phase: prefill, seq: 12, causal: true}\n";

}  // namespace

TEST_CASE("flash: one K block of scores live at a time, earlier tiles hidden, O accumulates key by key") {
    Scene s(kFlash);
    Animation a(s.model, s.layout);
    const Node& O = s.root();
    const Node& S = *O.left;
    const Node& V = *O.right;
    REQUIRE(S.rows == 12);
    REQUIRE(S.cols == 12);
    REQUIRE(a.period() == 12);  // one key per step, scores and output in lockstep
    // Q blocks of 4 rows run side by side (block_q 4 divides the 12 rows).
    CHECK(s.layout.cube_of(&S)->i.n == 3);
    const Matrix& Sv = s.values(S);
    const Matrix& Vv = s.values(V);
    for (int step = 1; step <= 12; ++step) {
        a.seek(step);
        CAPTURE(step);
        const int live = step - 1;        // the key column computed in this step
        const int tile = live / 4;        // its K block
        CHECK(a.cursor(S) == live);
        CHECK(a.cursor(O) == live);
        const MatrixView sv = a.matrix(S);
        for (int r = 0; r < 12; ++r)
            for (int c = 0; c < 12; ++c) {
                CAPTURE(r);
                CAPTURE(c);
                const bool in_tile = c / 4 == tile && c <= live;
                CHECK((sv.mode(r, c) != ElementMode::Hidden) == in_tile);
                if (c / 4 < tile) CHECK_FALSE(sv.drawn(r, c));  // no earlier tile's scores remain
            }
        // The causal mask: the live column's upper rows are zero, so not drawn.
        for (int r = 0; r < live; ++r) CHECK_FALSE(sv.drawn(r, live));
        CHECK(sv.drawn(live, live));
        // O holds the running sum over the keys so far: sum_{k <= live} S[:, k] V[k, :].
        const Matrix& ov = a.matrix(O).values();
        for (int r = 0; r < 12; ++r)
            for (int c = 0; c < V.cols; ++c) {
                double acc = 0;
                for (int k = 0; k <= live; ++k) acc += double(Sv.at(r, k)) * double(Vv.at(k, c));
                CHECK(ov.at(r, c) == doctest::Approx(acc).epsilon(1e-5));
            }
        CHECK(mmr::test::count_mode(a.matrix(O), ElementMode::Hidden) == 0);
        // K and V are ready before the loop: shown throughout.
        CHECK(mmr::test::count_mode(a.matrix(*S.right), ElementMode::Hidden) == 0);
        CHECK(mmr::test::count_mode(a.matrix(V), ElementMode::Hidden) == 0);
    }
}

TEST_CASE("flash: without flash the scene is still and S is the whole materialised 12x12 matrix") {
    Scene s(kPlain);
    Animation a(s.model, s.layout);
    CHECK_FALSE(a.animated());
    const Node& S = *s.root().left;
    CHECK(mmr::test::count_mode(a.matrix(S), ElementMode::Hidden) == 0);
    int drawn = 0;
    for (int r = 0; r < 12; ++r)
        for (int c = 0; c < 12; ++c) drawn += a.matrix(S).drawn(r, c);
    CHECK(drawn == 12 * 13 / 2);  // every live causal pair
}

TEST_CASE("anim.scratch: a vmprod result keeps only the current group of rows, then is discarded") {
    Scene s("expr: A @ B\nmatrices:\n  A: {shape: [6, 3], init: gaussian}\n  B: {shape: [3, 4], init: gaussian}\n"
            "anim: {alg: vmprod, scratch: 2}\n");
    Animation a(s.model, s.layout);
    REQUIRE(a.period() == 6);
    const char* expect[] = {"Shhhhh", "SShhhh", "hhShhh", "hhSShh", "hhhhSh", "hhhhSS"};
    for (int step = 1; step <= 6; ++step) {
        a.seek(step);
        std::string rows;
        for (int r = 0; r < 6; ++r) rows += a.matrix(s.root()).mode(r, 0) == ElementMode::Hidden ? 'h' : 'S';
        CHECK_MESSAGE(rows == expect[step - 1], "step " << step);
    }
    // Highlighting A's rows does not touch the scratch result; A itself is never hidden.
    CHECK(mmr::test::count_mode(a.matrix(*s.root().left), ElementMode::Hidden) == 0);
}

TEST_CASE("anim.scratch is checked and written back") {
    CHECK_THROWS_WITH(parse_scene("expr: A @ B\nanim: {alg: vmprod, scratch: -1}\n", "t.yaml"),
                      doctest::Contains("scratch"));
}
