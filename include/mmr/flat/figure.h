// A flat figure: a page of simple primitives in pixel units (96 per inch, y down),
// drawn by the PNG/PDF back end (cairo) and the SVG writer the same way. Text stays
// text in SVG and PDF.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "mmr/flat/colormap.h"

namespace mmr::flat {

struct FigRect {
    double x, y, w, h;
    Rgba fill;
};

struct FigLine {
    double x0, y0, x1, y1;
    double width;
    Rgba color;
};

enum class Anchor { start, middle, end };

struct FigText {
    double x, y;   // the anchor point on the baseline
    double size;   // em size in pixels
    std::string text;
    Rgba color;
    Anchor anchor = Anchor::start;
    double angle = 0;  // degrees, counter-clockwise about (x, y)
    bool bold = false;
};

// A raster of cells drawn over (x, y, w, h) with nearest-neighbour scaling: one
// pixel per cell, so a 1024x1024 matrix is one small image, not a million rectangles.
struct FigCells {
    double x, y, w, h;
    int cols = 0, rows = 0;
    std::vector<Rgba> px;  // rows * cols, top row first
};

// Drawn in this order: rects, cells, lines, texts (each in insertion order).
struct Figure {
    double width = 0, height = 0;
    Rgba background{0, 0, 0, 0};  // alpha 0 = transparent
    std::vector<FigRect> rects;
    std::vector<FigCells> cells;
    std::vector<FigLine> lines;
    std::vector<FigText> texts;
};

// Text metrics from the font the figures are drawn with (the one 3D legends use).
double text_width(const std::string& text, double size, bool bold = false);

// Where the figure came from: written into the PNG text chunks, the SVG <metadata> and
// the PDF's Subject/Keywords ("command" = the command line).
using FigureMetadata = std::vector<std::pair<std::string, std::string>>;

// Writes the figure by the output's extension (.png, .svg, .pdf) to a temporary name,
// then renames. Throws mmr::Error naming `path`.
void write_figure(const std::string& path, const Figure& fig, const FigureMetadata& meta);
// The figure as RGBA pixels (what the PNG holds).
struct RasterImage {
    int width = 0, height = 0;
    std::vector<uint8_t> rgba;
};
RasterImage rasterize(const Figure& fig);
// The SVG document text.
std::string svg_document(const Figure& fig, const FigureMetadata& meta);

}  // namespace mmr::flat
