// The audited cost model of `mmr stats` (docs/stats.md has every formula, its
// convention and a worked example): FLOPs, bytes read and written, arithmetic
// intensity per op and for the scene, and roofline times per GPU.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "mmr/model/model.h"
#include "mmr/preset/attention.h"
#include "mmr/stats/gpus.h"

namespace mmr {

struct OpCost {
    std::string name;    // result name (plain scenes) or op name (presets: q_proj, scores, ...)
    std::string kind;    // matmul | batched_matmul | attention_scores | softmax | attention_pv | attention_fused | rope
    long long m = 0, k = 0, n = 0, count = 1;  // matmul shapes: count x (m x k @ k x n); 0 when not a matmul
    double flops = 0;        // 2·m·k·n·count for a dense matmul (+ epilog by docs/stats.md's convention)
    double epilog_flops = 0; // part of `flops` spent in the epilog (plain scenes)
    double bytes_read = 0, bytes_written = 0;
    std::string note;
    double bytes() const { return bytes_read + bytes_written; }
    double intensity() const { return bytes() > 0 ? flops / bytes() : 0; }
};

struct Roofline {
    std::optional<double> compute_s;  // nullopt: the GPU has no such dtype
    double memory_s = 0;
    std::optional<double> time_s;     // max of the two
    std::string bound;                // compute | memory | n/a
};
Roofline roofline(double flops, double bytes, const Gpu& gpu, const std::string& dtype);
// Peak / bandwidth in FLOP per byte (nullopt: no such dtype).
std::optional<double> ridge_point(const Gpu& gpu, const std::string& dtype);

struct Request {
    long long context = 0, seq = 0, keys = 0;  // keys = context + seq
    double live_pairs = 0;                     // (query, key) pairs the mask lets through
};

// What only attention presets have.
struct AttentionCost {
    AttentionSpec spec;
    std::vector<Request> requests;
    double live_pairs = 0;       // sum over requests (per head)
    double rect_pairs = 0;       // sum of seq·keys (the materialised score matrix per head)
    double new_tokens = 0, cached_tokens = 0;  // sum of seq; sum of keys
    long long kv_elements_per_token = 0;
    double kv_bytes_per_token = 0, kv_bytes = 0;  // per layer; kv_bytes = per token x cached_tokens
    // paged KV cache
    double pages = 0, slots = 0, occupancy = 1, waste_tokens = 0, waste_bytes = 0;
    // tensor parallelism
    long long heads_per_rank = 0, kv_heads_per_rank = 0;
    double kv_bytes_per_rank = 0, allreduce_message = 0, allreduce_bytes_per_rank = 0;
    // core attention (scores, softmax, ·V) traffic: unfused (S materialised) vs fused (Flash)
    double unfused_bytes = 0, fused_bytes = 0, core_flops = 0;
    double fused_intensity = 0;  // core FLOPs / fused bytes (the decode sanity figure)
};

struct SceneCost {
    std::string dtype;
    double bytes_per_element = 2;
    std::vector<OpCost> ops;
    OpCost total;  // name "total"
    std::optional<AttentionCost> attention;
};

// Every matmul of a plain scene, in mm's evaluation order, at `dtype`.
SceneCost cost_of_model(const Model& model, const std::string& dtype);
// A whole attention layer (every head, request and token), at spec.dtype.
SceneCost cost_of_attention(const AttentionSpec& spec);
// Live (query, key) pairs of one request: causal s·(L - s) + s(s+1)/2, else s·L.
double live_pairs(long long seq, long long keys, bool causal);

}  // namespace mmr
