#include "mmr/render/video.h"

#include <chrono>
#include <cmath>
#include <cstdio>

#include "mmr/core/error.h"
#include "mmr/core/limits.h"
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
    for (const std::string& output : outputs) check_frame_sink(output, vo);  // before any work: extension, folder, even size

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

    DrawList dl = build_draw_list(model, layout, W, H);
    const CameraView base_camera = dl.camera;
    auto renderer = create_renderer(opts.backend, W, H, opts.render);
    auto sink = open_frame_sinks(outputs, vo);
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
