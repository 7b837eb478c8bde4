// Video sinks: MP4 / GIF / PNG sequence written from synthetic frames, then read
// back with libavformat/libavcodec (or read_png) and checked: format, size,
// frame count, rate, duration, pixels; reproducible bytes; nothing left behind
// on errors, abort or destruction.
#include <doctest/doctest.h>

#include "temp_dir.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "mmr/core/error.h"
#include "mmr/encode/png.h"
#include "mmr/encode/video.h"
#include "av_decode.h"
#include "av/av_sink.h"

using namespace mmr;
using mmr::test::Decoded;
using mmr::test::decode;

namespace {

using test::TempDir;

struct Rgb {
    int r, g, b;
};
const Rgb kBackground{20, 20, 60};
const Rgb kSquare{230, 60, 30};

// Frame i of n: a 16x16 square moving from the left edge to the right edge.
Image moving_square(int i, int n, int w = 64, int h = 48) {
    Image img;
    img.width = w;
    img.height = h;
    img.rgba.resize(size_t(w) * h * 4);
    int x0 = i * (w - 16) / (n - 1), y0 = 16;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            bool in = x >= x0 && x < x0 + 16 && y >= y0 && y < y0 + 16;
            Rgb c = in ? kSquare : kBackground;
            uint8_t* p = &img.rgba[(size_t(y) * w + x) * 4];
            p[0] = uint8_t(c.r), p[1] = uint8_t(c.g), p[2] = uint8_t(c.b), p[3] = 255;
        }
    return img;
}

// Mean colour of the 6x6 block centred on (x, y) (GIF frames are dithered).
Rgb mean_around(const Image& img, int x, int y) {
    int sum[3] = {0, 0, 0}, n = 0;
    for (int yy = y - 3; yy < y + 3; ++yy)
        for (int xx = x - 3; xx < x + 3; ++xx, ++n)
            for (int c = 0; c < 3; ++c) sum[c] += img.rgba[(size_t(yy) * img.width + xx) * 4 + c];
    return {sum[0] / n, sum[1] / n, sum[2] / n};
}

bool near(Rgb a, Rgb b, int tol) {
    return std::abs(a.r - b.r) <= tol && std::abs(a.g - b.g) <= tol && std::abs(a.b - b.b) <= tol;
}

std::string show(Rgb c) {
    return std::to_string(c.r) + "," + std::to_string(c.g) + "," + std::to_string(c.b);
}

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_video(const std::string& path, const VideoOptions& opts, int n) {
    auto sink = open_frame_sink(path, opts);
    for (int i = 0; i < n; ++i) sink->write(moving_square(i, n, opts.width, opts.height));
    sink->finish();
}

VideoOptions opts_64x48(double fps) {
    VideoOptions o;
    o.width = 64;
    o.height = 48;
    o.fps = fps;
    return o;
}

std::string error_of(const std::string& path, const VideoOptions& opts) {
    try {
        check_frame_sink(path, opts);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("video: MP4 decodes to H.264 yuv420p with the frames, rate and duration written") {
    TempDir dir;
    std::string path = dir.path + "/square.mp4";
    write_video(path, opts_64x48(24), 30);
    CHECK(dir.files() == std::vector<std::string>{"square.mp4"});  // no temporary left

    Decoded d = decode(path);
    CHECK(d.codec == "h264");
    CHECK(d.pix_fmt == AV_PIX_FMT_YUV420P);
    CHECK(d.colorspace == AVCOL_SPC_BT709);
    CHECK(d.width == 64);
    CHECK(d.height == 48);
    CHECK(d.frames.size() == 30);
    CHECK(d.r_frame_rate == doctest::Approx(24).epsilon(0.001));
    CHECK(d.avg_frame_rate == doctest::Approx(24).epsilon(0.001));
    CHECK(d.duration == doctest::Approx(1.25).epsilon(0.01));
    CHECK(d.packet_duration == doctest::Approx(1.25).epsilon(0.001));  // last frame included (pitfall 8)
    REQUIRE(d.frames.size() == 30);

    // The square is at x 0..15 in frame 0, 24..39 in frame 15, 48..63 in frame 29.
    const Image &first = d.frames[0], &mid = d.frames[15], &last = d.frames[29];
    struct Probe {
        const Image* img;
        int x;
        Rgb want;
    };
    for (Probe p : {Probe{&first, 8, kSquare}, Probe{&first, 32, kBackground}, Probe{&mid, 8, kBackground},
                    Probe{&mid, 32, kSquare}, Probe{&mid, 56, kBackground}, Probe{&last, 32, kBackground},
                    Probe{&last, 56, kSquare}}) {
        Rgb got = mean_around(*p.img, p.x, 24);
        CAPTURE(p.x);
        CAPTURE(show(got));
        CHECK(near(got, p.want, 6));  // BT.601 vs BT.709 would be off by ~12
    }
}

TEST_CASE("video: MP4 in segments: a key frame starts each, every frame and the duration are kept") {
    TempDir dir;
    VideoOptions o = opts_64x48(24);
    o.segment_frames = 7;  // 30 frames: segments start at 0, 7, 14, 21, 28
    write_video(dir.path + "/seg.mp4", o, 30);
    Decoded d = decode(dir.path + "/seg.mp4");
    REQUIRE(d.frames.size() == 30);
    REQUIRE(d.key.size() == 30);
    for (int i : {0, 7, 14, 21, 28}) {
        CAPTURE(i);
        CHECK(d.key[i]);
    }
    CHECK(std::count(d.key.begin(), d.key.end(), true) == 5);  // x264 adds none in 7 frames
    CHECK(d.duration == doctest::Approx(1.25).epsilon(0.01));
    CHECK(d.packet_duration == doctest::Approx(1.25).epsilon(0.001));
    // The square is where it should be on both sides of a boundary (frames 6, 7).
    CHECK(near(mean_around(d.frames[6], 6 * 48 / 29 + 8, 24), kSquare, 8));
    CHECK(near(mean_around(d.frames[7], 7 * 48 / 29 + 8, 24), kSquare, 8));
    // Another segment length gives other bytes, the same frames.
    o.segment_frames = 10;
    write_video(dir.path + "/seg10.mp4", o, 30);
    CHECK(slurp(dir.path + "/seg.mp4") != slurp(dir.path + "/seg10.mp4"));
    CHECK(decode(dir.path + "/seg10.mp4").frames.size() == 30);
}

TEST_CASE("video: MP4 bytes are reproducible, and non-integer rates are kept") {
    TempDir dir;
    write_video(dir.path + "/a.mp4", opts_64x48(24), 30);
    write_video(dir.path + "/b.mp4", opts_64x48(24), 30);
    std::string a = slurp(dir.path + "/a.mp4"), b = slurp(dir.path + "/b.mp4");
    CHECK(a.size() > 1000);
    CHECK(a == b);

    write_video(dir.path + "/ntsc.mp4", opts_64x48(29.97), 10);
    Decoded d = decode(dir.path + "/ntsc.mp4");
    CHECK(d.frames.size() == 10);
    CHECK(d.avg_frame_rate == doctest::Approx(29.97).epsilon(0.0005));
    CHECK(d.packet_duration == doctest::Approx(10 / 29.97).epsilon(0.001));
}

TEST_CASE("video: H.264 level follows the size and rate (x264 chooses it): 4.0 at 1080p30, 5.1 at 4K30, 5.2 at 4K60") {
    // The level a player checks before decoding: 1920x1080 at 30 fps is 8160
    // macroblocks a frame, 244800 a second (level 4.0 allows 8192 and 245760);
    // 3840x2160 is 32400 a frame (5.1 allows 36864), 972000 a second at 30 fps
    // (5.1: 983040) and 1944000 at 60 (5.2: 2073600).
    TempDir dir;
    struct Case {
        int w, h;
        double fps;
        int level;
    };
    for (Case c : {Case{1920, 1080, 30, 40}, Case{3840, 2160, 30, 51}, Case{3840, 2160, 60, 52}}) {
        CAPTURE(c.w);
        CAPTURE(c.fps);
        VideoOptions o;
        o.width = c.w;
        o.height = c.h;
        o.fps = c.fps;
        const std::string path = dir.path + "/level.mp4";
        write_video(path, o, 2);
        Decoded d = decode(path);
        CHECK(d.width == c.w);
        CHECK(d.height == c.h);
        CHECK(d.profile == "High");
        CHECK(d.level == c.level);
        REQUIRE(d.frames.size() == 2);
        // Frame 0: the square at the left edge, the background elsewhere.
        CHECK(near(mean_around(d.frames[0], 8, 24), kSquare, 8));
        CHECK(near(mean_around(d.frames[0], c.w / 2, c.h / 2), kBackground, 8));
    }
}

TEST_CASE("video: the MP4 sink's pool of converted frames: every frame encoded is the one written, in order") {
    // write() converts each frame into a free YUV frame of a pool of 4 and queues it
    // for the encoder thread: a slot reused before it was encoded would show here as
    // a square in the wrong place (60 frames, written as fast as the caller can).
    TempDir dir;
    VideoOptions o = opts_64x48(30);
    o.segment_frames = 25;  // segment restarts on the encoder thread too
    write_video(dir.path + "/pool.mp4", o, 60);
    Decoded d = decode(dir.path + "/pool.mp4");
    REQUIRE(d.frames.size() == 60);
    for (int i = 0; i < 60; ++i) {
        CAPTURE(i);
        const int x0 = i * (64 - 16) / 59;
        CHECK(near(mean_around(d.frames[size_t(i)], x0 + 8, 24), kSquare, 8));
        if (x0 >= 24) CHECK(near(mean_around(d.frames[size_t(i)], x0 - 16, 24), kBackground, 8));
    }
}

TEST_CASE("video: write_repeat (a held or repeated frame) gives the same file as writing the frame again") {
    // Frames 0,0,0,1,1,2,2,2,2,3,... : the repeats through write() in one file, through
    // write_repeat() (which copies the converted planes of the last frame) in the other.
    TempDir dir;
    for (const char* ext : {".mp4", ".gif"}) {
        CAPTURE(ext);
        VideoOptions o = opts_64x48(30);
        o.segment_frames = 7;  // repeats across segment restarts
        const std::string a = dir.path + "/plain" + ext, b = dir.path + "/repeat" + ext;
        auto plain = open_frame_sink(a, o), repeat = open_frame_sink(b, o);
        int written = 0;
        for (int i = 0; i < 10; ++i) {
            const Image f = moving_square(i, 10);
            plain->write(f);
            repeat->write(f);
            for (int r = 0; r < i % 4; ++r) {
                plain->write(f);
                repeat->write_repeat(f);
            }
            written += 1 + i % 4;
        }
        plain->finish();
        repeat->finish();
        CHECK(slurp(a).size() > 500);
        CHECK(slurp(a) == slurp(b));
        CHECK(decode(b).frames.size() == size_t(written));
    }
}

TEST_CASE("video: RGBA to YUV gives the same planes on 1, 2 and 4 threads (sws slices are bit-exact)") {
    // The conversion runs with slice threads (min(4, cores)); the bytes must not
    // depend on how many: the same MP4 on any machine.
    const int w = 646, h = 362;
    Image img;
    img.width = w;
    img.height = h;
    img.rgba.resize(size_t(w) * h * 4);
    uint32_t x = 12345;
    for (size_t i = 0; i < img.rgba.size(); ++i) {
        x = x * 1664525u + 1013904223u;
        img.rgba[i] = (i % 4 == 3) ? 255 : uint8_t(x >> 24);
    }
    std::vector<std::vector<uint8_t>> planes;
    for (int threads : {1, 2, 4}) {
        encode_detail::RgbaToYuv conv("test", w, h, AV_PIX_FMT_YUV420P, true, threads);
        AVFrame* f = av_frame_alloc();
        f->format = AV_PIX_FMT_YUV420P;
        f->width = w;
        f->height = h;
        REQUIRE(av_frame_get_buffer(f, 0) == 0);
        conv.convert(img, f);
        std::vector<uint8_t> bytes;
        for (int p = 0; p < 3; ++p)
            for (int y = 0; y < (p ? h / 2 : h); ++y)
                bytes.insert(bytes.end(), f->data[p] + y * f->linesize[p], f->data[p] + y * f->linesize[p] + (p ? w / 2 : w));
        av_frame_free(&f);
        planes.push_back(bytes);
    }
    CHECK(planes[0].size() == size_t(w) * h * 3 / 2);
    CHECK(planes[0] == planes[1]);
    CHECK(planes[0] == planes[2]);
}

TEST_CASE("video: bad paths and options fail early with one line naming the file") {
    TempDir dir;
    std::string odd = error_of(dir.path + "/x.mp4", [] {
        VideoOptions o = opts_64x48(30);
        o.width = 65;
        return o;
    }());
    CHECK(odd.find("x.mp4: ") != std::string::npos);
    CHECK(odd.find("even") != std::string::npos);
    CHECK(odd.find("65x48") != std::string::npos);
    CHECK(odd.find("64x48") != std::string::npos);  // the fix
    // GIF and PNG have no such constraint.
    VideoOptions odd_gif = opts_64x48(30);
    odd_gif.width = 65;
    CHECK(error_of(dir.path + "/x.gif", odd_gif) == "");

    std::string ext = error_of(dir.path + "/x.avi", opts_64x48(30));
    CHECK(ext.find("\".avi\"") != std::string::npos);
    CHECK(ext.find(".webm") != std::string::npos);
    CHECK(ext.find(".mp4") != std::string::npos);
    CHECK(ext.find(".gif") != std::string::npos);
    CHECK(ext.find("{frame:04}") != std::string::npos);
    CHECK(error_of(dir.path + "/x", opts_64x48(30)).find("no file extension") != std::string::npos);

    CHECK(error_of(dir.path + "/x.mp4", opts_64x48(0)).find("frame rate") != std::string::npos);
    CHECK(error_of(dir.path + "/x.gif", opts_64x48(60)).find("50 fps") != std::string::npos);
    CHECK(error_of(dir.path + "/x.gif", opts_64x48(50)) == "");
    VideoOptions bad = opts_64x48(30);
    bad.crf = 52;
    CHECK(error_of(dir.path + "/x.mp4", bad).find("crf") != std::string::npos);
    bad = opts_64x48(30);
    bad.preset = "quick";
    CHECK(error_of(dir.path + "/x.mp4", bad).find("preset") != std::string::npos);

    for (const char* t : {"/f{frame:4}.png", "/f{frame:004}.png", "/f{frame.png", "/{frame}/x.png",
                          "/f{frame}.jpg", "/f{frame}{frame}.png", "/f{n}.png"}) {
        CAPTURE(t);
        CHECK(error_of(dir.path + t, opts_64x48(30)) != "");
    }
    CHECK(error_of(dir.path + "/f{frame:04}.png", opts_64x48(30)) == "");
    CHECK(error_of(dir.path + "/f{frame}.PNG", opts_64x48(30)) == "");

    std::string missing = error_of(dir.path + "/nope/x.mp4", opts_64x48(30));
    CHECK(missing.find("does not exist") != std::string::npos);
    CHECK(missing.rfind(dir.path + "/nope/x.mp4: ", 0) == 0);
    if (geteuid() != 0) {  // root may write anywhere
        std::string ro = dir.path + "/ro";
        REQUIRE(mkdir(ro.c_str(), 0555) == 0);
        CHECK(error_of(ro + "/x.mp4", opts_64x48(30)).find("not writable") != std::string::npos);
        rmdir(ro.c_str());
    }
    // Even root cannot create files in /proc: the error comes from open_frame_sink.
    CHECK_THROWS_AS(open_frame_sink("/proc/mmr-video-test.mp4", opts_64x48(30)), Error);
    CHECK(dir.files().empty());  // checks create nothing
}

TEST_CASE("video: abort, destruction and failures leave nothing behind") {
    TempDir dir;
    for (const char* name : {"/a.mp4", "/a.gif"}) {
        CAPTURE(name);
        std::string path = dir.path + name;
        {
            auto sink = open_frame_sink(path, opts_64x48(24));
            CHECK(dir.files().size() == 1);  // the hidden temporary
            CHECK(dir.files()[0][0] == '.');
            for (int i = 0; i < 5; ++i) sink->write(moving_square(i, 30));
            sink->abort();
            CHECK(dir.files().empty());
            sink->abort();  // twice is harmless
        }
        {
            auto sink = open_frame_sink(path, opts_64x48(24));
            for (int i = 0; i < 5; ++i) sink->write(moving_square(i, 30));
        }  // destroyed without finish()
        CHECK(dir.files().empty());
        {
            auto sink = open_frame_sink(path, opts_64x48(24));
            sink->write(moving_square(0, 30));
            CHECK_THROWS_AS(sink->write(moving_square(0, 30, 32, 24)), Error);  // wrong size
            CHECK(dir.files().empty());
        }
        {
            auto sink = open_frame_sink(path, opts_64x48(24));
            CHECK_THROWS_WITH_AS(sink->finish(), doctest::Contains("no frames"), Error);
            CHECK(dir.files().empty());
        }
    }
}

TEST_CASE("video: GIF decodes to the frames written, with delays in 1/100 s") {
    TempDir dir;
    std::string path = dir.path + "/square.gif";
    write_video(path, opts_64x48(24), 30);
    CHECK(dir.files() == std::vector<std::string>{"square.gif"});
    Decoded d = decode(path);
    CHECK(d.codec == "gif");
    CHECK(d.width == 64);
    CHECK(d.height == 48);
    REQUIRE(d.frames.size() == 30);
    // Delays round(i * 100 / 24): 4 or 5 hundredths, 125 in all.
    CHECK(d.packet_duration == doctest::Approx(1.25).epsilon(0.001));
    // Dithered: compare block means.
    CHECK(near(mean_around(d.frames[0], 8, 24), kSquare, 16));
    CHECK(near(mean_around(d.frames[15], 32, 24), kSquare, 16));
    CHECK(near(mean_around(d.frames[15], 8, 24), kBackground, 16));
    CHECK(near(mean_around(d.frames[29], 56, 24), kSquare, 16));
    CHECK(near(mean_around(d.frames[29], 32, 24), kBackground, 16));

    write_video(dir.path + "/again.gif", opts_64x48(24), 30);
    CHECK(slurp(path) == slurp(dir.path + "/again.gif"));
}

TEST_CASE("video: PNG sequence files are named by the template from first_index") {
    TempDir dir;
    VideoOptions o = opts_64x48(30);
    o.first_index = 5;
    write_video(dir.path + "/f{frame:03}.png", o, 3);
    CHECK(dir.files() == std::vector<std::string>{"f005.png", "f006.png", "f007.png"});
    for (int i = 0; i < 3; ++i) {
        Image back = read_png(dir.path + "/f00" + std::to_string(5 + i) + ".png");
        CHECK(back.rgba == moving_square(i, 3).rgba);  // lossless
    }

    TempDir plain;
    o.first_index = 9;
    write_video(plain.path + "/{frame}.png", o, 2);
    CHECK(plain.files() == std::vector<std::string>{"10.png", "9.png"});

    // The frames go to a hidden temporary folder until finish(); abort, an error or
    // destruction leave nothing (no frame, no folder).
    TempDir part;
    {
        auto sink = open_frame_sink(part.path + "/p{frame}.png", opts_64x48(30));
        REQUIRE(part.files().size() == 1);
        CHECK(part.files()[0].rfind(".mmr-frames.tmp-", 0) == 0);
        sink->write(moving_square(0, 3));
        sink->write(moving_square(1, 3));
        sink->abort();
        CHECK(part.files().empty());
    }
    {
        auto sink = open_frame_sink(part.path + "/p{frame}.png", opts_64x48(30));
        sink->write(moving_square(0, 3));
    }  // destroyed without finish()
    CHECK(part.files().empty());
    {
        auto sink = open_frame_sink(part.path + "/p{frame}.png", opts_64x48(30));
        sink->write(moving_square(0, 3));
        CHECK_THROWS_AS(sink->write(moving_square(0, 3, 32, 24)), Error);  // wrong size
        CHECK(part.files().empty());
    }
    {
        // A frame that cannot be moved into place (a folder has its name): none is.
        mkdir((part.path + "/p1.png").c_str(), 0755);
        auto sink = open_frame_sink(part.path + "/p{frame}.png", opts_64x48(30));
        for (int i = 0; i < 3; ++i) sink->write(moving_square(i, 3));
        CHECK_THROWS_WITH_AS(sink->finish(), doctest::Contains("p1.png"), Error);
        CHECK(part.files() == std::vector<std::string>{"p1.png"});
        rmdir((part.path + "/p1.png").c_str());
    }
}
