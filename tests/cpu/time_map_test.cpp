#include <doctest/doctest.h>

#include <cmath>

#include "mmr/core/error.h"
#include "mmr/timeline/time_map.h"

using namespace mmr;

TEST_CASE("time map: step n is current from (n-1)/speed seconds") {
    TimeMap t{30, 12, 10, 0};  // 30 fps, 12 steps/s, period 10
    CHECK(t.step_for_frame(0) == 1);
    CHECK(t.step_for_frame(2) == 1);   // 2/30 s = 0.067 s < 1/12 s
    CHECK(t.step_for_frame(3) == 2);   // 0.1 s >= 1/12 s
    CHECK(t.step_for_frame(25) == 11 - 10);  // 10 steps done -> wraps to step 1
    CHECK(t.step_for_frame(27) == 1 + 0);
    CHECK(t.step_for_frame(28) == 2);  // 28*12/30 = 11.2 -> step 12 -> wraps to 2
}

TEST_CASE("time map: frame times that are exact multiples do not round down") {
    TimeMap t{10, 1, 100, 0};
    for (int f = 0; f < 50; ++f) CHECK(t.step_for_frame(f) == f / 10 + 1);
    TimeMap u{30, 48, 1024, 0};  // fixture 02: 48 steps/s at 30 fps
    CHECK(u.step_for_frame(5) == 9);  // 5*48/30 = 8 exactly -> step 9
}

TEST_CASE("time map: a full cycle and seconds in frames") {
    TimeMap t{30, 48, 1024, 0};  // dotprod 32x32: 1024 steps at 48/s
    CHECK(t.frames_for_cycles(1) == 640);  // 1024 / 48 * 30 = 640
    CHECK(t.frames_for_cycles(2) == 1280);
    TimeMap s{30, 20, 0, 0};
    CHECK(s.frames_for_cycles(1) == 1);  // not animated: one frame
    CHECK(s.frames_for_seconds(2.5) == 75);
    CHECK(s.step_for_frame(99) == 1);
}

TEST_CASE("time map: spin turns the camera by -spin/20 radians per second") {
    TimeMap t{25, 20, 0, 2};
    CHECK(t.spin_angle(0) == 0);
    CHECK(t.spin_angle(25) == doctest::Approx(-0.1));
    CHECK(t.spin_angle(50) == doctest::Approx(-0.2));
}

TEST_CASE("time map: --frames ranges") {
    int64_t a, b;
    parse_frame_range("0:299", 300, a, b);
    CHECK(a == 0);
    CHECK(b == 299);
    parse_frame_range("100:", 300, a, b);
    CHECK(a == 100);
    CHECK(b == 299);
    CHECK_THROWS_WITH_AS(parse_frame_range("0:300", 300, a, b),
                         "--frames 0:300: outside the timeline, which has frames 0:299; choose "
                         "frames within 0:299 (or use --cycles)", Error);
    CHECK_THROWS_WITH_AS(parse_frame_range("5:3", 300, a, b), doctest::Contains("outside the timeline"), Error);
    CHECK_THROWS_WITH_AS(parse_frame_range("x", 300, a, b), doctest::Contains("expected FIRST:LAST"), Error);
    CHECK_THROWS_WITH_AS(parse_frame_range("-1:3", 300, a, b), doctest::Contains("outside"), Error);
}
