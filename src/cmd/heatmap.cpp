// mmr heatmap: a flat picture of one matrix (of a scene, or from a tensor file), or a
// grid of panels (one per head), as PNG, SVG or PDF (docs/flat.md).
#include <cmath>
#include <iostream>

#include "commands.h"
#include "mmr/core/error.h"
#include "mmr/core/interrupt.h"
#include "mmr/flat/heatmap.h"
#include "mmr/flat/heatmap_source.h"
#include "mmr/model/build_model.h"
#include "mmr/model/data.h"

namespace mmr::cmd {
namespace {

struct HeatmapArgs {
    std::string input, output;
    std::string matrix, tensor, index, grid, colormap, limits, tokens, title, size = "1280";
    std::string theme = "light", background, aggregate = "mean", scale = "shared";
    bool transpose = false, symmetric = false, causal = false;
    int columns = 0, max_cells = 0;
    std::vector<std::string> data_dirs;
    bool allow_any_path = false;
    std::string seed;
};

std::vector<long long> parse_index(const std::string& text) {
    std::vector<long long> out;
    if (text.empty()) return out;
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find(',', start);
        if (end == std::string::npos) end = text.size();
        const std::string part = text.substr(start, end - start);
        size_t used = 0;
        long long v = -1;
        try {
            v = std::stoll(part, &used);
        } catch (...) {
            used = 0;
        }
        if (part.empty() || used != part.size() || v < 0)
            fail("--index " + text, "'" + part + "' is not an index", "write whole numbers >= 0 separated by commas, e.g. --index 0,3");
        out.push_back(v);
        start = end + 1;
    }
    return out;
}

std::pair<double, double> parse_limits(const std::string& text) {
    const size_t colon = text.find(':', text[0] == '-' ? 1 : 0);
    auto number = [&](const std::string& s) {
        size_t used = 0;
        double v = NAN;
        try {
            v = std::stod(s, &used);
        } catch (...) {
            used = 0;
        }
        if (s.empty() || used != s.size() || !std::isfinite(v))
            fail("--limits " + text, "'" + s + "' is not a finite number", "write MIN:MAX, e.g. --limits -1:1");
        return v;
    };
    if (colon == std::string::npos) fail("--limits " + text, "has no ':'", "write MIN:MAX, e.g. --limits 0:1");
    return {number(text.substr(0, colon)), number(text.substr(colon + 1))};
}


void run_heatmap(const HeatmapArgs& o) {
    interrupt::install(o.output + " was not written");
    check_output_path(o.output, {".png", ".svg", ".pdf"});
    flat::HeatmapOptions h;
    if (!o.colormap.empty()) h.colormap = flat::colormap_by_name(o.colormap, "--colormap");
    if (!o.limits.empty()) h.limits = parse_limits(o.limits);
    h.symmetric = o.symmetric;
    h.causal = o.causal;
    h.columns = o.columns;
    h.max_cells = o.max_cells;
    h.title = o.title;
    h.theme = o.theme;
    flat::theme_by_name(o.theme, "--theme");
    if (!o.background.empty()) h.background = parse_figure_background(o.background);
    h.aggregate = o.aggregate == "max" ? flat::Aggregate::max : o.aggregate == "absmax" ? flat::Aggregate::absmax : flat::Aggregate::mean;
    h.shared_scale = o.scale == "shared";
    {
        const size_t x = o.size.find('x');
        int w = 0, hh = 0;
        if (x == std::string::npos) {
            parse_size(o.size + "x" + o.size, w, hh);  // width only: height follows the panels
        } else {
            parse_size(o.size, w, hh);
            h.height = hh;
        }
        h.width = w;
    }

    std::vector<flat::Panel> panels;
    const std::optional<DataFormat> fmt = format_of_path(o.input);
    if (fmt) {
        if (!o.matrix.empty()) fail("--matrix", "names a matrix of a scene, and " + o.input + " is a tensor file", "use --tensor NAME for a tensor of the file");
        flat::TensorSelection sel;
        sel.tensor = o.tensor;
        sel.index = parse_index(o.index);
        sel.transpose = o.transpose;
        panels = flat::panels_from_file(o.input, sel, o.grid, "head");
    } else {
        if (!o.tensor.empty() || !o.index.empty() || !o.grid.empty())
            fail(o.input, "is a scene: --tensor, --index and --grid are for tensor files", "choose the matrix with --matrix NAME");
        SceneArgs common;
        common.data_dirs = o.data_dirs;
        common.allow_any_path = o.allow_any_path;
        common.seed = o.seed;
        SceneSpec spec = load_scene_args(o.input, common);
        Model model = build_model(spec);
        if (o.matrix.empty()) {
            std::string names;
            for (const std::string& n : flat::model_matrix_names(model)) names += (names.empty() ? "" : ", ") + n;
            fail(o.input, "which matrix?", "give --matrix NAME (" + names + ")");
        }
        panels.push_back(flat::panel_from_model(model, o.matrix));
        h.row_axis = o.matrix + " row";
        h.col_axis = o.matrix + " column";
    }
    if (o.transpose && !fmt) fail("--transpose", "is for tensor files", "leave it out");
    if (!o.tokens.empty()) {
        const std::vector<std::string> tokens = flat::read_tokens(o.tokens);
        h.row_labels = h.col_labels = tokens;
        if (panels[0].values.h != panels[0].values.w) {
            // Rectangular (e.g. decode: new queries x cached keys): tokens name the keys,
            // and the queries are the last rows.
            h.row_labels.assign(tokens.end() - std::min<size_t>(tokens.size(), size_t(panels[0].values.h)), tokens.end());
        }
        h.row_axis = "query";
        h.col_axis = "key";
    }
    flat::Figure fig = flat::heatmap_figure(panels, h);
    flat::FigureMetadata meta{{"Software", "mmr " MMR_VERSION}, {"command", command_line()}};
    if (!o.title.empty()) meta.push_back({"title", o.title});
    flat::write_figure(o.output, fig, meta);
}

}  // namespace

void add_heatmap(CLI::App& app) {
    auto opts = std::make_shared<HeatmapArgs>();
    CLI::App* sub = app.add_subcommand("heatmap", "Draw a matrix (of a scene or a tensor file) as a flat heatmap: PNG, SVG or PDF");
    sub->add_option("input", opts->input, "Scene (YAML, mm link, PNG written by mmr) or tensor file (.npy, .npz, .safetensors, .csv)")
        ->required();
    sub->add_option("-o,--output", opts->output, "Output file: .png, .svg or .pdf")->required();
    sub->add_option("--matrix", opts->matrix, "Scene input: the matrix to draw, by its name in the expression (a result after its epilog)");
    sub->add_option("--tensor", opts->tensor, "Tensor file: the tensor of an .npz or .safetensors file");
    sub->add_option("--index", opts->index, "Tensor file: indices of the leading axes, e.g. 0,3 (the last two axes are drawn)");
    sub->add_flag("--transpose", opts->transpose, "Tensor file: draw the slice transposed");
    sub->add_option("--grid", opts->grid, "Tensor file: one panel per index of this leading axis ('heads' = the last leading axis)");
    sub->add_option("--columns", opts->columns, "Panels per row of the grid (default about square)")->check(CLI::Range(1, 256));
    sub->add_option("--scale", opts->scale, "Colour scale of a grid: shared (one bar) or panel (one bar each)")
        ->check(CLI::IsMember({"shared", "panel"}));
    sub->add_option("--colormap", opts->colormap, "mm, viridis, magma, RdBu or gray (default: RdBu for signed data, else viridis)");
    sub->add_option("--limits", opts->limits, "Colour limits MIN:MAX (default: from the data; symmetric for RdBu and mm)");
    sub->add_flag("--symmetric", opts->symmetric, "Limits symmetric about zero");
    sub->add_flag("--causal", opts->causal, "Hatch the causal triangle (column > row + columns - rows): masked, not zero");
    sub->add_option("--tokens", opts->tokens, "Text file, one token per line: labels of the rows and columns");
    sub->add_option("--aggregate", opts->aggregate, "How a drawn cell sums up several values when the matrix has more cells than pixels: mean, max or absmax")
        ->check(CLI::IsMember({"mean", "max", "absmax"}));
    sub->add_option("--max-cells", opts->max_cells, "Aggregate down to at most this many cells per side (default: one cell per pixel)")
        ->check(CLI::Range(1, 1 << 20));
    sub->add_option("--size", opts->size, "Figure size WxH in pixels (96 per inch in PDF), or W with the height from the panels (default 1280)");
    sub->add_option("--title", opts->title, "Title above the figure");
    sub->add_option("--theme", opts->theme, "light (white page, default) or dark (mm's black page)");
    sub->add_option("--background", opts->background, "Page colour: '#rrggbb', '#rrggbbaa', white, black or transparent");
    sub->add_option("--data-dir", opts->data_dirs, "Scene input: folder where url data files are found (repeatable)")->allow_extra_args(false);
    sub->add_flag("--allow-any-path", opts->allow_any_path, "Scene input: read data files from anywhere");
    sub->add_option("--seed", opts->seed, "Scene input: seed for random inits");
    describe(sub, "INPUT -o OUT.{png,svg,pdf} [options]",
             {"mmr heatmap scenes/attn-head.yaml --matrix attn -o attn.svg",
              "mmr heatmap weights.safetensors --tensor h.0.attn.c_attn.weight -o w.png --colormap RdBu",
              "mmr heatmap attn_probs.npy --grid heads -o heads.pdf --tokens tokens.txt --causal"},
             std::string("0 written, 1 bad input, 2 usage error, 3 internal error, ") + kInterruptedCodes);
    sub->callback([opts] { run_heatmap(*opts); });
}

}  // namespace mmr::cmd
