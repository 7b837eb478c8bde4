#include "mmr/timeline/time_map.h"

#include <cmath>
#include <cstdio>

#include "mmr/core/error.h"

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

void parse_frame_range(const std::string& text, int64_t total, int64_t& first, int64_t& last) {
    long long a = 0, b = total - 1;
    char tail = 0;
    int n = 0;
    if (std::sscanf(text.c_str(), "%lld:%lld%c", &a, &b, &tail) == 2)
        n = 2;
    else if (std::sscanf(text.c_str(), "%lld:%c", &a, &tail) == 1 && text.back() == ':')
        n = 1, b = total - 1;
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
