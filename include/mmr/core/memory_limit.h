// How much memory this process may really use: the smallest of physical memory,
// its cgroup's limit (v2 memory.max, v1 memory.limit_in_bytes) and RLIMIT_AS.
#pragma once
#include <string>

namespace mmr {

struct MemoryLimit {
    double bytes = 0;    // the smallest limit found
    std::string source;  // where it comes from, e.g. "cgroup v2 memory.max", "physical memory"
};

// `root` prefixes /proc/self/cgroup and /sys/fs/cgroup (tests give a fake tree;
// "" reads the real ones). With a root, physical memory and RLIMIT_AS are not read
// unless `with_process` is set.
MemoryLimit process_memory_limit(const std::string& root = "", bool with_process = true);

}  // namespace mmr
