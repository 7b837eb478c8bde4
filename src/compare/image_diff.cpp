#include "mmr/compare/image_diff.h"

#include <algorithm>
#include <cstdlib>

namespace mmr {

// pixelmatch's YIQ-weighted squared colour distance (maximum 35215).
static double color_delta(const uint8_t* p, const uint8_t* q) {
    double dr = double(p[0]) - q[0], dg = double(p[1]) - q[1], db = double(p[2]) - q[2];
    double y = dr * 0.29889531 + dg * 0.58662247 + db * 0.11448223;
    double i = dr * 0.59597799 - dg * 0.27417610 - db * 0.32180189;
    double k = dr * 0.21147017 - dg * 0.52261711 + db * 0.31114694;
    return 0.5053 * y * y + 0.299 * i * i + 0.1957 * k * k;
}

DiffResult diff_images(const Image& a, const Image& b, double threshold, Image* diff_out) {
    DiffResult r;
    if (a.width != b.width || a.height != b.height) {
        r.same_size = false;
        return r;
    }
    const double max_delta = 35215.0 * threshold * threshold;
    r.pixels = size_t(a.width) * a.height;
    if (diff_out) {
        diff_out->width = a.width;
        diff_out->height = a.height;
        diff_out->rgba.assign(r.pixels * 4, 255);
    }
    double sum = 0;
    for (size_t px = 0; px < r.pixels; ++px) {
        const uint8_t* p = &a.rgba[px * 4];
        const uint8_t* q = &b.rgba[px * 4];
        for (int c = 0; c < 3; ++c) {
            int d = std::abs(int(p[c]) - int(q[c]));
            r.max_channel_diff = std::max(r.max_channel_diff, d);
            sum += d;
        }
        bool differs = color_delta(p, q) > max_delta;
        if (differs) ++r.differing;
        if (diff_out) {
            uint8_t* o = &diff_out->rgba[px * 4];
            if (differs) {
                o[0] = 255; o[1] = 0; o[2] = 0;
            } else {
                // Faded grey copy of a, so the changed places stand out.
                uint8_t g = uint8_t(255 - (255 - (p[0] * 299 + p[1] * 587 + p[2] * 114) / 1000) / 10);
                o[0] = o[1] = o[2] = g;
            }
        }
    }
    r.mean_channel_diff = r.pixels ? sum / (3.0 * r.pixels) : 0;
    return r;
}

}  // namespace mmr
