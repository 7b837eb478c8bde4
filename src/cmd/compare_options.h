// Options shared by the commands that compare images (still --reference, diff,
// test; render may use them too): --metric, --threshold, --color-threshold,
// --include-aa. Meanings in docs/reproducibility.md.
#pragma once
#include <CLI/CLI.hpp>
#include <string>

#include "mmr/compare/reference_check.h"

namespace mmr::cmd {

struct ToleranceArgs {
    std::string metric = "pixels";
    double threshold = 0;
    CLI::Option* threshold_option = nullptr;  // to tell "not given" from 0
    double color_threshold = 0.1;
    bool include_aa = false;
};

// Adds the four options to `sub`; with `needs` they require that option.
void add_tolerance_options(CLI::App* sub, ToleranceArgs& args, CLI::Option* needs = nullptr);
// Parses and validates (throws mmr::Error naming the option).
Tolerance make_tolerance(const ToleranceArgs& args);

// Ends mmr with `code` (main turns CLI::RuntimeError into its exit code).
[[noreturn]] void exit_with(int code);

// True if both paths name the same existing file (or are the same string).
bool same_file(const std::string& a, const std::string& b);

// For `mmr still --reference`: compares the render just written to `output`
// with `reference`, prints the outcome, and exits with 1 on failure.
struct ReferenceArgs {
    std::string reference;
    CLI::Option* reference_option = nullptr;
    ToleranceArgs tolerance;
};
void add_reference_options(CLI::App* sub, ReferenceArgs& args);
// Before rendering: validates the options and an existing reference's header.
void precheck_reference(const ReferenceArgs& args, const std::string& output);
void check_still_reference(const Image& img, const std::string& output, const ReferenceArgs& args);

}  // namespace mmr::cmd
