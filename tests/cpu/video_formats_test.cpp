// The web and editor formats (issue #10): VP9 and AV1 in WebM, ProRes 4444 in
// MOV, animated WebP, APNG, H.264 4:4:4, written from synthetic frames through
// open_frame_sink and read back (libav; libwebpdemux for WebP, which FFmpeg 5.1
// cannot decode when animated): codec, profile, pixel format, alpha plane,
// frame count, duration, pixels, and the same bytes on a second write. Then
// what video_format() refuses, with its one-line messages.
#include <doctest/doctest.h>

#include "temp_dir.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#if MMR_TEST_WEBP
#include <webp/demux.h>
#endif

#include "mmr/core/error.h"
#include "mmr/encode/video.h"
#include "av_decode.h"

using namespace mmr;
using mmr::test::Decoded;
using mmr::test::decode;

namespace {

using test::TempDir;

const uint8_t kBg[3] = {20, 20, 60};
const uint8_t kSq[3] = {230, 60, 30};

// Frame i of n: a 16x16 square moving from the left edge to the right edge. With
// `transparent`, the background has alpha 0 and the square alpha 255.
Image square(int i, int n, int w, int h, bool transparent = false) {
    Image img;
    img.width = w;
    img.height = h;
    img.rgba.resize(size_t(w) * h * 4);
    const int x0 = i * (w - 16) / (n - 1), y0 = 16;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const bool in = x >= x0 && x < x0 + 16 && y >= y0 && y < y0 + 16;
            uint8_t* p = &img.rgba[(size_t(y) * w + x) * 4];
            const uint8_t* c = in ? kSq : kBg;
            p[0] = c[0], p[1] = c[1], p[2] = c[2];
            p[3] = in || !transparent ? 255 : 0;
        }
    return img;
}

// Mean of channel c over the 6x6 block centred on (x, y).
int mean_at(const Image& img, int x, int y, int c) {
    int sum = 0;
    for (int yy = y - 3; yy < y + 3; ++yy)
        for (int xx = x - 3; xx < x + 3; ++xx) sum += img.rgba[(size_t(yy) * img.width + xx) * 4 + c];
    return sum / 36;
}

bool colour_near(const Image& img, int x, int y, const uint8_t* want, int tol) {
    const std::string got = std::to_string(mean_at(img, x, y, 0)) + "," + std::to_string(mean_at(img, x, y, 1)) +
                            "," + std::to_string(mean_at(img, x, y, 2));
    CAPTURE(got);
    CAPTURE(x);
    for (int c = 0; c < 3; ++c)
        if (std::abs(mean_at(img, x, y, c) - want[c]) > tol) return false;
    return true;
}

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

VideoOptions opts(int w = 64, int h = 64, double fps = 24) {
    VideoOptions o;
    o.width = w;
    o.height = h;
    o.fps = fps;
    return o;
}

void write_frames(const std::string& path, const VideoOptions& o, int n) {
    auto sink = open_frame_sink(path, o);
    for (int i = 0; i < n; ++i) sink->write(square(i, n, o.width, o.height, o.alpha));
    sink->finish();
}

std::string error_of(const std::string& path, const VideoOptions& o) {
    try {
        video_format(path, o);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

// The square's position in frames 0, 15 and 29 of 30 at 64x48: x 0..15, 24..39, 48..63.
void check_moving_square(const std::vector<Image>& frames, int tol) {
    REQUIRE(frames.size() == 30);
    CHECK(colour_near(frames[0], 8, 24, kSq, tol));
    CHECK(colour_near(frames[0], 40, 24, kBg, tol));
    CHECK(colour_near(frames[15], 32, 24, kSq, tol));
    CHECK(colour_near(frames[15], 8, 24, kBg, tol));
    CHECK(colour_near(frames[29], 56, 24, kSq, tol));
    CHECK(colour_near(frames[29], 24, 24, kBg, tol));
}

}  // namespace

TEST_CASE("video formats: each codec decodes back with its pixel format, frames and duration, reproducibly") {
    struct Case {
        const char* name;  // output file name
        const char* codec; // --codec ("" = by extension)
        const char* pix;   // --pix-fmt
        const char* want_codec;
        AVPixelFormat want_pix;
        const char* want_profile;  // "" = not checked
        int tol;                   // colour tolerance of the decoded square
    };
    const Case cases[] = {
        {"vp9.webm", "", "", "vp9", AV_PIX_FMT_YUV420P, "Profile 0", 8},
        {"vp9-444.webm", "", "yuv444p", "vp9", AV_PIX_FMT_YUV444P, "Profile 1", 8},
        {"vp9.mp4", "vp9", "", "vp9", AV_PIX_FMT_YUV420P, "Profile 0", 8},
        {"av1.webm", "av1", "", "av1", AV_PIX_FMT_YUV420P, "Main", 10},
        {"av1.mp4", "av1", "", "av1", AV_PIX_FMT_YUV420P, "Main", 10},
        // FFmpeg's ProRes decoder gives 12 bits; the encoder was given yuv444p10le.
        {"prores.mov", "", "", "prores", AV_PIX_FMT_YUV444P12LE, "4444", 4},
        {"h264.mov", "h264", "", "h264", AV_PIX_FMT_YUV420P, "High", 6},
        {"h264-444.mp4", "", "yuv444p", "h264", AV_PIX_FMT_YUV444P, "High 4:4:4 Predictive", 6},
        {"anim.apng", "", "", "apng", AV_PIX_FMT_RGB24, "", 0},
        {"anim.png", "", "", "apng", AV_PIX_FMT_RGB24, "", 0},
    };
    TempDir dir;
    for (const Case& c : cases) {
        CAPTURE(c.name);
        VideoOptions o = opts();
        o.codec = c.codec;
        o.pix_fmt = c.pix;
        const std::string path = dir.path + "/" + c.name;
        write_frames(path, o, 30);
        Decoded d = decode(path);
        CHECK(d.codec == c.want_codec);
        CHECK(d.pix_fmt == c.want_pix);
        if (*c.want_profile) CHECK(d.profile == c.want_profile);
        CHECK(d.width == 64);
        CHECK(d.height == 64);
        CHECK(d.frames.size() == 30);
        // 30 frames at 24 fps; WebM stores times in ms (42 ms a frame).
        CHECK(d.packet_duration == doctest::Approx(1.25).epsilon(0.01));
        check_moving_square(d.frames, c.tol);
        if (std::string(c.want_codec) == "apng")  // lossless
            for (int i : {0, 15, 29}) CHECK(d.frames[size_t(i)].rgba == square(i, 30, 64, 64).rgba);
        // Reproducible: a second write gives the same bytes.
        write_frames(dir.path + "/again-" + c.name, o, 30);
        CHECK(slurp(path) == slurp(dir.path + "/again-" + c.name));
    }
}

TEST_CASE("video formats: alpha reaches ProRes 4444, VP9 WebM and APNG as an alpha plane") {
    TempDir dir;
    struct Case {
        const char* name;
        const char* decoder;  // libvpx-vp9 reads WebM's alpha; FFmpeg's vp9 decoder drops it
        AVPixelFormat want_pix, want_frame_pix;
    };
    for (Case c : {Case{"alpha.mov", nullptr, AV_PIX_FMT_YUVA444P12LE, AV_PIX_FMT_YUVA444P12LE},
                   Case{"alpha.webm", "libvpx-vp9", AV_PIX_FMT_YUV420P, AV_PIX_FMT_YUVA420P},
                   Case{"alpha.apng", nullptr, AV_PIX_FMT_RGBA, AV_PIX_FMT_RGBA}}) {
        CAPTURE(c.name);
        VideoOptions o = opts();
        o.alpha = true;
        const VideoFormat f = video_format(dir.path + "/" + c.name, o);
        CHECK(f.alpha);
        if (std::string(c.name) == "alpha.mov") CHECK(f.pix_fmt == "yuva444p10le");
        write_frames(dir.path + "/" + c.name, o, 30);
        Decoded d = decode(dir.path + "/" + c.name, c.decoder);
        if (std::string(c.name) == "alpha.webm") {
            CHECK(d.alpha_mode == "1");  // the Matroska track says it has alpha
            CHECK(f.pix_fmt == "yuva420p");
        } else {
            CHECK(d.pix_fmt == c.want_pix);
        }
        CHECK(d.frame_pix_fmt == c.want_frame_pix);
        REQUIRE(d.frames.size() == 30);
        // Alpha 0 around the square, 255 inside it.
        for (int i : {0, 15, 29}) {
            CAPTURE(i);
            const Image& fr = d.frames[size_t(i)];
            const int sx = 8 + i * 48 / 29;
            CHECK(mean_at(fr, sx, 24, 3) >= 250);
            CHECK(mean_at(fr, sx > 32 ? 8 : 56, 24, 3) <= 5);
            CHECK(mean_at(fr, sx, 6, 3) <= 5);
            CHECK(colour_near(fr, sx, 24, kSq, 10));
        }
        write_frames(dir.path + "/again-" + c.name, o, 30);
        CHECK(slurp(dir.path + "/" + c.name) == slurp(dir.path + "/again-" + c.name));
    }
    // Without alpha the same frames are opaque.
    write_frames(dir.path + "/opaque.mov", opts(), 30);
    Decoded d = decode(dir.path + "/opaque.mov");
    CHECK(d.pix_fmt == AV_PIX_FMT_YUV444P12LE);
    CHECK(d.profile == "4444");
    REQUIRE(d.frames.size() == 30);
    CHECK(mean_at(d.frames[0], 40, 24, 3) == 255);
}

#if MMR_TEST_WEBP
namespace {

struct WebpAnim {
    int frames = 0, width = 0, height = 0, loop_count = -1;
    int end_ms = 0;           // timestamp at the end of the last frame
    std::vector<Image> images;  // the canvas after each frame, RGBA
};

WebpAnim decode_webp(const std::string& path) {
    const std::string bytes = slurp(path);
    WebPData data{reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()};
    WebPAnimDecoderOptions o;
    REQUIRE(WebPAnimDecoderOptionsInit(&o));
    o.color_mode = MODE_RGBA;
    WebPAnimDecoder* dec = WebPAnimDecoderNew(&data, &o);
    REQUIRE(dec);
    WebPAnimInfo info;
    REQUIRE(WebPAnimDecoderGetInfo(dec, &info));
    WebpAnim out;
    out.frames = int(info.frame_count);
    out.width = int(info.canvas_width);
    out.height = int(info.canvas_height);
    out.loop_count = int(info.loop_count);
    while (WebPAnimDecoderHasMoreFrames(dec)) {
        uint8_t* buf = nullptr;
        int ts = 0;
        REQUIRE(WebPAnimDecoderGetNext(dec, &buf, &ts));
        Image img;
        img.width = out.width;
        img.height = out.height;
        img.rgba.assign(buf, buf + size_t(out.width) * out.height * 4);
        out.images.push_back(std::move(img));
        out.end_ms = ts;
    }
    WebPAnimDecoderDelete(dec);
    return out;
}

}  // namespace

TEST_CASE("video formats: animated WebP has every frame, the duration, loops forever, alpha on request") {
    TempDir dir;
    write_frames(dir.path + "/a.webp", opts(), 30);
    WebpAnim a = decode_webp(dir.path + "/a.webp");
    CHECK(a.width == 64);
    CHECK(a.height == 64);
    CHECK(a.loop_count == 0);  // forever
    CHECK(a.frames == 30);
    CHECK(a.end_ms == doctest::Approx(1250).epsilon(0.02));
    check_moving_square(a.images, 0);  // lossless
    CHECK(a.images[15].rgba == square(15, 30, 64, 64).rgba);
    CHECK(mean_at(a.images[0], 40, 24, 3) == 255);
    write_frames(dir.path + "/b.webp", opts(), 30);
    CHECK(slurp(dir.path + "/a.webp") == slurp(dir.path + "/b.webp"));

    VideoOptions o = opts();
    o.alpha = true;
    write_frames(dir.path + "/alpha.webp", o, 30);
    WebpAnim t = decode_webp(dir.path + "/alpha.webp");
    REQUIRE(t.images.size() == 30);
    CHECK(mean_at(t.images[0], 8, 24, 3) >= 250);
    CHECK(mean_at(t.images[0], 40, 24, 3) <= 5);
    CHECK(mean_at(t.images[29], 56, 24, 3) >= 250);
    CHECK(mean_at(t.images[29], 8, 24, 3) <= 5);
}
#endif

TEST_CASE("video formats: codec, extension, alpha, size and quality mistakes are one-line errors") {
    TempDir dir;
    const std::string p = dir.path + "/";
    // The extension decides, --codec chooses among what the container holds.
    CHECK(video_format(p + "a.webm", opts()).codec == "vp9");
    CHECK(video_format(p + "a.mov", opts()).codec == "prores");
    CHECK(video_format(p + "a.webp", opts()).codec == "webp");
    CHECK(video_format(p + "a.apng", opts()).codec == "apng");
    CHECK(video_format(p + "a.png", opts()).codec == "apng");
    CHECK(video_format(p + "f{frame}.png", opts()).codec == "png");
    CHECK(video_format(p + "a.mp4", opts()).crf == 20);
    CHECK(video_format(p + "a.webm", opts()).crf == 32);
    VideoOptions av1 = opts();
    av1.codec = "AV1";
    CHECK(video_format(p + "a.webm", av1).codec == "av1");
    CHECK(video_format(p + "a.webm", av1).crf == 35);

    VideoOptions o = opts();
    o.codec = "vp8";
    std::string e = error_of(p + "a.webm", o);
    CHECK(e.find("--codec vp8: unknown codec (did you mean vp9?)") == 0);
    CHECK(e.find("h264, vp9, av1, prores, webp, apng, gif") != std::string::npos);
    o.codec = "prores";
    e = error_of(p + "a.webm", o);
    CHECK(e.find("a.webm: ProRes 4444 (--codec prores) cannot go in a .webm file, which holds vp9 or av1") !=
          std::string::npos);
    CHECK(e.find("write .mov instead") != std::string::npos);
    e = error_of(p + "a.mkv", opts());
    CHECK(e.find("cannot write video format \".mkv\"") != std::string::npos);
    CHECK(e.find(".webm (VP9)") != std::string::npos);
    CHECK(error_of(p + "a.mp5", opts()).find("(did you mean .mp4?)") != std::string::npos);
    CHECK(error_of(p + "a.wbm", opts()).find("(did you mean .webm?)") != std::string::npos);

    // Alpha only where the format has an alpha plane; the message lists them.
    o = opts();
    o.alpha = true;
    for (const char* name : {"a.mp4", "a.gif"}) {
        CAPTURE(name);
        e = error_of(p + name, o);
        CHECK(e.find("has no alpha channel, so no transparent background") != std::string::npos);
        CHECK(e.find("formats with alpha: .mov (ProRes 4444), .webm (VP9), .webp, .apng or .png (APNG), a PNG "
                     "sequence") != std::string::npos);
    }
    o.codec = "av1";
    CHECK(error_of(p + "a.webm", o).find("AV1 in .webm has no alpha channel") != std::string::npos);
    o.codec = "h264";
    CHECK(error_of(p + "a.mov", o).find("H.264 in .mov has no alpha channel") != std::string::npos);
    o.codec = "vp9";
    CHECK(error_of(p + "a.mp4", o).find("VP9 with alpha is written in WebM only") != std::string::npos);
    for (const char* name : {"a.mov", "a.webm", "a.webp", "a.apng", "a.png", "f{frame}.png"}) {
        CAPTURE(name);
        o.codec = "";
        CHECK(error_of(p + name, o) == "");
    }

    // 4:2:0 needs even sizes; 4:4:4, RGB and WebP do not.
    e = error_of(p + "a.webm", opts(65, 48));
    CHECK(e == p + "a.webm: VP9 video (yuv420p) needs an even width and height, got 65x48; use an even size such "
               "as --size 64x48, --pix-fmt yuv444p, or a format that allows odd sizes: .mov (ProRes 4444), .webp, "
               ".apng, .gif or a PNG sequence");
    o = opts(64, 47);
    o.codec = "av1";
    e = error_of(p + "a.webm", o);
    CHECK(e == p + "a.webm: AV1 video (yuv420p) needs an even width and height, got 64x47; use an even size such as "
               "--size 64x46, or a format that allows odd sizes: .mov (ProRes 4444), .webp, .apng, .gif or a PNG "
               "sequence");
    o = opts(64, 48);
    o.codec = "av1";
    CHECK(error_of(p + "a.webm", o).find("AV1 (SVT-AV1) needs frames of at least 64x64, got 64x48") !=
          std::string::npos);
    o = opts(65, 49);
    o.pix_fmt = "yuv444p";
    CHECK(error_of(p + "a.mp4", o) == "");
    CHECK(error_of(p + "a.webm", o) == "");
    for (const char* name : {"a.mov", "a.webp", "a.apng", "a.gif"}) {
        CAPTURE(name);
        CHECK(error_of(p + name, opts(65, 49)) == "");
    }

    // Options that belong to other codecs.
    o = opts();
    o.crf = 20;
    CHECK(error_of(p + "a.mov", o).find("--crf does not apply to ProRes 4444") != std::string::npos);
    o.crf = 60;
    CHECK(error_of(p + "a.mp4", o).find("crf 60 is out of range for H.264; use 0 (best) to 51") != std::string::npos);
    CHECK(error_of(p + "a.webm", o) == "");
    o.crf = 64;
    CHECK(error_of(p + "a.webm", o).find("crf 64 is out of range for VP9; use 0 (best) to 63") != std::string::npos);
    o = opts();
    o.preset = "fast";
    CHECK(error_of(p + "a.webm", o).find("--preset is an x264 setting and does not apply to VP9") != std::string::npos);
    CHECK(error_of(p + "a.mp4", o) == "");
    o = opts();
    o.pix_fmt = "yuv422p";
    CHECK(error_of(p + "a.mp4", o).find("--pix-fmt yuv422p: unknown pixel format; use yuv420p (the default) or yuv444p") !=
          std::string::npos);
    o.pix_fmt = "yuv444p";
    CHECK(error_of(p + "a.mov", o).find("--pix-fmt does not apply to ProRes 4444") != std::string::npos);
    o.codec = "av1";
    CHECK(error_of(p + "a.webm", o).find("AV1 is written 4:2:0 only") != std::string::npos);

    // Browsers refuse High 4:4:4 Predictive: a warning, not an error.
    o = opts();
    CHECK(video_format(p + "a.mp4", o).warning == "");
    o.pix_fmt = "yuv444p";
    VideoFormat f = video_format(p + "a.mp4", o);
    CHECK(f.warning.find("H.264 4:4:4 (--pix-fmt yuv444p) is written in the High 4:4:4 Predictive profile, which "
                         "browsers will not play") == 0);
    o = opts();
    o.crf = 0;
    f = video_format(p + "a.mp4", o);
    CHECK(f.warning.find("H.264 lossless (crf 0)") == 0);
    CHECK(f.warning_fix == "for the web use crf 1 or more");
    o.pix_fmt = "yuv444p";
    o.codec = "vp9";
    CHECK(video_format(p + "a.webm", o).warning == "");
}
