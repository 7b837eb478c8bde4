// Scene files, mm links and params JSON files -> SceneSpec.
#include "mmr/scene/load_scene.h"
#include "mmr/preset/attention.h"

#include "mmr/encode/png.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "mmr/core/error.h"
#include "mmr/core/input_file.h"
#include "mmr/core/limits.h"
#include "mmr/scene/mm_params.h"
#include "mmr/scene/scene_parser.h"
#include "mmr/scene/scene_writer.h"

namespace mmr {
namespace {

bool is_file(const std::string& p) {
    struct stat st;
    return stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool is_dir(const std::string& p) {
    struct stat st;
    return stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// True if the text has nothing but blank lines and comments (YAML reads it as null).
bool blank_or_comments(const std::string& text) {
    bool in_comment = false;
    for (char c : text) {
        if (c == '\n' || c == '\r') in_comment = false;
        else if (in_comment || c == ' ' || c == '\t') continue;
        else if (c == '#') in_comment = true;
        else return false;
    }
    return true;
}

bool ends_with(const std::string& s, const std::string& suffix) {
    if (s.size() < suffix.size()) return false;
    std::string tail = s.substr(s.size() - suffix.size());
    for (char& c : tail) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return tail == suffix;
}

std::string folder_of(const std::string& path) {
    const size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? "." : path.substr(0, std::max<size_t>(slash, 1));
}

// A scene or params file: a regular file of at most limits::max_scene_bytes, read
// without blocking (input_file.h).
std::string read_text(const std::string& path, const char* cannot_open = "cannot open the file") {
    InputFile in(path, limits::max_scene_bytes, "scene file");
    if (!in.ok()) fail(path, cannot_open, "check the path");
    return in.read_all();
}

SceneSpec from_params(const ParamsJson& params, const std::string& where, const std::string& scene_dir,
                      const LoadOptions& opts) {
    ImportOptions io;
    io.scene_dir = scene_dir;
    io.data_dirs = opts.data_dirs;
    io.allow_any_path = opts.allow_any_path;
    SceneSpec s = scene_from_params(params, io, where);
    s.path = where;
    s.data_dirs = opts.data_dirs;
    s.allow_any_path = opts.allow_any_path;
    s.text = write_scene(s, {{kLinkSceneComment}});
    return s;
}

}  // namespace

bool is_link_argument(const std::string& arg) {
    if (arg.rfind("http://", 0) == 0 || arg.rfind("https://", 0) == 0) return true;
    if (is_file(arg)) return false;
    return looks_like_mm_link(arg);
}

void check_data_dirs(const std::vector<std::string>& dirs) {
    for (const std::string& d : dirs) {
        struct stat st;
        if (stat(d.c_str(), &st) != 0)
            fail("--data-dir " + d, "the folder does not exist", "create it, or give an existing folder");
        if (!S_ISDIR(st.st_mode))
            fail("--data-dir " + d, "is not a folder", "give the folder that holds the data files");
    }
}

SceneSpec load_scene(const std::string& arg, const LoadOptions& opts) {
    check_data_dirs(opts.data_dirs);
    if (is_dir(arg))  // also a folder named x.yaml: the scene would read as empty
        fail(arg, "is a folder, not a scene file",
             "give a .yaml scene, a .json params file, a .png written by mmr or an mm link");
    if (is_link_argument(arg)) {
        const ParamsJson params = decode_mm_link(arg, "mm link");
        // A link has no folder: data files are looked up in . and ./data.
        return from_params(params, "mm link", ".", opts);
    }
    if (ends_with(arg, ".json")) {
        const ParamsJson params = params_from_json_text(read_text(arg), arg);
        return from_params(params, arg, folder_of(arg), opts);
    }
    if (ends_with(arg, ".png")) {
        // A PNG written by mmr carries its scene (iTXt "mmr:scene"): re-render from it.
        // Only its chunks are walked: the pixels are never decoded. Its data files are
        // confined to the PNG's folder like a scene file's.
        for (const auto& [key, text] : read_png_texts(arg))
            if (key == "mmr:scene") {
                SceneSpec s = parse_scene(text, arg);
                s.data_dirs = opts.data_dirs;
                s.allow_any_path = opts.allow_any_path;
                check_attention_weights(s);
                return s;
            }
        fail(arg, "this PNG carries no mmr scene (no 'mmr:scene' text chunk)",
             "give the scene file, or a PNG written by 'mmr still'");
    }
    const std::string text = read_text(arg, "cannot open the scene file");
    if (blank_or_comments(text))
        fail(arg, "the file is empty", "a scene needs at least 'expr: A @ B'");
    SceneSpec s = parse_scene(text, arg);
    s.data_dirs = opts.data_dirs;
    s.allow_any_path = opts.allow_any_path;
    check_attention_weights(s);  // real weights of an attention preset: shapes, paths
    return s;
}

}  // namespace mmr
