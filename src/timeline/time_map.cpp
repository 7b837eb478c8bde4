#include "mmr/timeline/time_map.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "mmr/core/error.h"
#include "mmr/core/limits.h"

namespace mmr {

// Frame times are f / fps exactly; a tiny epsilon keeps f * speed / fps from
// landing just below an integer through rounding (e.g. 3 * 0.1 * 10).
static const double kEps = 1e-9;

int TimeMap::step_for_frame(int64_t frame) const {
    if (period <= 0) return 1;
    double steps = std::floor(double(frame) * speed / fps + kEps);
    return int(std::fmod(steps, double(period))) + 1;
}

int64_t TimeMap::frames_for_cycles(double cycles) const {
    if (period <= 0) return 1;
    double seconds = cycles * double(period) / speed;
    return std::max<int64_t>(1, int64_t(std::ceil(seconds * fps - kEps)));
}

int64_t TimeMap::frames_for_seconds(double seconds) const {
    return std::max<int64_t>(1, int64_t(std::ceil(seconds * fps - kEps)));
}

double TimeMap::spin_angle(int64_t frame) const {
    return -spin * (double(frame) / fps) / 20.0;
}

namespace {

std::string g(double v) {
    char b[40];
    std::snprintf(b, sizeof b, "%g", v);
    return b;
}

}  // namespace

int64_t checked_total_frames(const TimeMap& tm, const FrameRequest& r) {
    if (!(tm.fps >= limits::min_fps && tm.fps <= limits::max_fps))
        fail("--fps " + g(tm.fps), "the frame rate must be from " + g(limits::min_fps) + " to " + g(limits::max_fps),
             "write e.g. '--fps 30'");
    if (!(r.max_frames >= 1) || !std::isfinite(r.max_frames))
        fail("--max-frames " + g(r.max_frames), "expected a positive number", "write e.g. '--max-frames 2000000'");
    char most_text[48];
    std::snprintf(most_text, sizeof most_text, "at most %.0f are rendered", std::floor(r.max_frames));
    const std::string most = most_text;
    const std::string at = " frames at " + g(tm.fps) + " fps";
    double frames = 0;
    if (r.duration != 0) {
        if (!(r.duration > 0) || !std::isfinite(r.duration))
            fail("--duration " + g(r.duration), "the duration must be a positive number of seconds",
                 "write e.g. '--duration 10'");
        frames = std::ceil(r.duration * tm.fps - kEps);
        if (!(frames <= r.max_frames))
            fail("--duration " + g(r.duration), "makes " + g(frames) + at,
                 most + ": lower --duration or --fps, or pass --max-frames");
    } else {
        if (!(r.cycles > 0) || !std::isfinite(r.cycles))
            fail("--cycles " + g(r.cycles), "the number of cycles must be a positive number",
                 "write e.g. '--cycles 1'");
        if (tm.period > 0) {
            const double one = double(tm.period) / tm.speed * tm.fps;  // frames of one cycle
            frames = std::ceil(r.cycles * one - kEps);
            if (!(frames <= r.max_frames) && one > r.max_frames)  // one cycle is already too long
                fail(r.speed_where.empty() ? r.scene : r.speed_where,
                     "anim.speed " + g(tm.speed) + " makes one cycle " + g(std::ceil(one - kEps)) + at + " (" +
                         std::to_string(tm.period) + " steps)",
                     most + ": raise anim.speed, lower --cycles or pass --max-frames");
            if (!(frames <= r.max_frames))
                fail("--cycles " + g(r.cycles), "makes " + g(frames) + at + " (" + g(std::ceil(one - kEps)) + " a cycle)",
                     most + ": lower --cycles or pass --max-frames");
        } else if (tm.spin != 0) {  // a static scene that spins: one full turn
            frames = std::ceil(2 * M_PI * 20 / std::fabs(tm.spin) * tm.fps - kEps);
            if (!(frames <= r.max_frames))
                fail(r.spin_where.empty() ? r.scene : r.spin_where,
                     "anim.spin " + g(tm.spin) + " makes one turn " + g(frames) + at,
                     most + ": raise anim.spin, give --duration or pass --max-frames");
        } else {
            fail(r.scene, "the scene does not move (anim.alg is none and anim.spin is 0)",
                 "set anim.alg or anim.spin in the scene, or give --duration SECONDS");
        }
    }
    return std::max<int64_t>(1, static_cast<int64_t>(frames));
}

void parse_frame_range(const std::string& text, int64_t total, int64_t& first, int64_t& last) {
    long long a = 0, b = total - 1;
    int n = 0;
    // Digits only (a leading '-' too, to say "outside"), overflow-checked.
    auto whole = [](const std::string& t, long long& v) {
        if (t.empty() || t.size() > 19 || t.find_first_not_of("-0123456789") != std::string::npos ||
            t.find('-', 1) != std::string::npos || t == "-")
            return false;
        errno = 0;
        char* end = nullptr;
        v = std::strtoll(t.c_str(), &end, 10);
        return errno == 0 && *end == 0;
    };
    const size_t colon = text.find(':');
    if (colon != std::string::npos && whole(text.substr(0, colon), a)) {
        const std::string rest = text.substr(colon + 1);
        if (rest.empty()) n = 1, b = total - 1;
        else if (whole(rest, b)) n = 2;
    }
    if (n == 0)
        fail("--frames " + text, "expected FIRST:LAST (0-based, inclusive)", "write e.g. '--frames 0:299'");
    if (a < 0 || b < a || b >= total)
        fail("--frames " + text,
             "outside the timeline, which has frames 0:" + std::to_string(total - 1),
             "choose frames within 0:" + std::to_string(total - 1) + " (or use --cycles)");
    first = a;
    last = b;
}

}  // namespace mmr
