// mmr stats: what a scene's matmuls (or an attention preset's layer) cost, per GPU.
#include <yaml-cpp/yaml.h>

#include <iostream>

#include "commands.h"
#include "mmr/core/error.h"
#include "mmr/model/build_model.h"
#include "mmr/preset/attention.h"
#include "mmr/scene/load_scene.h"
#include "mmr/stats/cost.h"
#include "mmr/stats/gpus.h"
#include "mmr/stats/report.h"

namespace mmr::cmd {
namespace {

struct StatsArgs {
    std::string scene, gpu = "h100-sxm", dtype;
    std::vector<std::string> gpu_files, data_dirs;
    bool json = false, csv = false, allow_any_path = false;
};

void run_stats(const StatsArgs& a) {
    if (a.json && a.csv) fail("--json, --csv", "give one output format", "drop --json or --csv");
    std::vector<Gpu> table;
    read_gpu_table(default_gpu_table_path(), table);
    for (const auto& f : a.gpu_files) read_gpu_table(f, table);
    const std::vector<Gpu> gpus =
        a.gpu == "all" ? table : select_gpus(table, a.gpu, "--gpu " + a.gpu);
    if (!a.dtype.empty()) dtype_bytes(a.dtype, "--dtype " + a.dtype);

    const SceneSpec spec = load_scene(a.scene, LoadOptions{a.data_dirs, a.allow_any_path});
    SceneCost cost;
    if (spec.preset == "attention") {
        AttentionSpec at = parse_attention(YAML::Load(spec.text)["attention"], spec.path);
        if (!a.dtype.empty()) at.dtype = a.dtype;
        cost = cost_of_attention(at);
    } else {
        const Model model = build_structure(spec);  // shapes only: no values are computed
        cost = cost_of_model(model, a.dtype.empty() ? "bf16" : a.dtype);
    }
    std::cout << (a.json ? stats_json(a.scene, cost, gpus) : a.csv ? stats_csv(cost, gpus)
                                                                   : stats_table(a.scene, cost, gpus));
    finish_stdout();
}

}  // namespace

void add_stats(CLI::App& app) {
    auto opts = std::make_shared<StatsArgs>();
    CLI::App* sub = app.add_subcommand("stats", "Print FLOPs, bytes, intensity and roofline times of a scene");
    sub->add_option("scene", opts->scene, "Scene file (YAML, also an attention preset), mm link or params JSON file")
        ->required();
    sub->add_option("--gpu", opts->gpu,
                    "GPU ids from the GPU table, comma-separated, or 'all' (default h100-sxm; see docs/stats.md)");
    sub->add_option("--gpus", opts->gpu_files, "Another GPU table (YAML) whose entries add to or replace the "
                                                "shipped ones (repeatable)")
        ->allow_extra_args(false);
    sub->add_option("--dtype", opts->dtype,
                    "Element type: fp32, tf32, bf16, fp16, fp8 (default bf16; presets: attention.dtype)");
    sub->add_flag("--json", opts->json, "Print JSON (schema mmr-stats/1, docs/stats.md)");
    sub->add_flag("--csv", opts->csv, "Print CSV, one row per op and a total row");
    sub->add_option("--data-dir", opts->data_dirs, "Folder where url data files are looked up (repeatable)")
        ->allow_extra_args(false);
    sub->add_flag("--allow-any-path", opts->allow_any_path, "Read data files (file:, url) from anywhere");
    describe(sub, "SCENE [--gpu ID[,ID]] [--json|--csv] [options]",
             {"mmr stats scenes/pitch.yaml", "mmr stats scenes/attention/llama-gqa-decode.yaml --gpu h100-sxm,b200-hgx",
              "mmr stats scenes/attention/deepseek-mla-decode.yaml --json"},
             "0 printed, 1 bad input (scene, GPU table, --gpu, --dtype) or writing to standard output failed, "
             "2 usage error, 3 internal error");
    sub->callback([opts] { run_stats(*opts); });
}

}  // namespace mmr::cmd
