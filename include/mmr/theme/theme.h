// Colours and themes: what a background or a theme name means, and the colours
// of legends, row guides, flow arrows and element shading for a dark page (mm's
// look) or a white one (print). The dark theme is mm's look, unchanged.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace mmr {

struct Rgba {
    float r = 0, g = 0, b = 0, a = 1;  // 0..1, display (sRGB) values, straight alpha
};

// Parses a colour: "#rgb", "#rrggbb", "#rrggbbaa", "transparent" (black, alpha 0)
// or a CSS colour name (black, white, grey/gray, silver, red, green, blue, ...).
// nullopt if it is none of these; `suggestion` then holds the closest name, if any.
std::optional<Rgba> parse_color(const std::string& text, std::string* suggestion = nullptr);
// The names parse_color knows, for messages.
const std::vector<std::string>& color_names();
// "#rrggbb" or "#rrggbbaa" (alpha < 1) or "transparent" (alpha 0, black).
std::string color_text(const Rgba& c);

enum class ThemeKind { Dark, Light };
// "dark" or "light"; nullopt otherwise (`suggestion`: the closest name).
std::optional<ThemeKind> parse_theme(const std::string& name, std::string* suggestion = nullptr);
const char* theme_name(ThemeKind t);

struct ThemeColors {
    Rgba background;        // the page when the scene sets none
    float text_rgb[3];      // legends
    float flow_blue[3];     // the left-argument vane of a flow arrow
    float flow_red[3];      // the right-argument vane
    bool ink = false;       // elements: lightness mirrored (darker = larger), for a white page
};
const ThemeColors& theme_colors(ThemeKind t);

// The display grey of row guides of deco level `level` (0..1): on the dark
// theme srgb(level) as mm draws them, on the light theme 1 - 0.68 srgb(level).
float row_guide_grey(ThemeKind t, double level);

// WCAG 2 relative luminance of a display colour and the contrast ratio of two.
double relative_luminance(const float rgb[3]);
double contrast_ratio(const float a[3], const float b[3]);

}  // namespace mmr
