// Image comparison (src/compare): pixelmatch's per-pixel test and
// anti-aliasing detector, the whole-image metrics, tolerances and the
// reference check. The counts for real renders were checked against
// pixelmatch 5.3 and 7.2 (npm) while writing this; these cases pin the rules.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <png.h>
#include <unistd.h>

#include "mmr/compare/image_diff.h"
#include "mmr/compare/reference_check.h"
#include "mmr/compare/report.h"
#include "mmr/core/error.h"
#include "mmr/encode/png.h"

using namespace mmr;

namespace {

Image flat(int w, int h, uint8_t r, uint8_t g, uint8_t b, uint8_t a = 255) {
    Image img;
    img.width = w, img.height = h;
    img.rgba.resize(size_t(w) * h * 4);
    for (size_t i = 0; i < img.rgba.size(); i += 4)
        img.rgba[i] = r, img.rgba[i + 1] = g, img.rgba[i + 2] = b, img.rgba[i + 3] = a;
    return img;
}

void set(Image& img, int x, int y, uint8_t r, uint8_t g, uint8_t b) {
    uint8_t* p = &img.rgba[(size_t(y) * img.width + x) * 4];
    p[0] = r, p[1] = g, p[2] = b, p[3] = 255;
}

const uint8_t* at(const Image& img, int x, int y) { return &img.rgba[(size_t(y) * img.width + x) * 4]; }

// Left half black, right half white, split at column `edge`.
Image halves(int w, int h, int edge) {
    Image img = flat(w, h, 0, 0, 0);
    for (int y = 0; y < h; ++y)
        for (int x = edge; x < w; ++x) set(img, x, y, 255, 255, 255);
    return img;
}

std::string temp_path(const char* name) {
    return (std::filesystem::temp_directory_path() /
            ("mmr_diff_test_" + std::to_string(getpid()) + "_" + name)).string();
}

}  // namespace

TEST_CASE("identical images: nothing differs, PSNR infinite, SSIM 1") {
    Image a = halves(20, 10, 10), diff;
    DiffResult d = diff_images(a, a, {}, &diff);
    CHECK(d.same_size);
    CHECK(d.identical);
    CHECK(d.pixels == 200);
    CHECK(d.differing == 0);
    CHECK(d.changed == 0);
    CHECK(d.max_channel_diff == 0);
    CHECK(std::isinf(d.psnr));
    CHECK(d.ssim == 1);
    // The diff image is a faded grey copy: pixelmatch's 255 + (Y - 255) * 0.1, truncated.
    CHECK(at(diff, 0, 0)[0] == 229);
    CHECK(at(diff, 15, 0)[0] == 255);
}

TEST_CASE("a lone changed pixel is counted, drawn red, and is not anti-aliasing") {
    Image a = flat(9, 9, 0, 0, 0), b = a, diff;
    set(b, 4, 4, 255, 255, 255);
    DiffResult d = diff_images(a, b, {}, &diff);
    CHECK(d.differing == 1);
    CHECK(d.antialiased == 0);
    CHECK(d.changed == 1);
    CHECK(d.max_channel_diff == 255);
    CHECK(d.fraction() == doctest::Approx(1.0 / 81));
    CHECK(at(diff, 4, 4)[0] == 255);
    CHECK(at(diff, 4, 4)[1] == 0);
    CHECK(at(diff, 4, 4)[2] == 0);
}

TEST_CASE("an edge pixel between a dark and a bright flat area is anti-aliasing") {
    // b has a grey column on the black/white edge, as an anti-aliased edge would.
    Image a = halves(10, 6, 5), b = a, diff;
    for (int y = 0; y < 6; ++y) set(b, 5, y, 128, 128, 128);
    DiffResult d = diff_images(a, b, {}, &diff);
    CHECK(d.changed == 6);
    CHECK(d.differing == 0);
    CHECK(d.antialiased == 6);
    CHECK(at(diff, 5, 2)[0] == 255);  // yellow
    CHECK(at(diff, 5, 2)[1] == 255);
    CHECK(at(diff, 5, 2)[2] == 0);
    DiffOptions with_aa;
    with_aa.include_aa = true;
    d = diff_images(a, b, with_aa);
    CHECK(d.differing == 6);
    CHECK(d.antialiased == 0);
}

TEST_CASE("the colour threshold: small changes are not counted but are measured") {
    Image a = flat(8, 8, 100, 100, 100), b = flat(8, 8, 105, 105, 105), diff;
    DiffResult d = diff_images(a, b, {}, &diff);
    CHECK(d.differing == 0);
    CHECK(d.changed == 64);
    CHECK(d.max_channel_diff == 5);
    CHECK(d.mean_channel_diff == doctest::Approx(5));
    CHECK(d.mse == doctest::Approx(25));
    CHECK(d.psnr == doctest::Approx(10 * std::log10(65025.0 / 25)));
    CHECK(at(diff, 3, 3)[2] == 255);  // blue: changed under the threshold
    CHECK(at(diff, 3, 3)[0] == 64);
    // Threshold 0 counts every change; pixelmatch's limit is 35215 * t^2 on the YIQ distance.
    DiffOptions strict;
    strict.color_threshold = 0;
    CHECK(diff_images(a, b, strict).differing == 64);
    // A brightness step of 5 is a YIQ distance of 0.5053 * 25 = 12.6 < 35215 * 0.02^2 = 14.1.
    DiffOptions t02;
    t02.color_threshold = 0.02;
    CHECK(diff_images(a, b, t02).differing == 0);
    t02.color_threshold = 0.018;
    CHECK(diff_images(a, b, t02).differing == 64);
}

TEST_CASE("sizes that differ are reported, not compared") {
    DiffResult d = diff_images(flat(4, 4, 0, 0, 0), flat(4, 5, 0, 0, 0));
    CHECK_FALSE(d.same_size);
    CHECK(d.width == 4);
    CHECK(d.height_b == 5);
    Tolerance t;
    CHECK_FALSE(within(d, t));
}

TEST_CASE("SSIM of the luma") {
    Image a = halves(32, 32, 16);
    CHECK(ssim_luma(a, a) == doctest::Approx(1));
    Image inv = halves(32, 32, 16);
    for (size_t i = 0; i < inv.rgba.size(); i += 4)
        for (int c = 0; c < 3; ++c) inv.rgba[i + c] = uint8_t(255 - inv.rgba[i + c]);
    CHECK(ssim_luma(a, inv) < 0);
    // Smaller than the 11x11 window: still defined.
    CHECK(ssim_luma(flat(3, 2, 10, 10, 10), flat(3, 2, 10, 10, 10)) == doctest::Approx(1));
    // A small uniform shift lowers SSIM a little (luminance term only).
    double s = ssim_luma(flat(16, 16, 128, 128, 128), flat(16, 16, 130, 130, 130));
    CHECK(s < 1);
    CHECK(s > 0.99);
}

TEST_CASE("alpha counts in the channel metrics only when an image is not opaque") {
    Image a = flat(4, 4, 10, 10, 10, 255), b = flat(4, 4, 10, 10, 10, 128);
    DiffResult d = diff_images(a, b);
    CHECK(d.max_channel_diff == 127);
    CHECK(d.mean_channel_diff == doctest::Approx(127.0 / 4));
}

TEST_CASE("tolerances: defaults, directions, ranges") {
    Tolerance t;
    CHECK(t.metric == Metric::Pixels);
    CHECK(t.limit() == 0);
    CHECK(default_threshold(Metric::Psnr) == 40);
    CHECK(default_threshold(Metric::Ssim) == doctest::Approx(0.99));
    CHECK(default_threshold(Metric::Max) == 8);
    CHECK(parse_metric("ssim") == Metric::Ssim);
    CHECK_THROWS_WITH_AS(parse_metric("mse"), "--metric mse: unknown metric \"mse\"; choose pixels, psnr, ssim or max",
                         Error);

    DiffResult d;
    d.pixels = 1000, d.differing = 5, d.psnr = 45, d.ssim = 0.995, d.max_channel_diff = 9;
    CHECK_FALSE(within(d, t));  // 0.5 % > 0
    t.threshold = 0.005;
    CHECK(within(d, t));
    t.threshold = 0.004;
    CHECK_FALSE(within(d, t));
    t = {};
    t.metric = Metric::Psnr;
    CHECK(within(d, t));  // 45 >= 40
    t.threshold = 46;
    CHECK_FALSE(within(d, t));
    t = {};
    t.metric = Metric::Ssim;
    CHECK(within(d, t));
    t.threshold = 0.999;
    CHECK_FALSE(within(d, t));
    t = {};
    t.metric = Metric::Max;
    CHECK_FALSE(within(d, t));  // 9 > 8
    t.threshold = 9;
    CHECK(within(d, t));

    for (auto [m, v] : {std::pair{Metric::Pixels, 1.5}, {Metric::Pixels, -0.1}, {Metric::Psnr, 0.0},
                        {Metric::Psnr, 500.0}, {Metric::Ssim, 1.1}, {Metric::Max, 256.0}, {Metric::Max, NAN}}) {
        Tolerance bad;
        bad.metric = m;
        bad.threshold = v;
        CHECK_THROWS_AS(validate(bad), Error);
    }
    Tolerance bad_colour;
    bad_colour.diff.color_threshold = 1.2;
    CHECK_THROWS_WITH_AS(validate(bad_colour), doctest::Contains("--color-threshold 1.2: must be from 0 to 1"), Error);
}

TEST_CASE("reference check: same, different (diff written), missing, channels") {
    const std::string ref = temp_path("ref.png"), act = temp_path("act.png");
    Image img = halves(12, 8, 6);
    write_png(ref, img);

    Comparison c = check_against_reference(img, act, ref);
    CHECK(c.passed());
    CHECK(c.outcome == Outcome::Same);
    CHECK(c.diff_image.empty());
    CHECK(c.summary() == "same: " + act + " vs reference " + ref + ": identical pixels (12x8)");

    Image changed = img;
    set(changed, 1, 1, 255, 0, 0);
    c = check_against_reference(changed, act, ref);
    CHECK(c.outcome == Outcome::Different);
    CHECK(c.diff_image == diff_path_for(act));
    CHECK(access(c.diff_image.c_str(), F_OK) == 0);
    CHECK(c.value == doctest::Approx(1.0 / 96));
    const std::string json = c.json(1);
    for (const char* key : {"\"result\": \"different\"", "\"passed\": false", "\"exit_code\": 1", "\"metric\": \"pixels\"",
                            "\"differing_pixels\": 1", "\"max_channel_diff\": 255", "\"psnr\": ", "\"ssim\": "})
        CHECK(json.find(key) != std::string::npos);

    // Passing again removes the stale diff image.
    c = check_against_reference(img, act, ref);
    CHECK(c.passed());
    CHECK(access(diff_path_for(act).c_str(), F_OK) != 0);

    // write_actual_on_failure writes the render for callers that keep no PNG.
    ReferenceOptions opts;
    opts.write_actual_on_failure = true;
    std::remove(act.c_str());
    c = check_against_reference(changed, act, temp_path("missing.png"), opts);
    CHECK(c.outcome == Outcome::Missing);
    CHECK(c.summary().find("to make it the reference: cp " + act) != std::string::npos);
    CHECK(read_png(act).rgba == changed.rgba);

    // An RGBA render against an RGB reference is compared by its pixels: the one
    // translucent pixel differs.
    Image translucent = img;
    translucent.rgba[3] = 10;
    c = check_against_reference(translucent, act, ref);
    CHECK(c.outcome == Outcome::Different);
    CHECK(c.result.changed == 1);
    for (const std::string& p : {ref, act, diff_path_for(act)}) std::remove(p.c_str());
}

namespace {
// Writes `img` (opaque, at most 256 colours for palette) with libpng in another colour
// type: "palette", "rgb16" (16 bits a channel), "rgba" (opaque alpha kept).
void write_as(const std::string& path, const Image& img, const std::string& kind) {
    FILE* f = std::fopen(path.c_str(), "wb");
    REQUIRE(f);
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
    png_infop info = png_create_info_struct(png);
    png_init_io(png, f);
    std::vector<std::vector<uint8_t>> rows(img.height);
    std::vector<png_color> palette;
    auto px = [&](int x, int y) { return &img.rgba[(size_t(y) * img.width + x) * 4]; };
    if (kind == "palette") {
        for (int y = 0; y < img.height; ++y)
            for (int x = 0; x < img.width; ++x) {
                const uint8_t* p = px(x, y);
                size_t i = 0;
                while (i < palette.size() && !(palette[i].red == p[0] && palette[i].green == p[1] && palette[i].blue == p[2])) ++i;
                if (i == palette.size()) palette.push_back(png_color{p[0], p[1], p[2]});
                rows[y].push_back(uint8_t(i));
            }
        REQUIRE(palette.size() <= 256);
        png_set_IHDR(png, info, img.width, img.height, 8, PNG_COLOR_TYPE_PALETTE, PNG_INTERLACE_NONE,
                     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
        png_set_PLTE(png, info, palette.data(), int(palette.size()));
    } else if (kind == "rgb16") {
        for (int y = 0; y < img.height; ++y)
            for (int x = 0; x < img.width; ++x)
                for (int c = 0; c < 3; ++c) rows[y].push_back(px(x, y)[c]), rows[y].push_back(px(x, y)[c]);  // v * 257
        png_set_IHDR(png, info, img.width, img.height, 16, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    } else {
        for (int y = 0; y < img.height; ++y) rows[y].assign(px(0, y), px(0, y) + img.width * 4);
        png_set_IHDR(png, info, img.width, img.height, 8, PNG_COLOR_TYPE_RGBA, PNG_INTERLACE_NONE,
                     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    }
    png_write_info(png, info);
    for (auto& r : rows) png_write_row(png, r.data());
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    std::fclose(f);
}
}  // namespace

TEST_CASE("identical pixels compare the same whatever the PNG colour type") {
    Image img = halves(12, 8, 6);
    const std::string rgb = temp_path("ct-rgb.png");
    write_png(rgb, img);
    REQUIRE(probe_png(rgb).channels == 3);
    for (const char* kind : {"palette", "rgb16", "rgba"}) {
        CAPTURE(kind);
        const std::string other = temp_path((std::string("ct-") + kind + ".png").c_str());
        write_as(other, img, kind);
        Comparison c = compare_png_files(rgb, other, Tolerance{}, "");
        CHECK(c.outcome == Outcome::Same);
        CHECK(c.result.identical);
        c = compare_png_files(other, rgb, Tolerance{}, "");
        CHECK(c.outcome == Outcome::Same);
        CHECK(check_against_reference(img, temp_path("ct-act.png"), other).outcome == Outcome::Same);
        // One pixel changed in the other colour type is a difference, not an error.
        Image changed = img;
        set(changed, 2, 3, 255, 0, 0);
        write_as(other, changed, kind);
        CHECK(compare_png_files(rgb, other, Tolerance{}, "").outcome == Outcome::Different);
        std::remove(other.c_str());
    }
    std::remove(rgb.c_str());
}

TEST_CASE("file problems are one-line errors") {
    const std::string txt = temp_path("text.png");
    FILE* f = std::fopen(txt.c_str(), "w");
    std::fputs("not a png", f);
    std::fclose(f);
    CHECK_THROWS_WITH_AS(probe_png(txt), (txt + ": is not a PNG file; give a PNG image").c_str(), Error);
    CHECK_THROWS_WITH_AS(probe_png(temp_path("nope.png")), doctest::Contains("no such file"), Error);
    CHECK_THROWS_WITH_AS(probe_png("/tmp"), doctest::Contains("is a folder"), Error);
    std::remove(txt.c_str());
    const std::string png = temp_path("rgb.png");
    write_png(png, flat(5, 3, 1, 2, 3));
    PngHeader h = probe_png(png);
    CHECK(h.width == 5);
    CHECK(h.height == 3);
    CHECK(h.channels == 3);
    write_png(png, flat(5, 3, 1, 2, 3, 7));
    CHECK(probe_png(png).channels == 4);
    std::remove(png.c_str());
}

TEST_CASE("helpers") {
    CHECK(diff_path_for("out/attn.png") == "out/attn.diff.png");
    CHECK(diff_path_for("out.d/attn") == "out.d/attn.diff.png");
    CHECK(json_number(INFINITY) == "null");
    CHECK(json_number(0.25) == "0.25");
    CHECK(json_string("a\"b\\\n") == "\"a\\\"b\\\\\\n\"");
    std::vector<SceneResult> rs(3);
    rs[0].name = "b", rs[0].status = SceneStatus::Same;
    rs[1].name = "c", rs[1].status = SceneStatus::Different;
    rs[2].name = "a", rs[2].status = SceneStatus::Missing;
    auto sorted = failures_first(rs);
    CHECK(sorted[0].name == "a");
    CHECK(sorted[1].name == "c");
    CHECK(sorted[2].name == "b");
    RunCounts c = count(rs);
    CHECK(c.passed == 1);
    CHECK(c.failed == 1);
    CHECK(c.missing == 1);
    CHECK(exit_code(c) == 2);
}
