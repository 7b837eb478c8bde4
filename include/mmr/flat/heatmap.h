// Heatmaps of matrices, alone or as a grid of panels (one per head, ...), with a colour
// bar, ticks, axis and token labels, a distinct causal triangle, and aggregation of
// matrices larger than the pixels they get (docs/flat.md).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "mmr/flat/colormap.h"
#include "mmr/flat/figure.h"
#include "mmr/model/matrix.h"

namespace mmr::flat {

struct Panel {
    std::string title;  // "" = none
    Matrix values;
};

enum class Aggregate { mean, max, absmax };

struct Theme {
    Rgba background, text, faint, frame, masked;
};
// "dark" (mm's black page) or "light" (white page, for print); throws mmr::Error naming `where`.
Theme theme_by_name(const std::string& name, const std::string& where);

struct HeatmapOptions {
    std::optional<Colormap> colormap;        // unset: RdBu for signed data, viridis otherwise
    std::optional<std::pair<double, double>> limits;  // unset: from the data
    bool symmetric = false;                  // limits ±max|v| (set automatically for RdBu/mm)
    bool shared_scale = true;                // one colour scale for all panels (else one bar each)
    bool causal = false;                     // cells j > i + (cols - rows) are masked
    int columns = 0;                         // grid columns (0 = about square)
    int max_cells = 0;                       // per side; 0 = the panel's pixels
    Aggregate aggregate = Aggregate::mean;
    double width = 1280, height = 0;         // height 0: from the panels' shape
    std::string title;                       // figure title ("" = none)
    std::string row_axis = "row", col_axis = "column";
    std::vector<std::string> row_labels, col_labels;  // tokens (empty: indices)
    std::string theme = "light";
    std::optional<Rgba> background;          // overrides the theme's (alpha 0 = transparent)
};

// What the layout decided, for tests and for the caption.
struct HeatmapInfo {
    double lo = 0, hi = 0;                 // colour limits (shared scale; else the first panel's)
    std::vector<std::pair<double, double>> panel_limits;
    int factor = 1;                        // each drawn cell aggregates factor x factor values
    std::string colormap;
    std::vector<double> ticks;             // colour-bar tick values (shared scale)
    struct Box {
        double x, y, w, h;
    };
    std::vector<Box> panels;               // where each panel's cells are drawn
    int grid_rows = 1, grid_cols = 1;
};

// Lays out the figure. Throws mmr::Error (e.g. limits with min >= max, label counts).
Figure heatmap_figure(const std::vector<Panel>& panels, const HeatmapOptions& opts, HeatmapInfo* info = nullptr);

// "Nice" values (1, 2, 5 x 10^k steps) covering [lo, hi], about `count` of them.
std::vector<double> nice_ticks(double lo, double hi, int count);
// A tick value as text: up to 3 significant digits, no trailing zeros ("0.25", "-1e+03").
std::string tick_label(double v);

}  // namespace mmr::flat
