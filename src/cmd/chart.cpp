// mmr chart kv-cache|roofline SCENES... -o OUT: charts of the cost model (`mmr stats`'s
// numbers) as PNG, SVG or PDF (docs/flat.md#charts).
#include <cmath>
#include <filesystem>
#include <iostream>

#include "commands.h"
#include "mmr/core/atomic_write.h"
#include "mmr/core/error.h"
#include "mmr/core/interrupt.h"
#include "mmr/flat/cost_charts.h"
#include "mmr/flat/heatmap.h"
#include "mmr/scene/load_scene.h"
#include "mmr/stats/stats_overlay.h"

namespace mmr::cmd {
namespace {

struct ChartArgs {
    std::string kind, output, data, gpu, gpus_file, context = "1k:128k", dtype, title, size = "960x600";
    std::string theme = "light", background;
    std::vector<std::string> scenes;
    long long layers = 1, batch = 1;
    bool linear = false;
};

void run_chart(const ChartArgs& o) {
    interrupt::install(o.output + " was not written");
    check_output_path(o.output, {".png", ".svg", ".pdf"});
    if (!o.data.empty()) check_output_path(o.data, {".csv"});
    if (o.kind != "kv-cache" && o.kind != "roofline")
        fail("chart " + o.kind, "is not a chart kind", o.kind.find("kv") != std::string::npos ? "did you mean 'kv-cache'?" : "use kv-cache or roofline");
    flat::ChartOptions c;
    {
        int w = 0, h = 0;
        parse_size(o.size, w, h);
        c.width = w;
        c.height = h;
    }
    c.theme = o.theme;
    flat::theme_by_name(o.theme, "--theme");
    if (!o.background.empty()) c.background = parse_figure_background(o.background);

    std::vector<Gpu> all;
    read_gpu_table(default_gpu_table_path(), all);
    if (!o.gpus_file.empty()) read_gpu_table(o.gpus_file, all);
    const std::string default_gpus = o.kind == "roofline" ? "a100-sxm-80gb,h100-sxm" : "";
    const std::vector<Gpu> gpus = (o.gpu.empty() && default_gpus.empty()) ? std::vector<Gpu>{}
                                                                            : select_gpus(all, o.gpu.empty() ? default_gpus : o.gpu, "--gpu");

    std::vector<flat::NamedCost> costs;
    for (const std::string& path : o.scenes) {
        SceneSpec spec = load_scene(path, LoadOptions{});
        costs.push_back({std::filesystem::path(path).stem().string(), scene_cost(spec, o.dtype)});
    }
    std::vector<flat::Series> series;
    if (o.kind == "kv-cache") {
        flat::KvChartOptions k;
        const size_t colon = o.context.find(':');
        if (colon == std::string::npos) fail("--context " + o.context, "has no ':'", "write FROM:TO, e.g. --context 1k:128k");
        k.context_lo = flat::parse_token_count(o.context.substr(0, colon), "--context");
        k.context_hi = flat::parse_token_count(o.context.substr(colon + 1), "--context");
        if (!(k.context_hi > k.context_lo)) fail("--context " + o.context, "FROM is not below TO", "write e.g. --context 1k:128k");
        k.layers = o.layers;
        k.batch = o.batch;
        series = flat::kv_cache_series(costs, k);
        c.hlines = flat::gpu_memory_lines(gpus);
        c.log_x = true;
        c.log_y = !o.linear;
        c.x_format = flat::TickFormat::tokens;
        c.y_format = flat::TickFormat::bytes;
        c.x_label = "context (tokens)";
        c.y_label = "KV cache (" + std::to_string(k.layers) + " layer" + (k.layers > 1 ? "s" : "") + ", " +
                    std::to_string(k.batch) + " request" + (k.batch > 1 ? "s" : "") + ", " + costs[0].cost.dtype + ")";
        c.title = o.title.empty() ? "KV cache vs context" : o.title;
    } else {
        const std::string dtype = o.dtype.empty() ? costs[0].cost.dtype : o.dtype;
        double lo = 1e9, hi = 0;
        for (const auto& nc : costs)
            for (const OpCost& op : nc.cost.ops)
                if (op.flops > 0 && op.bytes() > 0) lo = std::min(lo, op.intensity()), hi = std::max(hi, op.intensity());
        if (hi <= 0) fail(o.scenes[0], "has no op with FLOPs and bytes", "give a scene with matmuls");
        for (const Gpu& g : gpus)
            if (auto p = g.peak_flops.count(dtype) ? g.peak_flops.at(dtype) : std::nullopt) hi = std::max(hi, *p / g.hbm_bytes_per_s * 4);
        const std::pair<double, double> range{std::pow(10, std::floor(std::log10(lo / 2))), std::pow(10, std::ceil(std::log10(hi)))};
        series = flat::roofline_series(costs, gpus, dtype, range);
        c.log_x = c.log_y = true;
        c.x_range = range;
        c.x_format = flat::TickFormat::si;
        c.y_format = flat::TickFormat::si;
        c.x_label = "arithmetic intensity (FLOP/byte)";
        c.y_label = "attainable FLOP/s (" + dtype + ", dense)";
        c.title = o.title.empty() ? "roofline" : o.title;
    }
    flat::Figure fig = flat::chart_figure(series, c);
    if (!o.data.empty()) write_file_atomically(o.data, flat::series_csv(series), "--data " + o.data);
    flat::write_figure(o.output, fig, {{"Software", "mmr " MMR_VERSION}, {"command", command_line()}, {"title", c.title}});
}

}  // namespace

void add_chart(CLI::App& app) {
    auto opts = std::make_shared<ChartArgs>();
    CLI::App* sub = app.add_subcommand("chart", "Chart the cost model: kv-cache (KV memory vs context) or roofline, as PNG, SVG or PDF");
    sub->add_option("kind", opts->kind, "kv-cache or roofline")->required();
    sub->add_option("scenes", opts->scenes, "Scenes (attention presets for kv-cache; any scene for roofline)")->required();
    sub->add_option("-o,--output", opts->output, "Output file: .png, .svg or .pdf")->required();
    sub->add_option("--gpu", opts->gpu, "GPUs, comma-separated ids of the GPU table (kv-cache: memory lines; roofline: default a100-sxm-80gb,h100-sxm)");
    sub->add_option("--gpus", opts->gpus_file, "A GPU table (YAML) adding or replacing GPUs, as for mmr stats");
    sub->add_option("--dtype", opts->dtype, "Element type (default: the scene's)");
    sub->add_option("--context", opts->context, "kv-cache: context range FROM:TO in tokens (k = 1024), default 1k:128k");
    sub->add_option("--layers", opts->layers, "kv-cache: layers counted (default 1)")->check(CLI::Range(1LL, 100000LL));
    sub->add_option("--batch", opts->batch, "kv-cache: requests counted (default 1)")->check(CLI::Range(1LL, 1000000LL));
    sub->add_flag("--linear", opts->linear, "kv-cache: a linear memory axis (default log)");
    sub->add_option("--data", opts->data, "Also write the plotted points as CSV (series,x,y,label)");
    sub->add_option("--size", opts->size, "Figure size WxH in pixels (default 960x600)");
    sub->add_option("--title", opts->title, "Title");
    sub->add_option("--theme", opts->theme, "light (default) or dark");
    sub->add_option("--background", opts->background, "Page colour: '#rrggbb', '#rrggbbaa', a colour name or transparent");
    describe(sub, "KIND SCENE... -o OUT.{png,svg,pdf} [options]",
             {"mmr chart kv-cache scenes/attention/*-decode.yaml -o kv.svg --context 1k:128k --gpu h100-sxm",
              "mmr chart roofline scenes/attention/llama-gqa-decode.yaml --gpu a100-sxm-80gb,h100-sxm,b200-hgx -o roof.pdf"},
             std::string("0 written, 1 bad input, 2 usage error, 3 internal error, ") + kInterruptedCodes);
    sub->callback([opts] { run_chart(*opts); });
}

}  // namespace mmr::cmd
