// Image comparison for regression tests: pixelmatch's per-pixel test (YIQ
// colour distance with a threshold, anti-aliased pixels not counted) plus the
// whole-image metrics a CI user expects (max and mean channel difference, MSE,
// PSNR, SSIM on luma). docs/reproducibility.md describes every number.
#pragma once
#include <cstddef>
#include <limits>

#include "mmr/gl/backend.h"

namespace mmr {

struct DiffOptions {
    // pixelmatch's `threshold`: the largest YIQ colour distance, as a fraction
    // of the largest possible one (0 = exact, 1 = anything passes). Default 0.1.
    double color_threshold = 0.1;
    // pixelmatch's `includeAA`: count anti-aliased pixels as differences.
    bool include_aa = false;
    // pixelmatch's `alpha`: opacity of the faded copy of `a` in the diff image.
    double fade = 0.1;
};

struct DiffResult {
    bool same_size = true;
    int width = 0, height = 0;      // of `a`
    int width_b = 0, height_b = 0;  // of `b`
    bool identical = false;         // every RGBA byte equal
    size_t pixels = 0;              // pixels compared
    size_t differing = 0;           // over the colour threshold, not anti-aliasing
    size_t antialiased = 0;         // over the colour threshold but anti-aliasing (not counted)
    size_t changed = 0;             // any channel differs at all
    double fraction() const { return pixels ? double(differing) / double(pixels) : 0.0; }
    // Channel metrics: over R, G, B, and A too when either image is not opaque.
    int max_channel_diff = 0;       // 0..255
    double mean_channel_diff = 0;   // 0..255, mean absolute difference
    double mse = 0;                 // mean squared difference
    double psnr = std::numeric_limits<double>::infinity();  // dB; infinite when mse == 0
    double ssim = 1;                // mean SSIM of the luma, 11x11 gaussian windows (sigma 1.5)
};

// Compares two RGBA images. If `diff_out` is given and the sizes match, it
// receives pixelmatch's picture of the differences over a faded grey copy of
// `a`: red = differs (counted), yellow = anti-aliasing (not counted), and,
// beyond pixelmatch, blue = changed but under the colour threshold, and, when
// fewer than 0.1 % of the pixels differ, red frames around each group of them.
DiffResult diff_images(const Image& a, const Image& b, const DiffOptions& opts = {},
                       Image* diff_out = nullptr);

// SSIM (Wang et al. 2004) of the luma (Rec. 601: 0.299 R + 0.587 G + 0.114 B,
// alpha blended over white) with 11x11 gaussian windows of sigma 1.5,
// K1 = 0.01, K2 = 0.03, L = 255, at full resolution; windows are clipped at
// the border and renormalised; the result is the mean over every pixel.
double ssim_luma(const Image& a, const Image& b);

}  // namespace mmr
