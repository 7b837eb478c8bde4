// The SVG back end of flat figures: written directly, so labels are <text> elements a
// reader can select, search and edit (cairo's SVG surface turns text into glyph paths).
#include <cmath>
#include <cstdio>
#include <sstream>

#include "flat_internal.h"
#include "mmr/flat/figure.h"

namespace mmr::flat {
namespace {

std::string num(double v) {
    if (std::fabs(v) < 1e-9) v = 0;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    std::string s = buf;
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
    return s;
}

std::string colour(Rgba c) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "#%02x%02x%02x", c.r, c.g, c.b);
    return buf;
}

// fill="..." plus fill-opacity when not opaque.
std::string paint(const char* attr, Rgba c) {
    std::string s = std::string(attr) + "=\"" + colour(c) + "\"";
    if (c.a != 255) s += " " + std::string(attr) + "-opacity=\"" + num(c.a / 255.0) + "\"";
    return s;
}

std::string escape(const std::string& text) {
    std::string out;
    for (char ch : text) {
        switch (ch) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            default:
                // XML 1.0 allows no control characters but tab, newline and return.
                if (static_cast<unsigned char>(ch) < 0x20 && ch != '\t' && ch != '\n' && ch != '\r')
                    out += ' ';
                else
                    out += ch;
        }
    }
    return out;
}

std::string base64(const std::string& in) {
    static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        const uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
        out += {k[v >> 18], k[(v >> 12) & 63], k[(v >> 6) & 63], k[v & 63]};
    }
    if (i + 1 == in.size()) {
        const uint32_t v = uint8_t(in[i]) << 16;
        out += {k[v >> 18], k[(v >> 12) & 63], '=', '='};
    } else if (i + 2 == in.size()) {
        const uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
        out += {k[v >> 18], k[(v >> 12) & 63], k[(v >> 6) & 63], '='};
    }
    return out;
}

}  // namespace

std::string svg_document(const Figure& fig, const FigureMetadata& meta) {
    std::ostringstream o;
    o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\""
      << num(fig.width) << "\" height=\"" << num(fig.height) << "\" viewBox=\"0 0 " << num(fig.width) << " "
      << num(fig.height) << "\" font-family=\"DejaVu Sans, Verdana, sans-serif\">\n";
    if (!meta.empty()) {
        o << "<metadata>\n";
        for (const auto& [k, v] : meta) o << "  <mmr:entry xmlns:mmr=\"urn:mmr:metadata\" key=\"" << escape(k) << "\">" << escape(v) << "</mmr:entry>\n";
        o << "</metadata>\n";
    }
    for (const auto& [k, v] : meta)
        if (k == "title") o << "<title>" << escape(v) << "</title>\n";
    if (fig.background.a)
        o << "<rect width=\"100%\" height=\"100%\" " << paint("fill", fig.background) << "/>\n";
    for (const FigRect& r : fig.rects)
        o << "<rect x=\"" << num(r.x) << "\" y=\"" << num(r.y) << "\" width=\"" << num(r.w) << "\" height=\""
          << num(r.h) << "\" " << paint("fill", r.fill) << "/>\n";
    for (const FigCells& c : fig.cells) {
        if (c.cols <= 0 || c.rows <= 0) continue;
        o << "<image x=\"" << num(c.x) << "\" y=\"" << num(c.y) << "\" width=\"" << num(c.w) << "\" height=\""
          << num(c.h) << "\" preserveAspectRatio=\"none\" style=\"image-rendering:pixelated;image-rendering:crisp-edges\""
          << " xlink:href=\"data:image/png;base64," << base64(cells_png(c)) << "\"/>\n";
    }
    for (const FigLine& l : fig.lines)
        o << "<line x1=\"" << num(l.x0) << "\" y1=\"" << num(l.y0) << "\" x2=\"" << num(l.x1) << "\" y2=\""
          << num(l.y1) << "\" stroke-width=\"" << num(l.width) << "\" " << paint("stroke", l.color) << "/>\n";
    for (const FigText& t : fig.texts) {
        o << "<text x=\"" << num(t.x) << "\" y=\"" << num(t.y) << "\" font-size=\"" << num(t.size) << "\" "
          << paint("fill", t.color);
        if (t.anchor != Anchor::start) o << " text-anchor=\"" << (t.anchor == Anchor::middle ? "middle" : "end") << "\"";
        if (t.bold) o << " font-weight=\"bold\"";
        if (t.angle != 0) o << " transform=\"rotate(" << num(-t.angle) << " " << num(t.x) << " " << num(t.y) << ")\"";
        o << ">" << escape(t.text) << "</text>\n";
    }
    o << "</svg>\n";
    return o.str();
}

}  // namespace mmr::flat
