#include "mmr/render/video.h"

#include "mmr/flat/flat_view.h"

#include <chrono>
#include <cmath>
#include <cstdio>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

#include "mmr/core/error.h"
#include "mmr/core/limits.h"
#include "mmr/core/warning.h"
#include "mmr/encode/png.h"
#include "mmr/render/frame_memory.h"
#include "mmr/render/still.h"
#include "mmr/timeline/hold.h"
#include "mmr/draw/build_draw_list.h"
#include "mmr/layout/layout.h"
#include "mmr/model/build_model.h"
#include "mmr/timeline/animation.h"
#include "mmr/timeline/fuse_check.h"
#include "mmr/timeline/time_map.h"
#include "mmr/encode/packets.h"
#include "mmr/scene/scene_writer.h"
#include "mmr/shard/part.h"
#include "mmr/layer/layer_plan.h"

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

// --poster: a .png in a writable folder, not the video itself. Checked before
// any frame is rendered.
void check_poster(const std::string& poster, const std::string& output) {
    std::string ext;
    const size_t dot = poster.rfind('.'), slash = poster.rfind('/');
    if (dot != std::string::npos && (slash == std::string::npos || dot > slash)) ext = poster.substr(dot);
    for (char& c : ext) c = char(std::tolower(static_cast<unsigned char>(c)));
    if (ext != ".png")
        fail("--poster " + poster, "a poster is a PNG image", "give a file name ending in .png, e.g. --poster video.png");
    if (poster == output) fail("--poster " + poster, "is the video's own path", "give the poster another name");
    const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : poster.substr(0, slash);
    struct stat st;
    if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        fail("--poster " + poster, "folder " + dir + " does not exist", "create it first");
    if (access(dir.c_str(), W_OK | X_OK) != 0)
        fail("--poster " + poster, "folder " + dir + " is not writable (" + std::strerror(errno) + ")");
    if (stat(poster.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
        fail("--poster " + poster, "is a folder", "give a file name");
}

std::string lower_extension(const std::string& path) {
    const size_t dot = path.rfind('.'), slash = path.rfind('/');
    if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
    std::string ext = path.substr(dot);
    for (char& c : ext) c = char(std::tolower(static_cast<unsigned char>(c)));
    return ext;
}

// How a shard writes: a part of an H.264 MP4 into a folder, or its frames of a PNG sequence.
enum class ShardOutput { None, Part, Frames };

ShardOutput shard_output(const std::vector<std::string>& outputs, const VideoRenderOptions& opts) {
    const shard::Shard& sh = opts.shard;
    if (!sh.active()) return ShardOutput::None;
    // The simplest rule: a shard writes one thing, its share of one output.
    if (outputs.size() != 1)
        fail("--shard", "a sharded render writes one output, this one has " + std::to_string(outputs.size()),
             "run one sharded render per format (e.g. -o parts/ for an MP4, then mmr join)");
    if (!opts.poster.empty())
        fail("--poster " + opts.poster, "cannot be combined with --shard (a shard renders only part of the frames)",
             "write the poster once with mmr still --step N, or render without --shard");
    const std::string& output = outputs[0];
    if (output.find("{frame") != std::string::npos) return ShardOutput::Frames;
    const std::string ext = lower_extension(output);
    if (ext == ".gif")
        fail("--shard", "a GIF cannot be rendered in shards (each frame is coded against the one before)",
             "render an MP4 in shards (-o FOLDER/, then mmr join), or a PNG sequence (-o frames/f{frame:04}.png)");
    if (ext == ".mp4")
        fail("-o " + output, "with --shard, -o names the folder the shard writes its part into",
             "write e.g. -o parts/ --shard " + sh.text() + ", then mmr join parts/ -o " + output);
    if (ext == ".webm" || ext == ".mov" || ext == ".webp" || ext == ".apng" || ext == ".png")
        fail("--shard", "only an H.264 MP4 (parts joined by mmr join) or a PNG sequence can be rendered in shards, not " +
                            ext,
             "render an MP4 in shards (-o FOLDER/, then mmr join), or a PNG sequence (-o frames/f{frame:04}.png)");
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
    return render_video(scene, std::vector<std::string>{output}, opts);
}

VideoRenderStats render_video(const SceneSpec& scene, const std::vector<std::string>& outputs,
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
    vo.alpha = scene.output.background_set && scene.output.background_alpha < 1;
    // Before any work: extension, codec, folder, even size, holds, poster path.
    const ShardOutput sharded = shard_output(outputs, opts);
    std::string folder;
    VideoFormat part_format;
    // Per pixel: renderer, its static layer, and every output's encoder.
    double frame_bytes = renderer_bytes_per_pixel(opts.render) + (opts.layer_cache ? layer_bytes_per_pixel() : 0.0);
    if (sharded == ShardOutput::Part) {
        folder = outputs[0];
        while (folder.size() > 1 && folder.back() == '/') folder.pop_back();
        if (video_format(folder + "/part.mp4", vo).codec != "h264")  // before the folder is made
            fail("--codec " + vo.codec, "the parts of a sharded render are H.264 (joined into an MP4 by mmr join)",
                 "drop --codec, or render a PNG sequence in shards");
        check_frame_memory(scene, frame_bytes + encoder_bytes_per_pixel("h264"), "video");  // before the folder
        // Many tasks may start at once: each creates the folder if it is missing.
        if (mkdir(folder.c_str(), 0777) != 0 && errno != EEXIST)
            fail("-o " + outputs[0], std::string("cannot create the folder (") + std::strerror(errno) + ")",
                 "create it, or name a writable folder");
        part_format = check_frame_sink(folder + "/part.mp4", vo);  // folder writable, even size, crf, preset
        if (!part_format.warning.empty()) warn(outputs[0], part_format.warning, part_format.warning_fix);
    } else {
        for (const std::string& output : outputs) {
            const VideoFormat format = check_frame_sink(output, vo);
            if (!format.warning.empty()) warn(output, format.warning, format.warning_fix);
            if (!opts.poster.empty()) check_poster(opts.poster, output);
            frame_bytes += encoder_bytes_per_pixel(format.codec);
        }
        check_frame_memory(scene, frame_bytes, "video");
    }
    const int64_t hold_end = hold_frames(opts.hold, vo.fps, "--hold");
    const int64_t hold_start = hold_frames(opts.hold_start, vo.fps, "--hold-start");
    if (opts.poster_step < 0)
        fail("--poster-step " + std::to_string(opts.poster_step), "steps are counted from 1",
             "choose a step from 1 to the animation's period (mmr check shows it), or 0 for the last frame's");

    Model model = build_model(scene);
    check_fusion(model, scene.path);
    Layout layout = compute_layout(model);
    Animation anim(model, layout);
    const TimeMap tm = time_map(model, anim.animated() ? anim.period() : 0, opts);
    const int64_t base_total = total_frames(tm, opts, scene);
    const HeldTimeline held(tm, base_total, hold_start, hold_end);
    const int64_t total = held.frames();
    if (double(total) > opts.max_frames) {
        char most[48];
        std::snprintf(most, sizeof most, "%.0f", std::floor(opts.max_frames));
        fail(opts.hold > 0 ? "--hold" : "--hold-start",
             "the holds make " + std::to_string(total) + " frames (" + std::to_string(base_total) +
                 " without them, " + std::to_string(held.cycles()) + " cycles)",
             std::string("at most ") + most + " are rendered: shorten the holds or pass --max-frames");
    }

    VideoRenderStats st;
    st.period = tm.period;
    st.total = total;
    st.first = 0;
    st.last = total - 1;
    if (!opts.frames.empty()) parse_frame_range(opts.frames, total, st.first, st.last);
    vo.first_index = int(st.first);
    vo.segment_origin = int(st.first);  // segments count from the first frame rendered
    if (outputs.size() == 1) st.output = outputs[0];

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
            // Everything that changes the bytes: parts that differ in any of it are
            // of different renders (mmr join refuses to mix them).
            h.identity = shard::render_identity(
                {{"format", "mp4"},
                 {"scene", shard::fnv1a_hex(write_scene(scene))},
                 {"size", size},
                 {"fps", number(vo.fps)},
                 {"frames", std::to_string(render_first) + "-" + std::to_string(render_last)},
                 {"hold", number(opts.hold)},
                 {"hold_start", number(opts.hold_start)},
                 {"view", opts.flat_view ? "flat" : "3d"},
                 {"segment_frames", std::to_string(vo.segment_frames)},
                 {"codec", part_format.codec},
                 {"pix_fmt", part_format.pix_fmt},
                 {"crf", std::to_string(part_format.crf)},
                 {"preset", vo.preset.empty() ? "veryfast" : vo.preset},
                 {"encoder_threads", std::to_string(vo.encoder_threads)},
                 {"aa", std::to_string(int(opts.render.aa)) + "x" + std::to_string(opts.render.msaa)},
                 {"scale", number(opts.render.scale)},
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
            part_sink = open_h264_segment_sink(st.output, vo, part_format, shard::open_part_writer(st.output, h));
        }
    }

    DrawList dl = build_draw_list(model, layout, W, H);
    const CameraView base_camera = dl.camera;
    // The poster's draw list is built (and its step checked) before any frame.
    int poster_step = -1;
    DrawList poster_dl;
    if (!opts.poster.empty()) {
        poster_step = opts.poster_step;
        if (poster_step > 0 && tm.period == 0)
            fail("--poster-step " + std::to_string(poster_step), "the scene is not animated (anim.alg is none)",
                 "drop --poster-step: the poster shows the scene");
        if (poster_step > tm.period)
            fail("--poster-step " + std::to_string(poster_step),
                 "outside the animation, whose cycle has steps 1 to " + std::to_string(tm.period),
                 "choose a step from 1 to " + std::to_string(tm.period));
        if (poster_step == 0 && tm.period > 0) poster_step = tm.step_for_frame(held.base_frame(st.last));
        poster_dl = still_draw_list(scene, model, layout, poster_step);
    }
    st.poster_step = poster_step;
    // --view flat draws on the CPU: no GL context is made.
    std::unique_ptr<Renderer> renderer = opts.flat_view ? nullptr : create_renderer(opts.backend, W, H, opts.render);
    const flat::FlatArrangement flat_arrangement = flat::flat_arrangement(model, W, H);
    auto sink = part_sink ? std::move(part_sink) : open_frame_sinks(outputs, vo);
    st.renderer = renderer ? renderer->description() : "flat view (cairo, CPU)";
    st.encoder = sink->description();

    // Where the time goes: animation state, GL render + readback, and waiting
    // for the encoder thread (a full queue means the encoder is the bottleneck).
    double t_anim = 0, t_gl = 0, t_enc = 0;
    const auto t_start = clock::now();
    const int64_t n = st.last - st.first + 1;
    // When the animation is slower than the frame rate, consecutive frames show
    // the same step: without spin they are the same picture, so it is reused.
    // Held frames repeat the plain timeline's frame exactly (camera orbit too).
    Image frame;
    int shown_step = -1;
    int64_t shown_base = -1;
    // Frames as changes (the default): sprite slots updated incrementally and,
    // without spin, a static layer planned by an animation running ahead.
    const bool slotted = renderer && opts.layer_cache;
    SpriteSlots slots;
    std::unique_ptr<LayerPlanner> planner;
    if (slotted && tm.period > 0 && tm.spin == 0) {
        LayerPlanOptions po;
        po.min_point = opts.render.scale;
        planner = std::make_unique<LayerPlanner>(
            model, layout, W, H, base_camera, [&](int64_t f) { return tm.step_for_frame(held.base_frame(f)); },
            st.last, po);
    }
    for (int64_t f = st.first; f <= st.last; ++f) {
        if (opts.interrupted && opts.interrupted()) {
            sink->abort();  // removes the temporary file: nothing half-written is left
            st.interrupted = true;
            st.last = f - 1;
            return st;
        }
        auto t0 = clock::now();
        const int64_t base = held.base_frame(f);
        const int step = tm.step_for_frame(base);
        if (base == shown_base || (step == shown_step && tm.spin == 0)) {
            sink->write_repeat(frame);
            if (opts.on_frame) opts.on_frame(f - st.first + 1, n);
            continue;
        }
        // With a layer plan the animation runs ahead, inside the planner.
        if (tm.period > 0 && !planner) anim.seek(step);
        if (tm.spin != 0) {
            dl.camera = orbit(base_camera, tm.spin_angle(base));
            // Legends face the camera: re-orient them as the view turns.
            dl.text.clear();
            for (const MatrixPlacement& mp : layout.matrices) add_legends(model, mp, dl.camera, dl.text);
        }
        if (planner) {
            dl.layer = planner->advance(f, slots, dl);
            dl.slots = &slots;
        } else if (slotted) {
            anim.update_slots(slots, dl, W, H);
            dl.slots = &slots;
            dl.layer = nullptr;
        } else {
            anim.update_draw_list(dl, W, H);
        }
        t_anim += since(t0);
        t0 = clock::now();
        if (renderer)
            renderer->render(dl, frame);
        else
            frame = flat::flat_image(model, flat_arrangement, &anim, W, H, scene.output.background);
        shown_step = step;
        shown_base = base;
        t_gl += since(t0);
        t0 = clock::now();
        sink->write(frame);
        t_enc += since(t0);
        if (opts.on_frame) opts.on_frame(f - st.first + 1, n);
    }
    auto t0 = clock::now();
    Image poster;
    if (!opts.poster.empty()) {
        if (renderer) {
            poster = renderer->render(poster_dl);
        } else {  // --view flat: the still of the poster's step, drawn flat as `still --view flat` does
            std::unique_ptr<Animation> at;
            if (poster_step > 0) {
                at = std::make_unique<Animation>(model, layout);
                at->seek(poster_step);
            }
            poster = flat::flat_image(model, flat_arrangement, at.get(), W, H, scene.output.background);
        }
    }
    sink->finish();
    t_enc += since(t0);
    if (!opts.poster.empty()) {
        // The video and its poster are written together or not at all.
        try {
            write_png(opts.poster, poster, still_png_texts(scene, opts.render, std::max(poster_step, 0), 1));
        } catch (...) {
            for (const std::string& output : outputs) std::remove(output.c_str());
            throw;
        }
    }
    if (planner) {
        st.layers = planner->stats().windows;
        st.layered_frames = planner->stats().layered_frames;
    }
    st.seconds = since(t_start);
    st.anim_ms = 1e3 * t_anim / double(n);
    st.gl_ms = 1e3 * t_gl / double(n);
    st.encode_wait_ms = 1e3 * t_enc / double(n);
    return st;
}

}  // namespace mmr
