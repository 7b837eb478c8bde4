// --hold and --hold-start: the held timeline maps output frames to frames of the
// plain timeline, holding the first/last frame of every cycle.
#include <doctest/doctest.h>

#include <vector>

#include "mmr/core/error.h"
#include "mmr/timeline/hold.h"

using namespace mmr;

namespace {

TimeMap time_map(double fps, double speed, int period) {
    TimeMap t;
    t.fps = fps;
    t.speed = speed;
    t.period = period;
    return t;
}

std::vector<int64_t> all(const HeldTimeline& h) {
    std::vector<int64_t> v;
    for (int64_t f = 0; f < h.frames(); ++f) v.push_back(h.base_frame(f));
    return v;
}

}  // namespace

TEST_CASE("hold: the last frame of each cycle repeats, then the next cycle starts where it was") {
    // 3 steps a cycle at 10 steps/s and 10 fps: frame f shows step f % 3 + 1.
    const TimeMap t = time_map(10, 10, 3);
    HeldTimeline none(t, 6, 0, 0);
    CHECK(none.frames() == 6);
    CHECK(all(none) == std::vector<int64_t>{0, 1, 2, 3, 4, 5});

    HeldTimeline end(t, 6, 0, 2);  // 2 cycles, 2 frames held after each
    CHECK(end.cycles() == 2);
    CHECK(end.frames() == 10);
    CHECK(all(end) == std::vector<int64_t>{0, 1, 2, 2, 2, 3, 4, 5, 5, 5});

    HeldTimeline both(t, 6, 1, 2);
    CHECK(both.frames() == 12);
    CHECK(all(both) == std::vector<int64_t>{0, 0, 1, 2, 2, 2, 3, 3, 4, 5, 5, 5});
    // The held frames show the first and last steps of the cycle.
    CHECK(t.step_for_frame(both.base_frame(0)) == 1);
    CHECK(t.step_for_frame(both.base_frame(11)) == 3);
}

TEST_CASE("hold: cycles that do not fill whole frames, and a partial last cycle") {
    // 20 steps/s at 30 fps: 1.5 frames a step; period 3 = 4.5 frames a cycle.
    const TimeMap t = time_map(30, 20, 3);
    // 2.5 cycles -> ceil(11.25) = 12 frames; frame f has floor(f * 2 / 3) steps done:
    // frames 0-4 are cycle 0, 5-8 cycle 1, 9-11 cycle 2.
    HeldTimeline h(t, 12, 0, 1);
    CHECK(h.cycles() == 3);
    CHECK(h.frames() == 15);
    CHECK(all(h) == std::vector<int64_t>{0, 1, 2, 3, 4, 4, 5, 6, 7, 8, 8, 9, 10, 11, 11});
    for (int64_t f = 0; f < h.frames(); ++f) {
        // Every frame of cycle c shows a step of cycle c: held frames never show the next cycle.
        CAPTURE(f);
        const int64_t b = h.base_frame(f);
        const int64_t steps = int64_t(double(b) * 20 / 30 + 1e-9);
        CHECK(steps / 3 == (f < 6 ? 0 : f < 11 ? 1 : 2));
    }
}

TEST_CASE("hold: a scene that is not animated is one cycle; bad holds are refused") {
    HeldTimeline h(time_map(10, 20, 0), 4, 2, 3);
    CHECK(h.frames() == 9);
    CHECK(all(h) == std::vector<int64_t>{0, 0, 0, 1, 2, 3, 3, 3, 3});

    CHECK(hold_frames(1.5, 30, "--hold") == 45);
    CHECK(hold_frames(0, 30, "--hold") == 0);
    CHECK(hold_frames(0.01, 30, "--hold") == 0);  // under half a frame
    CHECK_THROWS_WITH_AS(hold_frames(-1, 30, "--hold"),
                         "--hold -1: a hold is a number of seconds, 0 or more; write e.g. '--hold 1.5'", Error);
    CHECK_THROWS_WITH_AS(hold_frames(1e9, 30, "--hold-start"),
                         doctest::Contains("--hold-start 1e+09: a hold of more than an hour (3600 s) is refused"),
                         Error);
    CHECK_THROWS_AS(hold_frames(0.0 / 0.0, 30, "--hold"), Error);
}
