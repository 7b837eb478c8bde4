// Text for legends: a real font (DejaVu Sans from fonts-dejavu-core) rasterised
// by stb_truetype into a signed-distance-field atlas; strings laid out as quads.
#pragma once
#include <string>
#include <vector>

#include "mmr/draw/draw_list.h"

namespace mmr {

// One glyph quad in text space: origin at the start of the baseline, x along
// the baseline, y up, units of the requested em size.
struct GlyphQuad {
    float x0, y0, x1, y1;  // corners (x0,y0) bottom-left, (x1,y1) top-right
    float u0, v0, u1, v1;  // atlas coordinates for (x0,y0) and (x1,y1)
};

struct TextShape {
    std::vector<GlyphQuad> quads;
    float width = 0;   // bounding-box width along the baseline ("len" in docs/spec/mm-look.md §6)
    float height = 0;  // bounding-box height ("th")
    float min_x = 0, min_y = 0;  // bounding box lower-left (glyph outlines)
};

// The font file legends are drawn with (flat figures use it too). Throws mmr::Error
// naming the paths tried if none exists.
std::string default_font_path();

class Font {
public:
    // Loads the default font (searched in standard Debian font paths). Throws
    // mmr::Error naming the paths tried if none exists.
    static const Font& default_font();

    TextShape shape(const std::string& text, double em_size) const;
    double glyph_height_X(double em_size) const;  // height of "X" at that em size
    const GlyphAtlas& atlas() const { return atlas_; }

    struct Glyph {
        float x0, y0, x1, y1;   // quad in em units (relative to pen, y up)
        float u0, v0, u1, v1;
        float bx0, by0, bx1, by1;  // outline bounding box in em units
        float advance;          // em units
        bool present = false;
    };

private:
    Font() = default;
    GlyphAtlas atlas_;
    Glyph glyphs_[128];
    std::vector<float> kern_;  // 128*128 kerning in em units (may be empty)
    friend struct FontLoader;
};

}  // namespace mmr
