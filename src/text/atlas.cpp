// Shelf packer for the glyph SDF atlas. 95 glyphs of similar size: a simple
// tallest-first shelf packing wastes little and is deterministic.
#include <algorithm>
#include <cstring>
#include <numeric>

#include "atlas_pack.h"
#include "mmr/core/error.h"

namespace mmr::text_detail {

GlyphAtlas pack_atlas(std::vector<GlyphBitmap>& glyphs, int width) {
    constexpr int gutter = 1;
    std::vector<size_t> order(glyphs.size());
    std::iota(order.begin(), order.end(), 0);
    // Tallest first (stable: ties keep codepoint order) so shelves fill evenly.
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return glyphs[a].h > glyphs[b].h; });

    int x = gutter, y = gutter, shelf_h = 0;
    for (size_t i : order) {
        GlyphBitmap& g = glyphs[i];
        if (g.w == 0 || g.h == 0) continue;
        if (g.w + 2 * gutter > width) fail("font atlas", "glyph wider than the atlas");
        if (x + g.w + gutter > width) {  // next shelf
            x = gutter;
            y += shelf_h + gutter;
            shelf_h = 0;
        }
        g.ax = x;
        g.ay = y;
        x += g.w + gutter;
        shelf_h = std::max(shelf_h, g.h);
    }
    int used_h = y + shelf_h + gutter;
    int height = 1;
    while (height < used_h) height *= 2;

    GlyphAtlas atlas;
    atlas.width = width;
    atlas.height = height;
    atlas.pixels.assign(size_t(width) * height, 0);  // 0 = far outside
    for (const GlyphBitmap& g : glyphs) {
        // Row r of the stb bitmap (top first) goes to atlas row ay + r, so the
        // top of a glyph has the smaller v (atlas row 0 = v 0).
        for (int r = 0; r < g.h; ++r)
            std::memcpy(&atlas.pixels[size_t(g.ay + r) * width + g.ax], &g.pixels[size_t(r) * g.w],
                        size_t(g.w));
    }
    return atlas;
}

}  // namespace mmr::text_detail
