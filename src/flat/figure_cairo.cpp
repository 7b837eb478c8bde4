// The PNG and PDF back end of flat figures: cairo, with the font file 3D legends use
// (through FreeType, so no fontconfig lookup can pick another font).
#include <cairo-ft.h>
#include <cairo-pdf.h>
#include <cairo.h>
#include <ft2build.h>
#include FT_FREETYPE_H

#include <cmath>
#include <cstdio>
#include <memory>
#include <mutex>

#include "mmr/core/atomic_write.h"
#include "mmr/core/error.h"
#include "mmr/encode/png.h"
#include "mmr/flat/figure.h"
#include "mmr/text/text.h"
#include "flat_internal.h"

namespace mmr::flat {
namespace {

// One FreeType face for the process (cairo keeps a reference while it is used).
struct FontFaces {
    FT_Library lib = nullptr;
    FT_Face face = nullptr;
    cairo_font_face_t* regular = nullptr;
    cairo_font_face_t* bold = nullptr;
};

const FontFaces& faces() {
    static FontFaces f;
    static std::once_flag once;
    std::call_once(once, [] {
        const std::string path = default_font_path();
        if (FT_Init_FreeType(&f.lib) || FT_New_Face(f.lib, path.c_str(), 0, &f.face))
            fail(path, "cannot be read as a font", "reinstall fonts-dejavu-core");
        f.regular = cairo_ft_font_face_create_for_ft_face(f.face, 0);
        f.bold = cairo_ft_font_face_create_for_ft_face(f.face, 0);
        cairo_ft_font_face_set_synthesize(f.bold, CAIRO_FT_SYNTHESIZE_BOLD);
    });
    return f;
}

void set_font(cairo_t* cr, double size, bool bold) {
    cairo_set_font_face(cr, bold ? faces().bold : faces().regular);
    cairo_set_font_size(cr, size);
    // Fixed rendering options: the same bytes whatever the machine's font settings.
    cairo_font_options_t* o = cairo_font_options_create();
    cairo_font_options_set_hint_style(o, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(o, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_antialias(o, CAIRO_ANTIALIAS_GRAY);
    cairo_set_font_options(cr, o);
    cairo_font_options_destroy(o);
}

void set_colour(cairo_t* cr, Rgba c) { cairo_set_source_rgba(cr, c.r / 255.0, c.g / 255.0, c.b / 255.0, c.a / 255.0); }

// The cells as a premultiplied ARGB32 image surface, one pixel per cell.
cairo_surface_t* cell_surface(const FigCells& c) {
    cairo_surface_t* s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, c.cols, c.rows);
    cairo_surface_flush(s);
    unsigned char* data = cairo_image_surface_get_data(s);
    const int stride = cairo_image_surface_get_stride(s);
    for (int i = 0; i < c.rows; ++i) {
        uint32_t* row = reinterpret_cast<uint32_t*>(data + size_t(i) * stride);
        for (int j = 0; j < c.cols; ++j) {
            const Rgba p = c.px[size_t(i) * c.cols + j];
            auto pm = [&](uint8_t v) { return uint32_t((v * p.a + 127) / 255); };
            row[j] = (uint32_t(p.a) << 24) | (pm(p.r) << 16) | (pm(p.g) << 8) | pm(p.b);
        }
    }
    cairo_surface_mark_dirty(s);
    return s;
}

void draw(cairo_t* cr, const Figure& fig) {
    if (fig.background.a) {
        set_colour(cr, fig.background);
        cairo_paint(cr);
    }
    for (const FigRect& r : fig.rects) {
        set_colour(cr, r.fill);
        cairo_rectangle(cr, r.x, r.y, r.w, r.h);
        cairo_fill(cr);
    }
    for (const FigCells& c : fig.cells) {
        if (c.cols <= 0 || c.rows <= 0) continue;
        cairo_surface_t* s = cell_surface(c);
        cairo_save(cr);
        cairo_rectangle(cr, c.x, c.y, c.w, c.h);
        cairo_clip(cr);
        cairo_translate(cr, c.x, c.y);
        cairo_scale(cr, c.w / c.cols, c.h / c.rows);
        cairo_set_source_surface(cr, s, 0, 0);
        cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST);
        cairo_pattern_set_extend(cairo_get_source(cr), CAIRO_EXTEND_PAD);
        cairo_paint(cr);
        cairo_restore(cr);
        cairo_surface_destroy(s);
    }
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    for (const FigLine& l : fig.lines) {
        set_colour(cr, l.color);
        cairo_set_line_width(cr, l.width);
        cairo_move_to(cr, l.x0, l.y0);
        cairo_line_to(cr, l.x1, l.y1);
        cairo_stroke(cr);
    }
    for (const FigText& t : fig.texts) {
        set_font(cr, t.size, t.bold);
        cairo_text_extents_t e;
        cairo_text_extents(cr, t.text.c_str(), &e);
        const double shift = t.anchor == Anchor::start ? 0 : t.anchor == Anchor::middle ? e.x_advance / 2 : e.x_advance;
        cairo_save(cr);
        cairo_translate(cr, t.x, t.y);
        cairo_rotate(cr, -t.angle * M_PI / 180);
        cairo_move_to(cr, -shift, 0);
        set_colour(cr, t.color);
        cairo_show_text(cr, t.text.c_str());
        cairo_restore(cr);
    }
}

std::string meta_value(const FigureMetadata& meta, const std::string& key) {
    for (const auto& [k, v] : meta)
        if (k == key) return v;
    return "";
}

cairo_status_t append(void* closure, const unsigned char* data, unsigned int n) {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), n);
    return CAIRO_STATUS_SUCCESS;
}

std::string pdf_bytes(const Figure& fig, const FigureMetadata& meta) {
    std::string out;
    // 96 pixels per inch: a W x H pixel figure is a W*0.75 x H*0.75 point page.
    cairo_surface_t* s = cairo_pdf_surface_create_for_stream(append, &out, fig.width * 0.75, fig.height * 0.75);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "mmr " MMR_VERSION);
    // cairo stamps the time by default; a fixed date keeps the bytes reproducible.
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, "2000-01-01T00:00:00");
    const std::string title = meta_value(meta, "title");
    if (!title.empty()) cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, title.c_str());
    const std::string command = meta_value(meta, "command");
    if (!command.empty()) cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_SUBJECT, command.c_str());
    cairo_t* cr = cairo_create(s);
    cairo_scale(cr, 0.75, 0.75);
    draw(cr, fig);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    const cairo_status_t st = cairo_surface_status(s);
    cairo_surface_destroy(s);
    if (st != CAIRO_STATUS_SUCCESS) throw Error(std::string("PDF: ") + cairo_status_to_string(st));
    return out;
}

std::string extension(const std::string& path) {
    const size_t dot = path.find_last_of('.');
    const size_t slash = path.find_last_of('/');
    if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
    std::string e = path.substr(dot);
    for (char& c : e) c = char(std::tolower(static_cast<unsigned char>(c)));
    return e;
}

}  // namespace

std::string cells_png(const FigCells& c) {
    cairo_surface_t* s = cell_surface(c);
    std::string out;
    cairo_surface_write_to_png_stream(s, append, &out);
    cairo_surface_destroy(s);
    return out;
}

double text_width(const std::string& text, double size, bool bold) {
    cairo_surface_t* s = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1);
    cairo_t* cr = cairo_create(s);
    set_font(cr, size, bold);
    cairo_text_extents_t e;
    cairo_text_extents(cr, text.c_str(), &e);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    return e.x_advance;
}

RasterImage rasterize(const Figure& fig) {
    RasterImage img;
    img.width = int(std::ceil(fig.width));
    img.height = int(std::ceil(fig.height));
    cairo_surface_t* s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, img.width, img.height);
    cairo_t* cr = cairo_create(s);
    draw(cr, fig);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    const unsigned char* data = cairo_image_surface_get_data(s);
    const int stride = cairo_image_surface_get_stride(s);
    img.rgba.resize(size_t(img.width) * img.height * 4);
    for (int y = 0; y < img.height; ++y) {
        const uint32_t* row = reinterpret_cast<const uint32_t*>(data + size_t(y) * stride);
        for (int x = 0; x < img.width; ++x) {
            const uint32_t p = row[x];
            const uint32_t a = p >> 24;
            uint8_t* o = &img.rgba[(size_t(y) * img.width + x) * 4];
            auto un = [&](uint32_t v) { return uint8_t(a ? std::min<uint32_t>(255, (v * 255 + a / 2) / a) : 0); };
            o[0] = un((p >> 16) & 0xff);
            o[1] = un((p >> 8) & 0xff);
            o[2] = un(p & 0xff);
            o[3] = uint8_t(a);
        }
    }
    cairo_surface_destroy(s);
    return img;
}

void write_figure(const std::string& path, const Figure& fig, const FigureMetadata& meta) {
    const std::string ext = extension(path);
    if (ext == ".png") {
        RasterImage r = rasterize(fig);
        Image img;
        img.width = r.width;
        img.height = r.height;
        img.rgba = std::move(r.rgba);
        write_png(path, img, meta);
    } else if (ext == ".pdf") {
        write_file_atomically(path, pdf_bytes(fig, meta), path);
    } else if (ext == ".svg") {
        write_file_atomically(path, svg_document(fig, meta), path);
    } else {
        fail(path, "has no figure extension ('" + ext + "')", "write .png, .svg or .pdf");
    }
}

}  // namespace mmr::flat
