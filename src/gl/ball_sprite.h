// The element sprite texture: our stand-in for mm's assets/ball.png
// (docs/spec/mm-look.md §3.3), generated in code so no image file ships with mmr.
#pragma once
#include <cstdint>
#include <vector>

namespace mmr {

constexpr int kBallSpriteSize = 64;

// 64x64 RGBA8, grey shade in RGB, alpha 255 on the disc and 0 outside (with a
// one-texel ramp). Row 0 is the TOP of the sprite as displayed, matching
// gl_PointCoord (t = 0 at the top), so the shader samples it unflipped.
std::vector<uint8_t> make_ball_sprite();

}  // namespace mmr
