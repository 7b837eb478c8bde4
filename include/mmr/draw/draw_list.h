// What the GL backend draws for one frame, in world space. Built on the CPU
// from the frame state; the backend knows nothing about matrices.
#pragma once
#include <cstdint>
#include <vector>

namespace mmr {

// One element sprite. `size` is the diameter numerator: the on-screen diameter
// in pixels is size / view_depth (docs/spec/mm-look.md §3.2), i.e. size = f * elem_scale *
// min(width, height). rgb is written as is (no sRGB encoding), unclamped before
// the sprite shading multiplies it.
struct PointVertex {
    float x, y, z;
    float size;
    float r, g, b;
};

// Lines and triangles carry final display colours (already sRGB-encoded where
// mm encodes them).
struct LineVertex {
    float x, y, z;
    float r, g, b;
};

struct TriVertex {
    float x, y, z;
    float r, g, b, a;
};

// Text glyph vertex: world position plus atlas texture coordinate.
struct TextVertex {
    float x, y, z;
    float u, v;
};

struct CameraView {
    float position[3] = {-48, 48, 48};
    float target[3] = {0, 0, 0};
    float up[3] = {0, 1, 0};
    float fov_y_deg = 45;  // already adjusted for aspect (docs/spec/mm-look.md §8)
    float near_plane = 5, far_plane = 10000;
};

// A single-channel glyph atlas (signed distance field, 128 = edge).
struct GlyphAtlas {
    int width = 0, height = 0;
    std::vector<uint8_t> pixels;  // width*height, row 0 = v 0
};

struct SpriteSlots;  // mmr/draw/sprite_slots.h
struct SpriteLayer;

struct DrawList {
    int width = 1280, height = 720;
    float background[3] = {0, 0, 0};
    // < 1: the frame keeps an alpha channel (the renderer accumulates
    // premultiplied colour over this background and returns straight alpha).
    float background_alpha = 1;
    CameraView camera;

    std::vector<PointVertex> points;   // opaque, depth-tested
    std::vector<LineVertex> lines;     // GL_LINES pairs, opaque, 1 px
    std::vector<TextVertex> text;      // GL_TRIANGLES, opaque colour text_rgb
    float text_rgb[3] = {0.8f, 0.8f, 1.0f};  // #CCCCFF
    const GlyphAtlas* atlas = nullptr;
    std::vector<TriVertex> flow;       // GL_TRIANGLES, blended, drawn last

    // Video frames: the sprites as slots, replacing `points` (which is then
    // empty), and optionally the static layer they are drawn with. Not owned.
    const SpriteSlots* slots = nullptr;
    const SpriteLayer* layer = nullptr;
};

}  // namespace mmr
