// Backgrounds and themes (issue #10 part 1): colour names, the light theme's
// colours on a white page (contrast), and what the draw list gets.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "mmr/core/error.h"
#include "mmr/draw/build_draw_list.h"
#include "mmr/layout/layout.h"
#include "mmr/look/look.h"
#include "mmr/model/build_model.h"
#include "mmr/scene/scene_parser.h"
#include "mmr/scene/scene_writer.h"
#include "mmr/theme/theme.h"

using namespace mmr;

namespace {
const float kWhite[3] = {1, 1, 1};

// A colour drawn with opacity `a` over white, as the page shows it.
void over_white(const float rgb[3], float a, float out[3]) {
    for (int i = 0; i < 3; ++i) out[i] = rgb[i] * a + (1 - a);
}

DrawList draw(const std::string& yaml) {
    SceneSpec spec = parse_scene(yaml, "<test>");
    Model m = build_model(spec);
    Layout l = compute_layout(m);
    return build_draw_list(m, l, 320, 180);
}
}  // namespace

TEST_CASE("parse_color: hex forms, names, transparent, suggestions") {
    auto c = parse_color("#102030");
    REQUIRE(c);
    CHECK(c->r == doctest::Approx(16 / 255.0));
    CHECK(c->b == doctest::Approx(48 / 255.0));
    CHECK(c->a == 1);
    c = parse_color("#fff8");
    REQUIRE(c);
    CHECK(c->g == 1);
    CHECK(c->a == doctest::Approx(0x88 / 255.0));
    c = parse_color("#ffffff00");
    REQUIRE(c);
    CHECK(c->a == 0);
    c = parse_color("transparent");
    REQUIRE(c);
    CHECK(c->a == 0);
    c = parse_color("White");
    REQUIRE(c);
    CHECK(c->r == 1);
    CHECK(c->g == 1);
    std::string guess;
    CHECK_FALSE(parse_color("whit", &guess));
    CHECK(guess == "white");
    CHECK_FALSE(parse_color("transparant", &guess));
    CHECK(guess == "transparent");
    CHECK_FALSE(parse_color("#12345"));
    CHECK_FALSE(parse_color("#gg0000"));
    CHECK(color_text(*parse_color("#ffffff80")) == "#ffffff80");
    CHECK(color_text(*parse_color("grey")) == "#808080");
    CHECK(color_text(*parse_color("transparent")) == "transparent");
    CHECK_FALSE(parse_theme("ligth", &guess));
    CHECK(guess == "light");
}

TEST_CASE("contrast ratio follows WCAG 2") {
    const float black[3] = {0, 0, 0};
    CHECK(contrast_ratio(black, kWhite) == doctest::Approx(21.0));
    const float grey[3] = {0x76 / 255.f, 0x76 / 255.f, 0x76 / 255.f};  // #767676: the classic 4.54:1
    CHECK(contrast_ratio(grey, kWhite) == doctest::Approx(4.54).epsilon(0.01));
}

TEST_CASE("light theme: legends, guides and arrows readable on white (>= 4.5:1)") {
    const ThemeColors& t = theme_colors(ThemeKind::Light);
    CHECK(contrast_ratio(t.text_rgb, kWhite) >= 4.5);
    // Row guides at mm's default level (0.6) and any stronger one.
    for (double level : {0.6, 0.8, 1.0}) {
        const float g = row_guide_grey(ThemeKind::Light, level);
        const float rgb[3] = {g, g, g};
        INFO("level " << level);
        CHECK(contrast_ratio(rgb, kWhite) >= 4.5);
    }
    // Arrows: the translucent vertices at mm's default flow-guide level (0.5:
    // alpha 0.749) and stronger ones, composited over the page.
    for (double s : {0.5, 0.75, 1.0}) {
        const float a = std::floor(255.0 * (0.5 + s / 2)) / 255.0f;
        float blue[3], red[3];
        over_white(t.flow_blue, a, blue);
        over_white(t.flow_red, a, red);
        INFO("flow level " << s);
        CHECK(contrast_ratio(blue, kWhite) >= 4.5);
        CHECK(contrast_ratio(red, kWhite) >= 4.5);
    }
    // The dark theme's colours would vanish there (what the issue reports).
    const ThemeColors& d = theme_colors(ThemeKind::Dark);
    CHECK(contrast_ratio(d.text_rgb, kWhite) < 2);
}

TEST_CASE("dark theme is mm's look: colours unchanged") {
    const ThemeColors& d = theme_colors(ThemeKind::Dark);
    CHECK(d.text_rgb[0] == 0.8f);
    CHECK(d.text_rgb[2] == 1.0f);
    CHECK(d.flow_blue[0] == 150 / 255.f);
    CHECK(d.flow_red[1] == 150 / 255.f);
    CHECK(row_guide_grey(ThemeKind::Dark, 0.6) == float(srgb_encode(0.6)));
    const DrawList dl = draw("expr: A @ B\n");
    CHECK(dl.background[0] == 0);
    CHECK(dl.background_alpha == 1);
    CHECK(dl.text_rgb[0] == 0.8f);
}

TEST_CASE("light theme in the draw list: white page, dark legends, guides, arrows and shading") {
    const DrawList dark = draw("expr: A @ B\n");
    const DrawList light = draw("expr: A @ B\noutput: {theme: light}\n");
    CHECK(light.background[0] == 1);
    CHECK(light.background[1] == 1);
    CHECK(light.background_alpha == 1);
    CHECK(light.text_rgb[0] == theme_colors(ThemeKind::Light).text_rgb[0]);
    REQUIRE(!light.lines.empty());
    CHECK(light.lines[0].r == doctest::Approx(1 - 0.68 * srgb_encode(0.6)));
    REQUIRE(!light.flow.empty());
    CHECK(light.flow[0].r == theme_colors(ThemeKind::Light).flow_blue[0]);
    // Same elements, same sizes; lightness mirrored so larger values are darker.
    REQUIRE(light.points.size() == dark.points.size());
    for (size_t i = 0; i < dark.points.size(); ++i) CHECK(light.points[i].size == dark.points[i].size);
    // HSL lightness of an element colour: (max + min) / 2 at full saturation.
    auto hsl_l = [](const float* c) { return (std::max({c[0], c[1], c[2]}) + std::min({c[0], c[1], c[2]})) / 2; };
    VizSettings viz;
    const MagnitudeRange range{0, 1};
    for (double x : {1.0, 0.5, 0.01, -0.3}) {
        ElementLook d = element_look(x, range, viz);
        viz.ink = true;
        ElementLook l = element_look(x, range, viz);
        viz.ink = false;
        INFO("x = " << x);
        CHECK(hsl_l(l.rgb) == doctest::Approx(0.95 - hsl_l(d.rgb)).epsilon(1e-4));
        CHECK(l.size == d.size);
    }
    viz.ink = true;
    // Larger magnitudes darker, as ink on paper.
    CHECK(hsl_l(element_look(1.0, range, viz).rgb) < hsl_l(element_look(0.01, range, viz).rgb));
    // An explicit background wins over the theme's; transparent keeps alpha 0.
    const DrawList t = draw("expr: A @ B\noutput: {theme: light, background: transparent}\n");
    CHECK(t.background_alpha == 0);
    const DrawList g = draw("expr: A @ B\noutput: {background: '#336699cc'}\n");
    CHECK(g.background[0] == doctest::Approx(0x33 / 255.0));
    CHECK(g.background_alpha == doctest::Approx(0xcc / 255.0));
}

TEST_CASE("output.background and output.theme: errors and round trip") {
    CHECK_THROWS_WITH_AS(parse_scene("expr: A @ B\noutput: {background: whit}\n", "s.yaml"),
                         doctest::Contains("did you mean 'white'?"), Error);
    CHECK_THROWS_WITH_AS(parse_scene("expr: A @ B\noutput: {theme: ligth}\n", "s.yaml"),
                         doctest::Contains("did you mean 'light'?"), Error);
    SceneSpec s = parse_scene("expr: A @ B\noutput: {theme: light, background: '#ffffff00'}\n", "s.yaml");
    const std::string text = write_scene(s);
    CHECK(text.find("theme: light") != std::string::npos);
    CHECK(text.find("#ffffff00") != std::string::npos);
    SceneSpec back = parse_scene(text, "back.yaml");
    CHECK(back.output.theme == ThemeKind::Light);
    CHECK(back.output.background_alpha == 0);
    CHECK(back.output.background_set);
}
