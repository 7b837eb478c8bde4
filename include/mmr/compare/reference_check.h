// Comparing a render with a reference image, with a tolerance on one metric.
// Shared by `mmr still --reference`, `mmr diff`, `mmr test` and `mmr render`.
//
//   Tolerance tol;                                  // default: pixels, 0
//   tol.metric = parse_metric("ssim");              // or set it directly
//   tol.threshold = 0.995;                          // unset = the metric's default
//   validate(tol);                                  // throws mmr::Error if out of range
//   Comparison c = check_against_reference(img, "out/a.png", "refs/a.png", {tol});
//   if (!c.passed()) { std::cerr << c.summary() << "\n"; return 1; }
//
// Metrics and their thresholds (docs/reproducibility.md, "Comparing images"):
//   pixels  fraction of pixels that differ beyond the colour threshold, not
//           counting anti-aliasing (0..1)            fails if above   default 0
//   psnr    PSNR in dB (infinite if identical)       fails if below   default 40
//   ssim    mean SSIM of the luma (0..1)             fails if below   default 0.99
//   max     largest channel difference (0..255)      fails if above   default 8
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mmr/compare/image_diff.h"
#include "mmr/compare/image_file.h"

namespace mmr {

enum class Metric { Pixels, Psnr, Ssim, Max };
const char* metric_name(Metric m);  // "pixels", "psnr", "ssim", "max"
// Throws mmr::Error naming `option` (e.g. "--metric") for an unknown name.
Metric parse_metric(const std::string& name, const std::string& option = "--metric");

struct Tolerance {
    Metric metric = Metric::Pixels;
    std::optional<double> threshold;  // unset: default_threshold(metric)
    DiffOptions diff;                 // colour threshold (default 0.1) and include_aa
    double limit() const;             // threshold or the metric's default
};
double default_threshold(Metric m);
// True for metrics where larger is better (psnr, ssim): they fail below the threshold.
bool higher_is_better(Metric m);
// Throws mmr::Error naming --threshold or --color-threshold when out of range.
void validate(const Tolerance& t);

// The metric's value: fraction of pixels, dB, SSIM or channel levels.
double metric_value(const DiffResult& d, Metric m);
bool within(const DiffResult& d, const Tolerance& t);

// A rectangle of pixels: x, y of its top-left corner, width, height.
struct Rect {
    int x = 0, y = 0, w = 0, h = 0;
};

// Bounding boxes of the groups of changed pixels (any channel differs) of two
// images of one size: pixels are grouped in cells of `cell` x `cell`, touching
// changed cells form one region; at most `max_regions` (the largest), by position.
std::vector<Rect> changed_regions(const Image& a, const Image& b, int cell = 16, size_t max_regions = 20);
std::string rect_text(const Rect& r);  // "x,y WxH": "120,40 64x32"

enum class Outcome { Same, Different, SizeMismatch, Missing };
const char* outcome_name(Outcome o);  // "same", "different", "size-mismatch", "missing"

struct Comparison {
    Outcome outcome = Outcome::Same;
    std::string reference, actual;  // paths
    std::string diff_image;         // the diff image written, or empty
    Tolerance tolerance;
    DiffResult result;
    double value = 0;               // metric_value(result, tolerance.metric)
    std::vector<Rect> regions;      // check_against_reference, when Different: changed_regions()

    bool passed() const { return outcome == Outcome::Same; }
    // One line for people, e.g. "different: out/a.png vs reference refs/a.png: ...".
    std::string summary() const;
    // The metric against its threshold, e.g. "0.52 % of pixels differ (allowed: 0 %)".
    std::string metric_text() const;
    // One JSON object (fields in docs/reproducibility.md).
    std::string json(int exit_code) const;
};

struct ReferenceOptions {
    // Pixels inside these rectangles are not compared: the render's pixels there
    // are taken as equal to the reference's (mmr test's sidecar `ignore`).
    std::vector<Rect> ignore;
    Tolerance tolerance;
    std::string diff_path;  // where a failing comparison writes its diff; default diff_path_for(actual)
    // Write `actual` to actual_path when the comparison fails (for callers that
    // do not write the PNG themselves, e.g. video frames).
    bool write_actual_on_failure = false;
    std::vector<std::pair<std::string, std::string>> png_texts;  // for that write
    // Remove a diff image left at diff_path by an earlier failing run when this one passes.
    bool remove_stale_diff = true;
};

// Compares a render with the PNG at reference_path. A missing reference is
// Outcome::Missing (the caller says how to make one); a reference that is not
// a readable PNG, or has another channel count than `actual` would be stored
// with, throws mmr::Error. On failure (Different) the diff image is written.
Comparison check_against_reference(const Image& actual, const std::string& actual_path,
                                   const std::string& reference_path, const ReferenceOptions& opts = {});

// Compares two PNG files (`mmr diff A B`; A is the reference). Every problem
// with a file, a channel-count mismatch included, throws mmr::Error; a size
// mismatch is Outcome::SizeMismatch. The diff image is written to diff_path
// (if not empty) only when the outcome is Different.
Comparison compare_png_files(const std::string& reference, const std::string& actual,
                             const Tolerance& tolerance, const std::string& diff_path);

// out/attn.png -> out/attn.diff.png
std::string diff_path_for(const std::string& actual_path);

// Small helpers shared by the report writers.
std::string json_string(const std::string& s);  // quoted and escaped
std::string json_number(double v);               // null for infinities and NaN
std::string format_number(double v, int digits = 4);

}  // namespace mmr
