// Value -> sprite size and colour (docs/spec/mm-look.md §1, §2).
#include "mmr/look/look.h"

#include <algorithm>
#include <cmath>

namespace mmr {

MatrixStats matrix_stats(const Matrix& m) {
    // NaN never wins a `<`/`>` comparison in mm's loops, so it is skipped;
    // infinities do count.
    MatrixStats s;
    bool any = false;
    for (float v : m.v) {
        double a = std::fabs(double(v));
        if (std::isnan(a)) continue;
        if (!any || a < s.local_absmin) s.local_absmin = a;
        if (!any || a > s.local_absmax) s.local_absmax = a;
        any = true;
    }
    return s;
}

MagnitudeRange magnitude_range(const std::string& sensitivity, const MatrixStats& local,
                               double global_absmax) {
    if (sensitivity == "local") return {0, local.local_absmax};
    if (sensitivity == "semilocal") return {0, std::sqrt(local.local_absmax * global_absmax)};
    if (sensitivity == "superlocal") return {local.local_absmin, local.local_absmax};
    return {0, global_absmax};  // "global" (the default)
}

ElementLook element_look(double x, const MagnitudeRange& r, const VizSettings& viz) {
    ElementLook out;
    if (x == 0) return out;  // zeros are never drawn
    if (std::isnan(x)) {
        out.rgb[0] = out.rgb[1] = out.rgb[2] = 1;
        return out;
    }
    if (std::isinf(x)) {  // mm's hue is NaN here; white is the spec's choice
        out.size = 1;
        out.rgb[0] = out.rgb[1] = out.rgb[2] = 1;
        return out;
    }
    const double absx = std::fabs(x);
    const double absdiff = r.absmax - r.absmin;
    const double sgn = x > 0 ? 1.0 : -1.0;

    // Size (§2.3). A negative vol (superlocal running result) is NaN in mm:
    // the element is then not drawn.
    const double vol = r.absmax <= r.absmin ? 0 : (absx - r.absmin) / absdiff;
    out.size = vol < 0 ? 0.0f
                       : float(std::min(1.0, viz.min_size + (1 - viz.min_size) * std::sqrt(vol)));

    // Colour (§2.4): huevol is signed and NOT clamped; lightness is clamped.
    const double a = std::min(std::max(absx, r.absmin), r.absmax);
    const double huevol = absdiff <= 0 ? 0 : (x - sgn * r.absmin) / absdiff;
    double hue = viz.zero_hue + sgn * viz.hue_gap + huevol * viz.hue_spread;
    hue -= std::floor(hue);  // frac, also for negatives
    const double lmin = std::max(viz.min_light, 0.00001);
    const double lmax = std::max(viz.max_light, lmin);
    const double light =
        absdiff <= 0 ? lmin : lmin + (lmax - lmin) * std::sqrt((a - r.absmin) / absdiff);
    hsl_to_rgb(hue, 1.0, viz.ink ? std::clamp(0.95 - light, 0.0, 1.0) : light, out.rgb);
    return out;
}

namespace {
double hue_channel(double lo, double hi, double t) {
    if (t < 0) t += 1;
    if (t > 1) t -= 1;
    if (t < 1.0 / 6) return lo + (hi - lo) * 6 * t;
    if (t < 1.0 / 2) return hi;
    if (t < 2.0 / 3) return lo + (hi - lo) * 6 * (2.0 / 3 - t);
    return lo;
}
}  // namespace

void hsl_to_rgb(double h, double s, double l, float out[3]) {
    // three.js Color.setHSL: euclidean modulo on h, clamp s and l.
    h -= std::floor(h);
    s = std::clamp(s, 0.0, 1.0);
    l = std::clamp(l, 0.0, 1.0);
    if (s == 0) {
        out[0] = out[1] = out[2] = float(l);
        return;
    }
    const double hi = l <= 0.5 ? l * (1 + s) : l + s - l * s;
    const double lo = 2 * l - hi;
    out[0] = float(hue_channel(lo, hi, h + 1.0 / 3));
    out[1] = float(hue_channel(lo, hi, h));
    out[2] = float(hue_channel(lo, hi, h - 1.0 / 3));
}

double srgb_encode(double c) {
    return c <= 0.0031308 ? 12.92 * c : 1.055 * std::pow(c, 1 / 2.4) - 0.055;
}

}  // namespace mmr
