// SceneSpec -> scene YAML (docs/scene-format.md): only what differs from the
// defaults, matrices and matmuls keyed by name in expression order, one flow
// mapping per entry, as in scenes/*.yaml. parse_scene(write_scene(s)) gives s back
// (source locations and text aside).
#pragma once
#include <string>
#include <vector>

#include "mmr/scene/scene_spec.h"

namespace mmr {

struct WriteOptions {
    std::vector<std::string> comments;  // header lines, written as "# <line>"
};

std::string write_scene(const SceneSpec& spec, const WriteOptions& opts = {});

// YAML scalar text: plain when safe, else double-quoted.
std::string yaml_scalar(const std::string& s);
// Shortest text that reads back as the same double ("0.5", "1e-07", "768").
std::string yaml_number(double v);

}  // namespace mmr
