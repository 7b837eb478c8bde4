// From video time to animation steps and camera angle (docs/spec/mm-animation.md §8, §9).
// Step n (1-based) is current from time (n - 1) / speed: mm's nominal rate.
#pragma once
#include <cstdint>
#include <string>

#include "mmr/core/limits.h"

namespace mmr {

struct TimeMap {
    double fps = 30;     // output frames per second
    double speed = 20;   // animation steps per second (mm's anim.speed)
    int period = 0;      // steps per root cycle (0: not animated)
    double spin = 0;     // mm's anim.spin: camera orbit at -spin/20 rad/s

    // Step shown by frame f (0-based). 1 when not animated.
    int step_for_frame(int64_t frame) const;
    // Frames that show `cycles` complete root cycles (at least 1 frame).
    int64_t frames_for_cycles(double cycles) const;
    // Frames of `seconds` of video.
    int64_t frames_for_seconds(double seconds) const;
    // Camera orbit angle (radians, about world +y) at frame f: mm's
    // theta = -spin * dt / 20000 per frame of dt milliseconds, summed from 0.
    double spin_angle(int64_t frame) const;
};

// What `mmr render` asks for, for checked_total_frames.
struct FrameRequest {
    double cycles = 1;        // --cycles
    double duration = 0;      // --duration (> 0: seconds instead of cycles)
    double max_frames = limits::max_frames;  // --max-frames
    std::string scene;        // the scene, for messages (file or link)
    std::string speed_where;  // where anim.speed / anim.spin are given ("": not given)
    std::string spin_where;
};

// Frames of the render: counted in double and checked (finite, at most
// max_frames) before any conversion to an integer. Throws mmr::Error naming what
// produced the count (anim.speed, anim.spin, --cycles, --duration) and the fix.
int64_t checked_total_frames(const TimeMap& tm, const FrameRequest& r);

// Parses "--frames A:B" (0-based, inclusive; "A:" = to the end); throws
// mmr::Error if malformed or outside [0, total).
void parse_frame_range(const std::string& text, int64_t total, int64_t& first, int64_t& last);

}  // namespace mmr
