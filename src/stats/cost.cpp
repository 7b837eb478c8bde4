// The cost model (docs/stats.md): every formula here is written there with its
// convention and a worked example; tests/cpu/stats_test.cpp checks them by hand.
#include "mmr/stats/cost.h"

#include <algorithm>
#include <cmath>

#include "mmr/model/values.h"

namespace mmr {

std::optional<double> ridge_point(const Gpu& gpu, const std::string& dtype) {
    auto it = gpu.peak_flops.find(dtype);
    if (it == gpu.peak_flops.end() || !it->second || gpu.hbm_bytes_per_s <= 0) return std::nullopt;
    return *it->second / gpu.hbm_bytes_per_s;
}

Roofline roofline(double flops, double bytes, const Gpu& gpu, const std::string& dtype) {
    Roofline r;
    r.memory_s = gpu.hbm_bytes_per_s > 0 ? bytes / gpu.hbm_bytes_per_s : 0;
    auto it = gpu.peak_flops.find(dtype);
    if (it == gpu.peak_flops.end() || !it->second) {
        r.bound = "n/a";
        return r;
    }
    r.compute_s = flops / *it->second;
    r.time_s = std::max(*r.compute_s, r.memory_s);
    r.bound = *r.compute_s >= r.memory_s ? "compute" : "memory";
    return r;
}

double live_pairs(long long seq, long long keys, bool causal) {
    const double s = double(seq), L = double(keys);
    return causal ? s * (L - s) + s * (s + 1) / 2 : s * L;
}

namespace {

// FLOPs per element of a plain scene's epilog (docs/stats.md, "Epilogs"); the number of
// elements it applies to is the whole result except for causal masks (live ones only).
double epilog_flops(const Node& n) {
    const std::string& e = n.epilog;
    const double all = double(n.rows) * double(n.cols);
    if (e == "none") return 0;
    if (e == "softmax") return 5 * all;
    if (e == "softmax(x/sqrt(k))") return 6 * all;
    if (e == "softmax(tril(x/sqrt(k)))" || e == "softmax(tril(x/8))") {
        double live = 0;
        for (long long i = 0; i < n.rows; ++i) live += double(std::min<long long>(i + 1, n.cols));
        return 6 * live;
    }
    if (is_mask_epilog(e)) {
        const AttentionMask m = parse_mask_epilog(e, "epilog");
        double live = 0;
        for (int i = 0; i < n.rows; ++i)
            for (int j = 0; j < n.cols; ++j) live += m.live(i, j);
        return 6 * live;
    }
    if (e == "layernorm") return 5 * all;
    return all;  // pointwise: relu, gelu, sigmoid, silu, tanh, x/k, x/sqrt(k), x**2
}

OpCost matmul_op(const std::string& name, long long m, long long k, long long n, double b, long long count = 1,
                 const std::string& kind = "matmul") {
    OpCost o;
    o.name = name;
    o.kind = count > 1 ? "batched_matmul" : kind;
    o.m = m;
    o.k = k;
    o.n = n;
    o.count = count;
    o.flops = 2.0 * double(m) * double(k) * double(n) * double(count);
    o.bytes_read = (double(m) * double(k) + double(k) * double(n)) * b * double(count);
    o.bytes_written = double(m) * double(n) * b * double(count);
    return o;
}

void add_total(SceneCost& c) {
    c.total = OpCost{};
    c.total.name = "total";
    c.total.kind = "total";
    for (const auto& o : c.ops) {
        c.total.flops += o.flops;
        c.total.epilog_flops += o.epilog_flops;
        c.total.bytes_read += o.bytes_read;
        c.total.bytes_written += o.bytes_written;
    }
}

}  // namespace

SceneCost cost_of_model(const Model& model, const std::string& dtype) {
    SceneCost c;
    c.dtype = dtype;
    c.bytes_per_element = dtype_bytes(dtype, "--dtype");
    const double b = c.bytes_per_element;
    post_order(static_cast<const Node&>(*model.root), [&](const Node& n) {
        if (!n.matmul) return;
        OpCost o = matmul_op(n.name, n.rows, n.depth, n.cols, b);
        o.epilog_flops = epilog_flops(n);
        o.flops += o.epilog_flops;
        if (n.epilog != "none") o.note = "epilog " + n.epilog;
        c.ops.push_back(o);
    });
    add_total(c);
    return c;
}

SceneCost cost_of_attention(const AttentionSpec& a) {
    SceneCost c;
    c.dtype = a.dtype;
    c.bytes_per_element = dtype_bytes(a.dtype, "attention.dtype");
    const double b = c.bytes_per_element;
    AttentionCost at;
    at.spec = a;
    for (size_t r = 0; r < a.seq.size(); ++r) {
        Request q;
        q.context = a.context[r];
        q.seq = a.seq[r];
        q.keys = q.context + q.seq;
        q.live_pairs = live_pairs(q.seq, q.keys, a.causal);
        at.live_pairs += q.live_pairs;
        at.rect_pairs += double(q.seq) * double(q.keys);
        at.new_tokens += double(q.seq);
        at.cached_tokens += double(q.keys);
        at.requests.push_back(q);
    }
    const double T = at.new_tokens, Lsum = at.cached_tokens, P = at.live_pairs, Rect = at.rect_pairs;
    const long long nh = a.heads, nkv = a.kv_heads, dh = a.head_dim, dm = a.d_model, dv = a.v_head_dim;
    const long long Tn = static_cast<long long>(T);
    const bool mla = a.variant == "mla", decode = a.phase == "decode";
    const long long dr = a.rope_dim, dc = a.kv_latent;

    // Projections of the new tokens.
    const long long dq = mla ? dh + dr : dh;  // q/k width per head in the scores
    if (mla && a.q_latent) {
        c.ops.push_back(matmul_op("q_down", Tn, dm, a.q_latent, b));
        c.ops.push_back(matmul_op("q_up", Tn, a.q_latent, nh * dq, b));
    } else {
        c.ops.push_back(matmul_op("q_proj", Tn, dm, nh * dq, b));
    }
    if (mla) {
        c.ops.push_back(matmul_op("kv_down", Tn, dm, dc + dr, b));
    } else {
        c.ops.push_back(matmul_op("k_proj", Tn, dm, nkv * dh, b));
        c.ops.push_back(matmul_op("v_proj", Tn, dm, nkv * dh, b));
    }
    // RoPE on the new tokens' q and k (MLA: only the decoupled d_rope part).
    {
        OpCost o;
        o.name = "rope";
        o.kind = "rope";
        const double elems = mla ? (double(nh) * dr + dr) * T : double(nh + nkv) * dh * T;
        o.flops = 3 * elems;
        o.bytes_read = elems * b;
        o.bytes_written = elems * b;
        o.note = "3 FLOPs per rotated element; cos/sin tables not counted";
        c.ops.push_back(o);
    }
    // The core: scores, softmax, ·V. What the K and V operands are depends on the variant.
    double q_elems, k_elems_read, v_elems_read, o_elems, qk_width, pv_width;
    if (!mla) {
        q_elems = T * nh * dh;
        k_elems_read = Lsum * nkv * dh;  // compact K: once per KV head, not once per query head
        v_elems_read = Lsum * nkv * dh;
        o_elems = T * nh * dh;
        qk_width = dh;
        pv_width = dh;
    } else if (!decode) {  // up-projected: K and V are per head after k_up / v_up
        c.ops.push_back(matmul_op("k_up", static_cast<long long>(Lsum), dc, nh * dh, b));
        c.ops.push_back(matmul_op("v_up", static_cast<long long>(Lsum), dc, nh * dv, b));
        q_elems = T * nh * dq;
        k_elems_read = Lsum * (double(nh) * dh + dr);  // k_nope per head + the shared k_rope
        v_elems_read = Lsum * nh * dv;
        o_elems = T * nh * dv;
        qk_width = dq;
        pv_width = dv;
    } else {  // absorbed: q_nope·W_UK per head, scores and ·V on the shared latent
        c.ops.push_back(matmul_op("q_absorb", Tn, dh, dc, b, nh));
        c.ops.back().bytes_read = (T * nh * dh + double(nh) * dh * dc) * b;
        q_elems = T * nh * (dc + dr);
        k_elems_read = Lsum * (dc + dr);  // the latent cache, shared by every head
        v_elems_read = Lsum * dc;         // the same latent (read again when unfused)
        o_elems = T * nh * dc;
        qk_width = double(dc + dr);
        pv_width = double(dc);
    }
    const double scores_flops = 2 * qk_width * nh * P, pv_flops = 2 * pv_width * nh * P, sm_flops = 6.0 * nh * P;
    at.core_flops = scores_flops + pv_flops + sm_flops;
    {
        OpCost s;
        s.name = "scores";
        s.kind = "attention_scores";
        s.flops = scores_flops;
        s.bytes_read = (q_elems + k_elems_read) * b;
        s.bytes_written = double(nh) * Rect * b;
        s.note = "Q·K^T over live pairs only; writes the full S rectangle";
        OpCost m;
        m.name = "softmax";
        m.kind = "softmax";
        m.flops = sm_flops;
        m.bytes_read = double(nh) * Rect * b;
        m.bytes_written = double(nh) * Rect * b;
        m.note = "6 FLOPs per live element (scale, max, subtract, exp, sum, divide)";
        OpCost v;
        v.name = "pv";
        v.kind = "attention_pv";
        v.flops = pv_flops;
        v.bytes_read = double(nh) * Rect * b + v_elems_read * b;
        v.bytes_written = o_elems * b;
        v.note = "P·V over live pairs only";
        at.unfused_bytes = s.bytes() + m.bytes() + v.bytes();
        // Fused (FlashAttention): Q read once, O written once, K and V read once per
        // Q block, only up to the last key that block's queries may see (block_k tiles).
        double kv_reads = 0;  // key positions read, summed over Q blocks
        for (const auto& rq : at.requests) {
            for (long long p0 = 0; p0 < rq.seq; p0 += a.block_q) {
                const long long p1 = std::min(rq.seq, p0 + a.block_q);
                const long long visible = a.causal ? rq.keys - rq.seq + p1 : rq.keys;
                const long long tiles = (visible + a.block_k - 1) / a.block_k;
                kv_reads += double(std::min(rq.keys, tiles * a.block_k));
            }
        }
        const double per_key = Lsum > 0 ? (k_elems_read + (mla && decode ? 0 : v_elems_read)) / Lsum : 0;
        OpCost f;
        f.name = "attention";
        f.kind = "attention_fused";
        f.flops = at.core_flops;
        f.bytes_read = (q_elems + kv_reads * per_key) * b;
        f.bytes_written = o_elems * b;
        f.note = "FlashAttention: block_q " + std::to_string(a.block_q) + ", block_k " +
                 std::to_string(a.block_k) + "; S never written";
        at.fused_bytes = f.bytes();
        at.fused_intensity = f.bytes() > 0 ? f.flops / f.bytes() : 0;
        if (a.flash) {
            c.ops.push_back(f);
        } else {
            c.ops.push_back(s);
            c.ops.push_back(m);
            c.ops.push_back(v);
        }
    }
    if (mla && decode) c.ops.push_back(matmul_op("v_absorb", Tn, dc, dv, b, nh));
    c.ops.push_back(matmul_op("o_proj", Tn, nh * dv, dm, b));

    // KV cache of this layer.
    at.kv_elements_per_token = kv_elements_per_token(a);
    at.kv_bytes_per_token = double(at.kv_elements_per_token) * b;
    at.kv_bytes = at.kv_bytes_per_token * Lsum;
    if (a.paged) {
        for (const auto& rq : at.requests) at.pages += double((rq.keys + a.block_size - 1) / a.block_size);
        at.slots = at.pages * double(a.block_size);
        at.occupancy = at.slots > 0 ? Lsum / at.slots : 1;
        at.waste_tokens = at.slots - Lsum;
        at.waste_bytes = at.waste_tokens * at.kv_bytes_per_token;
    }
    // Tensor parallelism: heads split over tp ranks; KV heads split, or replicated when
    // there are fewer KV heads than ranks; MLA's latent is replicated on every rank.
    at.heads_per_rank = nh / a.tp;
    at.kv_heads_per_rank = mla ? 0 : (nkv >= a.tp ? nkv / a.tp : 1);
    at.kv_bytes_per_rank = mla ? at.kv_bytes : double(2 * at.kv_heads_per_rank * dh) * b * Lsum;
    at.allreduce_message = T * double(dm) * b;
    at.allreduce_bytes_per_rank = a.tp > 1 ? 2.0 * double(a.tp - 1) / double(a.tp) * at.allreduce_message : 0;
    c.attention = at;
    add_total(c);
    return c;
}

}  // namespace mmr
