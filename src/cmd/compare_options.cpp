#include "compare_options.h"

#include <sys/stat.h>

#include <iostream>

#include "mmr/core/error.h"

namespace mmr::cmd {

void add_tolerance_options(CLI::App* sub, ToleranceArgs& a, CLI::Option* needs) {
    std::vector<CLI::Option*> opts;
    opts.push_back(sub->add_option("--metric", a.metric,
                                   "Metric the threshold applies to: pixels (default), psnr, ssim or max"));
    a.threshold_option = sub->add_option(
        "--threshold", a.threshold,
        "Pass/fail limit on the metric: pixels: largest fraction of differing pixels (default 0); "
        "psnr: smallest PSNR in dB (default 40); ssim: smallest SSIM (default 0.99); "
        "max: largest channel difference 0-255 (default 8)");
    opts.push_back(a.threshold_option);
    opts.push_back(sub->add_option("--color-threshold", a.color_threshold,
                                   "Per-pixel YIQ colour threshold, 0-1 (pixelmatch's; default 0.1)"));
    opts.push_back(sub->add_flag("--include-aa", a.include_aa,
                                 "Count anti-aliased edge pixels as differences (default: ignore them)"));
    if (needs)
        for (CLI::Option* o : opts) o->needs(needs);
}

Tolerance make_tolerance(const ToleranceArgs& a) {
    Tolerance t;
    t.metric = parse_metric(a.metric);
    if (a.threshold_option && a.threshold_option->count() > 0) t.threshold = a.threshold;
    t.diff.color_threshold = a.color_threshold;
    t.diff.include_aa = a.include_aa;
    validate(t);
    return t;
}

void exit_with(int code) { throw CLI::RuntimeError(code); }

bool same_file(const std::string& a, const std::string& b) {
    if (a == b) return true;
    struct stat sa, sb;
    return stat(a.c_str(), &sa) == 0 && stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

void add_reference_options(CLI::App* sub, ReferenceArgs& a) {
    a.reference_option = sub->add_option(
        "--reference", a.reference,
        "Compare the render with this PNG; on failure write the diff next to the output and exit 1 "
        "(a missing reference fails too: copy the output there to make it the reference)");
    add_tolerance_options(sub, a.tolerance, a.reference_option);
}

void precheck_reference(const ReferenceArgs& a, const std::string& output) {
    if (a.reference.empty()) return;
    make_tolerance(a.tolerance);
    if (same_file(a.reference, output))
        fail("--reference " + a.reference, "is the output file itself, so the render would replace it",
             "write the output elsewhere, e.g. -o out/" + a.reference.substr(a.reference.find_last_of('/') + 1));
    if (same_file(a.reference, diff_path_for(output)))
        fail("--reference " + a.reference, "is where the diff image would be written",
             "choose another output name");
    struct stat st;
    if (stat(a.reference.c_str(), &st) == 0) probe_png(a.reference);  // fail before rendering
}

void check_still_reference(const Image& img, const std::string& output, const ReferenceArgs& a) {
    if (a.reference.empty()) return;
    ReferenceOptions opts;
    opts.tolerance = make_tolerance(a.tolerance);
    Comparison c = check_against_reference(img, output, a.reference, opts);
    if (c.passed()) {
        std::cout << "mmr: " << c.summary() << "\n";
        return;
    }
    std::cerr << "mmr: " << c.summary() << "\n";
    exit_with(1);
}

}  // namespace mmr::cmd
