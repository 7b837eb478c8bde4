#include "mmr/core/memory_limit.h"

#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace mmr {
namespace {

// A cgroup limit file: a byte count, or "max"/huge values for none (0 returned).
double read_limit_file(const std::string& path) {
    std::ifstream in(path);
    std::string text;
    if (!in || !(in >> text) || text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
        return 0;
    errno = 0;
    const unsigned long long v = std::strtoull(text.c_str(), nullptr, 10);
    if (errno == ERANGE || v == 0 || v >= (1ull << 62)) return 0;  // v1's "no limit" is ~2^63
    return double(v);
}

// The smallest limit in `file` from the cgroup folder `dir` up to `top`.
double walk_up(std::string dir, const std::string& top, const std::string& file) {
    double best = 0;
    for (int guard = 0; guard < 64; ++guard) {
        const double v = read_limit_file(dir + "/" + file);
        if (v > 0 && (best == 0 || v < best)) best = v;
        if (dir.size() <= top.size()) break;
        const size_t slash = dir.find_last_of('/');
        if (slash == std::string::npos || slash < top.size()) dir = top;
        else dir = dir.substr(0, slash);
    }
    return best;
}

void consider(MemoryLimit& m, double bytes, const char* source) {
    if (bytes > 0 && (m.bytes == 0 || bytes < m.bytes)) {
        m.bytes = bytes;
        m.source = source;
    }
}

}  // namespace

MemoryLimit process_memory_limit(const std::string& root, bool with_process) {
    MemoryLimit m;
    if (root.empty() || with_process) {
        const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
        if (pages > 0 && page > 0) consider(m, double(pages) * double(page), "physical memory");
    }
    // /proc/self/cgroup: "0::/path" (v2) and "N:controllers:/path" (v1).
    std::ifstream in(root + "/proc/self/cgroup");
    std::string line;
    const std::string fs = root + "/sys/fs/cgroup";
    while (std::getline(in, line)) {
        const size_t a = line.find(':'), b = a == std::string::npos ? a : line.find(':', a + 1);
        if (b == std::string::npos) continue;
        const std::string controllers = line.substr(a + 1, b - a - 1), path = line.substr(b + 1);
        if (path.find("..") != std::string::npos) continue;
        if (line.compare(0, a, "0") == 0 && controllers.empty()) {
            // v2: the process's cgroup and its ancestors (a namespaced path may not exist:
            // then the mount's root is the process's cgroup).
            consider(m, walk_up(fs + (path == "/" ? "" : path), fs, "memory.max"), "cgroup v2 memory.max");
        } else {
            std::stringstream cs(controllers);
            std::string c;
            bool memory = false;
            while (std::getline(cs, c, ',')) memory = memory || c == "memory";
            if (!memory) continue;
            const std::string top = fs + "/memory";
            consider(m, walk_up(top + (path == "/" ? "" : path), top, "memory.limit_in_bytes"),
                     "cgroup v1 memory.limit_in_bytes");
        }
    }
    if (root.empty() || with_process) {
        struct rlimit rl {};
        if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
            consider(m, double(rl.rlim_cur), "RLIMIT_AS (ulimit -v)");
    }
    return m;
}

}  // namespace mmr
