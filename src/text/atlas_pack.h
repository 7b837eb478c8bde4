// Private to the text stage: packs per-glyph SDF bitmaps into one atlas.
#pragma once
#include <cstdint>
#include <vector>

#include "mmr/draw/draw_list.h"

namespace mmr::text_detail {

struct GlyphBitmap {
    int w = 0, h = 0;             // 0x0 for glyphs without outline (space)
    std::vector<uint8_t> pixels;  // w*h, top row first (stb order)
    int ax = 0, ay = 0;           // filled by pack_atlas: top-left texel in the atlas
};

// Shelf packing into an atlas of the given width; the height is rounded up to
// a power of two. Glyphs are separated by a gutter of 0 (fully outside), so
// bilinear sampling at a quad edge never picks up a neighbour.
GlyphAtlas pack_atlas(std::vector<GlyphBitmap>& glyphs, int width);

}  // namespace mmr::text_detail
