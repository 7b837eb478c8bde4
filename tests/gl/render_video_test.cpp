// End to end: a scene's animation rendered to MP4 by render_video, decoded back
// with libav, and each decoded frame compared with a still of the step the
// timeline says that frame shows.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "av_decode.h"
#include "mmr/core/error.h"
#include "mmr/encode/png.h"
#include "mmr/render/still.h"
#include "mmr/render/video.h"
#include "mmr/scene/scene_parser.h"

using namespace mmr;

namespace {

// mvprod over a 6x4 @ 4x6 product: period 6 steps; at 10 steps/s and 10 fps
// frame f shows step f + 1 (column f of the result is being painted).
const char* kScene = R"(
expr: A @ B
matrices:
  A: {shape: [6, 4], init: row major}
  B: {shape: [4, 6], init: col major}
anim: {alg: mvprod, speed: 10}
camera: {position: [-20, 16, 20]}
output: {width: 160, height: 96}
)";

double mean_abs_diff(const Image& a, const Image& b) {
    REQUIRE(a.width == b.width);
    REQUIRE(a.height == b.height);
    double sum = 0;
    for (size_t i = 0; i < a.rgba.size(); i += 4)
        for (int c = 0; c < 3; ++c) sum += std::abs(int(a.rgba[i + c]) - int(b.rgba[i + c]));
    return sum / (3.0 * a.width * a.height);
}

std::string temp_path(const char* name) {
    std::string dir = (std::filesystem::temp_directory_path() / "mmr-render-video-XXXXXX").string();
    REQUIRE(mkdtemp(dir.data()));
    return dir + "/" + name;
}

}  // namespace

TEST_CASE("render video: the MP4 has the requested codec, size, rate and frames, showing the timeline's steps") {
    SceneSpec spec = parse_scene(kScene, "video.yaml");
    const std::string out = temp_path("mvprod.mp4");
    VideoRenderOptions o;
    o.video.fps = 10;
    o.cycles = 1;
    VideoRenderStats st = render_video(spec, out, o);
    CHECK(st.period == 6);
    CHECK(st.first == 0);
    CHECK(st.last == 5);

    test::Decoded d = test::decode(out);
    CHECK(d.codec == "h264");
    CHECK(d.pix_fmt == AV_PIX_FMT_YUV420P);
    CHECK(d.width == 160);
    CHECK(d.height == 96);
    CHECK(d.r_frame_rate == doctest::Approx(10));
    REQUIRE(d.frames.size() == 6);

    // Stills of every step, through the same pipeline.
    std::vector<Image> steps;
    for (int s = 1; s <= 6; ++s) {
        StillOptions so;
        so.step = s;
        steps.push_back(render_still(spec, so));
    }
    // The middle frame is unlike the first and the last ...
    CHECK(mean_abs_diff(d.frames[3], d.frames[0]) > 1.0);
    CHECK(mean_abs_diff(d.frames[3], d.frames[5]) > 1.0);
    // ... and each frame is (up to H.264 loss) the still of its step, and closer
    // to it than to any other step's still.
    for (int f = 0; f < 6; ++f) {
        double own = mean_abs_diff(d.frames[f], steps[f]);
        CAPTURE(f);
        CHECK(own < 2.0);
        for (int s = 0; s < 6; ++s)
            if (s != f) CHECK(mean_abs_diff(d.frames[f], steps[s]) > own);
    }
    std::remove(out.c_str());
}

TEST_CASE("render video: --frames renders a slice, and slices join to the whole") {
    SceneSpec spec = parse_scene(kScene, "video.yaml");
    VideoRenderOptions o;
    o.video.fps = 10;
    o.frames = "2:4";
    const std::string out = temp_path("slice.mp4");
    VideoRenderStats st = render_video(spec, out, o);
    CHECK(st.first == 2);
    CHECK(st.last == 4);
    test::Decoded d = test::decode(out);
    REQUIRE(d.frames.size() == 3);
    StillOptions so;
    so.step = 3;  // frame 2 shows step 3
    CHECK(mean_abs_diff(d.frames[0], render_still(spec, so)) < 2.0);
    std::remove(out.c_str());
}

TEST_CASE("render video: interruption removes the output, a static scene needs a duration") {
    SceneSpec spec = parse_scene(kScene, "video.yaml");
    const std::string out = temp_path("stopped.mp4");
    VideoRenderOptions o;
    o.video.fps = 10;
    int polls = 0;
    o.interrupted = [&] { return ++polls > 3; };
    VideoRenderStats st = render_video(spec, out, o);
    CHECK(st.interrupted);
    CHECK(access(out.c_str(), F_OK) != 0);

    SceneSpec still = parse_scene("expr: A @ B\n", "static.yaml");
    CHECK_THROWS_WITH_AS(render_video(still, out, VideoRenderOptions{}),
                         "static.yaml: the scene does not move (anim.alg is none and anim.spin is 0); "
                         "set anim.alg or anim.spin in the scene, or give --duration SECONDS",
                         Error);
    VideoRenderOptions d;
    d.video.fps = 10;
    d.duration = 0.5;
    st = render_video(still, out, d);
    CHECK(st.last - st.first + 1 == 5);
    CHECK(access(out.c_str(), F_OK) == 0);
    std::remove(out.c_str());
}

TEST_CASE("render video: --hold and --hold-start lengthen every format by the held frames, which repeat") {
    SceneSpec spec = parse_scene(kScene, "video.yaml");
    // 6 frames a cycle at 10 fps; hold 0.5 s at the end and 0.2 s at the start: 13 frames, 1.3 s.
    struct Case {
        const char* name;
        const char* codec;
    };
    for (Case c : {Case{"hold.mp4", ""}, Case{"hold.webm", ""}, Case{"hold-av1.webm", "av1"}, Case{"hold.mov", ""},
                   Case{"hold.apng", ""}}) {
        CAPTURE(c.name);
        VideoRenderOptions o;
        o.video.fps = 10;
        o.video.codec = c.codec;
        o.hold = 0.5;
        o.hold_start = 0.2;
        const std::string out = temp_path(c.name);
        VideoRenderStats st = render_video(spec, out, o);
        CHECK(st.total == 13);
        CHECK(st.last == 12);
        test::Decoded d = test::decode(out);
        REQUIRE(d.frames.size() == 13);
        CHECK(d.packet_duration == doctest::Approx(1.3).epsilon(0.01));
        // Frames 0-2 show step 1, 3-7 steps 2-6, 8-12 hold step 6.
        CHECK(mean_abs_diff(d.frames[0], d.frames[2]) < 0.5);
        CHECK(mean_abs_diff(d.frames[2], d.frames[3]) > 1.0);
        CHECK(mean_abs_diff(d.frames[7], d.frames[12]) < 0.5);
        CHECK(mean_abs_diff(d.frames[6], d.frames[7]) > 1.0);
        std::remove(out.c_str());
    }
}

TEST_CASE("render video: the poster is the still of the last frame's step, byte for byte") {
    SceneSpec spec = parse_scene(kScene, "video.yaml");
    VideoRenderOptions o;
    o.video.fps = 10;
    o.frames = "0:3";  // the last frame written shows step 4
    const std::string out = temp_path("poster.webm");
    o.poster = out.substr(0, out.size() - 5) + ".png";
    VideoRenderStats st = render_video(spec, out, o);
    CHECK(st.poster_step == 4);
    StillOptions so;
    so.step = 4;
    const Image still = render_still(spec, so);
    const std::string still_path = out.substr(0, out.size() - 5) + "-still.png";
    write_png(still_path, still, still_png_texts(spec, so.render, so.step, so.supersample));
    std::ifstream a(o.poster, std::ios::binary), b(still_path, std::ios::binary);
    std::string pa((std::istreambuf_iterator<char>(a)), {}), pb((std::istreambuf_iterator<char>(b)), {});
    CHECK(pa.size() > 100);
    CHECK(pa == pb);
    std::remove(out.c_str());
    std::remove(o.poster.c_str());
    std::remove(still_path.c_str());
}
