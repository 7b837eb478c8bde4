// The per-pixel test follows pixelmatch (github.com/mapbox/pixelmatch, ISC
// licence, v5): YIQ colour distance (Kotsarenko and Ramos 2010) and the
// anti-aliased pixel detector of Vysniauskas (2009), reimplemented here with
// the same neighbour order so that counts agree with pixelmatch's.
#include "mmr/compare/image_diff.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace mmr {
namespace {

double rgb2y(double r, double g, double b) { return r * 0.29889531 + g * 0.58662247 + b * 0.11448223; }
double rgb2i(double r, double g, double b) { return r * 0.59597799 - g * 0.27417610 - b * 0.32180189; }
double rgb2q(double r, double g, double b) { return r * 0.21147017 - g * 0.52261711 + b * 0.31114694; }
// Semi-transparent colour blended over white.
double blend(double c, double a) { return 255 + (c - 255) * a; }

// pixelmatch's colorDelta: the squared YIQ distance (at most 35215), negative
// when the second pixel is lighter; with y_only, the signed brightness delta.
double color_delta(const uint8_t* p, const uint8_t* q, bool y_only) {
    if (std::memcmp(p, q, 4) == 0) return 0;
    double r1 = p[0], g1 = p[1], b1 = p[2], a1 = p[3];
    double r2 = q[0], g2 = q[1], b2 = q[2], a2 = q[3];
    if (a1 < 255) {
        a1 /= 255;
        r1 = blend(r1, a1), g1 = blend(g1, a1), b1 = blend(b1, a1);
    }
    if (a2 < 255) {
        a2 /= 255;
        r2 = blend(r2, a2), g2 = blend(g2, a2), b2 = blend(b2, a2);
    }
    const double y1 = rgb2y(r1, g1, b1), y2 = rgb2y(r2, g2, b2);
    const double y = y1 - y2;
    if (y_only) return y;
    const double i = rgb2i(r1, g1, b1) - rgb2i(r2, g2, b2);
    const double q_ = rgb2q(r1, g1, b1) - rgb2q(r2, g2, b2);
    const double delta = 0.5053 * y * y + 0.299 * i * i + 0.1957 * q_ * q_;
    return y1 > y2 ? -delta : delta;
}

struct View {
    const uint8_t* px;
    int w, h;
    const uint8_t* at(int x, int y) const { return px + (size_t(y) * w + x) * 4; }
};

// True if the pixel has 3 or more neighbours of exactly its colour (a pixel on
// the image border counts one extra, as in pixelmatch).
bool has_many_siblings(const View& img, int x1, int y1) {
    const int x0 = std::max(x1 - 1, 0), y0 = std::max(y1 - 1, 0);
    const int x2 = std::min(x1 + 1, img.w - 1), y2 = std::min(y1 + 1, img.h - 1);
    int zeroes = (x1 == x0 || x1 == x2 || y1 == y0 || y1 == y2) ? 1 : 0;
    const uint8_t* c = img.at(x1, y1);
    for (int x = x0; x <= x2; ++x)
        for (int y = y0; y <= y2; ++y) {
            if (x == x1 && y == y1) continue;
            if (std::memcmp(c, img.at(x, y), 4) == 0) ++zeroes;
            if (zeroes > 2) return true;
        }
    return false;
}

// pixelmatch's antialiased(): the pixel lies on a brightness slope between a
// darkest and a brightest neighbour, and one of those sits in a flat area in
// both images.
bool antialiased(const View& img, int x1, int y1, const View& other) {
    const int x0 = std::max(x1 - 1, 0), y0 = std::max(y1 - 1, 0);
    const int x2 = std::min(x1 + 1, img.w - 1), y2 = std::min(y1 + 1, img.h - 1);
    int zeroes = (x1 == x0 || x1 == x2 || y1 == y0 || y1 == y2) ? 1 : 0;
    double min = 0, max = 0;
    int min_x = 0, min_y = 0, max_x = 0, max_y = 0;
    const uint8_t* c = img.at(x1, y1);
    for (int x = x0; x <= x2; ++x)
        for (int y = y0; y <= y2; ++y) {
            if (x == x1 && y == y1) continue;
            const double delta = color_delta(c, img.at(x, y), true);
            if (delta == 0) {
                if (++zeroes > 2) return false;  // 3+ equal neighbours: not anti-aliasing
            } else if (delta < min) {
                min = delta, min_x = x, min_y = y;
            } else if (delta > max) {
                max = delta, max_x = x, max_y = y;
            }
        }
    if (min == 0 || max == 0) return false;  // not both darker and brighter neighbours
    return (has_many_siblings(img, min_x, min_y) && has_many_siblings(other, min_x, min_y)) ||
           (has_many_siblings(img, max_x, max_y) && has_many_siblings(other, max_x, max_y));
}

void put(uint8_t* o, uint8_t r, uint8_t g, uint8_t b) { o[0] = r, o[1] = g, o[2] = b, o[3] = 255; }

// pixelmatch's drawGrayPixel: the luma of `p` faded towards white.
void put_faded(uint8_t* o, const uint8_t* p, double fade) {
    double v = blend(rgb2y(p[0], p[1], p[2]), fade * p[3] / 255.0);
    uint8_t g = uint8_t(std::clamp(std::floor(v), 0.0, 255.0));  // truncated, as a Uint8Array stores it
    put(o, g, g, g);
}

struct Box {
    int x0 = INT32_MAX, y0 = INT32_MAX, x1 = -1, y1 = -1;
    bool empty() const { return x1 < 0; }
    void add(int x, int y) { x0 = std::min(x0, x), y0 = std::min(y0, y), x1 = std::max(x1, x), y1 = std::max(y1, y); }
    void add(const Box& b) {
        if (!b.empty()) add(b.x0, b.y0), add(b.x1, b.y1);
    }
};

// A red rectangle, 2 px wide, 6 px outside the box (clipped to the image).
void frame(Image& img, Box b) {
    const int x0 = b.x0 - 8, y0 = b.y0 - 8, x1 = b.x1 + 8, y1 = b.y1 + 8;
    for (int y = y0; y <= y1; ++y)
        for (int x = x0; x <= x1; ++x) {
            const bool edge = x < x0 + 2 || x > x1 - 2 || y < y0 + 2 || y > y1 - 2;
            if (edge && x >= 0 && y >= 0 && x < img.width && y < img.height)
                put(&img.rgba[(size_t(y) * img.width + x) * 4], 255, 0, 0);
        }
}

// Frames each group of touching 16x16 cells that hold counted pixels.
void frame_clusters(Image& img, std::vector<Box>& cells, int cw, int ch) {
    std::vector<int> stack;
    for (int start = 0; start < cw * ch; ++start) {
        if (cells[start].empty()) continue;
        Box group;
        stack.assign(1, start);
        while (!stack.empty()) {
            const int c = stack.back();
            stack.pop_back();
            if (cells[c].empty()) continue;
            group.add(cells[c]);
            cells[c] = Box{};
            const int cx = c % cw, cy = c / cw;
            for (int dy = -1; dy <= 1; ++dy)
                for (int dx = -1; dx <= 1; ++dx) {
                    const int nx = cx + dx, ny = cy + dy;
                    if (nx >= 0 && ny >= 0 && nx < cw && ny < ch && !cells[ny * cw + nx].empty())
                        stack.push_back(ny * cw + nx);
                }
        }
        frame(img, group);
    }
}

// Rec. 601 luma with alpha blended over white.
std::vector<float> luma(const Image& img) {
    const size_t n = size_t(img.width) * img.height;
    std::vector<float> out(n);
    for (size_t i = 0; i < n; ++i) {
        const uint8_t* p = &img.rgba[i * 4];
        double r = p[0], g = p[1], b = p[2];
        if (p[3] < 255) {
            double a = p[3] / 255.0;
            r = blend(r, a), g = blend(g, a), b = blend(b, a);
        }
        out[i] = float(0.299 * r + 0.587 * g + 0.114 * b);
    }
    return out;
}

// Separable gaussian blur, the window clipped at the border and renormalised.
void blur(std::vector<float>& img, int w, int h, const std::vector<double>& k) {
    const int r = int(k.size() / 2);
    std::vector<float> tmp(img.size());
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            double sum = 0, wsum = 0;
            for (int d = -r; d <= r; ++d) {
                int xx = x + d;
                if (xx < 0 || xx >= w) continue;
                sum += k[d + r] * img[size_t(y) * w + xx];
                wsum += k[d + r];
            }
            tmp[size_t(y) * w + x] = float(sum / wsum);
        }
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            double sum = 0, wsum = 0;
            for (int d = -r; d <= r; ++d) {
                int yy = y + d;
                if (yy < 0 || yy >= h) continue;
                sum += k[d + r] * tmp[size_t(yy) * w + x];
                wsum += k[d + r];
            }
            img[size_t(y) * w + x] = float(sum / wsum);
        }
}

}  // namespace

double ssim_luma(const Image& a, const Image& b) {
    const int w = a.width, h = a.height;
    const size_t n = size_t(w) * h;
    if (n == 0) return 1;
    std::vector<double> kernel(11);
    for (int i = 0; i < 11; ++i) kernel[i] = std::exp(-double((i - 5) * (i - 5)) / (2 * 1.5 * 1.5));
    std::vector<float> mx = luma(a), my = luma(b);
    std::vector<float> xx(n), yy(n), xy(n);
    for (size_t i = 0; i < n; ++i) {
        xx[i] = mx[i] * mx[i];
        yy[i] = my[i] * my[i];
        xy[i] = mx[i] * my[i];
    }
    for (auto* m : {&mx, &my, &xx, &yy, &xy}) blur(*m, w, h, kernel);
    const double c1 = (0.01 * 255) * (0.01 * 255), c2 = (0.03 * 255) * (0.03 * 255);
    double sum = 0;
    for (size_t i = 0; i < n; ++i) {
        const double ux = mx[i], uy = my[i];
        const double vx = std::max(0.0, xx[i] - ux * ux), vy = std::max(0.0, yy[i] - uy * uy);
        const double cxy = xy[i] - ux * uy;
        sum += ((2 * ux * uy + c1) * (2 * cxy + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2));
    }
    return sum / double(n);
}

DiffResult diff_images(const Image& a, const Image& b, const DiffOptions& opts, Image* diff_out) {
    DiffResult r;
    r.width = a.width, r.height = a.height, r.width_b = b.width, r.height_b = b.height;
    if (a.width != b.width || a.height != b.height) {
        r.same_size = false;
        r.psnr = 0;
        r.ssim = 0;
        return r;
    }
    const int w = a.width, h = a.height;
    r.pixels = size_t(w) * h;
    r.identical = a.rgba == b.rgba;
    if (diff_out) {
        diff_out->width = w;
        diff_out->height = h;
        diff_out->rgba.assign(r.pixels * 4, 255);
    }
    if (r.identical) {
        if (diff_out)
            for (size_t i = 0; i < r.pixels; ++i) put_faded(&diff_out->rgba[i * 4], &a.rgba[i * 4], opts.fade);
        return r;
    }

    // Alpha counts in the channel metrics only when some pixel is not opaque.
    bool has_alpha = false;
    for (size_t i = 0; i < r.pixels && !has_alpha; ++i)
        has_alpha = a.rgba[i * 4 + 3] != 255 || b.rgba[i * 4 + 3] != 255;
    const int channels = has_alpha ? 4 : 3;

    const double max_delta = 35215.0 * opts.color_threshold * opts.color_threshold;
    const View va{a.rgba.data(), w, h}, vb{b.rgba.data(), w, h};
    double sum = 0, sum_sq = 0;
    std::vector<Box> cells;  // bounding boxes of the counted pixels in 16x16 cells
    const int cells_w = (w + 15) / 16, cells_h = (h + 15) / 16;
    if (diff_out) cells.assign(size_t(cells_w) * cells_h, Box{});
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const size_t pos = (size_t(y) * w + x) * 4;
            const uint8_t* p = &a.rgba[pos];
            const uint8_t* q = &b.rgba[pos];
            uint8_t* o = diff_out ? &diff_out->rgba[pos] : nullptr;
            if (std::memcmp(p, q, 4) == 0) {
                if (o) put_faded(o, p, opts.fade);
                continue;
            }
            ++r.changed;
            for (int c = 0; c < channels; ++c) {
                const int d = std::abs(int(p[c]) - int(q[c]));
                r.max_channel_diff = std::max(r.max_channel_diff, d);
                sum += d;
                sum_sq += double(d) * d;
            }
            const double delta = color_delta(p, q, false);
            if (std::abs(delta) > max_delta) {
                if (!opts.include_aa && (antialiased(va, x, y, vb) || antialiased(vb, x, y, va))) {
                    ++r.antialiased;
                    if (o) put(o, 255, 255, 0);
                } else {
                    ++r.differing;
                    if (o) cells[size_t(y / 16) * cells_w + x / 16].add(x, y);
                    if (o) put(o, 255, 0, 0);
                }
            } else if (o) {
                put(o, 64, 128, 255);
            }
        }
    // A few differing pixels are easy to miss in a large picture: frame them.
    if (diff_out && r.differing > 0 && r.differing * 1000 < r.pixels) frame_clusters(*diff_out, cells, cells_w, cells_h);
    const double values = double(r.pixels) * channels;
    r.mean_channel_diff = sum / values;
    r.mse = sum_sq / values;
    r.psnr = r.mse > 0 ? 10 * std::log10(255.0 * 255.0 / r.mse) : std::numeric_limits<double>::infinity();
    r.ssim = ssim_luma(a, b);
    return r;
}

}  // namespace mmr
