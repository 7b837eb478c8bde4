#include <algorithm>
#include "mmr/compare/reference_check.h"

#include "mmr/core/quote.h"

#include <sys/stat.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "mmr/core/error.h"
#include "mmr/encode/png.h"

namespace mmr {
namespace {

bool file_exists(const std::string& path) {
    struct stat st;
    return stat(path.c_str(), &st) == 0;
}

std::string size_text(int w, int h) { return std::to_string(w) + "x" + std::to_string(h); }

std::string percent(double fraction) { return format_number(100 * fraction, 3) + " %"; }


}  // namespace

std::string format_number(double v, int digits) {
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    if (std::isnan(v)) return "nan";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    return buf;
}

std::string json_number(double v) {
    if (!std::isfinite(v)) return "null";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}

std::string json_string(const std::string& s) { return quote_string(s); }

const char* metric_name(Metric m) {
    switch (m) {
        case Metric::Pixels: return "pixels";
        case Metric::Psnr: return "psnr";
        case Metric::Ssim: return "ssim";
        case Metric::Max: return "max";
    }
    return "?";
}

Metric parse_metric(const std::string& name, const std::string& option) {
    for (Metric m : {Metric::Pixels, Metric::Psnr, Metric::Ssim, Metric::Max})
        if (name == metric_name(m)) return m;
    fail(option + " " + name, "unknown metric \"" + name + "\"", "choose pixels, psnr, ssim or max");
}

double default_threshold(Metric m) {
    switch (m) {
        case Metric::Pixels: return 0;      // no pixel may differ visibly
        case Metric::Psnr: return 40;       // dB
        case Metric::Ssim: return 0.99;
        case Metric::Max: return 8;         // channel levels
    }
    return 0;
}

bool higher_is_better(Metric m) { return m == Metric::Psnr || m == Metric::Ssim; }

double Tolerance::limit() const { return threshold ? *threshold : default_threshold(metric); }

void validate(const Tolerance& t) {
    const double c = t.diff.color_threshold;
    if (!std::isfinite(c) || c < 0 || c > 1)
        fail("--color-threshold " + format_number(c, 6), "must be from 0 to 1 (pixelmatch's threshold)",
             "the default is 0.1");
    if (!t.threshold) return;
    const double v = *t.threshold;
    const std::string where = "--threshold " + format_number(v, 6);
    switch (t.metric) {
        case Metric::Pixels:
            if (!(v >= 0 && v <= 1))
                fail(where, "for --metric pixels the threshold is a fraction of pixels, from 0 to 1",
                     "write e.g. 0.001 for 0.1 %");
            break;
        case Metric::Psnr:
            if (!(v > 0 && v <= 200))
                fail(where, "for --metric psnr the threshold is in dB, above 0 and at most 200",
                     "write e.g. 40");
            break;
        case Metric::Ssim:
            if (!(v >= 0 && v <= 1))
                fail(where, "for --metric ssim the threshold is an SSIM from 0 to 1", "write e.g. 0.99");
            break;
        case Metric::Max:
            if (!(v >= 0 && v <= 255))
                fail(where, "for --metric max the threshold is a channel difference from 0 to 255",
                     "write e.g. 8");
            break;
    }
}

double metric_value(const DiffResult& d, Metric m) {
    switch (m) {
        case Metric::Pixels: return d.fraction();
        case Metric::Psnr: return d.psnr;
        case Metric::Ssim: return d.ssim;
        case Metric::Max: return d.max_channel_diff;
    }
    return 0;
}

bool within(const DiffResult& d, const Tolerance& t) {
    if (!d.same_size) return false;
    const double v = metric_value(d, t.metric), lim = t.limit();
    return higher_is_better(t.metric) ? v >= lim : v <= lim;
}

const char* outcome_name(Outcome o) {
    switch (o) {
        case Outcome::Same: return "same";
        case Outcome::Different: return "different";
        case Outcome::SizeMismatch: return "size-mismatch";
        case Outcome::Missing: return "missing";
    }
    return "?";
}

std::string Comparison::metric_text() const {
    const DiffResult& d = result;
    const double lim = tolerance.limit();
    switch (tolerance.metric) {
        case Metric::Pixels:
            return percent(d.fraction()) + " of pixels differ (" + std::to_string(d.differing) + " of " +
                   std::to_string(d.pixels) + "; allowed: " + percent(lim) + ")";
        case Metric::Psnr:
            return "PSNR " + format_number(d.psnr, 4) + " dB (required: at least " + format_number(lim, 4) + " dB)";
        case Metric::Ssim:
            return "SSIM " + format_number(d.ssim, 6) + " (required: at least " + format_number(lim, 6) + ")";
        case Metric::Max:
            return "max channel difference " + std::to_string(d.max_channel_diff) + " (allowed: " +
                   format_number(lim, 4) + ")";
    }
    return "";
}

std::string Comparison::summary() const {
    const DiffResult& d = result;
    switch (outcome) {
        case Outcome::Missing:
            return "missing reference: " + reference + " does not exist; the render is " + actual +
                   "; to make it the reference: cp " + actual + " " + reference;
        case Outcome::SizeMismatch:
            return "different size: " + actual + " is " + size_text(d.width_b, d.height_b) + " but reference " +
                   reference + " is " + size_text(d.width, d.height);
        case Outcome::Same:
        case Outcome::Different: break;
    }
    if (d.identical)
        return "same: " + actual + " vs reference " + reference + ": identical pixels (" + std::to_string(d.width) + "x" +
               std::to_string(d.height) + ")";
    std::string others;
    if (tolerance.metric != Metric::Pixels) others += percent(d.fraction()) + " of pixels differ, ";
    others += std::to_string(d.antialiased) + " anti-aliased ignored, ";
    if (tolerance.metric != Metric::Max) others += "max channel diff " + std::to_string(d.max_channel_diff) + ", ";
    others += "mean " + format_number(d.mean_channel_diff, 3);
    if (tolerance.metric != Metric::Psnr) others += ", PSNR " + format_number(d.psnr, 4) + " dB";
    if (tolerance.metric != Metric::Ssim) others += ", SSIM " + format_number(d.ssim, 6);
    std::string s = std::string(passed() ? "same: " : "different: ") + actual + " vs reference " + reference +
                    ": " + metric_text() + "; " + others;
    if (!diff_image.empty()) s += "; diff image " + diff_image;
    return s;
}

std::string Comparison::json(int exit_code) const {
    const DiffResult& d = result;
    std::string j = "{";
    auto field = [&](const char* key, const std::string& value) {
        if (j.size() > 1) j += ", ";
        j += json_string(key) + ": " + value;
    };
    field("result", json_string(outcome_name(outcome)));
    field("passed", passed() ? "true" : "false");
    field("exit_code", std::to_string(exit_code));
    field("reference", json_string(reference));
    field("actual", json_string(actual));
    field("diff_image", diff_image.empty() ? "null" : json_string(diff_image));
    field("metric", json_string(metric_name(tolerance.metric)));
    field("threshold", json_number(tolerance.limit()));
    field("color_threshold", json_number(tolerance.diff.color_threshold));
    field("include_aa", tolerance.diff.include_aa ? "true" : "false");
    if (outcome != Outcome::Missing) {
        field("reference_size", "[" + std::to_string(d.width) + ", " + std::to_string(d.height) + "]");
        field("actual_size", "[" + std::to_string(d.width_b) + ", " + std::to_string(d.height_b) + "]");
    }
    if (outcome == Outcome::Same || outcome == Outcome::Different) {
        field("value", json_number(value));
        field("identical", d.identical ? "true" : "false");
        field("pixels", std::to_string(d.pixels));
        field("differing_pixels", std::to_string(d.differing));
        field("differing_fraction", json_number(d.fraction()));
        field("antialiased_pixels", std::to_string(d.antialiased));
        field("changed_pixels", std::to_string(d.changed));
        field("max_channel_diff", std::to_string(d.max_channel_diff));
        field("mean_channel_diff", json_number(d.mean_channel_diff));
        field("mse", json_number(d.mse));
        field("psnr", json_number(d.psnr));
        field("ssim", json_number(d.ssim));
    }
    field("message", json_string(summary()));
    return j + "}";
}

std::string diff_path_for(const std::string& actual_path) {
    size_t slash = actual_path.find_last_of('/');
    size_t dot = actual_path.find_last_of('.');
    if (dot != std::string::npos && (slash == std::string::npos || dot > slash))
        return actual_path.substr(0, dot) + ".diff" + actual_path.substr(dot);
    return actual_path + ".diff.png";
}

namespace {

// Fills the outcome, value and diff image of a comparison of two images.
void judge(Comparison& c, const Image& ref, const Image& actual, const std::string& diff_path) {
    Image diff;
    c.result = diff_images(ref, actual, c.tolerance.diff, diff_path.empty() ? nullptr : &diff);
    if (!c.result.same_size) {
        c.outcome = Outcome::SizeMismatch;
        return;
    }
    c.value = metric_value(c.result, c.tolerance.metric);
    c.outcome = within(c.result, c.tolerance) ? Outcome::Same : Outcome::Different;
    if (c.outcome == Outcome::Different && !diff_path.empty()) {
        write_png(diff_path, diff, {{"Software", "mmr " MMR_VERSION}});
        c.diff_image = diff_path;
    }
}

}  // namespace

Comparison check_against_reference(const Image& actual, const std::string& actual_path,
                                   const std::string& reference_path, const ReferenceOptions& opts) {
    validate(opts.tolerance);
    Comparison c;
    c.reference = reference_path;
    c.actual = actual_path;
    c.tolerance = opts.tolerance;
    const std::string diff_path = opts.diff_path.empty() ? diff_path_for(actual_path) : opts.diff_path;
    if (!file_exists(reference_path)) {
        struct stat st;
        if (lstat(reference_path.c_str(), &st) == 0)  // a dangling symbolic link
            fail(reference_path, "is a broken symbolic link", "point it at a PNG or remove it");
        c.outcome = Outcome::Missing;
        c.result.width_b = actual.width, c.result.height_b = actual.height;
    } else {
        // Decoded to 8-bit RGBA: RGB and opaque RGBA, grey, palette and 16-bit files
        // with the same pixels compare the same; other pixels differ as any would.
        ImageFile ref = load_png_for_compare(reference_path);
        Image masked;
        const bool mask = !opts.ignore.empty() && ref.image.width == actual.width && ref.image.height == actual.height;
        if (mask) {
            masked = actual;  // ignored pixels: the reference's, so they compare equal
            for (const Rect& r : opts.ignore)
                for (int y = std::max(0, r.y); y < std::min(actual.height, r.y + r.h); ++y)
                    for (int x = std::max(0, r.x); x < std::min(actual.width, r.x + r.w); ++x) {
                        const size_t i = (size_t(y) * size_t(actual.width) + size_t(x)) * 4;
                        std::copy(&ref.image.rgba[i], &ref.image.rgba[i] + 4, &masked.rgba[i]);
                    }
        }
        const Image& compared = mask ? masked : actual;
        judge(c, ref.image, compared, diff_path);
        if (c.outcome == Outcome::Different) c.regions = changed_regions(ref.image, compared);
    }
    if (!c.passed() && opts.write_actual_on_failure) write_png(actual_path, actual, opts.png_texts);
    if (c.passed() && opts.remove_stale_diff && file_exists(diff_path) && diff_path != reference_path &&
        diff_path != actual_path)
        std::remove(diff_path.c_str());
    return c;
}

Comparison compare_png_files(const std::string& reference, const std::string& actual,
                             const Tolerance& tolerance, const std::string& diff_path) {
    validate(tolerance);
    Comparison c;
    c.reference = reference;
    c.actual = actual;
    c.tolerance = tolerance;
    // Check both headers before decoding either, so the cheap errors come first.
    PngHeader ha = probe_png(reference), hb = probe_png(actual);
    if (ha.width != hb.width || ha.height != hb.height) {
        c.outcome = Outcome::SizeMismatch;
        c.result.same_size = false;
        c.result.width = ha.width, c.result.height = ha.height;
        c.result.width_b = hb.width, c.result.height_b = hb.height;
        // Still decode both: a damaged file is an error, not a size mismatch.
        load_png_for_compare(reference);
        load_png_for_compare(actual);
        return c;
    }
    ImageFile a = load_png_for_compare(reference), b = load_png_for_compare(actual);
    judge(c, a.image, b.image, diff_path);
    return c;
}

}  // namespace mmr

namespace mmr {

std::vector<Rect> changed_regions(const Image& a, const Image& b, int cell, size_t max_regions) {
    std::vector<Rect> out;
    if (a.width != b.width || a.height != b.height || a.rgba.size() != b.rgba.size()) return out;
    const int cw = (a.width + cell - 1) / cell, ch = (a.height + cell - 1) / cell;
    std::vector<Rect> box(size_t(cw) * size_t(ch), Rect{0, 0, 0, 0});  // per cell: changed pixels' bounds
    std::vector<char> on(box.size(), 0);
    for (int y = 0; y < a.height; ++y)
        for (int x = 0; x < a.width; ++x) {
            const size_t i = (size_t(y) * size_t(a.width) + size_t(x)) * 4;
            if (std::equal(&a.rgba[i], &a.rgba[i] + 4, &b.rgba[i])) continue;
            const size_t k = size_t(y / cell) * size_t(cw) + size_t(x / cell);
            Rect& r = box[k];
            if (!on[k]) {
                r = Rect{x, y, 1, 1};
                on[k] = 1;
                continue;
            }
            const int x1 = std::max(r.x + r.w, x + 1), y1 = std::max(r.y + r.h, y + 1);
            r.x = std::min(r.x, x), r.y = std::min(r.y, y);
            r.w = x1 - r.x, r.h = y1 - r.y;
        }
    // Flood fill over the 8 neighbours of changed cells.
    std::vector<char> seen(box.size(), 0);
    std::vector<size_t> stack;
    for (size_t k0 = 0; k0 < box.size(); ++k0) {
        if (!on[k0] || seen[k0]) continue;
        Rect g = box[k0];
        stack.assign(1, k0);
        seen[k0] = 1;
        while (!stack.empty()) {
            const size_t k = stack.back();
            stack.pop_back();
            const Rect& r = box[k];
            const int x1 = std::max(g.x + g.w, r.x + r.w), y1 = std::max(g.y + g.h, r.y + r.h);
            g.x = std::min(g.x, r.x), g.y = std::min(g.y, r.y);
            g.w = x1 - g.x, g.h = y1 - g.y;
            const int cx = int(k % size_t(cw)), cy = int(k / size_t(cw));
            for (int dy = -1; dy <= 1; ++dy)
                for (int dx = -1; dx <= 1; ++dx) {
                    const int nx = cx + dx, ny = cy + dy;
                    if (nx < 0 || ny < 0 || nx >= cw || ny >= ch) continue;
                    const size_t n = size_t(ny) * size_t(cw) + size_t(nx);
                    if (on[n] && !seen[n]) seen[n] = 1, stack.push_back(n);
                }
        }
        out.push_back(g);
    }
    if (out.size() > max_regions) {
        std::stable_sort(out.begin(), out.end(),
                         [](const Rect& p, const Rect& q) { return int64_t(p.w) * p.h > int64_t(q.w) * q.h; });
        out.resize(max_regions);
        std::sort(out.begin(), out.end(), [](const Rect& p, const Rect& q) { return p.y != q.y ? p.y < q.y : p.x < q.x; });
    }
    return out;
}

std::string rect_text(const Rect& r) {
    return std::to_string(r.x) + "," + std::to_string(r.y) + " " + std::to_string(r.w) + "x" + std::to_string(r.h);
}

}  // namespace mmr
