#include "mmr/timeline/hold.h"

#include <cmath>
#include <cstdio>

#include "mmr/core/error.h"

namespace mmr {

namespace {
const double kEps = 1e-9;  // as in time_map.cpp
}

int64_t hold_frames(double seconds, double fps, const char* option) {
    char text[40];
    std::snprintf(text, sizeof text, "%g", seconds);
    if (!std::isfinite(seconds) || seconds < 0)
        fail(std::string(option) + " " + text, "a hold is a number of seconds, 0 or more", std::string("write e.g. '") + option + " 1.5'");
    if (seconds > kMaxHoldSeconds)
        fail(std::string(option) + " " + text, "a hold of more than an hour (3600 s) is refused",
             "hold at most 3600 seconds; for a still picture write a PNG with mmr still");
    return int64_t(std::llround(seconds * fps));
}

HeldTimeline::HeldTimeline(const TimeMap& tm, int64_t base_frames, int64_t start, int64_t end)
    : tm_(tm), base_(base_frames), start_(start), end_(end) {
    cycles_ = tm_.period > 0 && base_ > 0 ? steps(base_ - 1) / tm_.period + 1 : 1;
    frames_ = base_ + cycles_ * (start_ + end_);
}

int64_t HeldTimeline::steps(int64_t f) const {
    return int64_t(std::floor(double(f) * tm_.speed / tm_.fps + kEps));
}

int64_t HeldTimeline::cycle_first(int64_t c) const {
    if (c <= 0) return 0;
    if (c >= cycles_) return base_;
    // The first frame whose step count reaches c periods: estimated, then
    // corrected against steps() itself so that it agrees with step_for_frame.
    const int64_t target = c * int64_t(tm_.period);
    int64_t f = int64_t(std::ceil(double(target) * tm_.fps / tm_.speed));
    while (f > 0 && steps(f - 1) >= target) --f;
    while (steps(f) < target) ++f;
    return f;
}

int64_t HeldTimeline::base_frame(int64_t f) const {
    if (start_ == 0 && end_ == 0) return f;
    // The cycle holding output frame f: the last c whose output start is <= f.
    int64_t lo = 0, hi = cycles_ - 1;
    while (lo < hi) {
        const int64_t mid = (lo + hi + 1) / 2;
        if (cycle_first(mid) + mid * (start_ + end_) <= f) lo = mid;
        else hi = mid - 1;
    }
    const int64_t first = cycle_first(lo), next = cycle_first(lo + 1);
    const int64_t local = f - (first + lo * (start_ + end_));
    if (local < start_) return first;
    if (local < start_ + (next - first)) return first + (local - start_);
    return next - 1;
}

}  // namespace mmr
