// Value -> colour for flat views (heatmaps, colour bars): mm's own mapping, so flat and
// 3D views agree, and standard perceptual maps (docs/flat.md#colormaps).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace mmr::flat {

struct Rgba {
    uint8_t r = 0, g = 0, b = 0, a = 255;
    bool operator==(const Rgba& o) const { return r == o.r && g == o.g && b == o.b && a == o.a; }
};

enum class ColormapKind {
    mm,        // mm's sign hue + magnitude lightness (docs/spec/mm-look.md §2.4), zeros not drawn
    viridis,   // sequential, perceptually uniform, colour-blind safe (matplotlib)
    magma,     // sequential, perceptually uniform, colour-blind safe (matplotlib)
    rdbu,      // diverging red-white-blue, colour-blind safe (ColorBrewer RdBu, blue = high)
    gray,      // sequential black -> white (print in one ink)
};

struct Colormap {
    ColormapKind kind = ColormapKind::viridis;
    bool diverging() const { return kind == ColormapKind::rdbu || kind == ColormapKind::mm; }
    // The colour of `v` with limits [lo, hi] (lo < hi); values outside are clamped to
    // the ends (mm: its own clamping). For mm, `background` is what a zero shows.
    Rgba map(double v, double lo, double hi, Rgba background = {}) const;
    const char* name() const;
};

// The names users give ("viridis", "RdBu", ...), case-insensitive; throws mmr::Error
// naming `where` with the known names and a suggestion.
Colormap colormap_by_name(const std::string& name, const std::string& where);
std::vector<std::string> colormap_names();

// WCAG 2 contrast ratio of two opaque colours (1..21).
double contrast_ratio(Rgba a, Rgba b);

}  // namespace mmr::flat
