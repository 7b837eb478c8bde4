// mmr render: one scene -> a video (MP4, WebM, MOV, WebP, APNG, GIF or a PNG
// sequence; docs/video.md), with holds and a poster, frames streamed
// to the encoder as they are rendered, with progress on stderr (--progress).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "commands.h"
#include "mmr/batch/batch.h"
#include "mmr/compare/reference_check.h"  // json_string
#include "mmr/core/error.h"
#include "mmr/core/interrupt.h"
#include "mmr/render/video.h"
#include "mmr/scene/load_scene.h"
#include "mmr/shard/shard.h"

namespace mmr::cmd {
namespace {

struct RenderArgs {
    std::vector<std::string> scenes;  // files, folders, patterns, links
    int jobs = 1;                     // --jobs
    std::string output, frames, preset;  // preset "": x264's veryfast
    SceneArgs common;  // --data-dir --size --seed --backend --aa --msaa
    double fps = 30, cycles = 1, duration = 0;
    int crf = -1;                  // -1: the codec's default
    std::string codec, pix_fmt;    // --codec, --pix-fmt ("": by the extension, the codec's default)
    double hold = 0, hold_start = 0;  // --hold, --hold-start (seconds)
    std::string poster;            // --poster FILE.png
    int poster_step = 0;           // --poster-step N (0: the last frame's step)
    std::string progress = "auto";  // --progress
    std::string js_errors = "error";  // --js-errors
    std::string max_frames;         // --max-frames (empty: limits::max_frames)
    std::string view = "3d";        // --view 3d|flat
    bool quiet = false, verbose = false;
    bool no_layer_cache = false;    // hidden --no-layer-cache
    std::string shard;              // --shard I/N|auto
    int shards = 0;                 // --shards N
    bool resume = false;            // --resume
    int segment = VideoOptions::kDefaultSegmentFrames;  // --segment
};

// Progress on stderr, by --progress:
//   bar    "[#####     ] frame 120/300  45.2 fps  ETA 4s", redrawn at most 5 times a second;
//   plain  "frame 120/640 (18.8 %) 81.2 frames/s eta 6.4 s", a line every 2 s of wall
//          time (not every N frames: frame rates differ a hundredfold with size and
//          scene) and one for the last frame;
//   json   {"frame": 120, "frames": 640, "fps": 81.2, "eta_s": 6.4} a line every
//          0.5 s and for the last frame, then {"done": true, "output": ...};
//   auto   the bar on a terminal (not with -v), else only the summary line;
//   none   nothing.
// bar, plain and auto end with the summary line "mmr render: wrote OUT: N frames
// in S s (F frames/s)"; json with its "done" object. -q: nothing but errors.
enum class ProgressMode { Bar, Plain, Json, Summary, None };

class Progress {
public:
    Progress(const std::string& mode, bool quiet, bool verbose) {
        if (quiet || mode == "none") mode_ = ProgressMode::None;
        else if (mode == "bar") mode_ = ProgressMode::Bar;
        else if (mode == "plain") mode_ = ProgressMode::Plain;
        else if (mode == "json") mode_ = ProgressMode::Json;
        else mode_ = mode == "auto" && isatty(2) && !verbose ? ProgressMode::Bar : ProgressMode::Summary;  // auto
    }

    void start() { start_ = last_ = std::chrono::steady_clock::now(); }

    void operator()(int64_t done, int64_t total) {
        if (mode_ == ProgressMode::None || mode_ == ProgressMode::Summary) return;
        const auto now = std::chrono::steady_clock::now();
        // The rate counts from the first frame on: building the model and starting
        // GL (before it) would make a short render look slow.
        if (first_done_ == 0) first_ = now, first_done_ = done;
        const auto every = mode_ == ProgressMode::Bar    ? std::chrono::milliseconds(200)
                           : mode_ == ProgressMode::Json ? std::chrono::milliseconds(500)
                                                         : std::chrono::milliseconds(2000);
        if (done < total && now - last_ < every) return;
        last_ = now;
        const double secs = std::chrono::duration<double>(now - (done > first_done_ ? first_ : start_)).count();
        const double fps = secs > 0 ? double(done > first_done_ ? done - first_done_ : done) / secs : 0;
        const double eta = fps > 0 ? double(total - done) / fps : 0;
        if (mode_ == ProgressMode::Plain) {
            std::fprintf(stderr, "frame %lld/%lld (%.1f %%) %.1f frames/s eta %.1f s\n", (long long)done,
                         (long long)total, total ? 100.0 * double(done) / double(total) : 100.0, fps, eta);
        } else if (mode_ == ProgressMode::Json) {
            std::fprintf(stderr, "{\"frame\": %lld, \"frames\": %lld, \"fps\": %.1f, \"eta_s\": %.1f}\n",
                         (long long)done, (long long)total, fps, eta);
        } else {
            const int width = 30;
            int fill = total ? int(width * done / total) : width;
            std::fprintf(stderr, "\r[%s%s] frame %lld/%lld  %.1f fps  ETA %.0fs ",
                         std::string(fill, '#').c_str(), std::string(width - fill, ' ').c_str(),
                         (long long)done, (long long)total, fps, eta);
            bar_open_ = done < total;
            interrupt::set_line_open(bar_open_);
            if (!bar_open_) std::fputc('\n', stderr);
        }
    }

    // Ends a half-drawn bar before an error or interruption message.
    void interrupt() {
        if (bar_open_) std::fputc('\n', stderr);
        bar_open_ = false;
        interrupt::set_line_open(false);
    }

    void finish(const std::string& output, int64_t frames, double seconds) {
        const double fps = seconds > 0 ? double(frames) / seconds : 0;
        if (mode_ == ProgressMode::None) return;
        if (mode_ == ProgressMode::Json)
            std::fprintf(stderr,
                         "{\"done\": true, \"output\": %s, \"frames\": %lld, \"seconds\": %.3f, "
                         "\"fps\": %.1f}\n",
                         json_string(output).c_str(), (long long)frames, seconds, fps);
        else
            std::fprintf(stderr, "mmr render: wrote %s: %lld frames in %.1f s (%.1f frames/s)\n",
                         output.c_str(), (long long)frames, seconds, fps);
    }

private:
    ProgressMode mode_ = ProgressMode::Summary;
    bool bar_open_ = false;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now(), last_{}, first_{};
    int64_t first_done_ = 0;  // frames done at first_
};

void run_one(const RenderArgs& a, const batch::Job& job, bool in_batch) {
    VideoRenderOptions o;
    o.backend = parse_backend(a.common.backend);
    o.render = render_options(a.common.aa, a.common.msaa);
    if (!a.common.scale.empty()) o.render.scale = parse_scale(a.common.scale);
    o.video.fps = a.fps;
    o.video.crf = a.crf;
    o.video.preset = a.preset;
    o.video.codec = a.codec;
    o.video.pix_fmt = a.pix_fmt;
    o.hold = a.hold;
    o.hold_start = a.hold_start;
    o.poster = a.poster;
    o.poster_step = a.poster_step;
    o.cycles = a.cycles;
    o.duration = a.duration;
    o.frames = a.frames;
    o.flat_view = a.view == "flat";
    o.layer_cache = !a.no_layer_cache;
    o.video.segment_frames = a.segment;
    o.shard = shard::parse_shard(a.shard, a.shards);
    o.resume = a.resume;
    if (a.resume && !o.shard.active())
        throw shard::ShardError(format_error("--resume", "only applies to shards", "add --shard I/N or --shard auto"));
    if (!a.max_frames.empty()) o.max_frames = parse_limit(a.max_frames, "--max-frames");
    // In a batch, a bar per process would overwrite the others': summaries only.
    Progress progress(in_batch && a.progress == "auto" ? "plain-summary" : a.progress, a.quiet, a.verbose);
    o.on_frame = [&](int64_t done, int64_t total) { progress(done, total); };
    // SIGINT, SIGTERM, SIGHUP (mmr/core/interrupt.h): the handler removes the
    // temporary output (file, or folder of a PNG sequence), kills a running
    // JavaScript evaluator and ends mmr with 128 + n at once. Between frames the
    // loop also checks for a signal that a critical section deferred.
    const std::string shown = job.outputs.size() == 1 ? job.outputs[0] : job.outputs[0] + " and the others";
    interrupt::install(shown + " was not written");
    o.interrupted = [] { return interrupt::received() != 0; };

    SceneSpec spec = load_scene_args(job.input.path, a.common);
    apply_js_errors(spec, a.js_errors);

    progress.start();
    VideoRenderStats st;
    try {
        st = render_video(spec, job.outputs, o);
    } catch (...) {
        progress.interrupt();
        throw;
    }
    if (st.interrupted) {  // the sink was aborted: nothing is left
        progress.interrupt();
        interrupt::exit_now(interrupt::received());
    }
    if (st.no_frames || st.skipped) {
        if (!a.quiet && a.progress == "json")
            std::fprintf(stderr, "{\"done\": true, \"shard\": \"%s\", %s}\n", o.shard.text().c_str(),
                         st.skipped ? ("\"skipped\": true, \"output\": " + json_string(st.output)).c_str()
                                    : "\"frames\": 0");
        else if (!a.quiet && a.progress != "none")
            std::fprintf(stderr, "mmr render: shard %s (%s): %s\n", o.shard.text().c_str(), o.shard.source.c_str(),
                         st.skipped ? (st.output + " is already complete; skipped (--resume)").c_str()
                                    : "no frames to render (fewer segments than shards); nothing written");
        return;
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
        if (st.layers > 0)
            std::fprintf(stderr, "mmr: static layers: %lld, drawing %lld of the frames\n", (long long)st.layers,
                         (long long)st.layered_frames);
    }
    // A shard names its part (the folder it was given holds the parts of all shards).
    progress.finish(st.output.empty() ? shown : st.output, st.last - st.first + 1, st.seconds);
}

void run_render(const RenderArgs& a) {
    if (a.output == "-")
        fail("-o -", "a video is written to files, not to standard output", "give a file name, e.g. -o out.mp4");
    if (a.jobs < 1) fail("--jobs " + std::to_string(a.jobs), "needs at least 1", "write e.g. '--jobs 2'");
    const std::vector<batch::Input> inputs = batch::expand_inputs(a.scenes, is_link_argument);
    const std::vector<std::string> patterns = batch::expand_braces(a.output);
    std::vector<batch::Job> jobs;
    for (const batch::Input& in : inputs) {
        batch::Job j;
        j.input = in;
        for (const std::string& p : patterns) j.outputs.push_back(batch::fill_template(p, in, -1, true, "-o " + a.output));
        jobs.push_back(std::move(j));
    }
    batch::check_collisions(jobs, "-o " + a.output);
    if (jobs.size() > 1) batch::make_output_folders(jobs, "-o " + a.output);
    if (jobs.size() == 1) {
        run_one(a, jobs[0], false);
        return;
    }
    const std::vector<int> status = batch::run_jobs(jobs, a.jobs, [&](const batch::Job& j) {
        run_one(a, j, true);
        return 0;
    });
    if (!a.quiet) std::fprintf(stderr, "%s\n", batch::summary("render", jobs, status).c_str());
    for (int st : status)
        if (st != 0) throw CLI::RuntimeError(1);
}

}  // namespace

void add_render(CLI::App& app) {
    auto a = std::make_shared<RenderArgs>();
    CLI::App* sub = app.add_subcommand(
        "render", "Render scenes' animations to videos (MP4, WebM, MOV, WebP, APNG, GIF) or PNG sequences");
    sub->add_option("scene", a->scenes,
                    "Scene files (YAML), folders of scenes, patterns ('scenes/*.yaml'), mm links (quoted), params "
                    "JSON files or PNGs written by mmr")
        ->required();
    sub->add_option("-o,--output", a->output,
                    "Output: video.mp4 (H.264), video.webm (VP9), edit.mov (ProRes 4444), anim.webp, anim.apng "
                    "or anim.png (APNG), anim.gif, or frames/f{frame:04}.png for a PNG sequence; a template with "
                    "{name} {stem} {dir} for several scenes; a brace list x.{mp4,webm} for several formats")
        ->required();
    sub->add_option("--jobs", a->jobs, "Render this many scenes at once, each in its own process (default 1)");
    add_scene_options(sub, a->common);
    sub->add_option("--fps", a->fps, "Frames per second (default 30)");
    sub->add_option("--cycles", a->cycles, "How many root cycles of the animation (default 1)");
    sub->add_option("--duration", a->duration, "Length in seconds instead of cycles");
    sub->add_option("--max-frames", a->max_frames, "Refuse renders of more frames than this (default 1000000)");
    sub->add_option("--view", a->view, "3d (mm's cube, default) or flat: every matrix face-on, the animation as a 2D figure (docs/flat.md)")
        ->check(CLI::IsMember({"3d", "flat"}));
    sub->add_option("--frames", a->frames, "Only frames FIRST:LAST (0-based, inclusive) of the timeline");
    sub->add_option("--codec", a->codec,
                    "Codec instead of the extension's default: h264, vp9, av1 (in .mp4 or .webm), prores or "
                    "h264 (in .mov)");
    sub->add_option("--pix-fmt", a->pix_fmt,
                    "yuv420p (default) or yuv444p (H.264, VP9): full colour resolution for small balls; "
                    "Safari, Firefox and phones do not play H.264 4:4:4");
    sub->add_option("--crf", a->crf,
                    "Quality: H.264 0 (lossless) to 51 (worst), default 20; VP9 and AV1 0 to 63, default 32 and 35")
        ->check(CLI::Range(0, 63));
    sub->add_option("--shard", a->shard,
                    "Render only shard I of N (I from 0; 'auto': from Slurm, Kubernetes or GNU parallel "
                    "variables). MP4: -o names a folder for the part; then mmr join. See docs/cluster.md");
    sub->add_option("--shards", a->shards, "Number of shards, for --shard auto under Kubernetes or GNU parallel");
    sub->add_flag("--resume", a->resume, "With --shard: keep a complete part of the same render, render nothing");
    sub->add_option("--segment", a->segment,
                    "H.264 MP4: encode in segments of N frames, the encoder restarted at each (default " +
                        std::to_string(VideoOptions::kDefaultSegmentFrames) + "); shards cut between segments")
        ->check(CLI::Range(1, 100000));
    sub->add_option("--preset", a->preset,
                    "x264 speed/size trade-off: ultrafast, superfast, veryfast (default), faster, fast, medium, slow");
    sub->add_option("--hold", a->hold, "Seconds to hold the last frame of each cycle (default 0)");
    sub->add_option("--hold-start", a->hold_start, "Seconds to hold the first frame of each cycle (default 0)");
    sub->add_option("--poster", a->poster,
                    "Also write FILE.png: the last frame's step as 'mmr still --step N' draws it (the <video> "
                    "poster)");
    sub->add_option("--poster-step", a->poster_step, "The step the poster shows instead (1-based)");
    sub->add_option("--progress", a->progress,
                    "Progress on stderr: auto (default: a bar on a terminal, else one summary line at the "
                    "end), bar, plain (a line every 2 s), json (one object a line, every 0.5 s, then "
                    "{\"done\": true, ...}) or none")
        ->check(CLI::IsMember({"auto", "bar", "plain", "json", "none"}));
    add_js_errors_option(sub, a->js_errors);
    sub->add_flag("-q,--quiet", a->quiet, "Print nothing but errors (no progress, no summary)");
    sub->add_flag("-v,--verbose", a->verbose, "Print the renderer, encoder and where the time went");
    // Hidden: every frame drawn whole, the reference for the static-layer tests.
    sub->add_flag("--no-layer-cache", a->no_layer_cache, "")->group("");
    describe(sub, "SCENE... -o OUT.mp4|.webm|.mov|.webp|.apng|.gif|DIR/f{frame:04}.png|TEMPLATE [options]",
             {"mmr render scenes/dotprod.yaml -o dotprod.mp4 --size 1920x1080 --fps 30",
              "mmr render scenes/dotprod.yaml -o dotprod.webm --hold 1.5 --poster dotprod.png",
              "mmr render scenes/dotprod.yaml -o frames/f{frame:04}.png --frames 0:99 --progress json",
              "mmr render scenes/ -o videos/{name}.{mp4,webm} --jobs 2",
              "mmr render long.yaml -o parts/ --shard auto   # then: mmr join parts/ -o long.mp4"},
             std::string("0 written, 1 bad input or render failure, 2 usage error or bad --shard/--shards or "
                         "shard variable, 3 internal error, ") +
                 kInterruptedCodes);
    sub->callback([a] { run_render(*a); });
}

}  // namespace mmr::cmd
