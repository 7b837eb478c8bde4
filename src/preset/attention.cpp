// attention: presets -> AttentionSpec -> an ordinary scene (docs/attention.md).
#include "mmr/preset/attention.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <cmath>
#include <sstream>

#include "../scene/yaml_reader.h"
#include "mmr/core/error.h"
#include "mmr/core/limits.h"
#include "mmr/layout/layout.h"
#include "mmr/model/build_model.h"
#include "mmr/model/data.h"
#include "mmr/model/values.h"
#include "mmr/scene/scene_parser.h"

namespace mmr {

namespace fs = std::filesystem;

const std::vector<std::string>& dtype_names() {
    static const std::vector<std::string> names = {"fp32", "tf32", "bf16", "fp16", "fp8"};
    return names;
}

double dtype_bytes(const std::string& dtype, const std::string& where) {
    if (dtype == "fp32" || dtype == "tf32") return 4;
    if (dtype == "bf16" || dtype == "fp16") return 2;
    if (dtype == "fp8") return 1;
    std::string list;
    for (const auto& d : dtype_names()) list += (list.empty() ? "" : ", ") + d;
    fail(where, "unknown dtype '" + dtype + "'", "write one of: " + list);
}

bool has_attention_key(const YAML::Node& root) { return root && root.IsMap() && root["attention"]; }

long long kv_elements_per_token(const AttentionSpec& a) {
    if (a.variant == "mla") return a.kv_latent + a.rope_dim;
    return 2 * a.kv_heads * a.head_dim;
}

namespace {

// A whole number >= lo (long long: token counts of long contexts).
std::optional<long long> whole(MapReader& r, const std::string& key, long long lo, long long hi) {
    YAML::Node n = r.get(key);
    if (!n) return std::nullopt;
    auto v = r.number(key, static_cast<double>(lo), static_cast<double>(hi));
    if (*v != std::floor(*v))
        r.fail_at(n, "'" + r.key_path(key) + "' must be a whole number", "write e.g. '" + key + ": 64'");
    return static_cast<long long>(*v);
}

// A whole number or a list of them (one per request).
std::vector<long long> counts(MapReader& r, const std::string& key, long long lo) {
    YAML::Node n = r.get(key);
    if (!n) return {};
    if (!n.IsSequence()) return {*whole(r, key, lo, 100000000)};
    std::vector<long long> out;
    for (size_t i = 0; i < n.size(); ++i) {
        const YAML::Node item = n[i];
        double v = -1;
        try {
            v = item.as<double>();
        } catch (const YAML::Exception&) {
        }
        if (!item.IsScalar() || v != std::floor(v) || v < lo || v > 100000000)
            r.fail_at(item,
                      "'" + r.key_path(key) + "[" + std::to_string(i) + "]' must be a whole number from " +
                          std::to_string(lo) + " to 100000000",
                      "write e.g. '" + key + ": [512, 128]' (one per request)");
        out.push_back(static_cast<long long>(v));
    }
    if (out.empty()) r.fail_at(n, "'" + r.key_path(key) + "' is an empty list", "give one count per request");
    return out;
}

// The projections a variant has, in the order they are listed in messages.
std::vector<std::string> projections(const AttentionSpec& a) {
    if (a.variant != "mla") return {"wq", "wk", "wv", "wo"};
    if (a.q_latent) return {"wq_a", "wq_b", "wkv_a", "wkv_b", "wo"};
    return {"wq", "wkv_a", "wkv_b", "wo"};
}

// attention.weights: {file, layout, <projection>: NAME | {file, tensor|array}}.
void parse_weights(AttentionSpec& a, const YAML::Node& node, const std::string& file) {
    if (!node.IsMap()) {
        MapReader r(YAML::Node(YAML::NodeType::Map), file, "attention");
        r.fail_at(node, "'attention.weights' must be a map of the tensor file and one tensor name per projection",
                  "write e.g. 'weights: {file: layer0.safetensors, wk: model.layers.0.self_attn.k_proj.weight}'");
    }
    MapReader r(node, file, "attention.weights");
    const std::string common = r.string("file").value_or("");
    if (auto l = r.choice("layout", {"out_in", "in_out"})) a.weights_in_out = *l == "in_out";
    const std::vector<std::string> names = projections(a);
    for (const std::string& p : names) {
        if (!r.has(p)) continue;
        const YAML::Node v = r.get(p);
        AttentionSpec::Weight w;
        w.proj = p;
        w.where = r.where(v).str();
        if (v.IsMap()) {
            MapReader pr(v, file, "attention.weights." + p);
            w.file = pr.string("file").value_or(common);
            if (pr.has("tensor") && pr.has("array"))
                pr.fail_at(pr.get("array"), "'attention.weights." + p + "' gives both 'tensor' and 'array'",
                           "use 'tensor' for .safetensors and 'array' for .npz files");
            w.entry = pr.string("tensor").value_or(pr.string("array").value_or(""));
            pr.finish({"file", "tensor", "array"});
        } else {
            w.file = common;
            w.entry = *r.string(p);
        }
        if (w.file.empty())
            r.fail_at(v, "'attention.weights." + p + "' names a tensor but no file is given",
                      "write 'file: layer0.safetensors' in 'attention.weights' (or in this projection's map)");
        a.weights.push_back(w);
    }
    std::vector<std::string> allowed = {"file", "layout"};
    for (const auto& p : names) allowed.push_back(p);
    r.finish(allowed);
    if (a.weights.empty()) {
        std::string list;
        for (const auto& p : names) list += (list.empty() ? "" : ", ") + p;
        r.fail_at(node, "'attention.weights' names no projection",
                  "give one or more of " + list + " (the tensor names in the file)");
    }
}

}  // namespace

std::pair<long long, long long> weight_shape(const AttentionSpec& a, const std::string& p) {
    const long long d = a.d_model, H = a.heads;
    if (a.variant != "mla") {
        if (p == "wq") return {H * a.head_dim, d};
        if (p == "wk" || p == "wv") return {a.kv_heads * a.head_dim, d};
        return {d, H * a.head_dim};  // wo
    }
    const long long qk = a.head_dim + a.rope_dim;
    if (p == "wq") return {H * qk, d};
    if (p == "wq_a") return {a.q_latent, d};
    if (p == "wq_b") return {H * qk, a.q_latent};
    if (p == "wkv_a") return {a.kv_latent + a.rope_dim, d};
    if (p == "wkv_b") return {H * (a.head_dim + a.v_head_dim), a.kv_latent};
    return {d, H * a.v_head_dim};  // wo
}

AttentionSpec parse_attention(const YAML::Node& node, const std::string& file) {
    AttentionSpec a;
    a.file = file;
    MapReader r(node, file, "attention");
    auto bad = [&](const std::string& key, const std::string& what, const std::string& fix) {
        r.fail_at(r.has(key) ? r.get(key) : node, what, fix);
    };
    if (auto v = r.choice("variant", {"mha", "gqa", "mqa", "mla"})) a.variant = *v;
    a.d_model = whole(r, "d_model", 1, 1000000).value_or(0);
    a.heads = whole(r, "heads", 1, 100000).value_or(0);
    const auto kv = whole(r, "kv_heads", 1, 100000);
    const auto hd = whole(r, "head_dim", 1, 100000);
    a.kv_latent = whole(r, "kv_latent", 1, 1000000).value_or(0);
    a.q_latent = whole(r, "q_latent", 1, 1000000).value_or(0);
    a.rope_dim = whole(r, "rope_dim", 0, 100000).value_or(0);
    a.v_head_dim = whole(r, "v_head_dim", 1, 100000).value_or(0);
    if (auto v = r.choice("phase", {"prefill", "decode"})) a.phase = *v;
    a.context = counts(r, "context", 0);
    a.seq = counts(r, "seq", 1);
    const auto batch = whole(r, "batch", 1, 1000000);
    if (auto v = r.boolean("causal")) a.causal = *v;
    if (r.has("flash")) {
        YAML::Node f = r.get("flash");
        if (f.IsScalar()) {
            a.flash = *r.boolean("flash");
        } else {
            MapReader fr(f, file, "attention.flash");
            a.flash = true;
            a.block_q = whole(fr, "block_q", 1, 1000000).value_or(a.block_q);
            a.block_k = whole(fr, "block_k", 1, 1000000).value_or(a.block_k);
            fr.finish({"block_q", "block_k"});
        }
    }
    if (r.has("paged")) {
        YAML::Node p = r.get("paged");
        if (p.IsScalar()) {
            a.paged = *r.boolean("paged");
        } else {
            MapReader pr(p, file, "attention.paged");
            a.paged = true;
            a.block_size = whole(pr, "block_size", 1, 1000000).value_or(a.block_size);
            pr.finish({"block_size"});
        }
    }
    a.tp = whole(r, "tp", 1, 4096).value_or(1);
    a.dp = whole(r, "dp", 1, 4096).value_or(1);
    if (auto v = r.string("dtype")) {
        a.dtype = *v;
        if (std::find(dtype_names().begin(), dtype_names().end(), a.dtype) == dtype_names().end()) {
            std::string list;
            for (const auto& d : dtype_names()) list += (list.empty() ? "" : ", ") + d;
            bad("dtype", "unknown dtype '" + a.dtype + "' in 'attention.dtype'", "write one of: " + list);
        }
    }
    if (r.has("show")) {
        MapReader sr(r.get("show"), file, "attention.show");
        a.show_heads = whole(sr, "heads", 1, 4096).value_or(0);
        a.show_requests = whole(sr, "requests", 1, 4096).value_or(0);
        a.show_tokens = whole(sr, "tokens", 1, 100000).value_or(0);
        a.show_scale = whole(sr, "scale", 1, 100000).value_or(0);
        sr.finish({"heads", "requests", "tokens", "scale"});
    }
    const bool has_weights = r.has("weights");
    const YAML::Node weights_node = has_weights ? r.get("weights") : YAML::Node();
    r.finish({"variant", "d_model", "heads", "kv_heads", "head_dim", "kv_latent", "q_latent", "rope_dim",
              "v_head_dim", "phase", "context", "seq", "batch", "causal", "flash", "paged", "tp", "dp", "dtype", "show",
              "weights"});

    // Sizes every variant needs.
    if (!a.d_model) bad("d_model", "'attention.d_model' is missing", "write e.g. 'd_model: 4096'");
    if (!a.heads) bad("heads", "'attention.heads' is missing", "write e.g. 'heads: 32'");
    if (a.variant == "mla") {
        if (!a.kv_latent || !r.has("rope_dim"))
            bad(a.kv_latent ? "rope_dim" : "kv_latent",
                "MLA needs its latent sizes: 'attention.kv_latent' (d_c) and 'attention.rope_dim' (d_rope)",
                "write e.g. 'kv_latent: 512' and 'rope_dim: 64' (DeepSeek-V3)");
        if (kv) bad("kv_heads", "'attention.kv_heads' has no meaning for MLA (every head reads the shared latent)",
                    "remove it");
        a.kv_heads = a.heads;
        a.head_dim = hd.value_or(0);
        if (!a.head_dim) bad("head_dim", "'attention.head_dim' is missing (MLA: the non-RoPE part per head)",
                             "write e.g. 'head_dim: 128'");
    } else {
        if (r.has("kv_latent") || r.has("q_latent") || r.has("rope_dim"))
            bad(r.has("kv_latent") ? "kv_latent" : r.has("q_latent") ? "q_latent" : "rope_dim",
                "latent sizes belong to MLA, not '" + a.variant + "'", "write 'variant: mla' or remove them");
        if (a.variant == "mha") {
            a.kv_heads = kv.value_or(a.heads);
            if (a.kv_heads != a.heads)
                bad("kv_heads", "MHA has one KV head per query head, so 'attention.kv_heads' must be " +
                                    std::to_string(a.heads),
                    "remove kv_heads, or write 'variant: gqa'");
        } else if (a.variant == "mqa") {
            a.kv_heads = kv.value_or(1);
            if (a.kv_heads != 1)
                bad("kv_heads", "MQA has one KV head, so 'attention.kv_heads' must be 1",
                    "remove kv_heads, or write 'variant: gqa'");
        } else {
            if (!kv) bad("kv_heads", "GQA needs 'attention.kv_heads'", "write e.g. 'kv_heads: 8'");
            a.kv_heads = *kv;
            if (a.heads % a.kv_heads != 0)
                bad("kv_heads",
                    std::to_string(a.heads) + " heads cannot be split evenly among " + std::to_string(a.kv_heads) +
                        " kv_heads",
                    "write a divisor of heads for 'attention.kv_heads' (e.g. " +
                        std::to_string(a.heads % 8 == 0 ? 8 : 1) + ")");
        }
        if (!hd && a.d_model % a.heads != 0)
            bad("heads", "d_model " + std::to_string(a.d_model) + " is not a multiple of heads " +
                             std::to_string(a.heads) + ", so head_dim cannot be d_model / heads",
                "give a heads count that divides d_model, or write 'head_dim:'");
        a.head_dim = hd.value_or(a.d_model / a.heads);
        if (a.head_dim * a.heads != a.d_model)
            bad("head_dim",
                "head_dim " + std::to_string(a.head_dim) + " x heads " + std::to_string(a.heads) + " = " +
                    std::to_string(a.head_dim * a.heads) + ", not d_model " + std::to_string(a.d_model),
                "write 'head_dim: " + std::to_string(a.d_model / a.heads) + "' (d_model / heads)" +
                    " or change heads");
    }
    if (!a.v_head_dim) a.v_head_dim = a.head_dim;
    else if (a.variant != "mla") bad("v_head_dim", "'attention.v_head_dim' belongs to MLA", "remove it");

    // Requests: batch x (context, seq), or one value per request.
    size_t n = std::max(a.seq.size(), a.context.size());
    if (a.seq.size() > 1 && a.context.size() > 1 && a.seq.size() != a.context.size())
        bad("context", "'attention.context' lists " + std::to_string(a.context.size()) + " requests but 'seq' " +
                           std::to_string(a.seq.size()),
            "give one value per request in both, or one value for all");
    if (batch) {
        if (n > 1 && static_cast<long long>(n) != *batch)
            bad("batch", "'attention.batch' is " + std::to_string(*batch) + " but the lists give " +
                             std::to_string(n) + " requests",
                "remove batch or make it " + std::to_string(n));
        n = static_cast<size_t>(*batch);
    }
    n = std::max<size_t>(n, 1);
    if (a.phase == "decode" && a.context.empty())
        bad("phase", "decode needs the cached tokens: 'attention.context' is missing",
            "write e.g. 'context: 2048' (tokens already in the KV cache), or 'phase: prefill'");
    if (a.seq.empty()) {
        if (a.phase == "prefill")
            bad("seq", "prefill needs 'attention.seq' (prompt tokens per request)", "write e.g. 'seq: 512'");
        a.seq = {1};
    }
    if (a.context.empty()) a.context = {0};
    if (a.seq.size() == 1) a.seq.assign(n, a.seq[0]);
    if (a.context.size() == 1) a.context.assign(n, a.context[0]);

    // Tensor parallelism splits the heads (and the KV heads, or replicates them).
    if (a.heads % a.tp != 0)
        bad("tp", "tp " + std::to_string(a.tp) + " does not divide the " + std::to_string(a.heads) + " heads",
            "write a divisor of heads for 'attention.tp' (e.g. " + std::to_string(a.heads % 2 == 0 ? 2 : 1) + ")");
    if (a.variant == "gqa" && a.kv_heads % a.tp != 0 && a.tp % a.kv_heads != 0)
        bad("tp", "tp " + std::to_string(a.tp) + " neither divides nor is a multiple of the " +
                      std::to_string(a.kv_heads) + " kv_heads",
            "write a tp that divides kv_heads or that kv_heads divides");
    if (a.requests() % a.dp != 0)
        bad("dp", "dp " + std::to_string(a.dp) + " does not divide the " + std::to_string(a.requests()) + " request" +
                      (a.requests() == 1 ? "" : "s"),
            "write a dp that divides the batch (each data-parallel rank serves batch / dp requests)");
    if (has_weights) parse_weights(a, weights_node, file);
    return a;
}

namespace {

struct Shown {
    long long g = 1;                                  // query heads drawn (one KV group)
    std::vector<std::pair<long long, long long>> req;  // (new queries, keys) drawn per request
    std::vector<long long> pad;                       // empty key columns after each request (dp)
    long long dp_ranks = 1;                           // data-parallel ranks drawn (groups of requests)
    bool dp_rows_equal = false;                       // every drawn rank has as many query rows
    long long f = 1;                                  // widths divided by this
    long long dm = 1, dk = 1, dv = 1, dc = 1;
};

long long div_round(long long x, long long f) { return std::max(1LL, (x + f / 2) / f); }

Shown shown_sizes(const AttentionSpec& a) {
    Shown s;
    const long long group = a.variant == "mla" ? a.heads : a.group();
    // Prefill stacks each head's whole causal staircase: 2 heads by default keep the
    // per-request blocks readable (decode's single rows: 4).
    const long long heads_default = a.phase == "prefill" ? 2 : 4;
    s.g = std::min(group, a.show_heads ? a.show_heads : std::min(group, heads_default));
    const long long R = std::min(a.requests(), a.show_requests ? a.show_requests : 3LL);
    const long long T = a.show_tokens ? a.show_tokens : 12;
    auto add = [&](long long r) {
        const long long L = std::min(a.keys(static_cast<size_t>(r)), T);
        const long long q = std::min(a.seq[static_cast<size_t>(r)], L);
        s.req.emplace_back(q, L);
        s.pad.push_back(0);
    };
    // Data parallelism (drawn unless tp, paged decode or flash draw their own picture):
    // the first requests of up to 3 ranks (show.requests in all, at least one per
    // rank), each rank's keys padded with empty columns to the widest rank's, so the
    // ranks are equal blocks drawn apart.
    const bool dp_pic = a.dp > 1 && !(a.tp > 1 && a.variant != "mla") && !(a.paged && a.phase == "decode") &&
                        !a.flash;
    if (dp_pic) {
        const long long per_rank = a.requests() / a.dp, D = std::min(a.dp, 3LL);
        const long long P = std::min(per_rank, std::max(1LL, (a.show_requests ? a.show_requests : D) / D));
        std::vector<long long> width, height;
        for (long long d = 0; d < D; ++d) {
            long long w = 0, h = 0;
            for (long long p = 0; p < P; ++p) {
                add(d * per_rank + p);
                w += s.req.back().second;
                h += s.req.back().first;
            }
            width.push_back(w);
            height.push_back(h);
        }
        const long long widest = *std::max_element(width.begin(), width.end());
        for (long long d = 0; d < D; ++d) s.pad[static_cast<size_t>(d * P + P - 1)] = widest - width[static_cast<size_t>(d)];
        s.dp_ranks = D;
        s.dp_rows_equal = std::all_of(height.begin(), height.end(), [&](long long h) { return h == height[0]; });
    } else {
        for (long long r = 0; r < R; ++r) add(r);
    }
    s.f = a.show_scale ? a.show_scale : std::max(1LL, a.head_dim / 8);
    // The input width is not the point of any variant: at most 24 wide unless a scale is given.
    s.dm = a.show_scale ? div_round(a.d_model, s.f) : std::min(24LL, div_round(a.d_model, s.f));
    s.dk = div_round(a.head_dim, s.f);
    s.dv = div_round(a.v_head_dim, s.f);
    s.dc = div_round(a.kv_latent, s.f);
    return s;
}

YAML::Node shape(long long h, long long w) {
    YAML::Node n(YAML::NodeType::Sequence);
    n.SetStyle(YAML::EmitterStyle::Flow);
    n.push_back(h);
    n.push_back(w);
    return n;
}

YAML::Node leaf(long long h, long long w, const std::string& init = "gaussian") {
    YAML::Node n;
    n.SetStyle(YAML::EmitterStyle::Flow);
    n["shape"] = shape(h, w);
    n["init"] = init;
    return n;
}

// A cache leaf whose newly appended tokens (columns, or rows when `rows`) are a
// solid 1 and the cached ones a dim deterministic pattern in (-0.3, 0.3).
// JavaScript: true where index `v` is one of the drawn requests' empty (dp padding)
// key columns; "" when there are none.
std::string pad_condition(const Shown& s, const char* v) {
    std::string cond;
    long long off = 0;
    for (size_t r = 0; r < s.req.size(); ++r) {
        off += s.req[r].second;
        const long long p = r < s.pad.size() ? s.pad[r] : 0;
        if (p)
            cond += (cond.empty() ? "" : " || ") + std::string("(") + v + " >= " + std::to_string(off) + " && " + v +
                    " < " + std::to_string(off + p) + ")";
        off += p;
    }
    return cond;
}

YAML::Node cache_leaf(long long h, long long w, const Shown& s, bool rows) {
    std::string cond;
    long long off = 0;
    const char* v = rows ? "i" : "j";
    for (size_t r = 0; r < s.req.size(); ++r) {
        const auto [q, L] = s.req[r];
        const long long a = off + L - q, b = off + L;
        cond += (cond.empty() ? "" : " || ") + std::string("(") + v + " >= " + std::to_string(a) + " && " + v +
                " < " + std::to_string(b) + ")";
        off += L + (r < s.pad.size() ? s.pad[r] : 0);
    }
    YAML::Node n;
    n.SetStyle(YAML::EmitterStyle::Flow);
    n["shape"] = shape(h, w);
    n["init"] = "expr";
    const std::string pad = pad_condition(s, v);
    n["expr"] = (pad.empty() ? "" : "(" + pad + ") ? 0 : ") + "(" + cond + ") ? 1 : 0.3 * ((Math.sin(12.9898 * i + 78.233 * j + 1) * 43758.5453) % 1)";
    return n;
}

// Seeded gaussian tokens with dp's empty key columns (or rows) 0; plain gaussian without.
YAML::Node token_leaf(long long h, long long w, const Shown& s, bool rows) {
    const std::string pad = pad_condition(s, rows ? "i" : "j");
    if (pad.empty()) return leaf(h, w);
    YAML::Node n;
    n.SetStyle(YAML::EmitterStyle::Flow);
    n["shape"] = shape(h, w);
    n["init"] = "expr";
    n["expr"] = "(" + pad + ") ? 0 : Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random())";
    return n;
}

}  // namespace

std::string expand_attention_text(const YAML::Node& root, const std::string& file) {
    const AttentionSpec a = parse_attention(root["attention"], file);
    Shown s = shown_sizes(a);
    const bool decode = a.phase == "decode";
    const bool paged = a.paged && decode && !a.flash;
    // Paged: the drawn keys start at a page boundary of the real cache, so the pages
    // drawn are the request's real last pages (the last one as full as it really is).
    if (paged)
        for (size_t r = 0; r < s.req.size(); ++r) {
            const long long K = a.keys(r), L = s.req[r].second;
            s.req[r].second = K - (K - L) / a.block_size * a.block_size;
        }
    long long rows_per_head = 0, keys = 0;
    for (const auto& [q, L] : s.req) {
        rows_per_head += q;
        keys += L;
    }
    for (long long p : s.pad) keys += p;
    const long long rows = s.g * rows_per_head;
    AttentionMask mask;
    mask.heads = static_cast<int>(s.g);
    for (const auto& [q, L] : s.req) mask.requests.emplace_back(static_cast<int>(q), static_cast<int>(L));
    if (s.dp_ranks > 1)
        for (long long p : s.pad) mask.pad.push_back(static_cast<int>(p));
    mask.causal = a.causal;

    // PagedAttention (decode, without flash): each request's keys fill pages of
    // block_size slots, the last one partly; pages are allocated round robin over the
    // requests (as decoding them side by side would), so a request's pages are not
    // contiguous in the cache. slot_key[x] = the logical key column that physical slot
    // x holds (-1: empty), slot_kind[x] = 0 empty, 1 new token, 2 cached token.
    long long pages = 0;
    std::vector<long long> slot_key, slot_kind;
    if (paged) {
        const long long B = a.block_size;
        std::vector<long long> first_col, npages;
        long long col = 0;
        for (const auto& [q, L] : s.req) {
            const long long n = (L + B - 1) / B;
            first_col.push_back(col);
            npages.push_back(n);
            mask.pad.push_back(static_cast<int>(n * B - L));
            col += n * B;
            pages += n;
        }
        keys = col;
        slot_key.assign(static_cast<size_t>(keys), -1);
        slot_kind.assign(static_cast<size_t>(keys), 0);
        long long phys = 0;
        for (long long p = 0; p < *std::max_element(npages.begin(), npages.end()); ++p)
            for (size_t r = 0; r < s.req.size(); ++r) {
                if (p >= npages[r]) continue;
                const auto [q, L] = s.req[r];
                for (long long t = p * B; t < std::min(L, (p + 1) * B); ++t) {
                    const size_t x = static_cast<size_t>(phys * B + t - p * B);
                    slot_key[x] = first_col[r] + t;
                    slot_kind[x] = t >= L - q ? 1 : 2;
                }
                ++phys;
            }
    }

    // Tensor parallelism (tp > 1; MHA/GQA/MQA without paged or flash): one head per
    // rank (rank r's first head), the ranks' matrices block-diagonal so no rank sees
    // another's heads; the head merge and output projection follow, each rank's row
    // block of the result being its partial output that the all-reduce sums.
    const bool tp_pic = a.tp > 1 && a.variant != "mla" && !paged && !a.flash;
    const long long R = tp_pic ? a.tp : 1;
    if (tp_pic) {
        mask.heads = 1;
        std::vector<std::pair<int, int>> per_rank;
        for (long long r = 0; r < R; ++r)
            for (const auto& [q, L] : s.req) per_rank.emplace_back(static_cast<int>(q), static_cast<int>(L));
        mask.requests = per_rank;
    }

    // Every drawn matrix, over-estimated: Q, S, O; X, X_t and the caches; the weights
    // (paged: the caches twice and the two block tables; tp: every matrix per rank).
    const double wide = double(std::max({s.dk, s.dv, s.dc}));
    const double elements = double(rows) * (double(keys) + 2 * wide) + double(keys) * (4 * double(s.dm) + 4 * wide) +
                            double(s.dm) * 3 * wide + wide * wide + (paged ? 2 * double(keys) * double(keys) : 0);
    const double elements_all = elements * double(R) * double(R);
    if (elements_all > limits::max_elements / 4)
        fail(file + ": attention.show",
             "the drawn subset would have about " + std::to_string(static_cast<long long>(elements_all)) +
                 " elements, too many to draw",
             "draw fewer: e.g. 'show: {heads: 4, requests: 2, tokens: 16, scale: 16}'");

    YAML::Node out;
    YAML::Node m;
    YAML::Node mm;
    // Drawn weight matrices that take real weights (attention.weights): the window of
    // projection `proj` ([out, in]) starting at (out0, in0), drawn [out, in] or [in, out].
    struct Real {
        std::string name, proj;
        bool rows_are_out;
        long long out0, in0;
    };
    std::vector<Real> real;
    const std::string Q = "Q";
    // A JavaScript array literal of a paged layout's per-slot numbers.
    auto js_array = [](const std::vector<long long>& v) {
        std::string t = "[";
        for (size_t x = 0; x < v.size(); ++x) t += (x ? "," : "") + std::to_string(v[x]);
        return t + "]";
    };
    // Physical cache pages: slot x (a column, or a row when `rows`) is empty (0), the
    // new token (1) or a cached one (the dim pattern of its logical key).
    auto pages_leaf = [&](long long h, long long w, bool rows) {
        const char* x = rows ? "i" : "j";
        const char* y = rows ? "j" : "i";
        const std::string kind = js_array(slot_kind) + "[" + x + "]";
        YAML::Node n;
        n.SetStyle(YAML::EmitterStyle::Flow);
        n["shape"] = shape(h, w);
        n["init"] = "expr";
        n["expr"] = kind + " == 0 ? 0 : " + kind + " == 1 ? 1 : 0.3 * ((Math.sin(12.9898 * " + y + " + 78.233 * " +
                    js_array(slot_key) + "[" + x + "] + 1) * 43758.5453) % 1)";
        return n;
    };
    // The block table as a gather: block_table[x][c] = 1 when physical slot x holds
    // logical key c (its transpose gathers V's rows).
    auto table_leaf = [&](bool transposed) {
        YAML::Node n;
        n.SetStyle(YAML::EmitterStyle::Flow);
        n["shape"] = shape(keys, keys);
        n["init"] = "expr";
        n["expr"] = js_array(slot_key) + (transposed ? "[j] == i ? 1 : 0" : "[i] == j ? 1 : 0");
        return n;
    };
    // A block-diagonal matrix: R blocks of bh x bw, `inside` the value in a block
    // (JavaScript in i, j, and bi, bj: the position inside the block), 0 elsewhere.
    auto blockdiag_leaf = [&](long long bh, long long bw, const std::string& inside) {
        YAML::Node n;
        n.SetStyle(YAML::EmitterStyle::Flow);
        n["shape"] = shape(R * bh, R * bw);
        n["init"] = "expr";
        const std::string H = std::to_string(bh), W = std::to_string(bw);
        std::string in = inside;
        for (const auto& [from, to] : {std::pair<std::string, std::string>{"bi", "(i % " + H + ")"},
                                       std::pair<std::string, std::string>{"bj", "(j % " + W + ")"}})
            for (size_t at = in.find(from); at != std::string::npos; at = in.find(from, at + to.size()))
                in.replace(at, from.size(), to);
        n["expr"] = "Math.floor(i / " + H + ") == Math.floor(j / " + W + ") ? " + in + " : 0";
        return n;
    };
    // A standard normal number from the matrix's seeded Math.random (Box-Muller, as
    // the gaussian init).
    const std::string gauss = "Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random())";
    // The cache pattern inside a block: the new tokens of each request 1, the rest dim.
    auto cache_inside = [&](const char* v) {
        std::string cond;
        long long off = 0;
        for (const auto& [q, L] : s.req) {
            cond += (cond.empty() ? "" : " || ") + std::string("(") + v + " >= " + std::to_string(off + L - q) + " && " +
                    v + " < " + std::to_string(off + L) + ")";
            off += L;
        }
        return "((" + cond + ") ? 1 : 0.3 * ((Math.sin(12.9898 * bi + 78.233 * bj + 1) * 43758.5453) % 1))";
    };
    const std::string rank_names = "[rank0.." + std::to_string(R - 1) + "]";
    if (tp_pic) {
        const std::string q = "Q" + rank_names, k = (decode ? "K_cache_t" : "K_t") + rank_names,
                          v = (decode ? "V_cache" : "V") + rank_names, wo = "wO" + rank_names;
        out["expr"] = "allreduce[Y_partial] = (O = (S = " + q + " @ " + k + ") @ " + v + ") @ " + wo;
        m[q] = blockdiag_leaf(rows_per_head, s.dk, gauss);
        m[k] = blockdiag_leaf(s.dk, keys, decode ? cache_inside("bj") : gauss);
        m[v] = blockdiag_leaf(keys, s.dv, decode ? cache_inside("bi") : gauss);
        m[wo] = leaf(R * s.dv, s.dm);
        YAML::Node on;
        on.SetStyle(YAML::EmitterStyle::Flow);
        on["k_blocks"] = R;
        mm["O"] = on;
    } else if (paged) {
        const bool mla = a.variant == "mla";
        const std::string k = mla ? "C_cache_t" : "K_cache_t", v = mla ? "C_cache" : "V_cache";
        const std::string kp = mla ? "C_pages_t" : "K_pages_t", vp = mla ? "C_pages" : "V_pages";
        out["expr"] = std::string(mla ? "O_latent = (S = Q_absorbed" : "O = (S = Q") + " @ (" + k + " = " + kp +
                      " @ block_table)) @ (" + v + " = block_table_t @ " + vp + ")";
        m[mla ? "Q_absorbed" : "Q"] = leaf(rows, mla ? s.dc : s.dk);
        m[kp] = pages_leaf(mla ? s.dc : s.dk, keys, false);
        m["block_table"] = table_leaf(false);
        m["block_table_t"] = table_leaf(true);
        m[vp] = pages_leaf(keys, mla ? s.dc : s.dv, true);
        // Pages drawn apart: the physical slots (the gathers' inner dimension) and the
        // logical keys (the scores' columns, the root's k) in block_size blocks.
        for (const std::string& r : {k, v}) {
            YAML::Node n;
            n.SetStyle(YAML::EmitterStyle::Flow);
            n["k_blocks"] = pages;
            mm[r] = n;
        }
    } else if (a.variant != "mla") {
        if (decode) {
            out["expr"] = "O = (S = Q @ K_cache_t) @ V_cache";
            m["Q"] = leaf(rows, s.dk);
            m["K_cache_t"] = cache_leaf(s.dk, keys, s, false);
            m["V_cache"] = cache_leaf(keys, s.dv, s, true);
        } else {
            out["expr"] = "O = (S = Q @ (K_t = wK_t @ X_t)) @ (V = X @ wV)";
            m["Q"] = leaf(rows, s.dk);
            m["wK_t"] = leaf(s.dk, s.dm);
            m["X_t"] = token_leaf(s.dm, keys, s, false);
            m["X"] = token_leaf(keys, s.dm, s, true);
            m["wV"] = leaf(s.dm, s.dv);
            // KV head 0 (the group drawn): its first rows of wk / wv, the first inputs.
            real = {{"wK_t", "wk", true, 0, 0}, {"wV", "wv", false, 0, 0}};
        }
    } else {
        if (decode) {  // absorbed: the scores and the output run on the latent
            out["expr"] = "O_latent = (S = Q_absorbed @ C_cache_t) @ C_cache";
            m["Q_absorbed"] = leaf(rows, s.dc);
            m["C_cache_t"] = cache_leaf(s.dc, keys, s, false);
            m["C_cache"] = cache_leaf(keys, s.dc, s, true);
        } else {  // up-projected: K and V from the latent C = X @ W_DKV
            out["expr"] = "O = (S = Q @ (K_t = wUK_t @ (C_t = wDKV_t @ X_t))) @ (V = (C = X @ wDKV) @ wUV)";
            m["Q"] = leaf(rows, s.dk);
            m["wUK_t"] = leaf(s.dk, s.dc);
            m["wDKV_t"] = leaf(s.dc, s.dm);
            m["X_t"] = token_leaf(s.dm, keys, s, false);
            m["X"] = token_leaf(keys, s.dm, s, true);
            m["wDKV"] = leaf(s.dm, s.dc);
            m["wUV"] = leaf(s.dc, s.dv);
            // wkv_a's first rows are the latent (the RoPE key follows); wkv_b holds per
            // head the K rows (head_dim) then the V rows (v_head_dim): head 0 is drawn.
            real = {{"wDKV_t", "wkv_a", true, 0, 0},
                    {"wDKV", "wkv_a", false, 0, 0},
                    {"wUK_t", "wkv_b", true, 0, 0},
                    {"wUV", "wkv_b", false, a.head_dim, 0}};
        }
    }
    out["matrices"] = m;
    YAML::Node sm;
    sm.SetStyle(YAML::EmitterStyle::Flow);
    sm["epilog"] = mask.text();
    sm["k_blocks"] = R;  // the head dims are not cut (tp: one block per rank)
    // FlashAttention: the output accumulates key by key (vvprod, a running sum) in
    // lockstep with the scores' columns (mvprod, fuse sync); the scores are a scratch
    // buffer one K block wide, so only the live tile is ever drawn. K and V (and
    // their projections) are ready before the loop.
    const long long bk = std::min(a.block_k, keys);
    long long bq = std::min(a.block_q, rows_per_head);
    if (a.flash) {
        YAML::Node an;
        an.SetStyle(YAML::EmitterStyle::Flow);
        an["alg"] = "mvprod";
        an["scratch"] = bk;
        sm["anim"] = an;
        YAML::Node none;
        none.SetStyle(YAML::EmitterStyle::Flow);
        none["alg"] = "none";
        for (const char* kv : {"K_t", "V"})
            if (out["expr"].Scalar().find(std::string("(") + kv + " =") != std::string::npos) {
                YAML::Node n;
                n.SetStyle(YAML::EmitterStyle::Flow);
                n["anim"] = YAML::Clone(none);
                mm[kv] = n;
            }
        YAML::Node root_anim;
        root_anim.SetStyle(YAML::EmitterStyle::Flow);
        root_anim["alg"] = "vvprod";
        root_anim["fuse"] = "sync";
        out["anim"] = root_anim;
    }
    mm["S"] = sm;
    out["matmuls"] = mm;
    YAML::Node blocks;
    blocks.SetStyle(YAML::EmitterStyle::Flow);
    // One row block per query head of the group; with flash, one per Q block of each
    // head when block_q divides the head's rows (Q blocks run in parallel, as on a GPU).
    blocks["i"] = a.flash && rows_per_head % bq == 0 ? s.g * (rows_per_head / bq) : s.g;
    if (paged) blocks["k"] = pages;
    if (s.dp_ranks > 1) {  // one block per data-parallel rank: its keys, and its rows when they line up
        blocks["k"] = s.dp_ranks;
        if (s.dp_rows_equal) blocks["i"] = s.g * s.dp_ranks;
    }
    if (tp_pic) {
        blocks["i"] = R;
        blocks["k"] = R;
    }
    out["blocks"] = blocks;
    YAML::Node layout;
    layout.SetStyle(YAML::EmitterStyle::Flow);
    layout["gap"] = 2;
    out["layout"] = layout;
    YAML::Node deco;
    deco.SetStyle(YAML::EmitterStyle::Flow);
    deco["legends"] = 6;
    out["deco"] = deco;
    YAML::Node viz;
    viz.SetStyle(YAML::EmitterStyle::Flow);
    viz["sensitivity"] = "local";
    out["viz"] = viz;
    // The keys the user wrote beside `attention:` win.
    for (auto it = root.begin(); it != root.end(); ++it) {
        const std::string k = it->first.Scalar();
        if (k == "anim" && out["anim"] && it->second.IsMap()) {  // e.g. a speed beside flash's algorithms
            for (auto a = it->second.begin(); a != it->second.end(); ++a) out["anim"][a->first.Scalar()] = a->second;
        } else if (k != "attention") {
            out[k] = it->second;
        }
    }
    // A camera that frames the picture, from mm's default direction (-1, 1, 1): far
    // enough that the sphere around the layout's box fits the 45° field of view.
    if (!root["camera"]) {
        YAML::Emitter first;
        first << out;
        const Layout lay = compute_layout(build_structure(parse_scene(first.c_str(), file)));
        const double radius = glm::length(lay.box_max - lay.box_min) / 2;
        // mm's default camera is 3.25 radii from a 32x24x32 cube's centre.
        const double d = std::round(std::max(8.0, radius * 3.25 / std::sqrt(3.0)) * 100) / 100;
        if (!root["deco"]) out["deco"]["legends"] = std::round(std::clamp(radius / 8, 1.5, 10.0) * 2) / 2;
        YAML::Node cam;
        cam.SetStyle(YAML::EmitterStyle::Flow);
        YAML::Node pos(YAML::NodeType::Sequence);
        pos.SetStyle(YAML::EmitterStyle::Flow);
        // (-1, 0.5, 1): lower than mm's default, since the stacked heads make the scene tall.
        // Prefill (without tp): (-1, 0.3, 0.35), nearly face-on to the scores, so each
        // request's causal triangle reads as a block (tested by looking; see docs).
        const bool prefill_view = !decode && !tp_pic;
        const double u = d * std::sqrt(3.0) / 1.5;
        pos.push_back(std::round(-u * 100) / 100);
        // tp: (-1, 1.2, 1), from above, so the ranks' diagonal blocks lie open.
        pos.push_back(std::round(u * (prefill_view ? 30 : tp_pic ? 120 : 50)) / 100);
        pos.push_back(std::round(u * (prefill_view ? 35 : 100)) / 100);
        cam["position"] = pos;
        if (paged || tp_pic || prefill_view) {  // tall scenes: framed tightly from that direction
            cam["fit"] = true;
            cam["margin"] = 0.02;
        }
        out["camera"] = cam;
    }
    // Real weights replace the drawn windows' random values (after the camera: its
    // layout pass reads no file, so a path error is reported by check_attention_weights
    // with the scene's data folders).
    // A `matrices:` the user wrote beside `attention:` replaces the generated ones.
    for (const Real& r : root["matrices"] ? std::vector<Real>{} : real)
        for (const AttentionSpec::Weight& w : a.weights)
            if (w.proj == r.proj) {
                YAML::Node n = m[r.name];
                n.remove("init");
                n["file"] = w.file;
                if (!w.entry.empty()) n[format_of_path(w.file) == DataFormat::npz ? "array" : "tensor"] = w.entry;
                // Stored [out, in] (PyTorch) or [in, out]: a matrix drawn the other way round is transposed.
                if (r.rows_are_out == a.weights_in_out) n["transpose"] = true;
                YAML::Node off(YAML::NodeType::Sequence);
                off.SetStyle(YAML::EmitterStyle::Flow);
                off.push_back(r.rows_are_out ? r.out0 : r.in0);
                off.push_back(r.rows_are_out ? r.in0 : r.out0);
                n["offset"] = off;
            }
    YAML::Emitter e;
    e << out;
    return std::string(e.c_str()) + "\n";
}

void check_attention_weights(const SceneSpec& scene) {
    if (scene.preset != "attention") return;
    const YAML::Node root = YAML::Load(scene.text);
    const AttentionSpec a = parse_attention(root["attention"], scene.path);
    if (a.weights.empty()) return;
    const DataPaths paths = data_paths_for(scene);
    const std::string variant = a.variant == "gqa" ? "GQA" : a.variant == "mqa" ? "MQA" : a.variant == "mla" ? "MLA" : "MHA";
    for (const AttentionSpec::Weight& w : a.weights) {
        const std::string key = "attention.weights." + w.proj;
        auto bad = [&](const std::string& what, const std::string& fix) { fail(w.where, key + ": " + what, fix); };
        fs::path p(w.file);
        if (p.is_relative() && !paths.scene_dir.empty()) p = fs::path(paths.scene_dir) / p;
        const std::string path = p.string();
        std::error_code ec;
        if (!fs::exists(p, ec))
            bad("the weights file '" + w.file + "' does not exist (looked for " + path + ")",
                "write its path relative to the scene file");
        if (!data_file_allowed(path, paths))
            bad("the weights file '" + w.file + "' is outside the scene's folder and the data folders",
                "put the file there, or pass --allow-any-path");
        const auto fmt = format_of_path(path);
        if (!fmt || *fmt == DataFormat::csv)
            bad("'" + w.file + "' is not a tensor file (.safetensors, .npz or .npy)",
                "save the weights with safetensors or numpy (a CSV has no fixed shape)");
        if (*fmt != DataFormat::npy && w.entry.empty())
            bad("no tensor name is given for '" + w.file + "'", "write the tensor's name, e.g. '" + w.proj +
                                                                     ": model.layers.0.self_attn." +
                                                                     w.proj.substr(1) + "_proj.weight'");
        if (*fmt == DataFormat::npy && !w.entry.empty())
            bad("'" + w.file + "' is a .npy file, which holds one array and no names",
                "write '" + w.proj + ": {file: " + w.file + "}' (no tensor name)");
        TensorInfo t;
        try {
            FileSource src(path);
            std::unique_ptr<ByteSource> member;
            if (*fmt == DataFormat::npy) t = read_npy_header(src);
            else if (*fmt == DataFormat::npz) {
                member = npz_member(src, w.entry);
                t = read_npy_header(*member);
            } else {
                t = safetensors_tensor(src, w.entry);
            }
        } catch (const Error& e) {  // the reader's own line (it names the file and the fix)
            throw Error(w.where + ": " + key + ": " + e.what());
        }
        const auto [out_dim, in_dim] = weight_shape(a, w.proj);
        const long long er = a.weights_in_out ? in_dim : out_dim, ec2 = a.weights_in_out ? out_dim : in_dim;
        const bool fits = t.shape.size() == 2 && static_cast<long long>(t.shape[0]) == er &&
                          static_cast<long long>(t.shape[1]) == ec2;
        if (!fits) {
            const std::string expected = std::to_string(er) + "x" + std::to_string(ec2);
            const bool flipped = t.shape.size() == 2 && static_cast<long long>(t.shape[0]) == ec2 &&
                                 static_cast<long long>(t.shape[1]) == er;
            bad("'" + (w.entry.empty() ? w.file : w.entry) + "' is " + t.shape_str() + " but this " + variant +
                    " layer needs " + expected + " (" + (a.weights_in_out ? "[in, out]" : "[out, in]") + ": " +
                    std::to_string(out_dim) + " outputs, " + std::to_string(in_dim) + " inputs)",
                flipped ? "the tensor is stored the other way round: write 'layout: " +
                              std::string(a.weights_in_out ? "out_in" : "in_out") + "' in 'attention.weights'"
                        : "name this layer's " + w.proj + " tensor, or fix the sizes (d_model, heads, " +
                              (a.variant == "mla" ? "head_dim, kv_latent, rope_dim" : "kv_heads, head_dim") + ")");
        }
    }
}

}  // namespace mmr
