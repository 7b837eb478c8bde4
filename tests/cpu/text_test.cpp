// Text stage: font loading, SDF atlas orientation, string layout metrics.
#include <doctest/doctest.h>

#include <cmath>

#include "mmr/text/text.h"

using namespace mmr;

namespace {

// Nearest-texel lookup of the atlas at (u, v); atlas row 0 = v 0.
int sample(const GlyphAtlas& a, float u, float v) {
    int x = std::min(a.width - 1, std::max(0, int(u * a.width)));
    int y = std::min(a.height - 1, std::max(0, int(v * a.height)));
    return a.pixels[size_t(y) * a.width + x];
}

// Atlas value at text-space point (x, y) inside quad q (bilinear map of corners).
int sample_at(const GlyphAtlas& a, const GlyphQuad& q, float x, float y) {
    float s = (x - q.x0) / (q.x1 - q.x0), t = (y - q.y0) / (q.y1 - q.y0);
    return sample(a, q.u0 + s * (q.u1 - q.u0), q.v0 + t * (q.v1 - q.v0));
}

}  // namespace

TEST_CASE("text: default font loads and atlas has inside and outside texels") {
    const Font& f = Font::default_font();
    CHECK(&f == &Font::default_font());  // cached
    const GlyphAtlas& a = f.atlas();
    REQUIRE(a.width > 0);
    REQUIRE(a.height > 0);
    REQUIRE(a.pixels.size() == size_t(a.width) * a.height);
    int inside = 0, outside = 0;
    for (uint8_t p : a.pixels) {
        inside += p > 128;
        outside += p < 128;
    }
    CHECK(inside > 1000);
    CHECK(outside > 1000);
}

TEST_CASE("text: shape metrics scale with em size") {
    const Font& f = Font::default_font();
    TextShape s1 = f.shape("L", 1.0), s2 = f.shape("L", 2.0);
    CHECK(s1.width > 0);
    CHECK(s1.height > 0);
    REQUIRE(s1.quads.size() == 1);
    CHECK(s2.width == doctest::Approx(2 * s1.width));
    CHECK(s2.height == doctest::Approx(2 * s1.height));
    CHECK(s2.min_x == doctest::Approx(2 * s1.min_x));
    CHECK(s2.quads[0].x1 == doctest::Approx(2 * s1.quads[0].x1));
    // "L" sits on the baseline: its outline starts at y = 0.
    CHECK(s1.min_y == doctest::Approx(0).epsilon(0.01));
}

TEST_CASE("text: LL is wider than L by one advance") {
    const Font& f = Font::default_font();
    TextShape one = f.shape("L", 1.0), two = f.shape("LL", 1.0);
    REQUIRE(two.quads.size() == 2);
    float step = two.quads[1].x0 - two.quads[0].x0;  // advance (+ kerning) of L
    CHECK(two.width - one.width == doctest::Approx(step));
    CHECK(step > one.width);          // advance includes side bearings
    CHECK(step < one.width + 0.3f);   // ... which are small
    CHECK(two.height == doctest::Approx(one.height));
}

TEST_CASE("text: cap height of X") {
    const Font& f = Font::default_font();
    double hx = f.glyph_height_X(1.0);
    CHECK(hx > 0.6);
    CHECK(hx < 0.8);
    CHECK(f.glyph_height_X(3.0) == doctest::Approx(3 * hx));
    CHECK(f.shape("X", 1.0).height == doctest::Approx(hx));
}

TEST_CASE("text: quads enclose the bounding box with SDF padding") {
    const Font& f = Font::default_font();
    TextShape s = f.shape("A", 1.0);
    REQUIRE(s.quads.size() == 1);
    const GlyphQuad& q = s.quads[0];
    // The outline box lies inside the quad, and the quad is at most the SDF
    // padding (8 px at 64 px/em = 0.125 em, plus rounding) bigger on each side.
    const float pad = 0.2f;
    CHECK(q.x0 <= s.min_x);
    CHECK(q.y0 <= s.min_y);
    CHECK(q.x1 >= s.min_x + s.width);
    CHECK(q.y1 >= s.min_y + s.height);
    CHECK(q.x0 > s.min_x - pad);
    CHECK(q.y0 > s.min_y - pad);
    CHECK(q.x1 < s.min_x + s.width + pad);
    CHECK(q.y1 < s.min_y + s.height + pad);
}

TEST_CASE("text: atlas orientation (top of glyph has smaller v)") {
    const Font& f = Font::default_font();
    const GlyphAtlas& a = f.atlas();
    {
        TextShape s = f.shape("I", 1.0);
        REQUIRE(s.quads.size() == 1);
        const GlyphQuad& q = s.quads[0];
        CHECK(q.v1 < q.v0);  // y1 (top) maps to the smaller v
        CHECK(sample_at(a, q, s.min_x + s.width / 2, s.min_y + s.height / 2) > 128);
    }
    // "T": near the left end of the bar is inside; the same x near the bottom
    // is outside. A vertically flipped atlas would swap both.
    TextShape s = f.shape("T", 1.0);
    REQUIRE(s.quads.size() == 1);
    const GlyphQuad& q = s.quads[0];
    float x = s.min_x + 0.15f * s.width;
    float top = s.min_y + s.height - 0.03f, bottom = s.min_y + 0.05f;
    CHECK(sample_at(a, q, x, top) > 128);
    CHECK(sample_at(a, q, x, bottom) < 128);
    // Outside the outline box entirely (in the padding) is outside.
    CHECK(sample_at(a, q, s.min_x - 0.05f, s.min_y + s.height / 2) < 128);
}

TEST_CASE("text: spaces, empty strings and non-ASCII") {
    const Font& f = Font::default_font();
    TextShape e = f.shape("", 1.0);
    CHECK(e.quads.empty());
    CHECK(e.width == 0);
    CHECK(f.shape("   ", 1.0).quads.empty());
    // A space advances the pen but draws nothing.
    TextShape ab = f.shape("I I", 1.0);
    CHECK(ab.quads.size() == 2);
    CHECK(ab.width > f.shape("II", 1.0).width);
    // Non-ASCII code points are drawn as one '?' each.
    TextShape u = f.shape("\xC3\xA9", 1.0), qm = f.shape("?", 1.0);
    REQUIRE(u.quads.size() == 1);
    CHECK(u.width == doctest::Approx(qm.width));
    CHECK(u.quads[0].u0 == qm.quads[0].u0);
}
