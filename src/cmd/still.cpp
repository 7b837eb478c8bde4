// mmr still: one scene -> one PNG.
#include <chrono>
#include <iostream>

#include "commands.h"
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
    std::string scene, output;
    SceneArgs common;  // --data-dir --size --seed --backend --aa --msaa
    int step = 0;      // --step: a still of this animation step (0 = the finished scene)
    std::string view = "3d";  // --view 3d|flat
    std::string js_errors = "error";  // --js-errors
    bool verbose = false;
    ReferenceArgs reference;  // --reference and its tolerance options
    std::string overlay;      // --overlay stats
    std::string gpu = "h100-sxm";  // --gpu (for the overlay's bound)
};

void run_still(const StillArgs& o) {
    using clock = std::chrono::steady_clock;
    auto t0 = clock::now();
    auto lap = [&](const char* what) {
        if (o.verbose)
            std::cerr << "mmr: " << what << " at "
                      << std::chrono::duration<double>(clock::now() - t0).count() << " s\n";
    };
    // SIGINT, SIGTERM, SIGHUP: the temporary PNG is removed, exit 128 + n.
    interrupt::install(o.output + " was not written");
    check_output_path(o.output, {".png"});
    precheck_reference(o.reference, o.output);
    StillOptions opts;
    opts.backend = parse_backend(o.common.backend);
    opts.render = render_options(o.common.aa, o.common.msaa);
    opts.step = o.step;
    opts.flat_view = o.view == "flat";
    opts.on_stage = lap;
    opts.on_renderer = [&](const std::string& d) {
        if (o.verbose) std::cerr << "mmr: " << d << "\n";
    };

    SceneSpec spec = load_scene_args(o.scene, o.common);
    apply_js_errors(spec, o.js_errors);
    lap("scene parsed");

    if (o.overlay == "stats") {
        std::vector<Gpu> table;
        read_gpu_table(default_gpu_table_path(), table);
        opts.overlay = stats_overlay(spec, select_gpus(table, o.gpu, "--gpu " + o.gpu).front());
    }
    Image img = render_still(spec, opts);
    write_png(o.output, img, still_png_texts(spec));
    lap("written");
    check_still_reference(img, o.output, o.reference);
}

}  // namespace

void add_still(CLI::App& app) {
    auto opts = std::make_shared<StillArgs>();
    CLI::App* sub = app.add_subcommand("still", "Render a scene to a PNG still");
    sub->add_option("scene", opts->scene, "Scene file (YAML), mm link (quoted) or params JSON file")
        ->required();
    sub->add_option("-o,--output", opts->output, "Output PNG file")->required();
    add_scene_options(sub, opts->common);
    sub->add_option("--view", opts->view, "3d (mm's cube, default) or flat: every matrix face-on, the left operand beside the result and the right one above (docs/flat.md)")
        ->check(CLI::IsMember({"3d", "flat"}));
    sub->add_option("--step", opts->step,
                    "Show animation step N (1-based, within one cycle) instead of the finished scene");
    add_js_errors_option(sub, opts->js_errors);
    sub->add_flag("-v,--verbose", opts->verbose, "Print timings and the GL renderer");
    add_reference_options(sub, opts->reference);
    sub->add_option("--overlay", opts->overlay,
                    "Write text over the picture: 'stats' = each matmul's FLOPs, bytes, intensity and bound "
                    "(mmr stats) beside it and the totals in a corner")
        ->check(CLI::IsMember({"stats"}));
    sub->add_option("--gpu", opts->gpu, "GPU whose roofline the overlay uses (default h100-sxm; see mmr stats)");
    describe(sub, "SCENE -o OUT.png [options]",
             {"mmr still scenes/pitch.yaml -o pitch.png --size 1920x1080",
              "mmr still scenes/vvprod.yaml --step 12 -o step12.png --reference refs/step12.png"},
             std::string("0 written (with --reference: and the same as the reference), 1 bad input or render "
                         "failure (with --reference: also different, or no reference yet), 2 usage error, "
                         "3 internal error, ") + kInterruptedCodes);
    sub->callback([opts] { run_still(*opts); });
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
