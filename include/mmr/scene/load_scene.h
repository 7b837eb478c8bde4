// One entry point for every command that takes a scene: a YAML scene file, an mm
// link (https://bhosmer.github.io/mm/...?params=... or the compressed form), or a
// bare mm params JSON file (*.json), or a PNG written by mmr (its embedded scene).
#pragma once
#include <string>
#include <vector>

#include "mmr/scene/scene_spec.h"

namespace mmr {

// The first comment line of a scene made from a link (by `mmr import`, and in the
// scene text that `mmr still LINK` embeds in its PNG: the two are the same text).
inline const char* const kLinkSceneComment =
    "Converted from an mm link by mmr; 'mmr export' turns it back into a link.";

struct LoadOptions {
    // --data-dir: folders where `url` inits are looked up by base name (in order).
    // Empty: the scene file's folder, then ./data (for a link: ., then ./data).
    std::vector<std::string> data_dirs;
    // --allow-any-path: data files (`file:`, `url`) may be anywhere. Default: only in the
    // scene file's folder and the data folders, after resolving symlinks (data.h).
    bool allow_any_path = false;
};

// Fails ("--data-dir D: the folder does not exist; ...") unless every entry is a folder.
void check_data_dirs(const std::vector<std::string>& dirs);

// True if `arg` is to be decoded as an mm link rather than opened as a file: it
// starts with http:// or https://, or it is not an existing file and has a query
// with mm's keys ("...?params=", "...?0=...").
bool is_link_argument(const std::string& arg);

// Loads and validates a scene. For links and params JSON files the scene is
// converted (mm_params.h) and SceneSpec::text holds the equivalent YAML, so a PNG
// made from a link carries a scene that re-renders it. Throws mmr::Error (one line).
SceneSpec load_scene(const std::string& file_or_url, const LoadOptions& opts = {});

}  // namespace mmr
