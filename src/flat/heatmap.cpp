// Heatmap figures: panels of cells in a grid, colour bars, ticks, labels, the causal
// triangle and aggregation (docs/flat.md). Pure layout: the back ends draw the Figure.
#include "mmr/flat/heatmap.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "mmr/core/error.h"

namespace mmr::flat {
namespace {

constexpr double kMargin = 24, kGap = 28;
constexpr double kTickFont = 13, kAxisFont = 15, kPanelTitleFont = 15, kTitleFont = 20;
constexpr double kBarWidth = 18, kTickLen = 4;

bool masked(int i, int j, int rows, int cols, bool causal) { return causal && j > i + (cols - rows); }

// The drawn cells of a panel: values aggregated factor x factor; NaN = masked.
Matrix aggregate(const Matrix& m, int f, Aggregate how, bool causal) {
    const int rows = (m.h + f - 1) / f, cols = (m.w + f - 1) / f;
    Matrix out(rows, cols, std::numeric_limits<float>::quiet_NaN());
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) {
            double acc = 0, best = 0;
            int n = 0;
            for (int i = r * f; i < std::min(m.h, (r + 1) * f); ++i)
                for (int j = c * f; j < std::min(m.w, (c + 1) * f); ++j) {
                    if (masked(i, j, m.h, m.w, causal)) continue;
                    const double v = m.at(i, j);
                    if (how == Aggregate::mean) acc += v;
                    else if (n == 0 || (how == Aggregate::max ? v > best : std::fabs(v) > std::fabs(best))) best = v;
                    ++n;
                }
            if (n) out.at(r, c) = float(how == Aggregate::mean ? acc / n : best);
        }
    return out;
}

std::pair<double, double> data_range(const Matrix& m, bool causal) {
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (int i = 0; i < m.h; ++i)
        for (int j = 0; j < m.w; ++j) {
            if (masked(i, j, m.h, m.w, causal)) continue;
            const double v = m.at(i, j);
            if (!std::isfinite(v)) continue;
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
    if (lo > hi) lo = hi = 0;
    return {lo, hi};
}

// Final limits of a range: symmetric about zero if asked, never empty.
std::pair<double, double> settle(std::pair<double, double> r, bool symmetric) {
    if (symmetric) {
        const double a = std::max(std::fabs(r.first), std::fabs(r.second));
        r = {-a, a};
    }
    if (!(r.second > r.first)) {
        const double pad = r.first == 0 ? 1 : std::fabs(r.first) * 0.5;
        r = {r.first - pad, r.second + pad};
    }
    return r;
}

struct Decor {
    double left = 0, bottom = 0, top = 0, right = 0;  // around each panel's cells
};

std::vector<int> index_ticks(int n, double pixels) {
    // Integer positions 0..n-1 at a 1-2-5 step leaving >= 40 px between labels.
    const double want = std::max(1.0, n / std::max(1.0, pixels / 40));
    const double p = std::pow(10, std::floor(std::log10(want)));
    double step = p;
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * p >= want) { step = m * p; break; }
    std::vector<int> out;
    for (double v = 0; v < n; v += step) out.push_back(int(v));
    return out;
}

}  // namespace

std::vector<double> nice_ticks(double lo, double hi, int count) {
    std::vector<double> out;
    if (!(hi > lo) || count < 1) return out;
    const double raw = (hi - lo) / count;
    const double p = std::pow(10, std::floor(std::log10(raw)));
    double step = 10 * p;
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (m * p >= raw) { step = m * p; break; }
    const double eps = step * 1e-9;
    for (double k = std::ceil((lo - eps) / step); k * step <= hi + eps; k += 1) {
        const double v = k * step;
        out.push_back(std::fabs(v) < eps ? 0.0 : v);
    }
    return out;
}

std::string tick_label(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", v);
    return buf;
}

Theme theme_by_name(const std::string& name, const std::string& where) {
    if (name == "light") return Theme{{255, 255, 255, 255}, {26, 26, 26, 255}, {90, 90, 90, 255}, {68, 68, 68, 255}, {233, 233, 233, 255}};
    if (name == "dark") return Theme{{0, 0, 0, 255}, {235, 235, 235, 255}, {170, 170, 170, 255}, {150, 150, 150, 255}, {38, 38, 38, 255}};
    fail(where, "unknown theme '" + name + "'", "use 'light' (white page, for print) or 'dark' (mm's black page)");
}

Figure heatmap_figure(const std::vector<Panel>& panels, const HeatmapOptions& o, HeatmapInfo* info) {
    if (panels.empty()) fail("heatmap", "nothing to draw", "give a matrix");
    const Theme th = theme_by_name(o.theme, "--theme");
    if (o.limits && !(o.limits->second > o.limits->first))
        fail("--limits", "min " + tick_label(o.limits->first) + " is not below max " + tick_label(o.limits->second),
             "write MIN:MAX with MIN < MAX, e.g. --limits -1:1");
    int rows = 0, cols = 0;
    for (const Panel& p : panels) {
        rows = std::max(rows, p.values.h);
        cols = std::max(cols, p.values.w);
    }
    if (!o.row_labels.empty() && int(o.row_labels.size()) != rows)
        fail("--tokens", std::to_string(o.row_labels.size()) + " tokens for " + std::to_string(rows) + " rows",
             "give one token per row (one per line)");
    if (!o.col_labels.empty() && int(o.col_labels.size()) != cols)
        fail("--tokens", std::to_string(o.col_labels.size()) + " tokens for " + std::to_string(cols) + " columns",
             "give one token per column (one per line)");

    // Colour scale(s).
    bool any_negative = false;
    std::vector<std::pair<double, double>> ranges;
    for (const Panel& p : panels) {
        ranges.push_back(data_range(p.values, o.causal));
        any_negative = any_negative || ranges.back().first < 0;
    }
    const Colormap cmap = o.colormap ? *o.colormap : Colormap{any_negative ? ColormapKind::rdbu : ColormapKind::viridis};
    const bool symmetric = o.symmetric || (cmap.diverging() && !o.limits);
    std::pair<double, double> shared = ranges[0];
    for (const auto& r : ranges) shared = {std::min(shared.first, r.first), std::max(shared.second, r.second)};
    // Non-negative data that starts near zero (probabilities, counts) is scaled from 0.
    auto from_zero = [](std::pair<double, double> r) {
        if (r.first >= 0 && r.first < 0.25 * r.second) r.first = 0;
        return r;
    };
    std::vector<std::pair<double, double>> limits;
    for (const auto& r : ranges)
        limits.push_back(o.limits ? *o.limits : settle(from_zero(o.shared_scale ? shared : r), symmetric));

    // Decorations around each panel's cells.
    const bool titles = std::any_of(panels.begin(), panels.end(), [](const Panel& p) { return !p.title.empty(); });
    double row_label_w = 0, col_label_h = kTickFont + 4;
    for (const std::string& t : o.row_labels) row_label_w = std::max(row_label_w, text_width(t, kTickFont));
    if (o.row_labels.empty()) row_label_w = text_width(std::to_string(std::max(0, rows - 1)), kTickFont);
    for (const std::string& t : o.col_labels) col_label_h = std::max(col_label_h, text_width(t, kTickFont) + 4);
    auto bar_width = [&](std::pair<double, double> lim) {
        double w = 0;
        for (double t : nice_ticks(lim.first, lim.second, 5)) w = std::max(w, text_width(tick_label(t), kTickFont));
        return kBarWidth + kTickLen + 6 + w;
    };
    Decor d;
    d.left = kAxisFont + 8 + row_label_w + kTickLen + 4;
    d.bottom = kTickLen + 4 + col_label_h + kAxisFont + 8;
    d.top = titles ? kPanelTitleFont + 10 : 4;
    d.right = o.shared_scale ? 0 : 14 + bar_width(limits[0]);
    const double shared_bar = o.shared_scale ? 20 + bar_width(limits[0]) : 0;

    const int n = int(panels.size());
    int gcols = o.columns > 0 ? std::min(o.columns, n) : int(std::ceil(std::sqrt(double(n))));
    const int grows = (n + gcols - 1) / gcols;
    const double title_h = o.title.empty() ? 0 : kTitleFont + 16;
    const double avail_w = o.width - 2 * kMargin - shared_bar - gcols * (d.left + d.right) - (gcols - 1) * kGap;
    double cell = avail_w / (gcols * double(cols));
    if (o.height > 0) {
        const double avail_h = o.height - 2 * kMargin - title_h - grows * (d.top + d.bottom) - (grows - 1) * kGap;
        cell = std::min(cell, avail_h / (grows * double(rows)));
    }
    if (!(cell * std::max(rows, cols) >= 8))
        fail("--size", "leaves no room for the panels (" + std::to_string(gcols) + "x" + std::to_string(grows) + " grid)",
             "give a larger --size or fewer panels per row (--columns)");
    const double pw = cell * cols, ph = cell * rows;
    const double width = o.width;
    const double height = o.height > 0 ? o.height : std::ceil(2 * kMargin + title_h + grows * (d.top + d.bottom + ph) + (grows - 1) * kGap);

    // Aggregation: no drawn cell smaller than a pixel (or --max-cells per side).
    int factor = 1;
    const int max_side = o.max_cells > 0 ? o.max_cells : int(std::floor(std::min(pw / cols, ph / rows) * std::max(rows, cols)));
    while ((std::max(rows, cols) + factor - 1) / factor > std::max(1, max_side)) ++factor;

    Figure fig;
    fig.width = width;
    fig.height = height;
    fig.background = o.background ? *o.background : th.background;
    HeatmapInfo in;
    in.factor = factor;
    in.colormap = cmap.name();
    in.grid_rows = grows;
    in.grid_cols = gcols;
    in.panel_limits = limits;
    in.lo = limits[0].first;
    in.hi = limits[0].second;

    if (!o.title.empty())
        fig.texts.push_back({width / 2, kMargin + kTitleFont, kTitleFont, o.title, th.text, Anchor::middle, 0, true});

    auto colour_bar = [&](double x, double y, double h, std::pair<double, double> lim) {
        FigCells bar{x, y, kBarWidth, h, 1, 256, {}};
        for (int k = 0; k < 256; ++k)
            bar.px.push_back(cmap.map(lim.second - (lim.second - lim.first) * (k + 0.5) / 256, lim.first, lim.second, th.background));
        fig.cells.push_back(std::move(bar));
        const double x1 = x + kBarWidth;
        fig.lines.push_back({x, y, x1, y, 1, th.frame});
        fig.lines.push_back({x, y + h, x1, y + h, 1, th.frame});
        fig.lines.push_back({x, y, x, y + h, 1, th.frame});
        fig.lines.push_back({x1, y, x1, y + h, 1, th.frame});
        std::vector<double> ticks = nice_ticks(lim.first, lim.second, 5);
        for (double t : ticks) {
            const double ty = y + h * (lim.second - t) / (lim.second - lim.first);
            fig.lines.push_back({x1, ty, x1 + kTickLen, ty, 1, th.frame});
            fig.texts.push_back({x1 + kTickLen + 4, ty + kTickFont * 0.36, kTickFont, tick_label(t), th.text});
        }
        return ticks;
    };

    const double grid_top = kMargin + title_h;
    for (int p = 0; p < n; ++p) {
        const int gr = p / gcols, gc = p % gcols;
        const double x = kMargin + gc * (d.left + pw + d.right + kGap) + d.left;
        const double y = grid_top + gr * (d.top + ph + d.bottom + kGap) + d.top;
        const Matrix& m = panels[p].values;
        const double w = cell * m.w, h = cell * m.h;
        in.panels.push_back({x, y, w, h});
        const auto lim = limits[p];

        // Cells.
        const Matrix agg = aggregate(m, factor, o.aggregate, o.causal);
        FigCells cells{x, y, w, h, agg.w, agg.h, {}};
        cells.px.reserve(size_t(agg.w) * agg.h);
        for (int i = 0; i < agg.h; ++i)
            for (int j = 0; j < agg.w; ++j) {
                const float v = agg.at(i, j);
                cells.px.push_back(std::isnan(v) ? th.masked : cmap.map(v, lim.first, lim.second, th.background));
            }
        fig.cells.push_back(std::move(cells));

        // The causal triangle: hatched, so it reads as "not computed", not as zeros.
        if (o.causal) {
            const int off = m.w - m.h;
            const double step = std::max(1.0, 9 * std::sqrt(2.0) / cell);  // ~9 px apart
            for (double dd = off + 1; dd < m.w; dd += step) {
                const double y0 = std::max(0.0, -dd), y1 = std::min(double(m.h), m.w - dd);
                if (y1 <= y0) continue;
                fig.lines.push_back({x + (y0 + dd) * cell, y + y0 * cell, x + (y1 + dd) * cell, y + y1 * cell, 1,
                                     Rgba{th.faint.r, th.faint.g, th.faint.b, 140}});
            }
        }

        // Frame, ticks and labels.
        fig.lines.push_back({x, y, x + w, y, 1, th.frame});
        fig.lines.push_back({x, y + h, x + w, y + h, 1, th.frame});
        fig.lines.push_back({x, y, x, y + h, 1, th.frame});
        fig.lines.push_back({x + w, y, x + w, y + h, 1, th.frame});
        auto row_ticks = o.row_labels.empty() ? index_ticks(m.h, h) : std::vector<int>{};
        if (!o.row_labels.empty()) {
            const int every = std::max(1, int(std::ceil((kTickFont + 2) / cell)));
            for (int i = 0; i < m.h; i += every) row_ticks.push_back(i);
        }
        for (int i : row_ticks) {
            const double ty = y + (i + 0.5) * cell;
            fig.lines.push_back({x - kTickLen, ty, x, ty, 1, th.frame});
            const std::string label = o.row_labels.empty() ? std::to_string(i) : o.row_labels[i];
            fig.texts.push_back({x - kTickLen - 3, ty + kTickFont * 0.36, kTickFont, label, th.text, Anchor::end});
        }
        auto col_ticks = o.col_labels.empty() ? index_ticks(m.w, w) : std::vector<int>{};
        if (!o.col_labels.empty()) {
            const int every = std::max(1, int(std::ceil((kTickFont + 2) / cell)));
            for (int j = 0; j < m.w; j += every) col_ticks.push_back(j);
        }
        for (int j : col_ticks) {
            const double tx = x + (j + 0.5) * cell;
            fig.lines.push_back({tx, y + h, tx, y + h + kTickLen, 1, th.frame});
            if (o.col_labels.empty())
                fig.texts.push_back({tx, y + h + kTickLen + 3 + kTickFont, kTickFont, std::to_string(j), th.text, Anchor::middle});
            else  // tokens read downwards, ending under their column
                fig.texts.push_back({tx + kTickFont * 0.36, y + h + kTickLen + 3, kTickFont, o.col_labels[j], th.text, Anchor::end, 90});
        }
        fig.texts.push_back({x + w / 2, y + h + d.bottom - 6, kAxisFont, o.col_axis, th.text, Anchor::middle});
        fig.texts.push_back({x - d.left + kAxisFont, y + h / 2, kAxisFont, o.row_axis, th.text, Anchor::middle, 90});
        if (!panels[p].title.empty())
            fig.texts.push_back({x + w / 2, y - 8, kPanelTitleFont, panels[p].title, th.text, Anchor::middle});
        if (!o.shared_scale) {
            auto t = colour_bar(x + w + 14, y, h, lim);
            if (p == 0) in.ticks = t;
        }
    }
    if (o.shared_scale) {
        const double bx = width - kMargin - shared_bar + 20;
        const double by = grid_top + d.top;
        const double bh = grows * (ph + d.top + d.bottom) + (grows - 1) * kGap - d.top - d.bottom;
        in.ticks = colour_bar(bx, by, bh, limits[0]);
    }
    // What the reader must know about the cells.
    std::string note;
    if (factor > 1) {
        const char* how = o.aggregate == Aggregate::mean ? "mean" : o.aggregate == Aggregate::max ? "max" : "largest |value|";
        note = "each cell: " + std::string(how) + " of " + std::to_string(factor) + "\u00d7" + std::to_string(factor) + " values";
    }
    if (o.causal) note += std::string(note.empty() ? "" : "; ") + "hatched: masked (causal)";
    if (!note.empty()) fig.texts.push_back({kMargin, height - 8, kTickFont, note, th.faint});
    if (info) *info = in;
    return fig;
}

}  // namespace mmr::flat
