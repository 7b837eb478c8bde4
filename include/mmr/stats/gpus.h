// The GPU table of `mmr stats` (data/gpus.yaml, installed as share/mmr/gpus.yaml):
// dense peak FLOP/s per dtype, HBM and interconnect bandwidth, source and date.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mmr {

struct Gpu {
    std::string id;    // key in the file, e.g. "h100-sxm"
    std::string name;  // e.g. "NVIDIA H100 SXM5 80GB"
    std::map<std::string, std::optional<double>> peak_flops;  // dtype -> FLOP/s (dense); nullopt: no such mode
    double hbm_bytes_per_s = 0;
    double hbm_bytes = 0;
    double link_bytes_per_s = 0;  // NVLink, both directions together
    std::string source, as_of, note;
    std::vector<std::string> uncertain;  // fields whose published figures disagree
};

// Reads a GPU table (YAML, the form of data/gpus.yaml). Entries of `into` with the same
// id are replaced, others added, in file order. Throws mmr::Error naming file:line:col.
void read_gpu_table(const std::string& path, std::vector<Gpu>& into);
// The table shipped with mmr: next to the binary in the build tree
// (<bin>/share/mmr/gpus.yaml) or in the install prefix (<prefix>/share/mmr/gpus.yaml).
std::string default_gpu_table_path();
// The GPUs named in a comma-separated list; throws naming `option` and listing the ids.
std::vector<Gpu> select_gpus(const std::vector<Gpu>& all, const std::string& list, const std::string& option);

}  // namespace mmr
