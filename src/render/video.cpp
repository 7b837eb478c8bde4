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
#include "mmr/render/still.h"
#include "mmr/timeline/hold.h"
#include "mmr/draw/build_draw_list.h"
#include "mmr/layout/layout.h"
#include "mmr/model/build_model.h"
#include "mmr/timeline/animation.h"
#include "mmr/timeline/fuse_check.h"
#include "mmr/timeline/time_map.h"

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
    for (const std::string& output : outputs) {
        const VideoFormat format = check_frame_sink(output, vo);
        if (!format.warning.empty()) warn(output, format.warning, format.warning_fix);
        if (!opts.poster.empty()) check_poster(opts.poster, output);
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
    auto sink = open_frame_sinks(outputs, vo);
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
            sink->write(frame);
            if (opts.on_frame) opts.on_frame(f - st.first + 1, n);
            continue;
        }
        if (tm.period > 0) anim.seek(step);
        if (tm.spin != 0) {
            dl.camera = orbit(base_camera, tm.spin_angle(base));
            // Legends face the camera: re-orient them as the view turns.
            dl.text.clear();
            for (const MatrixPlacement& mp : layout.matrices) add_legends(model, mp, dl.camera, dl.text);
        }
        anim.update_draw_list(dl, W, H);
        t_anim += since(t0);
        t0 = clock::now();
        frame = renderer ? renderer->render(dl)
                         : flat::flat_image(model, flat_arrangement, &anim, W, H, scene.output.background);
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
    st.seconds = since(t_start);
    st.anim_ms = 1e3 * t_anim / double(n);
    st.gl_ms = 1e3 * t_gl / double(n);
    st.encode_wait_ms = 1e3 * t_enc / double(n);
    return st;
}

}  // namespace mmr
