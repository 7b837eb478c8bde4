// The animated pipeline: scene -> model -> layout -> timeline -> frame state ->
// draw list -> GL -> frames streamed to an encoder (MP4, GIF, PNG sequence).
#pragma once
#include <cstdint>
#include <functional>
#include <string>

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
    // --shard: render only this shard's share of the frames. An MP4 render then
    // writes a part (mmr/shard/part.h) into the folder `output` (joined by mmr join);
    // a PNG sequence writes the share's frames. --resume: a complete part of the
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
    int period = 0;                // steps per root cycle (0: not animated)
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

}  // namespace mmr
