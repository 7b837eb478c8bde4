// mmr still: one scene -> one PNG.
#include <chrono>
#include <iostream>

#include <algorithm>
#include <optional>

#include "commands.h"
#include "mmr/batch/batch.h"
#include "mmr/core/quote.h"
#include "mmr/record/record.h"
#include "mmr/theme/theme.h"
#include "compare_options.h"
#include "mmr/core/error.h"
#include "mmr/core/warning.h"
#include "mmr/core/interrupt.h"
#include "mmr/encode/png.h"
#include "mmr/gl/backend.h"
#include "mmr/render/still.h"
#include "mmr/model/build_model.h"
#include "mmr/scene/load_scene.h"
#include "mmr/timeline/fuse_check.h"
#include "mmr/scene/scene_parser.h"
#include "mmr/stats/gpus.h"
#include "mmr/stats/stats_overlay.h"

namespace mmr::cmd {
namespace {

struct StillArgs {
    std::vector<std::string> scenes;  // files, folders, patterns, links
    std::string output;               // a path, a template, a brace list, or - (stdout)
    SceneArgs common;  // --data-dir --size --seed --backend --aa --msaa --background --theme
    std::string step;  // --step N or A:B (steps of the animation; empty = the finished scene)
    std::string view = "3d";  // --view 3d|flat
    std::string js_errors = "error";  // --js-errors
    bool verbose = false;
    int jobs = 1;  // --jobs
    int supersample = 0;  // --supersample N (0: not given)
    ReferenceArgs reference;  // --reference and its tolerance options
    std::string overlay;      // --overlay stats
    std::string gpu = "h100-sxm";  // --gpu (for the overlay's bound)
};

// "N" or "A:B" -> the steps; empty -> {0} (the finished scene, or the PNG's step).
std::vector<int> parse_steps(const std::string& text) {
    if (text.empty()) return {0};
    auto number = [&](const std::string& t) {
        if (t.empty() || t.size() > 9 || t.find_first_not_of("0123456789") != std::string::npos)
            fail("--step " + shown_value(text), "expected a step number N or a range A:B",
                 "write e.g. '--step 12' or '--step 1:12'");
        return std::stoi(t);
    };
    const size_t colon = text.find(':');
    if (colon == std::string::npos) return {number(text)};
    const int a = number(text.substr(0, colon)), b = number(text.substr(colon + 1));
    if (a < 1 || b < a || b - a >= 100000)
        fail("--step " + shown_value(text), "a range A:B needs 1 <= A <= B (and at most 100000 steps)",
             "write e.g. '--step 1:12'");
    std::vector<int> steps;
    for (int k = a; k <= b; ++k) steps.push_back(k);
    return steps;
}

// One still: one scene (one step) written to every output of the job.
void run_one(const StillArgs& o, const batch::Job& job, bool step_given) {
    using clock = std::chrono::steady_clock;
    auto t0 = clock::now();
    auto lap = [&](const char* what) {
        if (o.verbose)
            std::cerr << "mmr: " << what << " at "
                      << std::chrono::duration<double>(clock::now() - t0).count() << " s\n";
    };
    const std::string shown = job.outputs.size() == 1 ? job.outputs[0] : job.outputs[0] + " and the others";
    // SIGINT, SIGTERM, SIGHUP: the temporary PNG is removed, exit 128 + n.
    interrupt::install(shown + " was not written");
    for (const std::string& out : job.outputs)
        if (out != "-") check_output_path(out, {".png"});
    precheck_reference(o.reference, job.outputs[0]);
    StillOptions opts;
    opts.backend = parse_backend(o.common.backend);
    opts.render = render_options(o.common.aa, o.common.msaa);
    if (!o.common.scale.empty()) opts.render.scale = parse_scale(o.common.scale);
    if (o.supersample != 0) opts.supersample = o.supersample;
    opts.step = job.step;
    opts.flat_view = o.view == "flat";
    opts.on_stage = lap;
    opts.on_renderer = [&](const std::string& d) {
        if (o.verbose) std::cerr << "mmr: " << d << "\n";
    };

    std::optional<RenderRecord> rec;
    SceneSpec spec = load_scene_args(job.input.path, o.common, &rec);
    if (rec) {  // a PNG written by mmr: how it was made, unless an option says otherwise
        if (o.common.aa.empty() && o.common.msaa < 0) {
            opts.render.aa = parse_antialias(rec->aa);
            opts.render.msaa = rec->msaa;
        }
        if (!step_given) opts.step = rec->step;
        if (o.common.scale.empty()) opts.render.scale = float(rec->scale);
        if (o.supersample == 0) opts.supersample = rec->supersample;
    }
    apply_js_errors(spec, o.js_errors);
    lap("scene parsed");

    if (o.overlay == "stats") {
        std::vector<Gpu> table;
        read_gpu_table(default_gpu_table_path(), table);
        opts.overlay = stats_overlay(spec, select_gpus(table, o.gpu, "--gpu " + o.gpu).front());
    }
    Image img = render_still(spec, opts);
    // The scene and how it was rendered travel inside the PNG, so the picture
    // can be re-rendered from itself (mmr/record/record.h).
    const auto texts = still_texts(spec, opts.render, opts.step, opts.supersample);
    for (const std::string& out : job.outputs) {
        if (out == "-")
            write_png_stream(stdout, img, texts, "standard output");
        else
            write_png(out, img, texts);
    }
    lap("written");
    if (job.outputs[0] != "-") check_still_reference(img, job.outputs[0], o.reference);
}

void run_still(const StillArgs& o, bool step_given) {
    const std::vector<int> steps = parse_steps(o.step);
    const std::vector<batch::Input> inputs = batch::expand_inputs(o.scenes, is_link_argument);
    const std::vector<std::string> patterns = batch::expand_braces(o.output);
    const bool several = inputs.size() > 1 || steps.size() > 1 || patterns.size() > 1;
    if (o.jobs < 1) fail("--jobs " + std::to_string(o.jobs), "needs at least 1", "write e.g. '--jobs 2'");
    if (o.supersample != 0 && (o.supersample < 1 || o.supersample > 8))
        fail("--supersample " + std::to_string(o.supersample), "the factor must be from 1 to 8",
             "write e.g. '--supersample 2' (4 times the pixels) or '--supersample 4'");
    if (!o.common.scale.empty()) parse_scale(o.common.scale);  // before any render
    std::vector<batch::Job> jobs;
    for (const batch::Input& in : inputs)
        for (int step : steps) {
            batch::Job j;
            j.input = in;
            j.step = step;
            for (const std::string& p : patterns)
                j.outputs.push_back(batch::fill_template(p, in, step_given ? step : -1, false, "-o " + o.output));
            jobs.push_back(std::move(j));
        }
    if (std::find(patterns.begin(), patterns.end(), "-") != patterns.end() && (jobs.size() > 1 || patterns.size() > 1))
        fail("-o -", "standard output takes one picture, and this command makes " +
                         std::to_string(jobs.size() * patterns.size()),
             "give one scene and one output for -o -, or an output template such as out/{name}.png");
    if (several && !o.reference.reference.empty())
        fail("--reference", "compares one still with one reference", "use 'mmr test' for many scenes");
    batch::check_collisions(jobs, "-o " + o.output);
    if (jobs.size() > 1) {
        // Folders a template names are made; then every output is checked once,
        // before any scene renders.
        batch::make_output_folders(jobs, "-o " + o.output);
        for (const batch::Job& j : jobs)
            for (const std::string& out : j.outputs) check_output_path(out, {".png"});
    }
    if (jobs.size() == 1) {  // one scene: in this process, as always
        run_one(o, jobs[0], step_given);
        return;
    }
    const std::vector<int> status =
        batch::run_jobs(jobs, o.jobs, [&](const batch::Job& j) { return run_one(o, j, step_given), 0; });
    const std::string line = batch::summary("still", jobs, status);
    std::cerr << line << "\n";
    for (int st : status)
        if (st != 0) throw CLI::RuntimeError(1);
}

}  // namespace

void add_still(CLI::App& app) {
    auto opts = std::make_shared<StillArgs>();
    CLI::App* sub = app.add_subcommand("still", "Render scenes to PNG stills");
    sub->add_option("scene", opts->scenes,
                    "Scene files (YAML), folders of scenes, patterns ('scenes/*.yaml'), mm links (quoted), params "
                    "JSON files or PNGs written by mmr")
        ->required();
    sub->add_option("-o,--output", opts->output,
                    "Output PNG, '-' for standard output, or a template: {name} {stem} {dir} {step}, brace lists "
                    "{a,b}")
        ->required();
    add_scene_options(sub, opts->common);
    sub->add_option("--view", opts->view, "3d (mm's cube, default) or flat: every matrix face-on, the left operand beside the result and the right one above (docs/flat.md)")
        ->check(CLI::IsMember({"3d", "flat"}));
    CLI::Option* step = sub->add_option(
        "--step", opts->step,
        "Show animation step N (1-based, within one cycle) instead of the finished scene; A:B for each step "
        "from A to B (put {step} in -o)");
    sub->add_option("--supersample", opts->supersample,
                    "Render N x N times larger (lines and sprites too) and average each N x N block: smoother "
                    "edges for print, about N*N times the time and memory (2 to 8; default 1)");
    sub->add_option("--jobs", opts->jobs, "Render this many scenes at once, each in its own process (default 1)");
    add_js_errors_option(sub, opts->js_errors);
    sub->add_flag("-v,--verbose", opts->verbose, "Print timings and the GL renderer");
    add_reference_options(sub, opts->reference);
    sub->add_option("--overlay", opts->overlay,
                    "Write text over the picture: 'stats' = each matmul's FLOPs, bytes, intensity and bound "
                    "(mmr stats) beside it and the totals in a corner")
        ->check(CLI::IsMember({"stats"}));
    sub->add_option("--gpu", opts->gpu, "GPU whose roofline the overlay uses (default h100-sxm; see mmr stats)");
    describe(sub, "SCENE... -o OUT.png|TEMPLATE|- [options]",
             {"mmr still scenes/pitch.yaml -o pitch.png --size 1920x1080",
              "mmr still scenes/vvprod.yaml --step 12 -o step12.png --reference refs/step12.png",
              "mmr still 'scenes/*.yaml' -o figs/{name}.png --theme light --jobs 2",
              "mmr still old.png -o new.png   # the same picture, from the scene and settings inside"},
             std::string("0 written (with --reference: and the same as the reference), 1 bad input or render "
                         "failure (with --reference: also different, or no reference yet; with several scenes: "
                         "any failed, the summary names them), 2 usage error, 3 internal error, ") +
                 kInterruptedCodes);
    sub->callback([opts, step] { run_still(*opts, step->count() > 0); });
}

void add_check(CLI::App& app) {
    auto scene = std::make_shared<std::string>();
    auto data_dirs = std::make_shared<std::vector<std::string>>();
    auto any_path = std::make_shared<bool>(false);
    auto js_errors = std::make_shared<std::string>("error");
    CLI::App* sub = app.add_subcommand("check", "Validate a scene and print its matrices");
    sub->add_option("scene", *scene, "Scene file (YAML), mm link (quoted), params JSON file or PNG written by mmr")
        ->required();
    sub->add_option("--data-dir", *data_dirs,
                    "Folder where url data files are looked up by base name (repeatable), as for still")
        ->allow_extra_args(false);
    sub->add_flag("--allow-any-path", *any_path, "Read data files (file:, url) from anywhere; by default only from the scene's folder and the data folders");
    add_js_errors_option(sub, *js_errors);
    describe(sub, "SCENE", {"mmr check scenes/attn-head.yaml"},
             "0 the scene is valid, 1 bad input or writing to standard output failed, 2 usage error, "
             "3 internal error");
    sub->callback([scene, data_dirs, any_path, js_errors] {
        SceneSpec spec = load_scene(*scene, LoadOptions{*data_dirs, *any_path});  // a file or an mm link
        apply_js_errors(spec, *js_errors);
        Model model = build_model(spec);
        check_fusion(model, spec.path);  // a fuse mode that can never apply
        const int warnings = warning_count();  // e.g. stand-ins for missing data files
        std::cout << *scene << ": ok"
                  << (warnings ? ", with " + std::to_string(warnings) + " warning" + (warnings > 1 ? "s" : "") +
                                     " (on standard error)"
                               : "")
                  << "\n";
        post_order(*model.root, [&](const Node& n) {
            if (n.matmul)
                std::cout << "  " << n.name << " = " << n.left->name << " @ " << n.right->name
                          << "  (" << n.rows << "x" << n.depth << " @ " << n.depth << "x"
                          << n.cols << ", epilog " << n.epilog << ")\n";
        });
        finish_stdout();
    });
}

}  // namespace mmr::cmd
