// Image comparison with a perceptual colour threshold (the pixelmatch
// convention: YIQ colour distance, threshold 0..1, default 0.1).
#pragma once
#include <cstddef>

#include "mmr/gl/backend.h"

namespace mmr {

struct DiffResult {
    bool same_size = true;
    size_t pixels = 0;          // pixels compared
    size_t differing = 0;       // pixels over the colour threshold
    double fraction() const { return pixels ? double(differing) / double(pixels) : 0.0; }
    int max_channel_diff = 0;   // 0..255
    double mean_channel_diff = 0;
};

// Compares two RGBA images. `threshold` is pixelmatch's (0 = exact, 1 = anything
// passes). If `diff_out` is given it receives a picture of the differences:
// differing pixels red over a faded grey copy of `a`.
DiffResult diff_images(const Image& a, const Image& b, double threshold = 0.1,
                       Image* diff_out = nullptr);

}  // namespace mmr
