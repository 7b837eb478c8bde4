// What several commands share beyond their options: standard output that must not
// fail silently, and --js-errors.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "commands.h"
#include "mmr/core/error.h"

namespace mmr::cmd {

void finish_stdout() {
    // std::cout writes through stdio's stdout (sync_with_stdio): its flush is
    // fflush(stdout), and the errno of that failure is the one worth showing.
    errno = 0;
    std::cout.flush();
    int e = errno;
    errno = 0;
    const bool flushed = std::fflush(stdout) == 0;
    if (e == 0) e = errno;
    if (flushed && !std::ferror(stdout) && std::cout.good()) return;
    throw StdoutError(format_error("", std::string("writing to standard output failed (") +
                                           (e ? std::strerror(e) : "write error") + ")",
                                   "make room on the disk or send the output elsewhere"));
}

void add_js_errors_option(CLI::App* sub, std::string& mode) {
    sub->add_option("--js-errors", mode,
                    "What an element whose JavaScript formula throws becomes: error (default: mmr stops "
                    "and names the matrix, element and message) or zero (0, as in mm)")
        ->check(CLI::IsMember({"error", "zero"}));
}

void apply_js_errors(SceneSpec& spec, const std::string& mode) {
    const bool zero = mode == "zero";
    for (auto& [name, leaf] : spec.matrices) leaf.js_errors_zero = zero;
    for (auto& [name, uses] : spec.matrix_uses)
        for (LeafSpec& leaf : uses) leaf.js_errors_zero = zero;
}

}  // namespace mmr::cmd
