#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "commands.h"
#include "mmr/core/error.h"

namespace mmr::cmd {

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
