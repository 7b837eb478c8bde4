#include "mmr/theme/theme.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <utility>

#include "mmr/look/look.h"
#include "mmr/scene/scene_parser.h"  // closest_match

namespace mmr {
namespace {

// CSS colour names people write for a page (a subset of CSS Color 4).
const std::vector<std::pair<std::string, unsigned>>& named() {
    static const std::vector<std::pair<std::string, unsigned>> n = {
        {"black", 0x000000},     {"white", 0xffffff},     {"gray", 0x808080},      {"grey", 0x808080},
        {"silver", 0xc0c0c0},    {"lightgray", 0xd3d3d3}, {"lightgrey", 0xd3d3d3}, {"darkgray", 0xa9a9a9},
        {"darkgrey", 0xa9a9a9},  {"dimgray", 0x696969},   {"dimgrey", 0x696969},   {"whitesmoke", 0xf5f5f5},
        {"gainsboro", 0xdcdcdc}, {"ivory", 0xfffff0},     {"beige", 0xf5f5dc},     {"linen", 0xfaf0e6},
        {"red", 0xff0000},       {"maroon", 0x800000},    {"green", 0x008000},     {"lime", 0x00ff00},
        {"blue", 0x0000ff},      {"navy", 0x000080},      {"yellow", 0xffff00},    {"orange", 0xffa500},
        {"purple", 0x800080},    {"teal", 0x008080},      {"cyan", 0x00ffff},      {"aqua", 0x00ffff},
        {"magenta", 0xff00ff},   {"fuchsia", 0xff00ff},   {"olive", 0x808000},     {"pink", 0xffc0cb},
        {"brown", 0xa52a2a},     {"gold", 0xffd700},      {"skyblue", 0x87ceeb},   {"midnightblue", 0x191970},
    };
    return n;
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    c = char(std::tolower(static_cast<unsigned char>(c)));
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

}  // namespace

const std::vector<std::string>& color_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> v{"transparent"};
        for (const auto& [name, rgb] : named()) v.push_back(name);
        return v;
    }();
    return names;
}

std::optional<Rgba> parse_color(const std::string& text, std::string* suggestion) {
    if (!text.empty() && text[0] == '#') {
        const std::string h = text.substr(1);
        std::vector<int> d;
        for (char c : h) {
            const int v = hex_digit(c);
            if (v < 0) return std::nullopt;
            d.push_back(v);
        }
        Rgba c;
        if (d.size() == 3 || d.size() == 4) {
            c.r = float(d[0] * 17) / 255.0f, c.g = float(d[1] * 17) / 255.0f, c.b = float(d[2] * 17) / 255.0f;
            if (d.size() == 4) c.a = float(d[3] * 17) / 255.0f;
            return c;
        }
        if (d.size() == 6 || d.size() == 8) {
            c.r = float(d[0] * 16 + d[1]) / 255.0f, c.g = float(d[2] * 16 + d[3]) / 255.0f;
            c.b = float(d[4] * 16 + d[5]) / 255.0f;
            if (d.size() == 8) c.a = float(d[6] * 16 + d[7]) / 255.0f;
            return c;
        }
        return std::nullopt;
    }
    std::string lower = text;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return char(std::tolower(ch)); });
    if (lower == "transparent") return Rgba{0, 0, 0, 0};
    for (const auto& [name, rgb] : named())
        if (lower == name)
            return Rgba{float((rgb >> 16) & 255) / 255.0f, float((rgb >> 8) & 255) / 255.0f, float(rgb & 255) / 255.0f,
                        1};
    if (suggestion) *suggestion = closest_match(lower, color_names());
    return std::nullopt;
}

std::string color_text(const Rgba& c) {
    if (c.a <= 0 && c.r == 0 && c.g == 0 && c.b == 0) return "transparent";
    auto q = [](float v) { return int(std::lround(std::clamp(v, 0.0f, 1.0f) * 255)); };
    char buf[16];
    if (q(c.a) == 255)
        std::snprintf(buf, sizeof buf, "#%02x%02x%02x", q(c.r), q(c.g), q(c.b));
    else
        std::snprintf(buf, sizeof buf, "#%02x%02x%02x%02x", q(c.r), q(c.g), q(c.b), q(c.a));
    return buf;
}

std::optional<ThemeKind> parse_theme(const std::string& name, std::string* suggestion) {
    if (name == "dark") return ThemeKind::Dark;
    if (name == "light") return ThemeKind::Light;
    if (suggestion) *suggestion = closest_match(name, {"dark", "light"});
    return std::nullopt;
}

const char* theme_name(ThemeKind t) { return t == ThemeKind::Light ? "light" : "dark"; }

const ThemeColors& theme_colors(ThemeKind t) {
    // Dark: mm's colours (docs/spec/mm-look.md §5, §6).
    static const ThemeColors dark = {{0, 0, 0, 1},
                                     {0.8f, 0.8f, 1.0f},
                                     {150 / 255.f, 200 / 255.f, 255 / 255.f},
                                     {255 / 255.f, 150 / 255.f, 150 / 255.f},
                                     false};
    // Light: the same hues, dark enough to read on white (contrast >= 4.5:1 for
    // legends, and for arrows at the default flow-guide level's opacity, 0.75).
    static const ThemeColors light = {{1, 1, 1, 1},
                                      {0x1a / 255.f, 0x1a / 255.f, 0x66 / 255.f},
                                      {0 / 255.f, 60 / 255.f, 160 / 255.f},
                                      {170 / 255.f, 0 / 255.f, 0 / 255.f},
                                      true};
    return t == ThemeKind::Light ? light : dark;
}

float row_guide_grey(ThemeKind t, double level) {
    const float g = float(srgb_encode(level));
    // Light: the ink scaled so that the default level (0.6) lands at mid grey
    // (#757575, 4.6:1 on white): the lattice reads without blackening the cubes.
    return t == ThemeKind::Light ? 1.0f - 0.68f * g : g;
}

double relative_luminance(const float rgb[3]) {
    auto lin = [](double c) { return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4); };
    return 0.2126 * lin(rgb[0]) + 0.7152 * lin(rgb[1]) + 0.0722 * lin(rgb[2]);
}

double contrast_ratio(const float a[3], const float b[3]) {
    const double la = relative_luminance(a), lb = relative_luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

}  // namespace mmr
