// Scene files (YAML, docs/scene-format.md) -> SceneSpec. Only parsing and key
// and value validation happen here; construction is in the model stage.
#pragma once
#include <string>
#include <vector>

#include "mmr/scene/scene_spec.h"

namespace mmr {

// Parses a scene file. Throws mmr::Error "<file>:<line>:<col>: <what>; <fix>".
SceneSpec load_scene_file(const std::string& path);

// Parses scene text; `path` is only used in messages and to resolve data files.
SceneSpec parse_scene(const std::string& text, const std::string& path);

// Closest candidate by edit distance, or "" if none is close enough.
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace mmr
