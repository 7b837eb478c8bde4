// Holds: `mmr render --hold S` shows the last frame of every cycle S seconds
// longer, `--hold-start S` the first frame of every cycle S seconds before the
// animation moves (docs/video.md). The held timeline maps each output frame to
// a frame of the plain timeline (TimeMap), so a held frame is the same picture,
// camera orbit included, and the animation resumes where it stopped.
#pragma once
#include <cstdint>
#include <string>

#include "mmr/timeline/time_map.h"

namespace mmr {

// The longest hold accepted, in seconds.
constexpr double kMaxHoldSeconds = 3600;

// Frames a hold of `seconds` lasts at `fps`: round(seconds * fps). Throws
// mmr::Error naming `option` ("--hold") if seconds is negative, not finite or
// above kMaxHoldSeconds.
int64_t hold_frames(double seconds, double fps, const char* option);

class HeldTimeline {
public:
    // `base_frames` frames of the plain timeline `tm`; `start`/`end` frames held
    // before/after each cycle. A scene that is not animated (period 0) is one
    // cycle: the holds are at the start and the end of the video.
    HeldTimeline(const TimeMap& tm, int64_t base_frames, int64_t start, int64_t end);
    int64_t frames() const { return frames_; }   // output frames in all
    int64_t cycles() const { return cycles_; }   // cycles touched by the plain timeline
    // The plain-timeline frame that output frame f (0-based, < frames()) shows.
    int64_t base_frame(int64_t f) const;

private:
    int64_t cycle_first(int64_t c) const;  // first plain frame of cycle c (c == cycles_: base_frames)
    int64_t steps(int64_t f) const;        // steps completed at plain frame f (uncapped by the period)

    TimeMap tm_;
    int64_t base_ = 0, start_ = 0, end_ = 0, cycles_ = 1, frames_ = 0;
};

}  // namespace mmr
