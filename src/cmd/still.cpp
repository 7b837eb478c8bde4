// mmr still: one scene -> one PNG.
#include <chrono>
#include <iostream>

#include "commands.h"
#include "mmr/core/error.h"
#include "mmr/encode/png.h"
#include "mmr/gl/backend.h"
#include "mmr/render/still.h"
#include "mmr/model/build_model.h"
#include "mmr/scene/scene_parser.h"

namespace mmr::cmd {
namespace {

struct StillArgs {
    std::string scene, output, size, backend = "auto";
    long long seed = -1;
    int msaa = 4;
    bool verbose = false;
};

void run_still(const StillArgs& o) {
    using clock = std::chrono::steady_clock;
    auto t0 = clock::now();
    auto lap = [&](const char* what) {
        if (o.verbose)
            std::cerr << "mmr: " << what << " at "
                      << std::chrono::duration<double>(clock::now() - t0).count() << " s\n";
    };
    check_output_path(o.output, {".png"});
    StillOptions opts;
    opts.backend = parse_backend(o.backend);
    opts.render.msaa = o.msaa;
    opts.on_stage = lap;
    opts.on_renderer = [&](const std::string& d) {
        if (o.verbose) std::cerr << "mmr: " << d << "\n";
    };

    SceneSpec spec = load_scene_file(o.scene);
    if (o.seed >= 0) spec.seed = static_cast<uint64_t>(o.seed);
    if (!o.size.empty()) parse_size(o.size, spec.output.width, spec.output.height);
    lap("scene parsed");

    Image img = render_still(spec, opts);
    // The scene travels inside the PNG, so the picture can be re-rendered from itself.
    write_png(o.output, img, {{"mmr:scene", spec.text}, {"Software", "mmr " MMR_VERSION}});
    lap("written");
}

}  // namespace

void add_still(CLI::App& app) {
    auto opts = std::make_shared<StillArgs>();
    CLI::App* sub = app.add_subcommand("still", "Render a scene to a PNG still");
    sub->add_option("scene", opts->scene, "Scene file (YAML)")->required();
    sub->add_option("-o,--output", opts->output, "Output PNG file")->required();
    sub->add_option("--size", opts->size, "Image size WIDTHxHEIGHT (default: the scene's output, 1280x720)");
    sub->add_option("--backend", opts->backend, "Rendering backend: auto, egl or osmesa");
    sub->add_option("--seed", opts->seed, "Seed for random inits (overrides the scene's)");
    sub->add_option("--msaa", opts->msaa, "Multisample count for lines and text (0, 2, 4)")
        ->check(CLI::IsMember({0, 2, 4}));
    sub->add_flag("-v,--verbose", opts->verbose, "Print timings and the GL renderer");
    sub->callback([opts] { run_still(*opts); });
}

void add_check(CLI::App& app) {
    auto scene = std::make_shared<std::string>();
    CLI::App* sub = app.add_subcommand("check", "Validate a scene and print its matrices");
    sub->add_option("scene", *scene, "Scene file (YAML)")->required();
    sub->callback([scene] {
        SceneSpec spec = load_scene_file(*scene);
        Model model = build_model(spec);
        std::cout << *scene << ": ok\n";
        post_order(*model.root, [&](const Node& n) {
            if (n.matmul)
                std::cout << "  " << n.name << " = " << n.left->name << " @ " << n.right->name
                          << "  (" << n.rows << "x" << n.depth << " @ " << n.depth << "x"
                          << n.cols << ", epilog " << n.epilog << ")\n";
        });
    });
}

}  // namespace mmr::cmd
