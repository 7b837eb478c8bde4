// The animated pipeline: scene -> model -> layout -> timeline -> frame state ->
// draw list -> GL -> frames streamed to an encoder (mmr/encode/video.h), with
// optional holds and a poster PNG.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "mmr/encode/video.h"
#include "mmr/core/limits.h"
#include "mmr/gl/backend.h"
#include "mmr/scene/scene_spec.h"
#include "mmr/shard/shard.h"

namespace mmr {

struct VideoRenderOptions {
    BackendKind backend = BackendKind::Auto;
    RenderOptions render;
    VideoOptions video;        // fps, crf, preset (width/height come from the scene)
    double cycles = 1;         // root cycles to render (animated scenes)
    double duration = 0;       // seconds instead of cycles (> 0)
    double max_frames = limits::max_frames;  // refuse longer renders (--max-frames)
    std::string frames;        // "FIRST:LAST" slice of the timeline (0-based, inclusive)
    double hold = 0;           // seconds the last frame of each cycle is held (--hold)
    double hold_start = 0;     // seconds the first frame of each cycle is held (--hold-start)
    // --poster FILE.png: written after the video, byte for byte the PNG that
    // `mmr still --step N` writes (same size and options), N being poster_step,
    // or when that is 0 the step of the last frame written (the finished scene
    // for a scene that is not animated). "" = no poster.
    std::string poster;
    int poster_step = 0;
    // Video frames as changes to the previous one, with a static layer of the
    // sprites that do not change (mmr/layer/layer_plan.h). false (the hidden
    // --no-layer-cache): every frame's draw list rebuilt and drawn whole, the
    // reference the tests compare the cached frames with.
    bool layer_cache = true;
    bool flat_view = false;    // --view flat: the matrices face-on, drawn on the CPU (mmr/flat/flat_view.h)
    // --shard: render only this shard's share of the frames. An H.264 MP4 render then
    // writes a part (mmr/shard/part.h) into the folder `output` (joined by mmr join);
    // a PNG sequence writes the share's frames; other formats, several outputs and
    // --poster are refused with --shard. --resume: a complete part of the
    // same render is kept and nothing is rendered.
    shard::Shard shard;
    bool resume = false;
    // Called after every frame with (frames done, frames total); may be empty.
    std::function<void(int64_t, int64_t)> on_frame;
    // Polled before every frame; returning true aborts (the output is removed).
    std::function<bool()> interrupted;
};

struct VideoRenderStats {
    int64_t first = 0, last = -1;  // frames rendered
    int64_t layers = 0, layered_frames = 0;  // static layers planned, frames drawn with one
    int period = 0;                // steps per root cycle (0: not animated)
    int64_t total = 0;             // frames of the whole timeline, holds included
    int poster_step = -1;          // the step the poster shows (0: the finished scene; -1: no poster)
    double seconds = 0, anim_ms = 0, gl_ms = 0, encode_wait_ms = 0;  // per frame
    std::string renderer, encoder;
    std::string output;        // what was written (a shard: its part)
    bool interrupted = false;
    bool skipped = false;      // --resume found the part complete
    bool no_frames = false;    // a shard with no segments to render (fewer segments than shards)
};

// Renders and writes `output`. Throws mmr::Error on bad input; on interruption
// the partial output is removed and stats.interrupted is set.
VideoRenderStats render_video(const SceneSpec& scene, const std::string& output,
                              const VideoRenderOptions& opts);
// The same frames written to several outputs at once (-o 'x.{mp4,gif}').
VideoRenderStats render_video(const SceneSpec& scene, const std::vector<std::string>& outputs,
                              const VideoRenderOptions& opts);

}  // namespace mmr
