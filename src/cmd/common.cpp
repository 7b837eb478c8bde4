#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "commands.h"
#include "mmr/core/error.h"
#include "mmr/scene/load_scene.h"

namespace mmr::cmd {

void add_scene_options(CLI::App* sub, SceneArgs& a) {
    sub->add_option("--data-dir", a.data_dirs,
                    "Folder where url data files are looked up by base name (repeatable; default: the "
                    "scene's folder, then ./data)")
        ->allow_extra_args(false);  // one value each time
    sub->add_option("--size", a.size, "Image size WIDTHxHEIGHT (default: the scene's output, 1280x720)");
    sub->add_option("--seed", a.seed, "Seed for random inits (overrides the scene's)");
    sub->add_option("--backend", a.backend, "Rendering backend: auto, egl or osmesa");
    sub->add_option("--aa", a.aa,
                    "Antialiasing of lines, text and flow guides: smooth (default: coverage of 4 samples "
                    "computed in the shaders, looks like a browser's MSAA at the cost of none), msaa "
                    "(real 4x multisampling, about 3x slower) or none")
        ->check(CLI::IsMember({"msaa", "smooth", "none"}));
    sub->add_option("--msaa", a.msaa, "Alias: --msaa 2|4 = --aa msaa with that many samples, --msaa 0 = --aa none")
        ->check(CLI::IsMember({0, 2, 4}));
}

SceneSpec load_scene_args(const std::string& scene, const SceneArgs& a) {
    SceneSpec spec = load_scene(scene, LoadOptions{a.data_dirs});  // a file or an mm link
    if (a.seed >= 0) spec.seed = static_cast<uint64_t>(a.seed);
    if (!a.size.empty()) parse_size(a.size, spec.output.width, spec.output.height);
    return spec;
}

void parse_size(const std::string& text, int& width, int& height) {
    int w = 0, h = 0;
    char x = 0, extra = 0;
    if (std::sscanf(text.c_str(), "%d%c%d%c", &w, &x, &h, &extra) != 3 || (x != 'x' && x != 'X'))
        fail("--size " + text, "expected WIDTHxHEIGHT", "write e.g. '--size 1920x1080'");
    if (w < 16 || h < 16 || w > 16384 || h > 16384)
        fail("--size " + text, "width and height must be from 16 to 16384 pixels",
             "write e.g. '--size 1920x1080'");
    width = w;
    height = h;
}

void check_output_path(const std::string& path, const std::vector<std::string>& extensions) {
    std::string ext;
    size_t dot = path.find_last_of('.');
    size_t slash = path.find_last_of('/');
    if (dot != std::string::npos && (slash == std::string::npos || dot > slash))
        ext = path.substr(dot);
    std::string lower = ext;
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    if (std::find(extensions.begin(), extensions.end(), lower) == extensions.end()) {
        std::string list;
        for (const auto& e : extensions) list += (list.empty() ? "" : ", ") + e;
        fail("-o " + path,
             ext.empty() ? "the output has no file extension" : "cannot write '" + ext + "' files",
             "use one of: " + list);
    }
    std::string dir = slash == std::string::npos ? "." : path.substr(0, std::max<size_t>(slash, 1));
    struct stat st;
    if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        fail("-o " + path, "the folder '" + dir + "' does not exist", "create it first");
    if (access(dir.c_str(), W_OK) != 0)
        fail("-o " + path, "the folder '" + dir + "' is not writable (" + std::strerror(errno) + ")",
             "choose another output path");
}

}  // namespace mmr::cmd
