// The flat view of a scene (docs/flat.md#the-flat-view-of-a-scene).
#include "mmr/flat/flat_view.h"

#include <algorithm>
#include <cmath>

#include "mmr/look/look.h"
#include "mmr/timeline/animation.h"

namespace mmr::flat {
namespace {

struct Box {
    double w = 0, h = 0;    // the whole arrangement of a subtree
    double rx = 0, ry = 0;  // where its own matrix (result or leaf) starts inside it
    double above = 0;       // matmul: space between the right operand's box and the result
};

// Sizes bottom-up: a matmul puts its result at (rx, ry), the left operand's box to the
// left with the bottoms aligned, the right operand's box above with the right edges
// aligned (each operand's own matrix is at the bottom-right of its box).
Box measure(const Node& n, double gap, std::vector<std::pair<const Node*, Box>>& boxes) {
    Box b;
    if (!n.matmul) {
        b.w = n.cols;
        b.h = n.rows;
    } else {
        const Box l = measure(*n.left, gap, boxes), r = measure(*n.right, gap, boxes);
        // When the right operand's box reaches left past the result and the left one's
        // reaches up past it, the two would meet in the top-left corner: the right box
        // moves up until it clears the left one (its columns stay over the result's).
        b.above = gap;
        if (r.w > n.cols + gap && l.h > n.rows + gap) b.above = l.h - n.rows + gap;
        b.rx = std::max(l.w + gap, r.w - n.cols);
        b.ry = std::max(r.h + b.above, l.h - n.rows);
        b.w = b.rx + n.cols;
        b.h = b.ry + n.rows;
    }
    boxes.push_back({&n, b});
    return b;
}

void place(const Node& n, double x, double y, double gap, const std::vector<std::pair<const Node*, Box>>& boxes,
           std::vector<FlatPanel>& out) {
    auto box = [&](const Node& k) {
        for (const auto& [node, b] : boxes)
            if (node == &k) return b;
        return Box{};
    };
    const Box b = box(n);
    out.push_back({&n, x + b.rx, y + b.ry, n.rows, n.cols});
    if (!n.matmul) return;
    const Box l = box(*n.left), r = box(*n.right);
    // Left: its own matrix ends `gap` before the result, bottoms aligned.
    place(*n.left, x + b.rx - gap - l.w, y + b.ry + n.rows - l.h, gap, boxes, out);
    // Right: its box ends `above` over the result, right edges aligned.
    place(*n.right, x + b.rx + n.cols - r.w, y + b.ry - b.above - r.h, gap, boxes, out);
}

const VizSettings& viz_of(const Node& n) { return n.matmul || !n.parent ? n.viz : n.parent->viz; }

Rgba to_rgba(const float rgb[3], float scale) {
    auto c = [&](float v) { return uint8_t(std::lround(std::clamp(v * scale, 0.0f, 1.0f) * 255)); };
    return Rgba{c(rgb[0]), c(rgb[1]), c(rgb[2]), 255};
}

}  // namespace

FlatArrangement flat_arrangement(const Model& model, double gap) {
    std::vector<std::pair<const Node*, Box>> boxes;
    const Box root = measure(*model.root, gap, boxes);
    FlatArrangement a;
    a.width = root.w;
    a.height = root.h;
    place(*model.root, 0, 0, gap, boxes, a.panels);
    return a;
}

namespace {
double cell_size(const FlatArrangement& a, int width, int height) {
    const double margin = 0.04 * std::min(width, height), label = 14;
    return std::min((width - 2 * margin) / a.width, (height - 2 * margin - label) / a.height);
}
}  // namespace

FlatArrangement flat_arrangement(const Model& model, int width, int height) {
    double gap = 2;
    FlatArrangement a = flat_arrangement(model, gap);
    for (int i = 0; i < 4; ++i) {  // gaps in pixels depend on the cell size, which depends on the gaps
        gap = std::max(1.0, 20 / cell_size(a, width, height));
        a = flat_arrangement(model, gap);
    }
    return a;
}

Figure flat_frame(const Model& model, const FlatArrangement& a, const Animation* anim, int width, int height,
                  Rgba background) {
    Figure fig;
    fig.width = width;
    fig.height = height;
    fig.background = background;
    const double label = 14;  // px under each panel for its name
    const double cell = cell_size(a, width, height);
    const double ox = (width - cell * a.width) / 2, oy = (height - label - cell * a.height) / 2;
    const bool animated = anim && anim->animated();
    const Rgba text{200, 200, 200, 255};
    for (const FlatPanel& p : a.panels) {
        const Node& n = *p.node;
        const VizSettings& viz = viz_of(n);
        FigCells cells{ox + p.x * cell, oy + p.y * cell, p.cols * cell, p.rows * cell, p.cols, p.rows, {}};
        cells.px.resize(size_t(p.rows) * p.cols, background);
        if (animated) {
            const MatrixView v = anim->matrix(n);
            const Matrix& m = v.values();
            const MagnitudeRange range = v.range();
            for (int r = 0; r < p.rows; ++r)
                for (int c = 0; c < p.cols; ++c) {
                    if (!v.drawn(r, c)) continue;
                    const ElementLook look = element_look(m.at(r, c), range, viz);
                    if (look.size <= 0) continue;
                    cells.px[size_t(r) * p.cols + c] =
                        to_rgba(look.rgb, v.mode(r, c) == ElementMode::Highlighted ? kHighlightScale : 1.0f);
                }
        } else {
            const Matrix& m = model.matrix(n);
            const MagnitudeRange range = magnitude_range(viz.sensitivity, matrix_stats(m), model.global_absmax);
            for (int r = 0; r < p.rows; ++r)
                for (int c = 0; c < p.cols; ++c) {
                    const ElementLook look = element_look(m.at(r, c), range, viz);
                    if (look.size > 0) cells.px[size_t(r) * p.cols + c] = to_rgba(look.rgb, 1.0f);
                }
        }
        const Rgba frame{90, 90, 90, 255};
        const double x0 = cells.x, y0 = cells.y, x1 = cells.x + cells.w, y1 = cells.y + cells.h;
        fig.lines.push_back({x0, y0, x1, y0, 1, frame});
        fig.lines.push_back({x0, y1, x1, y1, 1, frame});
        fig.lines.push_back({x0, y0, x0, y1, 1, frame});
        fig.lines.push_back({x1, y0, x1, y1, 1, frame});
        fig.cells.push_back(std::move(cells));
        fig.texts.push_back({(x0 + x1) / 2, y1 + 12, 11, n.name, text, Anchor::middle});
    }
    return fig;
}

Image flat_image(const Model& model, const FlatArrangement& a, const Animation* anim, int width, int height,
                 const float background[3]) {
    auto c = [](float v) { return uint8_t(std::lround(std::clamp(v, 0.0f, 1.0f) * 255)); };
    const Rgba bg{c(background[0]), c(background[1]), c(background[2]), 255};
    RasterImage r = rasterize(flat_frame(model, a, anim, width, height, bg));
    Image img;
    img.width = r.width;
    img.height = r.height;
    img.rgba = std::move(r.rgba);
    return img;
}

}  // namespace mmr::flat
