// Loads the legend font and builds its SDF atlas, glyph metrics and kerning.
// mm uses Droid Sans meshes; we use whichever standard Debian sans font is
// installed (DejaVu Sans first) and draw it as SDF quads, which gives flat text
// with clean edges at any legend size from a single atlas.
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

// libstb (Debian) already compiles the stb_truetype implementation into
// libstb.so/.a, so only the declarations are included here (defining
// STB_TRUETYPE_IMPLEMENTATION would duplicate its symbols).
#include <stb_truetype.h>

#include "atlas_pack.h"
#include "mmr/core/error.h"
#include "mmr/text/text.h"

namespace mmr {

namespace {

// Search order: fonts-dejavu-core first (the documented dependency), then other
// common Debian sans fonts so a machine without DejaVu still renders legends.
const char* const kFontPaths[] = {
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
};

// Atlas parameters. 64 px per em keeps small features (e.g. the "=" bars)
// several texels thick; the SDF spans kPad px each side of the outline.
constexpr float kPixelsPerEm = 64.0f;
constexpr int kPad = 8;
constexpr unsigned char kOnEdge = 128;
constexpr float kDistScale = 128.0f / kPad;  // kPad px of distance -> 0..128
constexpr int kAtlasWidth = 1024;
constexpr int kFirst = 32, kLast = 126;  // printable ASCII

bool read_file(const char* path, std::vector<unsigned char>& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    return !out.empty();
}

}  // namespace

std::string default_font_path() {
    std::string tried;
    for (const char* p : kFontPaths) {
        if (std::ifstream(p, std::ios::binary)) return p;
        tried += tried.empty() ? p : std::string(", ") + p;
    }
    fail("font", "no font found (tried " + tried + ")", "install fonts-dejavu-core");
}

struct FontLoader {
    static Font load() {
        std::vector<unsigned char> data;
        std::string tried;
        const char* found = nullptr;
        for (const char* p : kFontPaths) {
            if (read_file(p, data)) { found = p; break; }
            tried += tried.empty() ? p : std::string(", ") + p;
        }
        if (!found)
            fail("font", "no font found (tried " + tried + ")", "install fonts-dejavu-core");

        stbtt_fontinfo info;
        int offset = stbtt_GetFontOffsetForIndex(data.data(), 0);
        if (offset < 0 || !stbtt_InitFont(&info, data.data(), offset))
            fail(found, "not a readable TrueType font", "install fonts-dejavu-core");

        // Em-based scales ("size" in docs/spec/mm-look.md §6 is an em size).
        const float em_per_unit = stbtt_ScaleForMappingEmToPixels(&info, 1.0f);
        const float px_scale = stbtt_ScaleForMappingEmToPixels(&info, kPixelsPerEm);

        Font font;
        for (Font::Glyph& g : font.glyphs_) g = Font::Glyph{};  // zero unused slots too
        std::vector<text_detail::GlyphBitmap> bitmaps(kLast - kFirst + 1);
        for (int cp = kFirst; cp <= kLast; ++cp) {
            Font::Glyph& g = font.glyphs_[cp];
            int adv = 0, lsb = 0;
            stbtt_GetCodepointHMetrics(&info, cp, &adv, &lsb);
            g.advance = adv * em_per_unit;
            int bx0, by0, bx1, by1;
            if (stbtt_GetCodepointBox(&info, cp, &bx0, &by0, &bx1, &by1)) {
                g.bx0 = bx0 * em_per_unit; g.by0 = by0 * em_per_unit;
                g.bx1 = bx1 * em_per_unit; g.by1 = by1 * em_per_unit;
            }
            g.present = true;

            int w = 0, h = 0, xoff = 0, yoff = 0;
            unsigned char* sdf = stbtt_GetCodepointSDF(&info, px_scale, cp, kPad, kOnEdge,
                                                       kDistScale, &w, &h, &xoff, &yoff);
            if (!sdf) continue;  // no outline (space): advance only, no quad
            text_detail::GlyphBitmap& bm = bitmaps[cp - kFirst];
            bm.w = w;
            bm.h = h;
            bm.pixels.assign(sdf, sdf + size_t(w) * h);
            stbtt_FreeSDF(sdf, nullptr);
            // stb's bitmap box is y-down in pixels with texel centres at +0.5;
            // the quad spans the texel edges, converted to em units, y up.
            g.x0 = xoff / kPixelsPerEm;
            g.x1 = (xoff + w) / kPixelsPerEm;
            g.y1 = -yoff / kPixelsPerEm;
            g.y0 = -(yoff + h) / kPixelsPerEm;
        }

        font.atlas_ = text_detail::pack_atlas(bitmaps, kAtlasWidth);
        const float W = float(font.atlas_.width), H = float(font.atlas_.height);
        for (int cp = kFirst; cp <= kLast; ++cp) {
            const text_detail::GlyphBitmap& bm = bitmaps[cp - kFirst];
            if (bm.w == 0) continue;
            Font::Glyph& g = font.glyphs_[cp];
            g.u0 = bm.ax / W;
            g.u1 = (bm.ax + bm.w) / W;
            g.v1 = bm.ay / H;            // top edge (y1): first stb row, smaller v
            g.v0 = (bm.ay + bm.h) / H;   // bottom edge (y0)
        }

        // Kerning (kern table or GPOS pair adjustments, as stb supports them).
        font.kern_.assign(128 * 128, 0.0f);
        bool any = false;
        for (int a = kFirst; a <= kLast; ++a)
            for (int b = kFirst; b <= kLast; ++b) {
                int k = stbtt_GetCodepointKernAdvance(&info, a, b);
                if (k) { font.kern_[a * 128 + b] = k * em_per_unit; any = true; }
            }
        if (!any) font.kern_.clear();
        return font;
    }
};

const Font& Font::default_font() {
    // Function-local static: initialised once, thread-safe (C++11); if loading
    // throws, the next call retries.
    static const Font font = FontLoader::load();
    return font;
}

}  // namespace mmr
