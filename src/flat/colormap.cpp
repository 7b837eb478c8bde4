// Colormaps for flat views (docs/flat.md#colormaps). The perceptual maps are
// piecewise-linear in sRGB between evenly spaced stops of the published tables
// (matplotlib's viridis and magma sampled at 10 points; ColorBrewer's 11-class RdBu).
#include "mmr/flat/colormap.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "mmr/core/error.h"
#include "mmr/look/look.h"
#include "mmr/scene/settings.h"

namespace mmr::flat {
namespace {

struct Stops {
    const uint32_t* rgb;
    int n;
};

constexpr uint32_t kViridis[] = {0x440154, 0x482878, 0x3e4989, 0x31688e, 0x26828e,
                                 0x1f9e89, 0x35b779, 0x6ece58, 0xb5de2b, 0xfde725};
constexpr uint32_t kMagma[] = {0x000004, 0x180f3e, 0x451077, 0x721f81, 0x9f2f7f,
                               0xcd4071, 0xf1605d, 0xfd9567, 0xfeca8d, 0xfcfdbf};
constexpr uint32_t kRdBu[] = {0x67001f, 0xb2182b, 0xd6604d, 0xf4a582, 0xfddbc7, 0xf7f7f7,
                              0xd1e5f0, 0x92c5de, 0x4393c3, 0x2166ac, 0x053061};
constexpr uint32_t kGray[] = {0x000000, 0xffffff};

Stops stops_of(ColormapKind k) {
    switch (k) {
        case ColormapKind::viridis: return {kViridis, 10};
        case ColormapKind::magma: return {kMagma, 10};
        case ColormapKind::rdbu: return {kRdBu, 11};
        default: return {kGray, 2};
    }
}

uint8_t channel(uint32_t rgb, int shift) { return uint8_t((rgb >> shift) & 0xff); }

Rgba interpolate(Stops s, double t) {
    t = std::clamp(t, 0.0, 1.0);
    const double pos = t * (s.n - 1);
    const int i = std::min(int(pos), s.n - 2);
    const double f = pos - i;
    Rgba out;
    const int shifts[3] = {16, 8, 0};
    uint8_t* dst[3] = {&out.r, &out.g, &out.b};
    for (int c = 0; c < 3; ++c) {
        const double a = channel(s.rgb[i], shifts[c]), b = channel(s.rgb[i + 1], shifts[c]);
        *dst[c] = uint8_t(std::lround(a + (b - a) * f));
    }
    return out;
}

struct Named {
    const char* name;
    ColormapKind kind;
};
constexpr Named kNames[] = {{"viridis", ColormapKind::viridis}, {"magma", ColormapKind::magma},
                            {"RdBu", ColormapKind::rdbu},       {"gray", ColormapKind::gray},
                            {"mm", ColormapKind::mm}};

std::string lower(std::string s) {
    for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

double linear(uint8_t c) {
    const double s = c / 255.0;
    return s <= 0.04045 ? s / 12.92 : std::pow((s + 0.055) / 1.055, 2.4);
}

}  // namespace

Rgba Colormap::map(double v, double lo, double hi, Rgba background) const {
    if (std::isnan(v)) return Rgba{255, 255, 255, 255};
    if (kind == ColormapKind::mm) {
        // mm's look with a global range: [0, max(|lo|, |hi|)] in magnitude.
        MagnitudeRange r;
        r.absmin = 0;
        r.absmax = std::max(std::fabs(lo), std::fabs(hi));
        const ElementLook e = element_look(v, r, VizSettings{});
        if (e.size <= 0) return background;
        return Rgba{uint8_t(std::lround(std::clamp(e.rgb[0], 0.0f, 1.0f) * 255)),
                    uint8_t(std::lround(std::clamp(e.rgb[1], 0.0f, 1.0f) * 255)),
                    uint8_t(std::lround(std::clamp(e.rgb[2], 0.0f, 1.0f) * 255)), 255};
    }
    return interpolate(stops_of(kind), hi > lo ? (v - lo) / (hi - lo) : 0.5);
}

const char* Colormap::name() const {
    for (const Named& n : kNames)
        if (n.kind == kind) return n.name;
    return "?";
}

std::vector<std::string> colormap_names() {
    std::vector<std::string> out;
    for (const Named& n : kNames) out.push_back(n.name);
    return out;
}

Colormap colormap_by_name(const std::string& name, const std::string& where) {
    const std::string l = lower(name);
    for (const Named& n : kNames)
        if (l == lower(n.name)) return Colormap{n.kind};
    // Common names from other tools, mapped to the closest we have.
    if (l == "rdbu_r" || l == "coolwarm" || l == "bwr" || l == "seismic" || l == "diverging")
        fail(where, "unknown colormap '" + name + "'", "the diverging map here is 'RdBu' (blue = high)");
    if (l == "grey" || l == "greys" || l == "binary") return Colormap{ColormapKind::gray};
    std::string list;
    for (const Named& n : kNames) list += (list.empty() ? "" : ", ") + std::string(n.name);
    fail(where, "unknown colormap '" + name + "'", "use one of " + list);
}

double contrast_ratio(Rgba a, Rgba b) {
    auto lum = [](Rgba c) { return 0.2126 * linear(c.r) + 0.7152 * linear(c.g) + 0.0722 * linear(c.b); };
    const double la = lum(a), lb = lum(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

}  // namespace mmr::flat
