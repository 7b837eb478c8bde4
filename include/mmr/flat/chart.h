// Line and point charts on linear or log axes (the kv-cache and roofline charts of
// docs/flat.md#charts), drawn as a flat Figure like the heatmaps.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "mmr/flat/colormap.h"
#include "mmr/flat/figure.h"

namespace mmr::flat {

enum class TickFormat {
    number,  // 3 significant digits
    tokens,  // 1k, 2k, 128k, 1M (powers of two counted in 1024s)
    bytes,   // 512 MiB, 80 GiB
    si,      // 1 T, 10 P (FLOP/s), 0.1 (intensity)
};

struct Series {
    std::string label;
    std::vector<std::pair<double, double>> points;  // (x, y)
    std::optional<Rgba> colour;   // default: the palette in order
    bool line = true;             // join the points
    bool markers = false;         // a square at each point
    std::vector<std::string> point_labels;  // "" or one per point, written beside it
};

struct HorizontalLine {  // e.g. a GPU's memory
    double y;
    std::string label;
};

struct ChartOptions {
    std::string title, x_label, y_label;
    bool log_x = false, log_y = false;
    TickFormat x_format = TickFormat::number, y_format = TickFormat::number;
    std::optional<std::pair<double, double>> x_range, y_range;  // default: the data's (log: whole decades)
    std::vector<HorizontalLine> hlines;
    double width = 960, height = 600;
    std::string theme = "light";
    std::optional<Rgba> background;
};

struct ChartInfo {
    double x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // the plot area in pixels
    std::pair<double, double> x_range, y_range;
    std::vector<double> x_ticks, y_ticks;
    // Where a data point lands, for tests.
    double px(double x) const;
    double py(double y) const;
    bool log_x = false, log_y = false;
};

Figure chart_figure(const std::vector<Series>& series, const ChartOptions& opts, ChartInfo* info = nullptr);

// The palette (Okabe & Ito: distinguishable with every common colour-vision deficiency).
const std::vector<Rgba>& series_palette();
std::string format_tick(double v, TickFormat f);

}  // namespace mmr::flat
