// Costs as overlay text (stats_overlay.h).
#include "mmr/stats/stats_overlay.h"

#include <yaml-cpp/yaml.h>

#include "mmr/model/build_model.h"
#include "mmr/preset/attention.h"
#include "mmr/stats/report.h"

namespace mmr {

SceneCost scene_cost(const SceneSpec& spec, const std::string& dtype_override) {
    if (spec.preset == "attention") {
        AttentionSpec at = parse_attention(YAML::Load(spec.text)["attention"], spec.path);
        if (!dtype_override.empty()) at.dtype = dtype_override;
        return cost_of_attention(at);
    }
    return cost_of_model(build_structure(spec), dtype_override.empty() ? "bf16" : dtype_override);
}

namespace {

// The overlay's font has ASCII glyphs only: "µs" is written "us".
std::string ascii_seconds(double s) {
    std::string t = seconds_text(s);
    const size_t mu = t.find("µ");
    if (mu != std::string::npos) t.replace(mu, std::string("µ").size(), "u");
    return t;
}

std::vector<std::string> lines_of(const OpCost& o, const Gpu& gpu, const std::string& dtype, const std::string& what) {
    const Roofline r = roofline(o.flops, o.bytes(), gpu, dtype);
    std::string l1 = (what.empty() ? "" : what + ": ") + si(o.flops) + "FLOP, " + si(o.bytes()) + "B";
    std::string l2 = si(o.intensity()) + " FLOP/B, " + (r.time_s ? ascii_seconds(*r.time_s) + " " : "") + r.bound;
    return {l1, l2};
}

}  // namespace

Overlay stats_overlay(const SceneSpec& spec, const Gpu& gpu, const std::string& dtype_override) {
    const SceneCost c = scene_cost(spec, dtype_override);
    Overlay ov;
    auto find = [&](const std::string& name) -> const OpCost* {
        for (const auto& o : c.ops)
            if (o.name == name) return &o;
        return nullptr;
    };
    if (c.attention) {
        const AttentionSpec& a = c.attention->spec;
        const bool mla = a.variant == "mla";
        // The drawn matmul -> the whole layer's op it stands for.
        const std::vector<std::pair<std::string, std::string>> map = {
            {"S", a.flash ? "attention" : "scores"}, {"O", a.flash ? "" : "pv"},
            {"O_latent", a.flash ? "" : "pv"},     {"K_t", mla ? "k_up" : "k_proj"},
            {"V", mla ? "v_up" : "v_proj"},        {"C", "kv_down"}};
        for (const auto& [node, op] : map)
            if (const OpCost* o = op.empty() ? nullptr : find(op)) ov.labels[node] = lines_of(*o, gpu, c.dtype, op);
        ov.panel.push_back("mmr stats: " + a.variant + " " + a.phase + ", whole layer (" + std::to_string(a.heads) +
                           " heads, " + std::to_string(c.attention->requests.size()) + " requests), " + c.dtype +
                           ", " + gpu.id);
    } else {
        for (const auto& o : c.ops) ov.labels[o.name] = lines_of(o, gpu, c.dtype, "");
        ov.panel.push_back("mmr stats: " + std::to_string(c.ops.size()) + " matmuls, " + c.dtype + ", " + gpu.id);
    }
    const Roofline r = roofline(c.total.flops, c.total.bytes(), gpu, c.dtype);
    double time = 0;
    for (const auto& o : c.ops) {
        const Roofline ro = roofline(o.flops, o.bytes(), gpu, c.dtype);
        time += ro.time_s.value_or(0);
    }
    ov.panel.push_back("total " + si(c.total.flops) + "FLOP, " + si(c.total.bytes()) + "B, " +
                       si(c.total.intensity()) + " FLOP/B");
    ov.panel.push_back((r.time_s ? ascii_seconds(time) + ", " : std::string()) + r.bound + "-bound; ridge " +
                       (ridge_point(gpu, c.dtype) ? si(*ridge_point(gpu, c.dtype)) + " FLOP/B" : std::string("n/a")));
    if (c.attention)
        ov.panel.push_back("KV cache " + si(c.attention->kv_bytes) + "B (" + si(c.attention->kv_bytes_per_token) +
                           "B per token)");
    return ov;
}

}  // namespace mmr
