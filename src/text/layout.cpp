// Lays out a string as glyph quads along the baseline (left to right, advance
// plus kerning), scaled to the requested em size.
#include <algorithm>
#include <limits>

#include "mmr/text/text.h"

namespace mmr {

namespace {

// Legends are ASCII (names like "L @ R", "I = 32 / 4"). Anything else has no
// glyph in the atlas and is drawn as '?': one '?' per UTF-8 code point (its
// continuation bytes are skipped), so a non-ASCII name keeps its length.
std::string to_ascii(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (unsigned char c : text) {
        if ((c & 0xC0) == 0x80) continue;  // UTF-8 continuation byte
        out += (c >= 32 && c <= 126) ? char(c) : '?';
    }
    return out;
}

}  // namespace

TextShape Font::shape(const std::string& text, double em_size) const {
    TextShape s;
    const std::string str = to_ascii(text);
    const float e = float(em_size);
    constexpr float inf = std::numeric_limits<float>::infinity();
    float bx0 = inf, by0 = inf, bx1 = -inf, by1 = -inf;
    float pen = 0;  // em units
    for (size_t i = 0; i < str.size(); ++i) {
        const Glyph& g = glyphs_[int(str[i])];
        if (g.x1 > g.x0) {  // has an outline (not a space)
            s.quads.push_back({(pen + g.x0) * e, g.y0 * e, (pen + g.x1) * e, g.y1 * e,
                               g.u0, g.v0, g.u1, g.v1});
            // Bounding box over the glyph outlines, like three.js's
            // computeBoundingBox over the text mesh (spaces add nothing).
            bx0 = std::min(bx0, pen + g.bx0);
            bx1 = std::max(bx1, pen + g.bx1);
            by0 = std::min(by0, g.by0);
            by1 = std::max(by1, g.by1);
        }
        pen += g.advance;
        if (!kern_.empty() && i + 1 < str.size())
            pen += kern_[int(str[i]) * 128 + int(str[i + 1])];
    }
    if (bx1 >= bx0) {
        s.width = (bx1 - bx0) * e;
        s.height = (by1 - by0) * e;
        s.min_x = bx0 * e;
        s.min_y = by0 * e;
    }
    return s;
}

double Font::glyph_height_X(double em_size) const {
    const Glyph& g = glyphs_[int('X')];
    return double(g.by1 - g.by0) * em_size;
}

}  // namespace mmr
