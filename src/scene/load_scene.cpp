// Scene files, mm links and params JSON files -> SceneSpec.
#include "mmr/scene/load_scene.h"

#include "mmr/encode/png.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "mmr/core/error.h"
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

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) fail(path, "cannot open the file", "check the path");
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

SceneSpec from_params(const ParamsJson& params, const std::string& where, const std::string& scene_dir,
                      const LoadOptions& opts) {
    ImportOptions io;
    io.scene_dir = scene_dir;
    io.data_dirs = opts.data_dirs;
    SceneSpec s = scene_from_params(params, io, where);
    s.path = where;
    s.data_dirs = opts.data_dirs;
    s.text = write_scene(s, {{kLinkSceneComment}});
    return s;
}

}  // namespace

bool is_link_argument(const std::string& arg) {
    if (arg.rfind("http://", 0) == 0 || arg.rfind("https://", 0) == 0) return true;
    if (is_file(arg)) return false;
    return looks_like_mm_link(arg);
}

SceneSpec load_scene(const std::string& arg, const LoadOptions& opts) {
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
        for (const auto& [key, text] : read_png_texts(arg))
            if (key == "mmr:scene") {
                SceneSpec s = parse_scene(text, arg);
                s.data_dirs = opts.data_dirs;
                return s;
            }
        fail(arg, "this PNG carries no mmr scene (no 'mmr:scene' text chunk)",
             "give the scene file, or a PNG written by 'mmr still'");
    }
    std::ifstream in(arg, std::ios::binary);
    if (!in) fail(arg, "cannot open the scene file", "check the path");
    std::ostringstream text;
    text << in.rdbuf();
    if (blank_or_comments(text.str()))
        fail(arg, "the file is empty", "a scene needs at least 'expr: A @ B'");
    SceneSpec s = parse_scene(text.str(), arg);
    s.data_dirs = opts.data_dirs;
    return s;
}

}  // namespace mmr
