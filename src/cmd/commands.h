// The subcommands of the mmr binary. Each is a thin layer over the pipeline:
// scene -> model -> layout -> draw list -> GL backend -> encoder.
#pragma once
#include <CLI/CLI.hpp>

#include "mmr/core/error.h"
#include "mmr/flat/colormap.h"
#include "mmr/gl/backend.h"
#include "mmr/record/record.h"
#include "mmr/scene/scene_spec.h"

#include <optional>

namespace mmr::cmd {

void add_still(CLI::App& app);
void add_check(CLI::App& app);
void add_render(CLI::App& app);  // render.cpp
void add_import(CLI::App& app);  // import.cpp
void add_export(CLI::App& app);  // import.cpp
void add_diff(CLI::App& app);  // diff.cpp
void add_test(CLI::App& app);  // test_cmd.cpp
void add_stats(CLI::App& app);  // stats.cpp
void add_expand(CLI::App& app);  // expand.cpp
void add_heatmap(CLI::App& app);  // heatmap.cpp
void add_chart(CLI::App& app);  // chart.cpp (needs src/stats)
void add_join(CLI::App& app);  // join.cpp

// The command line as typed (shell-quoted where needed) without its output path,
// for files that record how they were made.
// --background of the flat figures (heatmap, chart): the colours scenes accept
// (mmr/theme/theme.h parse_color), as 8-bit RGBA; throws naming the option.
flat::Rgba parse_figure_background(const std::string& text);
void set_command_line(int argc, char** argv);
const std::string& command_line();

// Options every rendering command shares: where data comes from, picture size,
// seed, GL backend and antialiasing.
struct SceneArgs {
    std::vector<std::string> data_dirs;  // --data-dir (url data files)
    bool allow_any_path = false;         // --allow-any-path (data files outside those folders)
    std::string size;                    // --size WxH (empty: the scene's)
    std::string seed;                    // --seed, 0..2^64-1 (empty: the scene's)
    std::string backend = "auto";        // --backend
    std::string aa;                      // --aa (empty: the default, smooth)
    int msaa = -1;                       // --msaa, alias of --aa (-1: not given)
    std::string max_elements, max_multiply_adds;  // --max-elements, --max-multiply-adds (empty: default)
    std::string background;              // --background COLOR|transparent (empty: the scene's)
    std::string theme;                   // --theme dark|light (empty: the scene's)
    bool fit = false;                    // --fit: camera distance that frames everything
    std::string margin;                  // --margin M (implies --fit; empty: the scene's, 0.05)
    std::string scale;                   // --scale S (empty: 1, or a PNG's)
};
// The text chunks of a still: the scene, how it was rendered (mmr:render) and
// the software, the same for `still` and `test` so their PNGs are the same bytes.
std::vector<std::pair<std::string, std::string>> still_texts(const SceneSpec& spec, const RenderOptions& render,
                                                             int step, int supersample);
// --scale: a number above 0 and at most 16; throws mmr::Error naming the option.
float parse_scale(const std::string& text);
void add_scene_options(CLI::App* sub, SceneArgs& args);
// Loads a scene file or mm link and applies --seed and --size.
// A PNG written by mmr: its stored size, seed, theme and background (its render
// record) apply first, the options after; `record` (if given) receives the record.
SceneSpec load_scene_args(const std::string& scene, const SceneArgs& args,
                          std::optional<RenderRecord>* record = nullptr);
// Applies --theme and --background to a loaded scene; throws mmr::Error on unknown names.
void apply_look_args(SceneSpec& spec, const SceneArgs& args);

// What a subcommand's --help ends with, and the usage line its command-line
// errors print: `usage` is e.g. "SCENE -o OUT.png [options]", `examples` whole
// command lines, `exit_codes` e.g. "0 written, 1 bad input, 2 usage error".
void describe(CLI::App* sub, const std::string& usage, const std::vector<std::string>& examples,
              const std::string& exit_codes);
// "usage: mmr still SCENE -o OUT.png [options]; see 'mmr still --help'"
std::string usage_line(const CLI::App* sub);
// The one-line message (without the "mmr CMD: error: " prefix) for a CLI11 parse
// error in subcommand `sub`; `args` are the command-line arguments after the
// subcommand's name (to find the first unknown option in the order given).
std::string parse_error_message(const CLI::App& app, const CLI::App* sub, const CLI::ParseError& e,
                                const std::vector<std::string>& args);

// Parses "1920x1080"; throws mmr::Error naming the option.
void parse_size(const std::string& text, int& width, int& height);
// Parses --seed: a whole number 0..2^64-1 (digits only); throws mmr::Error.
uint64_t parse_seed(const std::string& text);
// Parses a limit option's value (a finite number >= 1); throws mmr::Error naming `option`.
double parse_limit(const std::string& text, const char* option);
// Fails early if the output's folder does not exist or is not writable.
void check_output_path(const std::string& path, const std::vector<std::string>& extensions);

// output.cpp. Flushes std::cout and stdout; throws StdoutError "writing to standard
// output failed (No space left on device); ..." if anything written to them was lost.
struct StdoutError : Error {
    using Error::Error;
};
void finish_stdout();
// --js-errors error|zero (still, render, check), applied to every matrix of `spec`.
void add_js_errors_option(CLI::App* sub, std::string& mode);
void apply_js_errors(SceneSpec& spec, const std::string& mode);
// The end of the "Exit codes:" line of the commands that write files.
inline const char* const kInterruptedCodes =
    "130 interrupted by SIGINT (Ctrl-C), 143 by SIGTERM, 129 by SIGHUP (no temporary or partial file is left)";

}  // namespace mmr::cmd
