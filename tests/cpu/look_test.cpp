// Value -> size/colour (docs/spec/mm-look.md §2): reference table, ranges, special values.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "mmr/look/look.h"

using namespace mmr;

namespace {
bool near(double a, double b, double tol = 1e-4) { return std::fabs(a - b) <= tol; }
void check_rgb(const float got[3], double r, double g, double b, double tol = 1e-4) {
    INFO("got " << got[0] << ", " << got[1] << ", " << got[2] << " want " << r << ", " << g
                << ", " << b);
    CHECK(near(got[0], r, tol));
    CHECK(near(got[1], g, tol));
    CHECK(near(got[2], b, tol));
}
}  // namespace

TEST_CASE("element_look reference table (docs/spec/mm-look.md §2.6)") {
    struct Row {
        double x, f, hue, light, r, g, b;
    };
    const Row rows[] = {
        {1, 1.0000, 0.5500, 0.7000, 0.4000, 0.8200, 1.0000},
        {0.5, 0.7657, 0.5300, 0.6121, 0.2243, 0.8604, 1.0000},
        {0.25, 0.6000, 0.5200, 0.5500, 0.1000, 0.8920, 1.0000},
        {0.01, 0.2800, 0.5104, 0.4300, 0.0000, 0.8063, 0.8600},
        {-0.01, 0.2800, 0.0296, 0.4300, 0.8600, 0.1527, 0.0000},
        {-0.25, 0.6000, 0.0200, 0.5500, 1.0000, 0.2080, 0.1000},
        {-0.5, 0.7657, 0.0100, 0.6121, 1.0000, 0.2708, 0.2243},
        {-1, 1.0000, 0.9900, 0.7000, 1.0000, 0.4000, 0.4360},
    };
    VizSettings viz;
    MagnitudeRange range{0, 1};
    for (const Row& r : rows) {
        INFO("x = " << r.x);
        ElementLook e = element_look(r.x, range, viz);
        CHECK(near(e.size, r.f));
        check_rgb(e.rgb, r.r, r.g, r.b);
        // Hue and lightness: the reference HSL gives the same colour (the RGB
        // of a saturated colour determines its hue and lightness).
        float ref[3];
        hsl_to_rgb(r.hue, 1.0, r.light, ref);
        check_rgb(ref, r.r, r.g, r.b, 2e-4);  // table values are rounded to 4 places
        check_rgb(e.rgb, ref[0], ref[1], ref[2], 2e-4);
    }
    ElementLook z = element_look(0, range, viz);
    CHECK(z.size == 0);
    check_rgb(z.rgb, 0, 0, 0, 0);
}

TEST_CASE("special values (docs/spec/mm-look.md §2.1)") {
    VizSettings viz;
    MagnitudeRange range{0, 1};
    ElementLook n = element_look(std::numeric_limits<double>::quiet_NaN(), range, viz);
    CHECK(n.size == 0);
    check_rgb(n.rgb, 1, 1, 1, 0);
    for (double inf : {HUGE_VAL, -HUGE_VAL}) {
        ElementLook e = element_look(inf, range, viz);
        CHECK(e.size == 1);
        check_rgb(e.rgb, 1, 1, 1, 0);
    }
    ElementLook z = element_look(-0.0, range, viz);
    CHECK(z.size == 0);
    check_rgb(z.rgb, 0, 0, 0, 0);
}

TEST_CASE("magnitude ranges by sensitivity (docs/spec/mm-look.md §2.2)") {
    Matrix m(2, 2);
    m.v = {0.5f, -2.0f, 0.25f, std::numeric_limits<float>::quiet_NaN()};
    MatrixStats s = matrix_stats(m);
    CHECK(s.local_absmin == doctest::Approx(0.25));
    CHECK(s.local_absmax == doctest::Approx(2));

    MagnitudeRange g = magnitude_range("global", s, 8);
    CHECK(g.absmin == 0);
    CHECK(g.absmax == 8);
    MagnitudeRange l = magnitude_range("local", s, 8);
    CHECK(l.absmin == 0);
    CHECK(l.absmax == 2);
    MagnitudeRange sl = magnitude_range("semilocal", s, 8);
    CHECK(sl.absmin == 0);
    CHECK(sl.absmax == doctest::Approx(4));  // sqrt(2 * 8)
    MagnitudeRange su = magnitude_range("superlocal", s, 8);
    CHECK(su.absmin == doctest::Approx(0.25));
    CHECK(su.absmax == doctest::Approx(2));

    // A zero in the data makes superlocal equal local.
    m.v = {0.0f, -3.0f, 1.0f, 2.0f};
    MagnitudeRange z = magnitude_range("superlocal", matrix_stats(m), 10);
    CHECK(z.absmin == 0);
    CHECK(z.absmax == 3);
}

TEST_CASE("superlocal looks: offset range, unclamped hue, clamped size/lightness") {
    VizSettings viz;
    MagnitudeRange r{0.25, 2};
    ElementLook lo = element_look(0.25, r, viz);  // at absmin: minimum size, Lmin, hue 0.51
    CHECK(near(lo.size, 0.2));
    float want[3];
    hsl_to_rgb(0.51, 1, 0.4, want);
    check_rgb(lo.rgb, want[0], want[1], want[2], 1e-6);

    ElementLook neg = element_look(-2, r, viz);  // huevol -1: hue 0.77 - 0.74 - 0.04 -> 0.99
    CHECK(near(neg.size, 1));
    hsl_to_rgb(0.99, 1, 0.7, want);
    check_rgb(neg.rgb, want[0], want[1], want[2], 1e-6);

    ElementLook mid = element_look(1, r, viz);
    CHECK(near(mid.size, 0.2 + 0.8 * std::sqrt(0.75 / 1.75), 1e-6));
    hsl_to_rgb(0.51 + 0.04 * 0.75 / 1.75, 1, 0.4 + 0.3 * std::sqrt(0.75 / 1.75), want);
    check_rgb(mid.rgb, want[0], want[1], want[2], 1e-6);

    // Beyond absmax: size and lightness clamp, hue keeps growing (huevol = 2).
    ElementLook big = element_look(4, MagnitudeRange{0, 2}, viz);
    CHECK(big.size == 1);
    hsl_to_rgb(0.59, 1, 0.7, want);
    check_rgb(big.rgb, want[0], want[1], want[2], 1e-6);

    // Degenerate range: vol 0 -> min size; lightness Lmin; huevol 0.
    ElementLook d = element_look(1, MagnitudeRange{1, 1}, viz);
    CHECK(near(d.size, 0.2));
    hsl_to_rgb(0.51, 1, 0.4, want);
    check_rgb(d.rgb, want[0], want[1], want[2], 1e-6);

    // Default scene inputs under global sensitivity (§2.6): f <= 0.346.
    CHECK(near(element_look(1, MagnitudeRange{0, 30.1004}, viz).size, 0.3458, 1e-4));
}

TEST_CASE("hsl_to_rgb and srgb_encode") {
    float c[3];
    hsl_to_rgb(0.3, 0, 0.6, c);  // grey
    check_rgb(c, 0.6, 0.6, 0.6, 1e-7);
    hsl_to_rgb(1.0, 1, 0.5, c);  // hue wraps: red
    check_rgb(c, 1, 0, 0, 1e-7);
    hsl_to_rgb(-2.0 / 3, 2, 0.5, c);  // -2/3 mod 1 = 1/3: green; s clamps to 1
    check_rgb(c, 0, 1, 0, 1e-6);
    hsl_to_rgb(0.5, 1, 1.5, c);  // l clamps to 1: white
    check_rgb(c, 1, 1, 1, 1e-7);

    CHECK(srgb_encode(0) == 0);
    CHECK(srgb_encode(0.002) == doctest::Approx(0.02584));
    CHECK(srgb_encode(0.5) == doctest::Approx(0.735357).epsilon(1e-5));
    CHECK(srgb_encode(1) == doctest::Approx(1));
}
