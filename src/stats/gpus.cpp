// data/gpus.yaml -> Gpu rows.
#include "mmr/stats/gpus.h"

#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <sstream>

#include "../scene/yaml_reader.h"
#include "mmr/core/error.h"
#include "mmr/core/input_file.h"
#include "mmr/core/limits.h"
#include "mmr/preset/attention.h"

#ifndef MMR_DATA_INSTALL_REL
#define MMR_DATA_INSTALL_REL "../share/mmr"
#endif

namespace mmr {

void read_gpu_table(const std::string& path, std::vector<Gpu>& into) {
    InputFile in(path, limits::max_scene_bytes, "GPU table");
    if (!in.ok()) fail(path, "cannot open the GPU table", "check the path (see docs/stats.md for its form)");
    const std::string text = in.read_all();
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::ParserException& e) {
        fail(path + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1),
             "malformed YAML: " + e.msg, "fix the YAML syntax there");
    }
    if (!root || !root.IsMap() || !root["gpus"])
        fail(path, "a GPU table needs a top-level 'gpus:' mapping", "see data/gpus.yaml or docs/stats.md");
    MapReader top(root, path, "");
    top.finish({"gpus"});
    const YAML::Node gpus = root["gpus"];
    MapReader all(gpus, path, "gpus");
    for (auto it = gpus.begin(); it != gpus.end(); ++it) {
        Gpu g;
        g.id = it->first.Scalar();
        const std::string ctx = "gpus." + g.id;
        MapReader r(it->second, path, ctx);
        g.name = r.string("name").value_or(g.id);
        if (!r.has("dense_tflops") || !r.has("hbm_tb_s"))
            r.fail_at(r.has("dense_tflops") ? r.get("dense_tflops") : it->first,
                      "'" + ctx + "' needs 'dense_tflops' and 'hbm_tb_s'",
                      "write e.g. 'dense_tflops: {bf16: 989.4}' and 'hbm_tb_s: 3.35'");
        {
            const YAML::Node d = r.get("dense_tflops");
            MapReader dr(d, path, ctx + ".dense_tflops");
            for (const auto& dt : dtype_names()) {
                if (!dr.has(dt)) continue;
                if (dr.get(dt).IsNull()) {
                    g.peak_flops[dt] = std::nullopt;
                } else {
                    g.peak_flops[dt] = *dr.number(dt, 0.001, 1e9) * 1e12;
                }
            }
            dr.finish(dtype_names());
        }
        g.hbm_bytes_per_s = *r.number("hbm_tb_s", 1e-6, 1e6) * 1e12;
        g.hbm_bytes = r.number("hbm_gb", 0, 1e9).value_or(0) * 1e9;
        g.link_bytes_per_s = r.number("link_gb_s", 0, 1e9).value_or(0) * 1e9;
        g.source = r.string("source").value_or("");
        g.as_of = r.string("as_of").value_or("");
        g.note = r.string("note").value_or("");
        if (r.has("uncertain")) {
            const YAML::Node u = r.get("uncertain");
            if (!u.IsSequence()) r.fail_at(u, "'" + ctx + ".uncertain' must be a list of field names",
                                           "write e.g. 'uncertain: [hbm_tb_s]'");
            for (const auto& f : u) g.uncertain.push_back(f.Scalar());
        }
        r.finish({"name", "dense_tflops", "hbm_tb_s", "hbm_gb", "link_gb_s", "source", "as_of", "note",
                  "uncertain"});
        auto same = std::find_if(into.begin(), into.end(), [&](const Gpu& x) { return x.id == g.id; });
        if (same != into.end()) *same = g;
        else into.push_back(g);
    }
}

std::string default_gpu_table_path() {
    char buf[4096];
    const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    std::string dir = ".";
    if (n > 0) {
        buf[n] = 0;
        dir = buf;
        dir = dir.substr(0, dir.find_last_of('/'));
    }
    for (const std::string& p : {dir + "/share/mmr/gpus.yaml", dir + "/" MMR_DATA_INSTALL_REL "/gpus.yaml"})
        if (access(p.c_str(), R_OK) == 0) return p;
    fail("mmr stats", "the GPU table gpus.yaml is not next to the binary (" + dir +
                          "/share/mmr/ or " + dir + "/" MMR_DATA_INSTALL_REL + "/)",
         "reinstall mmr, or give one with '--gpus FILE'");
}

std::vector<Gpu> select_gpus(const std::vector<Gpu>& all, const std::string& list, const std::string& option) {
    std::vector<Gpu> out;
    std::stringstream ss(list);
    std::string id;
    std::string known;
    for (const auto& g : all) known += (known.empty() ? "" : ", ") + g.id;
    while (std::getline(ss, id, ',')) {
        auto it = std::find_if(all.begin(), all.end(), [&](const Gpu& g) { return g.id == id; });
        if (it == all.end()) fail(option, "unknown GPU '" + id + "'", "write one of: " + known);
        out.push_back(*it);
    }
    if (out.empty()) fail(option, "no GPU named", "write one of: " + known);
    return out;
}

}  // namespace mmr
