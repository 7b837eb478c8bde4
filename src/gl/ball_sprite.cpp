#include "ball_sprite.h"

#include <algorithm>
#include <cmath>

namespace mmr {
namespace {

struct Vec3 { double x, y, z; };
Vec3 normalized(Vec3 v) {
    double l = std::sqrt(v.x * v.x + v.y * v.y + v.z * v.z);
    return {v.x / l, v.y / l, v.z / l};
}
double dot(Vec3 a, Vec3 b) { return a.x * b.x + a.y * b.y + a.z * b.z; }

// A Lambert (softened by a power < 1) plus specular sphere. Fitted so that
// (a) the texture matches what is known of ball.png: 54-texel disc (56 % of
// texels opaque), mean shade over the disc 0.56, peak 249/255 near the PNG's
// highlight texel (29, 38), ~0 at the rim away from the light; and (b) balls
// rendered through the same mipmapped sampling match mm's own reference
// frames (mm's own 1280x720 render of article figure 01, ~400 cyan balls of 4.7 px): mean
// shade 0.49 vs 0.48, peak 0.86 vs 0.88, brightness centroid offset
// (-0.26, -0.22) px vs (-0.29, -0.21) px (left, up).
const Vec3 kLight = normalized({-0.470, 0.329, 0.819});  // azimuth 145°, elevation 55°
const double kDiffuse = 0.871, kDiffusePow = 0.7;
const Vec3 kHighlight = normalized({-0.093, 0.241, 0.966});  // normal at texel (29, 38)
const double kSpecular = 0.15, kShininess = 20;
const double kRadius = 27.0;  // texels

}  // namespace

std::vector<uint8_t> make_ball_sprite() {
    const int n = kBallSpriteSize;
    std::vector<uint8_t> rgba(size_t(n) * n * 4, 0);
    for (int row = 0; row < n; ++row)
        for (int col = 0; col < n; ++col) {
            // Texel centre relative to the sprite centre in disc radii, +y up.
            double x = (col + 0.5 - n / 2.0) / kRadius, y = (n / 2.0 - (row + 0.5)) / kRadius;
            double r = std::sqrt(x * x + y * y);
            double alpha = std::clamp((1.0 - r) * kRadius + 0.5, 0.0, 1.0);  // 1-texel edge ramp
            // Transparent texels stay black: mip levels then darken the rim of
            // small balls, as mm's measured frames show (mean 0.48 < 0.56).
            if (alpha <= 0) continue;
            double s = std::min(r, 1.0) / std::max(r, 1e-9);  // edge texels use the rim normal
            Vec3 normal = {x * s, y * s, std::sqrt(std::max(0.0, 1 - r * r))};
            double shade = kDiffuse * std::pow(std::max(dot(normal, kLight), 0.0), kDiffusePow) +
                           kSpecular * std::pow(std::max(dot(normal, kHighlight), 0.0), kShininess);
            uint8_t v = uint8_t(std::lround(std::clamp(shade, 0.0, 1.0) * 255));
            uint8_t* t = &rgba[(size_t(row) * n + col) * 4];
            t[0] = t[1] = t[2] = v;
            t[3] = uint8_t(std::lround(alpha * 255));
        }
    return rgba;
}

}  // namespace mmr
