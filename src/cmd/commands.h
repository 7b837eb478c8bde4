// The subcommands of the mmr binary. Each is a thin layer over the pipeline:
// scene -> model -> layout -> draw list -> GL backend -> encoder.
#pragma once
#include <CLI/CLI.hpp>

namespace mmr::cmd {

void add_still(CLI::App& app);
void add_check(CLI::App& app);

// Parses "1920x1080"; throws mmr::Error naming the option.
void parse_size(const std::string& text, int& width, int& height);
// Fails early if the output's folder does not exist or is not writable.
void check_output_path(const std::string& path, const std::vector<std::string>& extensions);

}  // namespace mmr::cmd
