// Renders a tiny known scene with each backend and checks pixels: the clear
// colour, a shaded ball, a line, a text quad, a translucent triangle, and
// that EGL, OSMesa and repeated renders agree byte for byte.
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <string>

#include "mmr/core/error.h"
#include "mmr/gl/backend.h"

using namespace mmr;

namespace {

constexpr int W = 96, H = 64;

// Camera on +z looking at the origin: at depth 50 one world unit is
// 32 / (50 tan 22.5°) = 1.545 px, and the origin lands on pixel corner (48, 32).
DrawList test_scene() {
    DrawList list;
    list.width = W;
    list.height = H;
    list.background[0] = 0.0f, list.background[1] = 0.2f, list.background[2] = 0.4f;  // 0, 51, 102
    list.camera.position[0] = 0, list.camera.position[1] = 0, list.camera.position[2] = 50;
    list.camera.fov_y_deg = 45;
    // A ball of 40 px diameter (size / depth) at the centre, reddish.
    list.points.push_back({0, 0, 0, 40.0f * 50.0f, 1.0f, 0.3f, 0.3f});
    // A horizontal green line well below the ball.
    list.lines.push_back({-25, -16, 0, 0.2f, 1.0f, 0.4f});
    list.lines.push_back({25, -16, 0, 0.2f, 1.0f, 0.4f});
    // A blue half-transparent triangle right of the ball.
    list.flow.push_back({14, -6, 0, 0, 0, 1, 0.5f});
    list.flow.push_back({25, -6, 0, 0, 0, 1, 0.5f});
    list.flow.push_back({25, 6, 0, 0, 0, 1, 0.5f});
    // A text quad left of the ball sampling the inside of a solid SDF atlas.
    static GlyphAtlas atlas;
    atlas.width = atlas.height = 4;
    atlas.pixels.assign(16, 255);
    list.atlas = &atlas;
    const float x0 = -27, x1 = -17, y0 = 2, y1 = 10;
    for (auto [x, y] : {std::pair{x0, y0}, {x1, y0}, {x1, y1}, {x0, y0}, {x1, y1}, {x0, y1}})
        list.text.push_back({x, y, 0, 0.5f, 0.5f});
    list.text_rgb[0] = 0.8f, list.text_rgb[1] = 0.8f, list.text_rgb[2] = 1.0f;
    return list;
}

std::array<int, 4> px(const Image& img, int x, int y) {
    const uint8_t* p = &img.rgba[(size_t(y) * img.width + x) * 4];
    return {p[0], p[1], p[2], p[3]};
}

bool near(const std::array<int, 4>& p, int r, int g, int b, int tol = 1) {
    return std::abs(p[0] - r) <= tol && std::abs(p[1] - g) <= tol && std::abs(p[2] - b) <= tol && p[3] == 255;
}

int brightness(const std::array<int, 4>& p) { return p[0] + p[1] + p[2]; }

// Every check of the scene above, for one image.
void check_scene(const Image& img, bool msaa) {
    REQUIRE(img.width == W);
    REQUIRE(img.height == H);
    REQUIRE(img.rgba.size() == size_t(W * H * 4));
    CHECK(near(px(img, 2, 2), 0, 51, 102, 0));  // background, exact
    CHECK(near(px(img, 93, 61), 0, 51, 102, 0));

    // Ball: red hue at the centre (G == B, R well above).
    auto c = px(img, 48, 31);
    CHECK(c[0] > 120);
    CHECK(c[0] > c[1] * 2);
    CHECK(std::abs(c[1] - c[2]) <= 1);
    // Highlight upper-left: brighter there than lower-right.
    CHECK(brightness(px(img, 44, 26)) > brightness(px(img, 52, 37)) + 60);
    // The disc is 54/64 of the 40 px sprite: radius ~16.9 px. At 19 px from
    // the centre (inside the sprite square) is background.
    CHECK(near(px(img, 48 + 19, 32), 0, 51, 102, 0));
    CHECK(near(px(img, 48 - 19, 32), 0, 51, 102, 0));
    CHECK(near(px(img, 48 + 14, 32), 0, 51, 102, 0) == false);

    // Line at world y = -16: about 24.7 px below the centre row.
    int line_rows = 0, best = 0;
    for (int y = 40; y < H; ++y) {
        auto p = px(img, 30, y);
        if (near(p, 51, 255, 102)) ++line_rows;
        best = std::max(best, p[1]);
    }
    if (msaa)
        CHECK(best >= 51 + (255 - 51) / 2);  // covered at least half the samples
    else
        CHECK(line_rows == 1);  // exactly one row, exactly the line's colour

    // Flow triangle: blue at alpha 0.5 over the background (0, .2, .4).
    CHECK(near(px(img, 85, 31), 0, 26, 178, 1));
    // Text quad: the text colour #CCCCFF, opaque.
    CHECK(near(px(img, 13, 24), 204, 204, 255, 0));
}

}  // namespace

TEST_CASE("parse_backend accepts auto, egl, osmesa and lists them otherwise") {
    CHECK(parse_backend("auto") == BackendKind::Auto);
    CHECK(parse_backend("egl") == BackendKind::Egl);
    CHECK(parse_backend("osmesa") == BackendKind::OSMesa);
    try {
        parse_backend("vulkan");
        FAIL("no error");
    } catch (const Error& e) {
        std::string msg = e.what();
        CHECK(msg.find("vulkan") != std::string::npos);
        CHECK(msg.find("auto, egl or osmesa") != std::string::npos);
    }
}

TEST_CASE("EGL and OSMesa render the scene identically, in every antialiasing mode") {
    for (auto [aa, msaa] : {std::pair{Antialias::Msaa, 0}, {Antialias::Msaa, 4}, {Antialias::Smooth, 4},
                            {Antialias::None, 4}}) {
        CAPTURE(int(aa));
        CAPTURE(msaa);
        RenderOptions opts;
        opts.aa = aa;
        opts.msaa = msaa;
        const bool smoothed = aa == Antialias::Smooth || (aa == Antialias::Msaa && msaa > 0);
        DrawList list = test_scene();
        auto egl = create_renderer(BackendKind::Egl, W, H, opts);
        auto osm = create_renderer(BackendKind::OSMesa, W, H, opts);
        CHECK(egl->description().rfind("EGL", 0) == 0);
        CHECK(egl->description().find("OpenGL") != std::string::npos);
        CHECK(osm->description().rfind("OSMesa", 0) == 0);
        MESSAGE(egl->description());

        Image a = egl->render(list);
        check_scene(a, smoothed);
        Image b = osm->render(list);
        check_scene(b, smoothed);
        CHECK(a.rgba == b.rgba);
        // Again, interleaved with the other context: still identical.
        Image a2 = egl->render(list);
        CHECK(a2.rgba == a.rgba);
        CHECK(osm->render(list).rgba == a.rgba);
    }
}

TEST_CASE("a renderer follows the draw list's size and survives empty lists") {
    auto r = create_renderer(BackendKind::Auto, W, H);
    DrawList list = test_scene();
    list.width = 50;
    list.height = 30;
    Image img = r->render(list);
    CHECK(img.width == 50);
    CHECK(img.height == 30);
    DrawList empty;
    empty.width = 8;
    empty.height = 6;
    empty.background[0] = 1;
    Image e = r->render(empty);
    CHECK(e.rgba.size() == 8 * 6 * 4);
    CHECK(near(px(e, 7, 5), 255, 0, 0, 0));
    // Back to the first size: the same pixels as a fresh renderer gives.
    Image again = r->render(test_scene());
    check_scene(again, true);
}

#include "../../src/gl/ball_sprite.h"

TEST_CASE("the ball sprite has ball.png's measured properties (docs/spec/mm-look.md §3.3)") {
    std::vector<uint8_t> t = make_ball_sprite();
    REQUIRE(t.size() == size_t(kBallSpriteSize * kBallSpriteSize * 4));
    int opaque = 0, max_shade = 0, max_col = 0, max_row = 0;
    bool grey = true;
    double sum = 0;
    for (int row = 0; row < kBallSpriteSize; ++row)
        for (int col = 0; col < kBallSpriteSize; ++col) {
            const uint8_t* p = &t[(size_t(row) * kBallSpriteSize + col) * 4];
            grey = grey && p[0] == p[1] && p[1] == p[2];
            if (p[3] < 128) continue;
            ++opaque;
            sum += p[0] / 255.0;
            if (p[0] > max_shade) max_shade = p[0], max_col = col, max_row = row;
        }
    CHECK(grey);
    CHECK(opaque / 4096.0 == doctest::Approx(0.56).epsilon(0.03));
    CHECK(sum / opaque == doctest::Approx(0.56).epsilon(0.03));
    CHECK(max_shade >= 245);
    CHECK(max_shade <= 252);
    // Highlight left of and above the centre (row 0 is the top here).
    CHECK(max_col < 32);
    CHECK(max_row < 32);
}
