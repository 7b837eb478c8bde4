// Charts on linear or log axes (docs/flat.md#charts). Pure layout, like heatmap.cpp.
#include "mmr/flat/chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "mmr/core/error.h"
#include "mmr/flat/heatmap.h"

namespace mmr::flat {
namespace {

constexpr double kMargin = 24, kTickFont = 13, kAxisFont = 15, kTitleFont = 18, kTickLen = 5;

double ax(double v, bool log) { return log ? std::log10(v) : v; }

bool binary(TickFormat f) { return f == TickFormat::tokens || f == TickFormat::bytes; }

// Log axes end on whole decades, or on powers of two for token counts and bytes.
std::pair<double, double> widen(std::pair<double, double> r, bool log, TickFormat f) {
    if (log && binary(f)) {
        r = {std::pow(2, std::floor(std::log2(r.first) + 1e-9)), std::pow(2, std::ceil(std::log2(r.second) - 1e-9))};
        if (r.second <= r.first) r.second = r.first * 2;
    } else if (log) {
        r = {std::pow(10, std::floor(std::log10(r.first) + 1e-9)), std::pow(10, std::ceil(std::log10(r.second) - 1e-9))};
        if (r.second <= r.first) r.second = r.first * 10;
    } else if (!(r.second > r.first)) {
        const double pad = r.first == 0 ? 1 : std::fabs(r.first) * 0.5;
        r = {r.first - pad, r.second + pad};
    }
    return r;
}

std::vector<double> ticks_of(std::pair<double, double> r, bool log, TickFormat f) {
    if (!log) return nice_ticks(r.first, r.second, 6);
    std::vector<double> out;
    // Token and byte axes step in powers of two (1k, 2k, 4k, ... or 1, 4, 16 GiB), at most 9 ticks.
    if (binary(f)) {
        const double steps = std::log2(r.second / r.first);
        const double mult = std::pow(2, std::max(1.0, std::ceil(steps / 8)));
        for (double v = std::pow(2, std::ceil(std::log2(r.first) - 1e-9)); v <= r.second * (1 + 1e-9); v *= mult) out.push_back(v);
        return out;
    }
    const int decades = int(std::round(std::log10(r.second / r.first)));
    const int every = std::max(1, (decades + 7) / 8);
    for (int k = 0; k <= decades; k += every) out.push_back(r.first * std::pow(10, k));
    return out;
}

std::string trim(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", v);
    return buf;
}

}  // namespace

double ChartInfo::px(double x) const {
    const double a = ax(x_range.first, log_x), b = ax(x_range.second, log_x);
    return x0 + (x1 - x0) * (ax(x, log_x) - a) / (b - a);
}

double ChartInfo::py(double y) const {
    const double a = ax(y_range.first, log_y), b = ax(y_range.second, log_y);
    return y1 - (y1 - y0) * (ax(y, log_y) - a) / (b - a);
}

const std::vector<Rgba>& series_palette() {
    static const std::vector<Rgba> p = {{0, 114, 178, 255},  {213, 94, 0, 255},   {0, 158, 115, 255},
                                        {204, 121, 167, 255}, {230, 159, 0, 255}, {86, 180, 233, 255},
                                        {120, 120, 120, 255}};
    return p;
}

std::string format_tick(double v, TickFormat f) {
    switch (f) {
        case TickFormat::tokens: {
            if (v >= 1048576 && std::fmod(v, 1048576) == 0) return trim(v / 1048576) + "M";
            if (v >= 1024 && std::fmod(v, 1024) == 0) return trim(v / 1024) + "k";
            return trim(v);
        }
        case TickFormat::bytes: {
            const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
            int u = 0;
            while (std::fabs(v) >= 1024 && u < 5) v /= 1024, ++u;
            return trim(v) + " " + units[u];
        }
        case TickFormat::si: {
            const char* units[] = {"", " k", " M", " G", " T", " P", " E"};
            int u = 0;
            while (std::fabs(v) >= 1000 && u < 6) v /= 1000, ++u;
            return trim(v) + units[u];
        }
        default: return trim(v);
    }
}

Figure chart_figure(const std::vector<Series>& series, const ChartOptions& o, ChartInfo* info) {
    const Theme th = theme_by_name(o.theme, "--theme");
    // Data ranges (log axes take positive values only).
    std::pair<double, double> xr{std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()}, yr = xr;
    for (const Series& s : series)
        for (const auto& [x, y] : s.points) {
            if (!std::isfinite(x) || !std::isfinite(y) || (o.log_x && x <= 0) || (o.log_y && y <= 0)) continue;
            xr = {std::min(xr.first, x), std::max(xr.second, x)};
            yr = {std::min(yr.first, y), std::max(yr.second, y)};
        }
    for (const HorizontalLine& h : o.hlines)
        if (std::isfinite(h.y) && (!o.log_y || h.y > 0)) yr = {std::min(yr.first, h.y), std::max(yr.second, h.y)};
    if (!(xr.first <= xr.second) || !(yr.first <= yr.second)) fail("chart", "has no point to draw", "give data with finite values (positive on log axes)");
    ChartInfo in;
    in.log_x = o.log_x;
    in.log_y = o.log_y;
    in.x_range = o.x_range ? *o.x_range : widen(xr, o.log_x, o.x_format);
    in.y_range = o.y_range ? *o.y_range : widen(yr, o.log_y, o.y_format);
    if (!o.log_y && !o.y_range && in.y_range.first > 0) in.y_range.first = 0;  // linear values from zero
    in.x_ticks = ticks_of(in.x_range, o.log_x, o.x_format);
    in.y_ticks = ticks_of(in.y_range, o.log_y, o.y_format);

    double y_label_w = 0;
    for (double t : in.y_ticks) y_label_w = std::max(y_label_w, text_width(format_tick(t, o.y_format), kTickFont));
    const double title_h = o.title.empty() ? 0 : kTitleFont + 14;
    in.x0 = kMargin + kAxisFont + 10 + y_label_w + kTickLen + 4;
    in.x1 = o.width - kMargin;
    in.y0 = kMargin + title_h;
    in.y1 = o.height - kMargin - kAxisFont - 10 - kTickFont - kTickLen - 6;
    if (in.x1 - in.x0 < 80 || in.y1 - in.y0 < 80) fail("--size", "is too small for a chart", "give at least 400x300");

    Figure fig;
    fig.width = o.width;
    fig.height = o.height;
    fig.background = o.background ? *o.background : th.background;
    if (!o.title.empty()) fig.texts.push_back({o.width / 2, kMargin + kTitleFont, kTitleFont, o.title, th.text, Anchor::middle, 0, true});
    const Rgba grid{th.faint.r, th.faint.g, th.faint.b, 60};
    for (double t : in.x_ticks) {
        const double x = in.px(t);
        fig.lines.push_back({x, in.y0, x, in.y1, 1, grid});
        fig.lines.push_back({x, in.y1, x, in.y1 + kTickLen, 1, th.frame});
        fig.texts.push_back({x, in.y1 + kTickLen + 3 + kTickFont, kTickFont, format_tick(t, o.x_format), th.text, Anchor::middle});
    }
    for (double t : in.y_ticks) {
        const double y = in.py(t);
        fig.lines.push_back({in.x0, y, in.x1, y, 1, grid});
        fig.lines.push_back({in.x0 - kTickLen, y, in.x0, y, 1, th.frame});
        fig.texts.push_back({in.x0 - kTickLen - 3, y + kTickFont * 0.36, kTickFont, format_tick(t, o.y_format), th.text, Anchor::end});
    }
    fig.lines.push_back({in.x0, in.y1, in.x1, in.y1, 1, th.frame});
    fig.lines.push_back({in.x0, in.y0, in.x0, in.y1, 1, th.frame});
    fig.texts.push_back({(in.x0 + in.x1) / 2, o.height - kMargin + 4, kAxisFont, o.x_label, th.text, Anchor::middle});
    fig.texts.push_back({kMargin + kAxisFont, (in.y0 + in.y1) / 2, kAxisFont, o.y_label, th.text, Anchor::middle, 90});

    auto inside = [&](double x, double y) { return x >= in.x0 - 0.5 && x <= in.x1 + 0.5 && y >= in.y0 - 0.5 && y <= in.y1 + 0.5; };
    for (const HorizontalLine& h : o.hlines) {
        const double y = in.py(h.y);
        if (!inside(in.x0, y)) continue;
        fig.lines.push_back({in.x0, y, in.x1, y, 1.5, th.faint});
        fig.texts.push_back({in.x1 - 4, y - 5, kTickFont, h.label, th.faint, Anchor::end});
    }
    const auto& pal = series_palette();
    double legend_y = in.y0 + 8;
    // Point labels that would overlap one already placed (or the legend) are left out.
    struct Box {
        double x0, y0, x1, y1;
    };
    std::vector<Box> placed;
    for (const Series& se : series)
        if (!se.label.empty()) placed.push_back({in.x0, in.y0, in.x0 + 48 + text_width(se.label, kTickFont), legend_y += kTickFont + 6});
    legend_y = in.y0 + 8;
    auto free_at = [&](const Box& b) {
        for (const Box& p : placed)
            if (b.x0 < p.x1 && p.x0 < b.x1 && b.y0 < p.y1 && p.y0 < b.y1) return false;
        return b.x1 <= in.x1;
    };
    for (size_t s = 0; s < series.size(); ++s) {
        const Series& se = series[s];
        const Rgba c = se.colour ? *se.colour : pal[s % pal.size()];
        for (size_t i = 0; i < se.points.size(); ++i) {
            const double x = in.px(se.points[i].first), y = in.py(se.points[i].second);
            if (se.line && i > 0) {
                const double xp = in.px(se.points[i - 1].first), yp = in.py(se.points[i - 1].second);
                if (inside(x, y) && inside(xp, yp)) fig.lines.push_back({xp, yp, x, y, 2, c});
            }
            if (se.markers && inside(x, y)) fig.rects.push_back({x - 3.5, y - 3.5, 7, 7, c});
            if (i < se.point_labels.size() && !se.point_labels[i].empty() && inside(x, y)) {
                const Box b{x + 6, y - 6 - kTickFont, x + 6 + text_width(se.point_labels[i], kTickFont - 1), y - 4};
                if (free_at(b)) {
                    placed.push_back(b);
                    fig.texts.push_back({x + 6, y - 6, kTickFont - 1, se.point_labels[i], th.text});
                }
            }
        }
        if (!se.label.empty()) {
            if (se.line)
                fig.lines.push_back({in.x0 + 12, legend_y, in.x0 + 34, legend_y, 3, c});
            else
                fig.rects.push_back({in.x0 + 19.5, legend_y - 3.5, 7, 7, c});
            fig.texts.push_back({in.x0 + 40, legend_y + kTickFont * 0.36, kTickFont, se.label, th.text});
            legend_y += kTickFont + 6;
        }
    }
    if (info) *info = in;
    return fig;
}

}  // namespace mmr::flat
