// Smooth antialiasing (RenderOptions::aa = Smooth): lines, text and flow vanes
// get the coverage 4x MSAA would give them (a share of four sample positions,
// so 1/4, 1/2 or 3/4 at edges) without a multisampled framebuffer; sprites are
// drawn exactly as without antialiasing; the bytes are the same with EGL and
// OSMesa and from one render to the next.
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <string>

#include "mmr/core/error.h"
#include "mmr/gl/backend.h"

using namespace mmr;

namespace {

constexpr int W = 96, H = 64;
// Camera on +z at distance 50, fov 45°: pixels per world unit in the z = 0 plane.
const double kPx = (H / 2.0) / (50.0 * std::tan(22.5 * M_PI / 180.0));

// World y in the plane z that lands at GL window y (0 = bottom edge).
float world_y(double window_y, double z = 0) { return float((window_y - H / 2.0) / kPx * (50 - z) / 50); }
// Image row (top first) of the pixel whose centre is at GL window y = r + 0.5.
int image_row(int gl_row) { return H - 1 - gl_row; }

DrawList empty_scene() {
    DrawList list;
    list.width = W;
    list.height = H;
    list.camera.position[0] = 0, list.camera.position[1] = 0, list.camera.position[2] = 50;
    list.camera.fov_y_deg = 45;
    return list;  // black background
}

void add_line(DrawList& list, float x0, float y0, float x1, float y1, float z = 0, float r = 1.0f,
              float g = 0.6f, float b = 0.2f) {
    list.lines.push_back({x0, y0, z, r, g, b});
    list.lines.push_back({x1, y1, z, r, g, b});
}

std::array<int, 4> px(const Image& img, int x, int y) {
    const uint8_t* p = &img.rgba[(size_t(y) * img.width + x) * 4];
    return {p[0], p[1], p[2], p[3]};
}

Image render(const DrawList& list, Antialias aa, BackendKind backend = BackendKind::Egl) {
    RenderOptions opts;
    opts.aa = aa;
    return create_renderer(backend, list.width, list.height, opts)->render(list);
}

// A scene with everything smooth mode touches: a ball, lines at odd angles,
// a diagonal text edge, a vane with a line in front of it and two vanes
// sharing an edge.
DrawList rich_scene() {
    DrawList list = empty_scene();
    list.background[0] = 0.0f, list.background[1] = 0.2f, list.background[2] = 0.4f;
    list.points.push_back({0, 0, 0, 30.0f * 50.0f, 1.0f, 0.3f, 0.3f});
    add_line(list, -28, -18, 27, -9);
    add_line(list, -20, 19, -5, -19);
    add_line(list, 5, 15, 28, 17, 2);
    static GlyphAtlas atlas;
    atlas.width = atlas.height = 16;
    atlas.pixels.resize(256);
    for (int j = 0; j < 16; ++j)
        for (int i = 0; i < 16; ++i) atlas.pixels[j * 16 + i] = uint8_t(std::lround(255.0 * (i + j) / 30.0));
    list.atlas = &atlas;
    for (auto [x, y, u, v] : {std::array<float, 4>{-29, 2, 0, 0}, {-17, 2, 1, 0}, {-17, 14, 1, 1},
                              {-29, 2, 0, 0}, {-17, 14, 1, 1}, {-29, 14, 0, 1}})
        list.text.push_back({x, y, 0.5f, u, v});
    list.flow.push_back({12, -6, -3, 0.6f, 0.8f, 1, 0.75f});
    list.flow.push_back({28, -4, -3, 0.6f, 0.8f, 1, 0.75f});
    list.flow.push_back({20, 10, -3, 0.6f, 0.8f, 1, 1.0f});
    list.flow.push_back({28, -4, -3, 1, 0.6f, 0.6f, 0.75f});
    list.flow.push_back({20, 10, -3, 1, 0.6f, 0.6f, 1.0f});
    list.flow.push_back({30, 12, -6, 1, 0.6f, 0.6f, 0.75f});
    return list;
}

}  // namespace

TEST_CASE("parse_antialias and render_options: --aa wins, --msaa N is its alias") {
    CHECK(parse_antialias("msaa") == Antialias::Msaa);
    CHECK(parse_antialias("smooth") == Antialias::Smooth);
    CHECK(parse_antialias("none") == Antialias::None);
    try {
        parse_antialias("fxaa");
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(std::string(e.what()).find("msaa, smooth or none") != std::string::npos);
    }
    RenderOptions d = render_options("", -1);  // nothing given: the defaults
    CHECK(d.aa == RenderOptions{}.aa);
    CHECK(d.msaa == RenderOptions{}.msaa);
    CHECK(render_options("", 0).aa == Antialias::None);
    RenderOptions two = render_options("", 2);
    CHECK(two.aa == Antialias::Msaa);
    CHECK(two.msaa == 2);
    CHECK(render_options("smooth", -1).aa == Antialias::Smooth);
    CHECK(render_options("smooth", 4).aa == Antialias::Smooth);
    CHECK(render_options("none", -1).aa == Antialias::None);
    RenderOptions m = render_options("msaa", 2);
    CHECK(m.aa == Antialias::Msaa);
    CHECK(m.msaa == 2);
}

TEST_CASE("smooth: a line through pixel centres has its exact colour, one pixel wide") {
    DrawList list = empty_scene();
    add_line(list, -25, world_y(7.5), 25, world_y(7.5));  // along the centres of GL row 7
    Image img = render(list, Antialias::Smooth);
    for (int x : {20, 48, 70}) {
        CAPTURE(x);
        auto c = px(img, x, image_row(7));
        CHECK(c == std::array<int, 4>{255, 153, 51, 255});
        CHECK(px(img, x, image_row(6)) == std::array<int, 4>{0, 0, 0, 255});
        CHECK(px(img, x, image_row(8)) == std::array<int, 4>{0, 0, 0, 255});
    }
}

TEST_CASE("smooth: a line between pixel centres covers 3/4 and 1/4 of two rows, as 4x MSAA does") {
    DrawList list = empty_scene();
    add_line(list, -25, world_y(7.75), 25, world_y(7.75));  // a quarter pixel above GL row 7's centres
    Image img = render(list, Antialias::Smooth);
    Image msaa = render(list, Antialias::Msaa);
    Image none = render(list, Antialias::None);
    for (int x : {20, 48, 70}) {
        CAPTURE(x);
        auto lo = px(img, x, image_row(7)), hi = px(img, x, image_row(8));
        CHECK(std::abs(lo[0] - 191) <= 1);  // 3 of 4 samples
        CHECK(std::abs(hi[0] - 64) <= 1);   // 1 of 4
        CHECK(std::abs(lo[0] + hi[0] - 255) <= 2);  // one pixel's worth in all
        CHECK(std::abs(lo[1] - 115) <= 1);
        CHECK(px(img, x, image_row(6))[0] == 0);
        CHECK(px(img, x, image_row(9))[0] == 0);
        // What the multisampled framebuffer gives, within rounding.
        CHECK(std::abs(lo[0] - px(msaa, x, image_row(7))[0]) <= 1);
        CHECK(std::abs(hi[0] - px(msaa, x, image_row(8))[0]) <= 1);
        // Without antialiasing: one full row.
        CHECK(px(none, x, image_row(7))[0] + px(none, x, image_row(8))[0] == 255);
    }
}

TEST_CASE("smooth: a slanted line has partly covered pixels at its edges, none without antialiasing") {
    DrawList list = empty_scene();
    add_line(list, -28, -18, 27, -9);
    add_line(list, -20, 19, -5, -19);
    Image img = render(list, Antialias::Smooth);
    Image none = render(list, Antialias::None);
    int partial = 0, full = 0, partial_none = 0;
    long ink = 0, ink_none = 0;
    for (int y = 0; y < H; ++y)
        for (int x = 0; x < W; ++x) {
            int r = px(img, x, y)[0], rn = px(none, x, y)[0];
            partial += r > 0 && r < 255;
            full += r == 255;
            partial_none += rn > 0 && rn < 255;
            ink += r;
            ink_none += rn;
            if (r > 0 && r < 255) {  // a share of 4 samples, blended over black
                CHECK((std::abs(r - 64) <= 1 || std::abs(r - 128) <= 1 || std::abs(r - 191) <= 1));
            }
        }
    CHECK(partial > 40);
    CHECK(full > 10);
    CHECK(partial_none == 0);
    // Antialiasing moves coverage around but keeps about as much of it.
    CHECK(double(ink) / ink_none == doctest::Approx(1.0).epsilon(0.12));
}

TEST_CASE("smooth: text edges are partly covered (a share of 4 samples), the inside has the text colour") {
    DrawList list = rich_scene();
    list.points.clear(), list.lines.clear(), list.flow.clear();
    list.background[0] = list.background[1] = list.background[2] = 0;
    Image img = render(list, Antialias::Smooth);
    Image none = render(list, Antialias::None);
    int partial = 0, inside = 0, partial_none = 0;
    for (int y = 0; y < H; ++y)
        for (int x = 0; x < W; ++x) {
            auto p = px(img, x, y);
            auto q = px(none, x, y);
            partial_none += q[2] > 0 && q[2] < 255;
            if (p == std::array<int, 4>{204, 204, 255, 255}) ++inside;
            if (p[2] == 0 || p[2] == 255) continue;
            ++partial;
            CHECK((std::abs(p[2] - 64) <= 1 || std::abs(p[2] - 128) <= 1 || std::abs(p[2] - 191) <= 1));
            CHECK(std::abs(p[0] - p[2] * 204 / 255) <= 1);  // #CCCCFF blended over black
        }
    CHECK(partial >= 12);  // along a diagonal edge about 18 px long
    CHECK(inside > 50);
    CHECK(partial_none == 0);
}

TEST_CASE("smooth: flow vanes get soft outer edges and no seam where two share an edge") {
    DrawList list = empty_scene();
    // A square of two opaque blue triangles, tilted, sharing the diagonal.
    const float a[2] = {-14, -3}, b[2] = {3, -14}, c[2] = {14, 3}, d[2] = {-3, 14};
    for (const float* p : {a, b, c, a, c, d}) list.flow.push_back({p[0], p[1], 0, 0, 0, 1, 1});
    Image img = render(list, Antialias::Smooth);
    Image none = render(list, Antialias::None);
    int partial = 0, interior = 0;
    for (int y = 1; y < H - 1; ++y)
        for (int x = 1; x < W - 1; ++x) {
            int v = px(img, x, y)[2];
            partial += v > 0 && v < 255;
            bool deep = true;  // this pixel and its 8 neighbours fully inside without antialiasing
            for (int dy = -1; dy <= 1; ++dy)
                for (int dx = -1; dx <= 1; ++dx) deep = deep && px(none, x + dx, y + dy)[2] == 255;
            if (deep) {
                ++interior;
                CHECK(v == 255);  // also along the shared diagonal: no seam
            }
        }
    CHECK(interior > 300);
    CHECK(partial > 40);
}

TEST_CASE("smooth: a line in front of a translucent vane stays in front, one behind shows through") {
    for (bool front : {true, false}) {
        CAPTURE(front);
        DrawList list = empty_scene();
        const float z = front ? 0.0f : -8.0f;
        add_line(list, -25, world_y(7.5, z), 25, world_y(7.5, z), z);
        // A big vane at z = -4 across the line's middle: blue, alpha 0.75.
        for (auto [x, y] : {std::pair{-10.0f, -30.0f}, {10.0f, -30.0f}, {0.0f, 10.0f}})
            list.flow.push_back({x, y, -4, 0, 0, 1, 0.75f});
        Image img = render(list, Antialias::Smooth);
        Image msaa = render(list, Antialias::Msaa);
        auto p = px(img, 48, image_row(7));
        if (front)
            CHECK(p == std::array<int, 4>{255, 153, 51, 255});
        else  // the vane over the line: 0.75 blue + 0.25 line
            CHECK((std::abs(p[0] - 64) <= 1 && std::abs(p[1] - 38) <= 1 && std::abs(p[2] - 204) <= 1));
        auto m = px(msaa, 48, image_row(7));
        for (int k = 0; k < 3; ++k) CHECK(std::abs(p[k] - m[k]) <= 1);
    }
}

TEST_CASE("smooth: element sprites are drawn exactly as without antialiasing") {
    DrawList list = rich_scene();
    list.lines.clear(), list.text.clear(), list.flow.clear();
    list.points.push_back({-15, 8, -2, 12.0f * 50.0f, 0.2f, 0.8f, 1.0f});
    list.points.push_back({15, -8, 1, 7.0f * 50.0f, 0.9f, 0.9f, 0.2f});
    CHECK(render(list, Antialias::Smooth).rgba == render(list, Antialias::None).rgba);
}

TEST_CASE("smooth: EGL and OSMesa give the same bytes, render after render") {
    DrawList list = rich_scene();
    RenderOptions opts;
    opts.aa = Antialias::Smooth;
    auto egl = create_renderer(BackendKind::Egl, W, H, opts);
    auto osm = create_renderer(BackendKind::OSMesa, W, H, opts);
    Image a = egl->render(list);
    Image b = osm->render(list);
    CHECK(a.rgba == b.rgba);
    DrawList other = empty_scene();
    add_line(other, -30, 30, 30, -30);
    egl->render(other);  // something else in between
    CHECK(egl->render(list).rgba == a.rgba);
    CHECK(osm->render(list).rgba == a.rgba);
    // A fresh renderer, and a different size in between, change nothing either.
    auto egl2 = create_renderer(BackendKind::Egl, 50, 40, opts);
    DrawList small = rich_scene();
    small.width = 50, small.height = 40;
    egl2->render(small);
    CHECK(egl2->render(list).rgba == a.rgba);
    // And the picture does differ from the other modes (smooth is in effect).
    CHECK(render(list, Antialias::None).rgba != a.rgba);
    CHECK(render(list, Antialias::Msaa).rgba != a.rgba);
}
