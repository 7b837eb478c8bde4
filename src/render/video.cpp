#include "mmr/render/video.h"

#include <chrono>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <cstdio>
#include <sys/stat.h>

#include "mmr/core/error.h"
#include "mmr/core/limits.h"
#include "mmr/draw/build_draw_list.h"
#include "mmr/layout/layout.h"
#include "mmr/model/build_model.h"
#include "mmr/timeline/animation.h"
#include "mmr/timeline/fuse_check.h"
#include "mmr/timeline/time_map.h"
#include "mmr/encode/packets.h"
#include "mmr/scene/scene_writer.h"
#include "mmr/shard/part.h"

namespace mmr {
namespace {

// Orbits the camera about the world y axis through the origin (docs/spec/mm-animation.md §9).
CameraView orbit(const CameraView& base, double theta) {
    CameraView v = base;
    const double x = base.position[0], z = base.position[2];
    v.position[0] = float(std::cos(theta) * x + std::sin(theta) * z);
    v.position[2] = float(-std::sin(theta) * x + std::cos(theta) * z);
    return v;
}

TimeMap time_map(const Model& model, int period, const VideoRenderOptions& o) {
    TimeMap tm;
    tm.fps = o.video.fps;
    tm.speed = model.root->anim.speed;
    tm.period = period;
    tm.spin = model.root->anim.spin;
    return tm;
}

// Counted in double and checked against --max-frames before any conversion.
int64_t total_frames(const TimeMap& tm, const VideoRenderOptions& o, const SceneSpec& scene) {
    FrameRequest r;
    r.cycles = o.cycles;
    r.duration = o.duration;
    r.max_frames = o.max_frames;
    r.scene = scene.path;
    if (scene.anim_speed_loc.line > 0) r.speed_where = scene.anim_speed_loc.str();
    if (scene.anim_spin_loc.line > 0) r.spin_where = scene.anim_spin_loc.str();
    return checked_total_frames(tm, r);
}

// How a shard writes: a part of an MP4 into a folder, or its frames of a PNG sequence.
enum class ShardOutput { None, Part, Frames };

ShardOutput shard_output(const std::string& output, const shard::Shard& sh) {
    if (!sh.active()) return ShardOutput::None;
    if (output.find("{frame") != std::string::npos) return ShardOutput::Frames;
    auto ends = [&](const char* ext) {
        const size_t n = std::strlen(ext);
        return output.size() >= n && output.compare(output.size() - n, n, ext) == 0;
    };
    if (ends(".gif") || ends(".GIF"))
        fail("--shard", "a GIF cannot be rendered in shards (each frame is coded against the one before)",
             "render an MP4 in shards (-o FOLDER/, then mmr join), or a PNG sequence (-o frames/f{frame:04}.png)");
    if (ends(".mp4") || ends(".MP4"))
        fail("-o " + output, "with --shard, -o names the folder the shard writes its part into",
             "write e.g. -o parts/ --shard " + sh.text() + ", then mmr join parts/ -o " + output);
    return ShardOutput::Part;
}

// The scene's name for part files: its file name without folder and extension.
std::string part_stem(const std::string& path) {
    std::string name = path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
    const size_t dot = name.rfind('.');
    if (dot != std::string::npos && dot > 0) name = name.substr(0, dot);
    std::string out;
    for (char c : name) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
    if (out.empty() || out[0] == '_' || out.size() > 64) out = "scene";
    return out;
}

std::string number(double v) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

}  // namespace

VideoRenderStats render_video(const SceneSpec& scene, const std::string& output,
                              const VideoRenderOptions& opts) {
    using clock = std::chrono::steady_clock;
    auto since = [](clock::time_point t) { return std::chrono::duration<double>(clock::now() - t).count(); };
    const int W = scene.output.width, H = scene.output.height;
    if (!(opts.video.fps >= limits::min_fps && opts.video.fps <= limits::max_fps)) {  // NaN too
        char text[32], range[64];
        std::snprintf(text, sizeof text, "%g", opts.video.fps);
        std::snprintf(range, sizeof range, "%g to %g", limits::min_fps, limits::max_fps);
        fail(std::string("--fps ") + text, std::string("the frame rate must be from ") + range,
             "write e.g. '--fps 30'");
    }
    VideoOptions vo = opts.video;
    vo.width = W;
    vo.height = H;
    const ShardOutput sharded = shard_output(output, opts.shard);
    std::string folder;
    if (sharded == ShardOutput::Part) {
        folder = output;
        while (folder.size() > 1 && folder.back() == '/') folder.pop_back();
        // Many tasks may start at once: each creates the folder if it is missing.
        if (mkdir(folder.c_str(), 0777) != 0 && errno != EEXIST)
            fail("-o " + output, std::string("cannot create the folder (") + std::strerror(errno) + ")",
                 "create it, or name a writable folder");
        check_frame_sink(folder + "/part.mp4", vo);  // folder writable, even size, crf, preset
    } else {
        check_frame_sink(output, vo);  // before any work: extension, folder, even size
    }

    Model model = build_model(scene);
    check_fusion(model, scene.path);
    Layout layout = compute_layout(model);
    Animation anim(model, layout);
    const TimeMap tm = time_map(model, anim.animated() ? anim.period() : 0, opts);
    const int64_t total = total_frames(tm, opts, scene);

    VideoRenderStats st;
    st.period = tm.period;
    st.first = 0;
    st.last = total - 1;
    if (!opts.frames.empty()) parse_frame_range(opts.frames, total, st.first, st.last);
    vo.first_index = int(st.first);
    vo.segment_origin = int(st.first);  // segments count from the first frame rendered
    st.output = output;

    // A shard: its share of the frames; an MP4 shard writes a part instead.
    std::unique_ptr<FrameSink> part_sink;
    if (sharded != ShardOutput::None) {
        const int64_t n_all = st.last - st.first + 1;
        const shard::Range r = sharded == ShardOutput::Part
                                   ? shard::video_share(n_all, vo.segment_frames, opts.shard.index, opts.shard.count)
                                   : shard::share(n_all, opts.shard.index, opts.shard.count);
        if (r.empty()) {
            st.no_frames = true;
            st.last = st.first - 1;
            return st;
        }
        const int64_t render_first = st.first, render_last = st.last;
        st.first = render_first + r.begin;
        st.last = render_first + r.end - 1;
        vo.first_index = int(st.first);
        if (sharded == ShardOutput::Part) {
            char size[48];
            std::snprintf(size, sizeof size, "%dx%d", W, H);
            shard::PartHeader h;
            h.identity = shard::render_identity(
                {{"format", "mp4"},
                 {"scene", shard::fnv1a_hex(write_scene(scene))},
                 {"size", size},
                 {"fps", number(vo.fps)},
                 {"frames", std::to_string(render_first) + "-" + std::to_string(render_last)},
                 {"segment_frames", std::to_string(vo.segment_frames)},
                 {"crf", std::to_string(vo.crf)},
                 {"preset", vo.preset},
                 {"encoder_threads", std::to_string(vo.encoder_threads)},
                 {"aa", std::to_string(int(opts.render.aa)) + "x" + std::to_string(opts.render.msaa)},
                 {"mmr", MMR_VERSION},
                 {"encoders", encoder_versions()}},
                &h.render);
            h.render_first = render_first;
            h.render_last = render_last;
            h.first = st.first;
            h.last = st.last;
            h.segment_frames = vo.segment_frames;
            h.shard = opts.shard.text();
            st.output = shard::part_path(folder, part_stem(scene.path), st.first, st.last);
            if (opts.resume && shard::part_complete(st.output, h.render, st.first, st.last)) {
                st.skipped = true;
                return st;
            }
            part_sink = open_h264_segment_sink(st.output, vo, shard::open_part_writer(st.output, h));
        }
    }

    DrawList dl = build_draw_list(model, layout, W, H);
    const CameraView base_camera = dl.camera;
    auto renderer = create_renderer(opts.backend, W, H, opts.render);
    auto sink = part_sink ? std::move(part_sink) : open_frame_sink(output, vo);
    st.renderer = renderer->description();
    st.encoder = sink->description();

    // Where the time goes: animation state, GL render + readback, and waiting
    // for the encoder thread (a full queue means the encoder is the bottleneck).
    double t_anim = 0, t_gl = 0, t_enc = 0;
    const auto t_start = clock::now();
    const int64_t n = st.last - st.first + 1;
    // When the animation is slower than the frame rate, consecutive frames show
    // the same step: without spin they are the same picture, so it is reused.
    Image frame;
    int shown_step = -1;
    for (int64_t f = st.first; f <= st.last; ++f) {
        if (opts.interrupted && opts.interrupted()) {
            sink->abort();  // removes the temporary file: nothing half-written is left
            st.interrupted = true;
            st.last = f - 1;
            return st;
        }
        auto t0 = clock::now();
        const int step = tm.step_for_frame(f);
        if (step == shown_step && tm.spin == 0) {
            sink->write(frame);
            if (opts.on_frame) opts.on_frame(f - st.first + 1, n);
            continue;
        }
        if (tm.period > 0) anim.seek(step);
        if (tm.spin != 0) {
            dl.camera = orbit(base_camera, tm.spin_angle(f));
            // Legends face the camera: re-orient them as the view turns.
            dl.text.clear();
            for (const MatrixPlacement& mp : layout.matrices) add_legends(model, mp, dl.camera, dl.text);
        }
        anim.update_draw_list(dl, W, H);
        t_anim += since(t0);
        t0 = clock::now();
        frame = renderer->render(dl);
        shown_step = step;
        t_gl += since(t0);
        t0 = clock::now();
        sink->write(frame);
        t_enc += since(t0);
        if (opts.on_frame) opts.on_frame(f - st.first + 1, n);
    }
    auto t0 = clock::now();
    sink->finish();
    t_enc += since(t0);
    st.seconds = since(t_start);
    st.anim_ms = 1e3 * t_anim / double(n);
    st.gl_ms = 1e3 * t_gl / double(n);
    st.encode_wait_ms = 1e3 * t_enc / double(n);
    return st;
}

}  // namespace mmr
