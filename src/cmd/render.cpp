// mmr render: one scene -> a video (MP4, GIF or PNG sequence), frames streamed
// to the encoder as they are rendered, with a progress bar on a terminal.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>

#include "commands.h"
#include "mmr/core/error.h"
#include "mmr/render/video.h"
#include "mmr/scene/load_scene.h"

namespace mmr::cmd {
namespace {

std::atomic<bool> g_interrupted{false};
void on_signal(int) { g_interrupted = true; }

struct RenderArgs {
    std::string scene, output, frames, preset = "veryfast";
    SceneArgs common;  // --data-dir --size --seed --backend --aa --msaa
    double fps = 30, cycles = 1, duration = 0;
    int crf = 20;
    bool quiet = false, verbose = false;
};

// "[#####     ] frame 120/300  45.2 fps  ETA 4s" on stderr, at most 5 times a second.
class Progress {
public:
    explicit Progress(bool enabled) : enabled_(enabled && isatty(2)) {}
    void operator()(int64_t done, int64_t total) {
        if (!enabled_) return;
        auto now = std::chrono::steady_clock::now();
        if (done < total && now - last_ < std::chrono::milliseconds(200)) return;
        last_ = now;
        double secs = std::chrono::duration<double>(now - start_).count();
        double fps = secs > 0 ? double(done) / secs : 0;
        double eta = fps > 0 ? double(total - done) / fps : 0;
        const int width = 30;
        int fill = total ? int(width * done / total) : width;
        std::fprintf(stderr, "\r[%s%s] frame %lld/%lld  %.1f fps  ETA %.0fs ",
                     std::string(fill, '#').c_str(), std::string(width - fill, ' ').c_str(),
                     (long long)done, (long long)total, fps, eta);
        if (done == total) std::fputc('\n', stderr);
    }

private:
    bool enabled_;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now(), last_{};
};

void run_render(const RenderArgs& a) {
    VideoRenderOptions o;
    o.backend = parse_backend(a.common.backend);
    o.render = render_options(a.common.aa, a.common.msaa);
    o.video.fps = a.fps;
    o.video.crf = a.crf;
    o.video.preset = a.preset;
    o.cycles = a.cycles;
    o.duration = a.duration;
    o.frames = a.frames;
    Progress progress(!a.quiet && !a.verbose);
    o.on_frame = [&](int64_t done, int64_t total) { progress(done, total); };
    o.interrupted = [] { return g_interrupted.load(); };

    SceneSpec spec = load_scene_args(a.scene, a.common);

    // Ctrl-C stops between frames and removes the partial output.
    g_interrupted = false;
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);

    VideoRenderStats st = render_video(spec, a.output, o);
    if (st.interrupted) {
        std::fprintf(stderr, "\nmmr: interrupted after %lld frames; %s was not written\n",
                     (long long)(st.last - st.first + 1), a.output.c_str());
        std::exit(130);
    }
    if (a.verbose) {
        const double n = double(st.last - st.first + 1);
        std::fprintf(stderr,
                     "mmr: %s\nmmr: %s\nmmr: frames %lld:%lld (cycle of %d steps) in %.2f s = %.1f "
                     "frames/s; per frame: animation %.1f ms, GL render+readback %.1f ms, waiting "
                     "for the encoder %.1f ms\n",
                     st.renderer.c_str(), st.encoder.c_str(), (long long)st.first,
                     (long long)st.last, st.period, st.seconds, n / st.seconds, st.anim_ms,
                     st.gl_ms, st.encode_wait_ms);
    }
}

}  // namespace

void add_render(CLI::App& app) {
    auto a = std::make_shared<RenderArgs>();
    CLI::App* sub = app.add_subcommand("render", "Render a scene's animation to MP4, GIF or a PNG sequence");
    sub->add_option("scene", a->scene, "Scene file (YAML), mm link (quoted) or params JSON file")->required();
    sub->add_option("-o,--output", a->output,
                    "Output: video.mp4, anim.gif, or frames/f{frame:04}.png for a PNG sequence")
        ->required();
    add_scene_options(sub, a->common);
    sub->add_option("--fps", a->fps, "Frames per second (default 30)");
    sub->add_option("--cycles", a->cycles, "How many root cycles of the animation (default 1)");
    sub->add_option("--duration", a->duration, "Length in seconds instead of cycles");
    sub->add_option("--frames", a->frames, "Only frames FIRST:LAST (0-based, inclusive) of the timeline");
    sub->add_option("--crf", a->crf, "H.264 quality, 0 (lossless) to 51 (worst); default 20")
        ->check(CLI::Range(0, 51));
    sub->add_option("--preset", a->preset,
                    "x264 speed/size trade-off: ultrafast, superfast, veryfast (default), faster, fast, medium, slow");
    sub->add_flag("-q,--quiet", a->quiet, "No progress bar");
    sub->add_flag("-v,--verbose", a->verbose, "Print the renderer, encoder and where the time went");
    sub->callback([a] { run_render(*a); });
}

}  // namespace mmr::cmd
