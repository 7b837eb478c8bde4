// Transparent and coloured backgrounds (issue #10 part 1): a transparent frame
// has alpha 0 where nothing is drawn and 255 inside element sprites; its edges
// are antialiased against alpha without dark fringes (straight colour, not
// colour times coverage); and the frame composited over a colour is the frame
// rendered on that colour, in every antialiasing mode.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <string>

#include "mmr/render/still.h"
#include "mmr/scene/scene_parser.h"
#include "mmr/theme/theme.h"

using namespace mmr;

namespace {

Image still(const std::string& yaml, Antialias aa) {
    SceneSpec spec = parse_scene(yaml, "<test>");
    StillOptions o;
    o.render.aa = aa;
    return render_still(spec, o);
}

const char* kScene =
    "expr: out = (A @ B) @ C\n"
    "anim: {alg: none}\n"
    "output: {width: 320, height: 180";

}  // namespace

TEST_CASE("transparent background: alpha 0 outside, 255 in sprites, RGBA straight colours") {
    const Image t = still(std::string(kScene) + ", background: transparent}\n", Antialias::Smooth);
    REQUIRE(t.width == 320);
    int clear = 0, opaque = 0, partial = 0;
    for (size_t i = 3; i < t.rgba.size(); i += 4) {
        clear += t.rgba[i] == 0;
        opaque += t.rgba[i] == 255;
        partial += t.rgba[i] > 0 && t.rgba[i] < 255;
    }
    CHECK(t.rgba[3] == 0);  // the corner
    CHECK(t.rgba[t.rgba.size() - 1] == 0);
    CHECK(clear > 320 * 180 / 2);
    CHECK(opaque > 200);   // element sprites (and where guides cross them)
    CHECK(partial > 100);  // antialiased edges of guides, legends, arrows
    // Where nothing is drawn the colour is 0 too (no stray premultiplied colour).
    for (size_t i = 0; i < t.rgba.size(); i += 4)
        if (t.rgba[i + 3] == 0) REQUIRE((t.rgba[i] | t.rgba[i + 1] | t.rgba[i + 2]) == 0);
}

TEST_CASE("transparent background: guide edges keep the guide's colour (no dark fringe)") {
    // Sprites and row guides only: every partly covered pixel is a guide's edge
    // (over nothing, or over another guide's edge), so its straight colour is
    // the guide grey whatever the coverage. Colour times coverage -- the dark
    // fringe -- would make it darker in proportion.
    const std::string scene = "expr: A @ B\nanim: {alg: none}\ndeco: {legends: 0, flow_guides: 0, row_guides: 0.6}\n"
                              "output: {width: 320, height: 180, background: transparent}\n";
    const int grey = int(std::lround(row_guide_grey(ThemeKind::Dark, 0.6) * 255));
    for (Antialias aa : {Antialias::Smooth, Antialias::Msaa}) {
        const Image t = still(scene, aa);
        int partial = 0, off = 0;
        for (size_t i = 0; i < t.rgba.size(); i += 4) {
            const int a = t.rgba[i + 3];
            if (a == 0 || a == 255) continue;
            ++partial;
            // A partly covered pixel next to a sprite may mix the sprite in (MSAA):
            // count only pixels whose colour is grey.
            if (t.rgba[i] != t.rgba[i + 1] || t.rgba[i] != t.rgba[i + 2]) continue;
            off += std::abs(int(t.rgba[i]) - grey) > 3;
        }
        INFO("aa " << int(aa) << ": " << partial << " partly covered, " << off << " off the guide grey " << grey);
        CHECK(partial > 50);
        CHECK(off == 0);
    }
}

TEST_CASE("transparent frame over a colour = the frame rendered on that colour") {
    for (const char* bg : {"white", "'#3366cc'"}) {
        for (Antialias aa : {Antialias::Smooth, Antialias::None, Antialias::Msaa}) {
            const Image t = still(std::string(kScene) + ", background: transparent}\n", aa);
            const Image o = still(std::string(kScene) + ", background: " + bg + "}\n", aa);
            const Rgba c = *parse_color(std::string(bg) == "white" ? "white" : "#3366cc");
            const float page[3] = {c.r * 255, c.g * 255, c.b * 255};
            int worst = 0;
            long differing = 0;
            for (size_t i = 0; i < t.rgba.size(); i += 4) {
                const double a = t.rgba[i + 3] / 255.0;
                for (int k = 0; k < 3; ++k) {
                    const double composite = t.rgba[i + k] * a + page[k] * (1 - a);
                    const int d = int(std::lround(std::fabs(composite - o.rgba[i + k])));
                    worst = std::max(worst, d);
                    differing += d > 2;
                }
            }
            INFO("background " << bg << ", aa " << int(aa) << ": worst channel difference " << worst << ", "
                               << differing << " channels over 2");
            CHECK(worst <= 4);
            CHECK(differing <= 20);
        }
    }
}

TEST_CASE("light theme renders on white, dark default unchanged by an explicit black") {
    const Image dark = still(std::string(kScene) + "}\n", Antialias::Smooth);
    const Image black = still(std::string(kScene) + ", background: black}\n", Antialias::Smooth);
    CHECK(dark.rgba == black.rgba);
    const Image light = still(std::string(kScene) + ", theme: light}\n", Antialias::Smooth);
    CHECK(light.rgba[0] == 255);
    CHECK(light.rgba[1] == 255);
    CHECK(light.rgba[3] == 255);
}
