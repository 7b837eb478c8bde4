// mmr diff A B: compare two PNG images (A is the reference) for CI.
// Exit 0 same (within the threshold), 1 different (sizes too), 2 error.
#include <iostream>

#include "commands.h"
#include "compare_options.h"
#include "mmr/core/error.h"
#include "mmr/core/interrupt.h"

namespace mmr::cmd {
namespace {

struct DiffArgs {
    std::string a, b, diff;
    ToleranceArgs tolerance;
    bool json = false;
};

void run_diff(const DiffArgs& o) {
    // SIGINT, SIGTERM, SIGHUP: the temporary diff image is removed, exit 128 + n.
    if (!o.diff.empty()) interrupt::install(o.diff + " was not written");
    try {
        Tolerance tol = make_tolerance(o.tolerance);
        if (!o.diff.empty()) {
            check_output_path(o.diff, {".png"});
            for (const std::string* in : {&o.a, &o.b})
                if (same_file(o.diff, *in))
                    fail("--diff " + o.diff, "is one of the images compared", "write the diff image elsewhere");
        }
        Comparison c = compare_png_files(o.a, o.b, tol, o.diff);
        const int code = c.passed() ? 0 : 1;
        if (o.json)
            std::cout << c.json(code) << "\n";
        else
            std::cout << c.summary() << "\n";
        finish_stdout();  // the verdict only once it is out; a lost one is an error (2)
        if (code) exit_with(code);
    } catch (const StdoutError& e) {
        std::cerr << "mmr: error: " << e.what() << "\n";
        exit_with(2);
    } catch (const Error& e) {
        std::cerr << "mmr: error: " << e.what() << "\n";
        if (o.json)
            std::cout << "{\"result\": \"error\", \"passed\": false, \"exit_code\": 2, \"message\": "
                      << json_string(e.what()) << "}\n";
        exit_with(2);
    }
}

}  // namespace

void add_diff(CLI::App& app) {
    auto opts = std::make_shared<DiffArgs>();
    CLI::App* sub = app.add_subcommand(
        "diff", "Compare two PNG images (A is the reference): exit 0 same, 1 different, 2 error");
    sub->add_option("A", opts->a, "Reference image (PNG)")->required();
    sub->add_option("B", opts->b, "Image to check (PNG)")->required();
    sub->add_option("--diff", opts->diff,
                    "Write a diff image here when the images differ: red = differs, yellow = anti-aliasing, "
                    "blue = changed under the colour threshold, over a faded copy of A");
    add_tolerance_options(sub, opts->tolerance);
    sub->add_flag("--json", opts->json, "Print one JSON object instead of a line of text");
    describe(sub, "A.png B.png [--diff D.png] [options]",
             {"mmr diff refs/pitch.png out/pitch.png --diff out/pitch.diff.png",
              "mmr diff refs/pitch.png out/pitch.png --metric psnr --threshold 40 --json"},
             std::string("0 same (within the tolerance), 1 different (sizes too), 2 bad input (missing, "
                         "damaged or non-PNG file, bad tolerance), usage error, or writing the result to "
                         "standard output failed (the text or JSON is written and flushed before the "
                         "verdict's code), 3 internal error, ") + kInterruptedCodes);
    sub->callback([opts] { run_diff(*opts); });
}

}  // namespace mmr::cmd
