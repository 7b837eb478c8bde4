// --scale and --supersample (issue #10 part 2): a picture twice as large at
// scale 2 is the small one enlarged (lines and the smallest sprites twice as
// wide, everything else grows with the image anyway); supersampling renders N x N
// larger and averages down.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <set>
#include <string>

#include "mmr/core/error.h"
#include "mmr/render/still.h"
#include "mmr/scene/scene_parser.h"

using namespace mmr;

namespace {

const char* kScene =
    "expr: out = (A @ B) @ C\n"
    "matrices: {A: {shape: [12, 8]}, B: {shape: [8, 10]}, C: {shape: [10, 6]}}\n"
    "anim: {alg: none}\n";

Image still(int w, int h, float scale, int supersample = 1) {
    SceneSpec spec = parse_scene(kScene, "<test>");
    spec.output.width = w;
    spec.output.height = h;
    StillOptions o;
    o.render.scale = scale;
    o.supersample = supersample;
    return render_still(spec, o);
}

// Mean absolute channel difference (0..255).
double mean_diff(const Image& a, const Image& b) {
    REQUIRE(a.rgba.size() == b.rgba.size());
    double sum = 0;
    for (size_t i = 0; i < a.rgba.size(); ++i) sum += std::abs(int(a.rgba[i]) - int(b.rgba[i]));
    return sum / double(a.rgba.size());
}

// Sum of the colour over the picture (how much ink there is).
double ink(const Image& a) {
    double s = 0;
    for (size_t i = 0; i < a.rgba.size(); i += 4) s += a.rgba[i] + a.rgba[i + 1] + a.rgba[i + 2];
    return s;
}

}  // namespace

TEST_CASE("--scale 2 at 2W x 2H looks like W x H enlarged") {
    const Image small = still(320, 180, 1);
    const Image big2 = downsample(still(640, 360, 2), 2);
    const Image big1 = downsample(still(640, 360, 1), 2);
    const double d2 = mean_diff(small, big2), d1 = mean_diff(small, big1);
    const double ink_ratio2 = ink(big2) / ink(small), ink_ratio1 = ink(big1) / ink(small);
    MESSAGE("mean channel difference: scale 2 " << d2 << ", scale 1 " << d1 << "; ink ratio " << ink_ratio2 << " vs "
                                                << ink_ratio1);
    CHECK(d2 < 2.5);                 // small tolerance: the same picture, finer
    CHECK(d2 < d1);                  // and closer than without --scale (1-px lines fade at 2x)
    CHECK(std::fabs(ink_ratio2 - 1) < 0.05);
    CHECK(ink_ratio1 < ink_ratio2);  // thinner guides: less ink
}

TEST_CASE("--supersample N is the N-times render with scale N, averaged") {
    const Image ss = still(320, 180, 1, 2);
    REQUIRE(ss.width == 320);
    REQUIRE(ss.height == 180);
    CHECK(ss.rgba == downsample(still(640, 360, 2), 2).rgba);
    // Close to the plain render, with softer edges: more distinct colours.
    const Image plain = still(320, 180, 1);
    CHECK(mean_diff(ss, plain) < 2.5);
    std::set<uint32_t> c_ss, c_plain;
    for (size_t i = 0; i < ss.rgba.size(); i += 4) {
        c_ss.insert(uint32_t(ss.rgba[i]) << 16 | uint32_t(ss.rgba[i + 1]) << 8 | ss.rgba[i + 2]);
        c_plain.insert(uint32_t(plain.rgba[i]) << 16 | uint32_t(plain.rgba[i + 1]) << 8 | plain.rgba[i + 2]);
    }
    CHECK(c_ss.size() > c_plain.size());
}

TEST_CASE("downsample averages premultiplied colour") {
    Image img;
    img.width = 2, img.height = 2;
    img.rgba = {255, 0, 0, 255, 0, 0, 0, 0, 255, 0, 0, 255, 0, 0, 0, 0};  // red, clear, red, clear
    const Image d = downsample(img, 2);
    REQUIRE(d.rgba.size() == 4);
    CHECK(d.rgba[0] == 255);  // straight red, not darkened by the clear pixels
    CHECK(d.rgba[3] == 128);
}

TEST_CASE("--supersample beyond the render size is refused with the numbers") {
    RenderOptions r;
    CHECK_THROWS_WITH_AS(check_supersample(4000, 3000, 8, r),
                         doctest::Contains("--supersample 8: a 4000x3000 picture would be rendered at 32000x24000"),
                         Error);
    CHECK_NOTHROW(check_supersample(320, 180, 4, r));
}
