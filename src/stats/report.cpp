// Aligned table, JSON and CSV of a SceneCost (docs/stats.md, "Output").
#include "mmr/stats/report.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <sstream>

namespace mmr {

namespace {

std::string fmt(const char* f, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, f, v);
    return buf;
}

std::string sig3(double v) {
    if (v == 0) return "0";
    const double a = std::fabs(v);
    return fmt(a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : "%.2f", v);
}

std::string shape_text(const OpCost& o) {
    if (!o.m) return "";
    std::string s = std::to_string(o.m) + "x" + std::to_string(o.k) + "x" + std::to_string(o.n);
    if (o.count > 1) s = std::to_string(o.count) + " x " + s;
    return s;
}

// Columns padded to their widest cell; numbers right-aligned, text left.
std::string align(const std::vector<std::vector<std::string>>& rows, const std::vector<bool>& right) {
    std::vector<size_t> w;
    auto width = [](const std::string& s) {  // UTF-8 code points
        size_t n = 0;
        for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;
        return n;
    };
    for (const auto& r : rows)
        for (size_t i = 0; i < r.size(); ++i) {
            if (w.size() <= i) w.push_back(0);
            w[i] = std::max(w[i], width(r[i]));
        }
    std::string out;
    for (const auto& r : rows) {
        std::string line;
        for (size_t i = 0; i < r.size(); ++i) {
            const std::string pad(w[i] - width(r[i]), ' ');
            const bool rt = i < right.size() && right[i];
            line += (i ? "  " : "") + (rt ? pad + r[i] : r[i] + (i + 1 < r.size() ? pad : ""));
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        out += line + "\n";
    }
    return out;
}

double peak(const Gpu& g, const std::string& dtype) {
    auto it = g.peak_flops.find(dtype);
    return it != g.peak_flops.end() && it->second ? *it->second : 0;
}

}  // namespace

std::string si(double v) {
    const char* p[] = {"", " k", " M", " G", " T", " P", " E"};
    int i = 0;
    double a = std::fabs(v);
    while (a >= 1000 && i < 6) {
        a /= 1000;
        v /= 1000;
        ++i;
    }
    if (i == 0 && v == std::floor(v)) return fmt("%.0f", v);
    return sig3(v) + p[i];
}

std::string seconds_text(double s) {
    if (s == 0) return "0";
    if (s < 1e-6) return sig3(s * 1e9) + " ns";
    if (s < 1e-3) return sig3(s * 1e6) + " µs";
    if (s < 1) return sig3(s * 1e3) + " ms";
    return sig3(s) + " s";
}

std::string stats_table(const std::string& scene, const SceneCost& c, const std::vector<Gpu>& gpus) {
    std::ostringstream o;
    o << scene << ": dtype " << c.dtype << " (" << c.bytes_per_element << " bytes per element)";
    if (c.attention) {
        const AttentionSpec& a = c.attention->spec;
        o << "; attention " << a.variant << " " << a.phase << ", " << a.heads << " heads";
        if (a.variant != "mla") o << " / " << a.kv_heads << " kv_heads";
        o << ", " << c.attention->requests.size() << " request" << (c.attention->requests.size() > 1 ? "s" : "")
          << ", one layer, every head";
    }
    o << "\n";
    for (const Gpu& g : gpus) {
        const auto r = ridge_point(g, c.dtype);
        o << "  " << g.id << ": " << g.name << ", " << c.dtype << " "
          << (r ? sig3(peak(g, c.dtype) / 1e12) + " TFLOP/s dense" : std::string("not supported")) << ", HBM "
          << sig3(g.hbm_bytes_per_s / 1e12) << " TB/s, ridge "
          << (r ? sig3(*r) + " FLOP/B" : std::string("n/a")) << " (" << (g.as_of.empty() ? "" : "as of " + g.as_of)
          << (g.uncertain.empty() ? "" : ", figures uncertain: see the GPU table") << ")\n";
    }
    o << "\n";
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> head = {"op", "shape (MxKxN)", "FLOPs", "read B", "written B", "FLOP/B"};
    std::vector<bool> right = {false, false, true, true, true, true};
    for (const Gpu& g : gpus) {
        head.push_back(g.id);
        head.push_back("bound");
        right.push_back(true);
        right.push_back(false);
    }
    rows.push_back(head);
    auto row = [&](const OpCost& op) {
        std::vector<std::string> r = {op.name, shape_text(op), si(op.flops), si(op.bytes_read),
                                      si(op.bytes_written), sig3(op.intensity())};
        for (const Gpu& g : gpus) {
            const Roofline rl = roofline(op.flops, op.bytes(), g, c.dtype);
            r.push_back(rl.time_s ? seconds_text(*rl.time_s) : "-");
            r.push_back(rl.bound);
        }
        rows.push_back(r);
    };
    for (const auto& op : c.ops) row(op);
    row(c.total);
    o << align(rows, right);
    o << "(time = max(FLOPs / peak, bytes / HBM bandwidth) per op, ops one after another; docs/stats.md)\n";
    if (c.attention) {
        const AttentionCost& at = *c.attention;
        const AttentionSpec& a = at.spec;
        o << "\nrequests (context + seq = keys, live pairs per head):";
        for (size_t i = 0; i < at.requests.size();) {  // runs of equal requests as "N x ..."
            const Request& r = at.requests[i];
            size_t n = 1;
            while (i + n < at.requests.size() && at.requests[i + n].context == r.context &&
                   at.requests[i + n].seq == r.seq)
                ++n;
            o << " " << (n > 1 ? std::to_string(n) + " x " : "") << r.context << "+" << r.seq << "=" << r.keys
              << " (" << si(r.live_pairs) << ")";
            i += n;
        }
        o << "\n";
        o << "live pairs per head: " << si(at.live_pairs) << (a.causal ? " (causal)" : " (no mask)")
          << "; materialised S per head: " << si(at.rect_pairs) << "\n";
        o << "KV cache per layer: " << at.kv_elements_per_token << " elements = " << si(at.kv_bytes_per_token)
          << "B per token; " << si(at.cached_tokens) << " tokens: " << si(at.kv_bytes) << "B\n";
        if (a.paged)
            o << "paged KV (block_size " << a.block_size << "): " << si(at.pages) << " pages, " << si(at.slots)
              << " slots, occupancy " << fmt("%.1f", at.occupancy * 100) << " %, waste " << si(at.waste_tokens)
              << " tokens = " << si(at.waste_bytes) << "B\n";
        if (a.tp > 1) {
            o << "tensor parallel tp " << a.tp << ": " << at.heads_per_rank << " heads per rank";
            if (a.variant != "mla") o << ", " << at.kv_heads_per_rank << " kv_heads per rank";
            o << ", KV cache per rank " << si(at.kv_bytes_per_rank) << "B; all-reduce after o_proj: message "
              << si(at.allreduce_message) << "B, each rank sends " << si(at.allreduce_bytes_per_rank) << "B";
            for (const Gpu& g : gpus)
                if (g.link_bytes_per_s > 0)
                    o << ", " << g.id << " " << seconds_text(at.allreduce_bytes_per_rank / (g.link_bytes_per_s / 2));
            o << "\n";
        }
        o << "core attention (scores, softmax, ·V): " << si(at.core_flops) << " FLOPs; traffic unfused "
          << si(at.unfused_bytes) << "B, fused (Flash, block_q " << a.block_q << ", block_k " << a.block_k << ") "
          << si(at.fused_bytes) << "B; fused intensity " << sig3(at.fused_intensity) << " FLOP/B\n";
    }
    return o.str();
}

std::string stats_json(const std::string& scene, const SceneCost& c, const std::vector<Gpu>& gpus) {
    using nlohmann::ordered_json;
    ordered_json j;
    j["schema"] = "mmr-stats/1";
    j["scene"] = scene;
    j["dtype"] = c.dtype;
    j["bytes_per_element"] = c.bytes_per_element;
    ordered_json gj = ordered_json::array();
    for (const Gpu& g : gpus) {
        ordered_json x;
        x["id"] = g.id;
        x["name"] = g.name;
        const auto r = ridge_point(g, c.dtype);
        x["peak_flops"] = r ? ordered_json(peak(g, c.dtype)) : ordered_json(nullptr);
        x["hbm_bytes_per_s"] = g.hbm_bytes_per_s;
        x["link_bytes_per_s"] = g.link_bytes_per_s;
        x["ridge_flops_per_byte"] = r ? ordered_json(*r) : ordered_json(nullptr);
        x["source"] = g.source;
        x["as_of"] = g.as_of;
        x["uncertain"] = g.uncertain;
        gj.push_back(x);
    }
    j["gpus"] = gj;
    auto op_json = [&](const OpCost& o) {
        ordered_json x;
        x["name"] = o.name;
        x["kind"] = o.kind;
        if (o.m) {
            x["m"] = o.m;
            x["k"] = o.k;
            x["n"] = o.n;
            x["count"] = o.count;
        }
        x["flops"] = o.flops;
        x["epilog_flops"] = o.epilog_flops;
        x["bytes_read"] = o.bytes_read;
        x["bytes_written"] = o.bytes_written;
        x["intensity"] = o.intensity();
        ordered_json pg = ordered_json::object();
        for (const Gpu& g : gpus) {
            const Roofline rl = roofline(o.flops, o.bytes(), g, c.dtype);
            pg[g.id] = {{"compute_s", rl.compute_s ? ordered_json(*rl.compute_s) : ordered_json(nullptr)},
                        {"memory_s", rl.memory_s},
                        {"time_s", rl.time_s ? ordered_json(*rl.time_s) : ordered_json(nullptr)},
                        {"bound", rl.bound}};
        }
        x["per_gpu"] = pg;
        if (!o.note.empty()) x["note"] = o.note;
        return x;
    };
    ordered_json ops = ordered_json::array();
    for (const auto& o : c.ops) ops.push_back(op_json(o));
    j["ops"] = ops;
    j["totals"] = op_json(c.total);
    if (c.attention) {
        const AttentionCost& at = *c.attention;
        const AttentionSpec& a = at.spec;
        ordered_json x;
        x["variant"] = a.variant;
        x["phase"] = a.phase;
        x["d_model"] = a.d_model;
        x["heads"] = a.heads;
        x["kv_heads"] = a.kv_heads;
        x["head_dim"] = a.head_dim;
        if (a.variant == "mla") {
            x["kv_latent"] = a.kv_latent;
            x["q_latent"] = a.q_latent;
            x["rope_dim"] = a.rope_dim;
            x["v_head_dim"] = a.v_head_dim;
        }
        x["causal"] = a.causal;
        ordered_json rq = ordered_json::array();
        for (const auto& r : at.requests)
            rq.push_back({{"context", r.context}, {"seq", r.seq}, {"keys", r.keys}, {"live_pairs", r.live_pairs}});
        x["requests"] = rq;
        x["live_pairs"] = at.live_pairs;
        x["score_elements"] = at.rect_pairs;
        x["kv_cache"] = {{"elements_per_token", at.kv_elements_per_token},
                         {"bytes_per_token", at.kv_bytes_per_token},
                         {"tokens", at.cached_tokens},
                         {"bytes", at.kv_bytes}};
        x["paged"] = a.paged ? ordered_json{{"block_size", a.block_size},
                                            {"pages", at.pages},
                                            {"slots", at.slots},
                                            {"occupancy", at.occupancy},
                                            {"waste_tokens", at.waste_tokens},
                                            {"waste_bytes", at.waste_bytes}}
                             : ordered_json(nullptr);
        x["tp"] = {{"ranks", a.tp},
                   {"heads_per_rank", at.heads_per_rank},
                   {"kv_heads_per_rank", at.kv_heads_per_rank},
                   {"kv_bytes_per_rank", at.kv_bytes_per_rank},
                   {"allreduce_message_bytes", at.allreduce_message},
                   {"allreduce_bytes_per_rank", at.allreduce_bytes_per_rank}};
        x["core"] = {{"flops", at.core_flops},
                     {"unfused_bytes", at.unfused_bytes},
                     {"fused_bytes", at.fused_bytes},
                     {"fused_intensity", at.fused_intensity},
                     {"block_q", a.block_q},
                     {"block_k", a.block_k},
                     {"flash", a.flash}};
        j["attention"] = x;
    } else {
        j["attention"] = nullptr;
    }
    return j.dump(2) + "\n";
}

std::string stats_csv(const SceneCost& c, const std::vector<Gpu>& gpus) {
    std::ostringstream o;
    o << "op,kind,count,m,k,n,flops,bytes_read,bytes_written,intensity";
    for (const Gpu& g : gpus) o << "," << g.id << "_time_s," << g.id << "_bound";
    o << "\n";
    auto num = [](double v) { return fmt("%.17g", v); };
    auto row = [&](const OpCost& op) {
        o << op.name << "," << op.kind << "," << op.count << "," << op.m << "," << op.k << "," << op.n << ","
          << num(op.flops) << "," << num(op.bytes_read) << "," << num(op.bytes_written) << ","
          << num(op.intensity());
        for (const Gpu& g : gpus) {
            const Roofline rl = roofline(op.flops, op.bytes(), g, c.dtype);
            o << "," << (rl.time_s ? num(*rl.time_s) : "") << "," << rl.bound;
        }
        o << "\n";
    };
    for (const auto& op : c.ops) row(op);
    row(c.total);
    return o.str();
}

}  // namespace mmr
