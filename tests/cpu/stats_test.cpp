// The cost model of `mmr stats` and the attention presets, against values computed
// by hand at small sizes (docs/stats.md has the same formulas and worked examples).
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>

#include "mmr/core/error.h"
#include "mmr/model/build_model.h"
#include "mmr/model/values.h"
#include "mmr/preset/attention.h"
#include "mmr/scene/scene_parser.h"
#include "mmr/scene/scene_writer.h"
#include "mmr/stats/cost.h"
#include "mmr/stats/gpus.h"
#include "mmr/stats/report.h"

using namespace mmr;

namespace {

AttentionSpec preset(const std::string& yaml) {
    return parse_attention(YAML::Load(yaml)["attention"], "t.yaml");
}

const OpCost& op(const SceneCost& c, const std::string& name) {
    for (const auto& o : c.ops)
        if (o.name == name) return o;
    FAIL("no op " << name);
    return c.ops.front();
}

std::string error_of(const std::string& text) {
    try {
        parse_scene(text, "t.yaml");
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

std::vector<Gpu> shipped_gpus() {
    std::vector<Gpu> g;
    read_gpu_table(MMR_SOURCE_DIR "/data/gpus.yaml", g);
    return g;
}

}  // namespace

TEST_CASE("live pairs: causal S(S+1)/2, with a cached prefix, and without a mask") {
    CHECK(live_pairs(4, 4, true) == 10);    // 1+2+3+4
    CHECK(live_pairs(1, 8, true) == 8);     // decode: the new token sees all 8 keys
    CHECK(live_pairs(3, 5, true) == 12);    // 2 cached: 3+4+5
    CHECK(live_pairs(3, 5, false) == 15);
    CHECK(live_pairs(131072, 131072, true) == 131072.0 * 131073.0 / 2);
}

TEST_CASE("mask epilog: per-request causal blocks, no cross-request pairs, heads stacked") {
    const AttentionMask m = parse_mask_epilog("softmax(mask(x/sqrt(k), heads 2, requests 2:3 1:2, causal))", "e");
    CHECK(m.rows() == 6);
    CHECK(m.cols() == 5);
    // request 0: 2 new queries at positions 1, 2 of 3 keys; request 1: 1 query, 2 keys
    CHECK(m.live(0, 0));
    CHECK(m.live(0, 1));
    CHECK_FALSE(m.live(0, 2));  // future key
    CHECK(m.live(1, 2));
    CHECK_FALSE(m.live(1, 3));  // another request's key
    CHECK_FALSE(m.live(2, 0));
    CHECK(m.live(2, 3));
    CHECK(m.live(2, 4));
    CHECK(m.live(3, 1));  // head 2 repeats the pattern
    CHECK_FALSE(m.live(3, 2));
    int live = 0;
    for (int i = 0; i < 6; ++i)
        for (int j = 0; j < 5; ++j) live += m.live(i, j);
    CHECK(live == 2 * (2 + 3 + 2));
    CHECK(m.text() == "softmax(mask(x/sqrt(k), heads 2, requests 2:3 1:2, causal))");

    // The softmax leaves masked entries 0 and each row summing to 1.
    Matrix s(6, 5);
    for (size_t i = 0; i < s.v.size(); ++i) s.v[i] = float(i % 7) * 0.3f;
    epilog_matrixwide(m.text(), s);
    for (int i = 0; i < 6; ++i) {
        double sum = 0;
        for (int j = 0; j < 5; ++j) {
            if (!m.live(i, j)) CHECK(s.at(i, j) == 0.0f);
            sum += s.at(i, j);
        }
        CHECK(sum == doctest::Approx(1.0));
    }
    CHECK_THROWS_WITH_AS(parse_mask_epilog("softmax(mask(x/sqrt(k), heads 2, requests 3:2))", "m"),
                         doctest::Contains("more new queries than keys"), Error);
    CHECK_THROWS_WITH_AS(parse_mask_epilog("softmax(mask(x/sqrt(k), heads two, requests 1:2))", "m"),
                         doctest::Contains("'two' in the mask epilog is not a whole number"), Error);
}

TEST_CASE("plain scene: 2·M·K·N, operands read and result written at the dtype, epilog convention") {
    const Model m = build_structure(parse_scene(
        "expr: C = A @ B\nmatrices: {A: {shape: [3, 4]}, B: {shape: [4, 5]}}\n"
        "matmuls: {C: {epilog: \"softmax(tril(x/sqrt(k)))\"}}\n",
        "t.yaml"));
    const SceneCost bf = cost_of_model(m, "bf16");
    REQUIRE(bf.ops.size() == 1);
    CHECK(bf.ops[0].m == 3);
    CHECK(bf.ops[0].k == 4);
    CHECK(bf.ops[0].n == 5);
    CHECK(bf.ops[0].epilog_flops == 6 * (1 + 2 + 3));  // live entries j <= i of 3x5
    CHECK(bf.ops[0].flops == 2 * 3 * 4 * 5 + 36);
    CHECK(bf.ops[0].bytes_read == (12 + 20) * 2);
    CHECK(bf.ops[0].bytes_written == 15 * 2);
    CHECK(bf.ops[0].intensity() == doctest::Approx(156.0 / 94));
    const SceneCost f32 = cost_of_model(m, "fp32");
    CHECK(f32.total.bytes_read == (12 + 20) * 4);
    CHECK(f32.total.flops == bf.total.flops);
    const SceneCost f8 = cost_of_model(m, "fp8");
    CHECK(f8.total.bytes_written == 15);
    CHECK_THROWS_WITH_AS(cost_of_model(m, "int4"), doctest::Contains("write one of: fp32, tf32, bf16, fp16, fp8"),
                         Error);
}

TEST_CASE("MHA prefill at small sizes: every shape, FLOPs and bytes") {
    const SceneCost c = cost_of_attention(
        preset("attention: {variant: mha, d_model: 8, heads: 2, head_dim: 4, phase: prefill, seq: 4}"));
    // T = 4 new tokens, 4 keys, 10 live pairs per head, 16 score elements per head, bf16.
    const OpCost& q = op(c, "q_proj");
    CHECK((q.m == 4 && q.k == 8 && q.n == 8));
    CHECK(q.flops == 512);
    CHECK(q.bytes_read == (32 + 64) * 2);
    CHECK(q.bytes_written == 64);
    CHECK(op(c, "k_proj").n == 8);
    CHECK(op(c, "rope").flops == 3 * 64);
    CHECK(op(c, "scores").flops == 2 * 4 * 2 * 10);
    CHECK(op(c, "scores").bytes_read == (32 + 32) * 2);
    CHECK(op(c, "scores").bytes_written == 2 * 16 * 2);
    CHECK(op(c, "softmax").flops == 6 * 2 * 10);
    CHECK(op(c, "pv").bytes_read == (2 * 16 + 32) * 2);
    CHECK(op(c, "pv").bytes_written == 32 * 2);
    CHECK((op(c, "o_proj").m == 4 && op(c, "o_proj").k == 8 && op(c, "o_proj").n == 8));
    CHECK(c.attention->kv_elements_per_token == 2 * 2 * 4);
    CHECK(c.attention->kv_bytes == 16 * 2 * 4);
    CHECK(c.attention->live_pairs == 10);
    double flops = 0;
    for (const auto& o : c.ops) flops += o.flops;
    CHECK(c.total.flops == flops);
}

TEST_CASE("GQA decode: compact KV read once per KV head, paged occupancy, TP all-reduce, Flash traffic") {
    const SceneCost c = cost_of_attention(preset(
        "attention: {variant: gqa, d_model: 8, heads: 4, kv_heads: 2, head_dim: 2, phase: decode, context: [3, 5],"
        " seq: 1, paged: {block_size: 4}, tp: 2}"));
    const AttentionCost& a = *c.attention;
    CHECK(a.requests.size() == 2);
    CHECK(a.requests[0].keys == 4);
    CHECK(a.requests[1].keys == 6);
    CHECK(a.live_pairs == 10);
    CHECK(op(c, "k_proj").n == 4);  // n_kv · d_h
    CHECK(op(c, "scores").flops == 2 * 2 * 4 * 10);
    // Q: 2 tokens x 4 heads x 2; K: 10 keys x 2 KV heads x 2 (not x 4 query heads)
    CHECK(op(c, "scores").bytes_read == (16 + 40) * 2);
    CHECK(a.kv_elements_per_token == 8);  // 2 · n_kv · d_h
    CHECK(a.kv_bytes == 8 * 2 * 10);
    // pages of 4: 1 + 2 = 3 pages, 12 slots, 10 used
    CHECK(a.pages == 3);
    CHECK(a.slots == 12);
    CHECK(a.occupancy == doctest::Approx(10.0 / 12));
    CHECK(a.waste_tokens == 2);
    CHECK(a.waste_bytes == 2 * 16);
    CHECK(a.heads_per_rank == 2);
    CHECK(a.kv_heads_per_rank == 1);
    CHECK(a.allreduce_message == 2 * 8 * 2);              // T · d_model · bytes
    CHECK(a.allreduce_bytes_per_rank == 2.0 * 1 / 2 * 32);  // 2(p-1)/p · message
    // Fused: Q once (16 el), K and V once each (10 keys x 2 x 2 x 2), O written (16 el)
    CHECK(a.fused_bytes == (16 + 80 + 16) * 2);
    CHECK(a.core_flops == 160 + 160 + 6 * 4 * 10);
    CHECK(a.fused_intensity == doctest::Approx(560.0 / 224));
    CHECK(a.unfused_bytes > a.fused_bytes);
}

TEST_CASE("TP with fewer KV heads than ranks replicates them") {
    const SceneCost c = cost_of_attention(preset(
        "attention: {variant: gqa, d_model: 8, heads: 4, kv_heads: 2, head_dim: 2, phase: decode, context: 3, tp: 4}"));
    CHECK(c.attention->kv_heads_per_rank == 1);
    CHECK(c.attention->allreduce_bytes_per_rank == 2.0 * 3 / 4 * (1 * 8 * 2));
}

TEST_CASE("KV cache per token: MHA 2·n_h·d_h, GQA 2·n_kv·d_h, MQA 2·d_h, MLA d_c + d_rope") {
    CHECK(kv_elements_per_token(preset("attention: {variant: mha, d_model: 4096, heads: 32, seq: 1}")) == 8192);
    CHECK(kv_elements_per_token(preset("attention: {variant: gqa, d_model: 4096, heads: 32, kv_heads: 8, seq: 1}")) ==
          2048);
    CHECK(kv_elements_per_token(preset("attention: {variant: mqa, d_model: 4096, heads: 32, seq: 1}")) == 256);
    CHECK(kv_elements_per_token(preset("attention: {variant: mla, d_model: 7168, heads: 128, head_dim: 128, "
                                       "kv_latent: 512, rope_dim: 64, seq: 1}")) == 576);
}

TEST_CASE("MLA decode (absorbed) at small sizes: scores and ·V on the shared latent") {
    const SceneCost c = cost_of_attention(
        preset("attention: {variant: mla, d_model: 8, heads: 2, head_dim: 4, kv_latent: 6, rope_dim: 2, "
               "phase: decode, context: 3}"));
    CHECK(op(c, "kv_down").n == 8);  // d_c + d_rope
    CHECK(op(c, "q_absorb").count == 2);
    CHECK(op(c, "q_absorb").flops == 2.0 * 1 * 4 * 6 * 2);
    CHECK(op(c, "scores").flops == 2 * (6 + 2) * 2 * 4);
    CHECK(op(c, "scores").bytes_read == (16 + 32) * 2);  // absorbed q (2 heads x 8) + latent (4 keys x 8)
    CHECK(op(c, "pv").flops == 2 * 6 * 2 * 4);
    CHECK(op(c, "v_absorb").flops == 2.0 * 1 * 6 * 4 * 2);
    CHECK(c.attention->fused_bytes == (16 + 32 + 12) * 2);  // the latent read once for K and V
    CHECK(c.attention->core_flops == 128 + 96 + 48);
}

TEST_CASE("MLA prefill (up-projected): k_up and v_up re-expand every key") {
    const SceneCost c = cost_of_attention(
        preset("attention: {variant: mla, d_model: 8, heads: 2, head_dim: 4, kv_latent: 6, rope_dim: 2, q_latent: 3,"
               " phase: prefill, seq: 4}"));
    CHECK((op(c, "q_down").n == 3 && op(c, "q_up").k == 3 && op(c, "q_up").n == 2 * 6));
    CHECK((op(c, "k_up").m == 4 && op(c, "k_up").k == 6 && op(c, "k_up").n == 8));
    CHECK(op(c, "scores").flops == 2 * 6 * 2 * 10);  // (d_h + d_rope) · n_h · live pairs
}

TEST_CASE("Flash traffic: K and V read once per Q block, causal blocks skip future tiles") {
    // seq 8, causal, block_q 4, block_k 4: the first Q block sees 4 keys, the second 8.
    const SceneCost c = cost_of_attention(
        preset("attention: {variant: mha, d_model: 2, heads: 1, phase: prefill, seq: 8, flash: {block_q: 4, block_k: 4}}"));
    // d_h = 2: Q 8x2, O 8x2, K and V (4 + 8) keys x 2 each
    CHECK(c.attention->fused_bytes == (16 + 12 * 4 + 16) * 2);
    CHECK(op(c, "attention").kind == "attention_fused");
    const SceneCost nc = cost_of_attention(preset(
        "attention: {variant: mha, d_model: 2, heads: 1, phase: prefill, seq: 8, causal: false, flash: {block_q: 4, block_k: 4}}"));
    CHECK(nc.attention->fused_bytes == (16 + 16 * 4 + 16) * 2);
}

TEST_CASE("decode intensity: fused GQA ≈ n_h/n_kv, MHA ≈ 1, absorbed MLA near the H100 ridge") {
    auto ai = [](const std::string& y) { return cost_of_attention(preset(y)).attention->fused_intensity; };
    const double mha = ai("attention: {variant: mha, d_model: 4096, heads: 32, phase: decode, context: 4096}");
    const double gqa8 = ai("attention: {variant: gqa, d_model: 8192, heads: 64, kv_heads: 8, phase: decode, context: 4096}");
    const double mla = ai("attention: {variant: mla, d_model: 7168, heads: 128, head_dim: 128, kv_latent: 512, "
                          "rope_dim: 64, phase: decode, context: 4096}");
    CHECK(mha == doctest::Approx(1.0).epsilon(0.05));
    CHECK(gqa8 == doctest::Approx(8.0).epsilon(0.05));
    const auto gpus = shipped_gpus();
    const auto h100 = select_gpus(gpus, "h100-sxm", "--gpu");
    const double ridge = *ridge_point(h100[0], "bf16");
    CHECK(ridge == doctest::Approx(989.4 / 3.35));
    // 4097 keys (4096 cached + the new one). FLOPs per key 128·(2·576 + 2·512 + 6); bytes:
    // the 576-element latent per key, plus the 128 heads' absorbed query (576) and latent
    // output (512), once.
    CHECK(mla == doctest::Approx(128.0 * (2 * 576 + 2 * 512 + 6) * 4097 / ((4097.0 * 576 + 128 * 576 + 128 * 512) * 2)));
    CHECK(mla == doctest::Approx(228.93).epsilon(0.001));
    CHECK(mla > 0.75 * ridge);
    CHECK(mla < ridge);
}

TEST_CASE("GPU table: shipped rows, roofline, overrides, unknown ids") {
    auto gpus = shipped_gpus();
    std::vector<std::string> ids;
    for (const auto& g : gpus) ids.push_back(g.id);
    CHECK(ids == std::vector<std::string>{"a100-sxm-80gb", "h100-sxm", "h100-pcie", "b200-hgx", "b200-gb200"});
    for (const auto& g : gpus) {
        CHECK(!g.source.empty());
        CHECK(!g.as_of.empty());
        CHECK(g.hbm_bytes_per_s > 0);
    }
    CHECK(!gpus[0].peak_flops.at("fp8").has_value());  // A100: no FP8
    const Roofline r = roofline(1e12, 1e9, gpus[1], "bf16");
    CHECK(*r.compute_s == doctest::Approx(1e12 / 989.4e12));
    CHECK(r.memory_s == doctest::Approx(1e9 / 3.35e12));
    CHECK(r.bound == "compute");
    CHECK(roofline(1e12, 1e9, gpus[0], "fp8").bound == "n/a");
    CHECK_THROWS_WITH_AS(select_gpus(gpus, "h100", "--gpu h100"),
                         doctest::Contains("unknown GPU 'h100'; write one of: a100-sxm-80gb, h100-sxm"), Error);
}

TEST_CASE("report: JSON schema fields, CSV rows, aligned table") {
    const SceneCost c = cost_of_attention(preset(
        "attention: {variant: gqa, d_model: 8, heads: 4, kv_heads: 2, head_dim: 2, phase: decode, context: [3, 5]}"));
    const auto gpus = select_gpus(shipped_gpus(), "h100-sxm,b200-hgx", "--gpu");
    const nlohmann::json j = nlohmann::json::parse(stats_json("s.yaml", c, gpus));
    CHECK(j["schema"] == "mmr-stats/1");
    CHECK(j["gpus"].size() == 2);
    CHECK(j["ops"].size() == c.ops.size());
    CHECK(j["ops"][0]["name"] == "q_proj");
    CHECK(j["ops"][0]["per_gpu"]["h100-sxm"]["bound"] == "memory");
    CHECK(j["totals"]["flops"] == c.total.flops);
    CHECK(j["attention"]["kv_cache"]["elements_per_token"] == 8);
    CHECK(j["attention"]["requests"][1]["keys"] == 6);
    CHECK(j["attention"]["paged"].is_null());
    const std::string csv = stats_csv(c, gpus);
    CHECK(csv.rfind("op,kind,count,m,k,n,flops,bytes_read,bytes_written,intensity,h100-sxm_time_s,h100-sxm_bound,", 0) == 0);
    CHECK(std::count(csv.begin(), csv.end(), '\n') == int(c.ops.size()) + 2);
    const std::string t = stats_table("s.yaml", c, gpus);
    CHECK(t.find("KV cache per layer: 8 elements = 16B per token") != std::string::npos);
    CHECK(si(25165824) == "25.2 M");
    CHECK(seconds_text(1.5e-6) == "1.50 µs");
}

TEST_CASE("attention presets: bad input is one line naming the key and the fix") {
    CHECK(error_of("attention: {variant: gqa, d_model: 4096, heads: 32, kv_heads: 6, seq: 1}") ==
          "t.yaml:1:63: 32 heads cannot be split evenly among 6 kv_heads; write a divisor of heads for "
          "'attention.kv_heads' (e.g. 8)");
    CHECK(error_of("attention: {variant: mha, d_model: 4096, heads: 32, head_dim: 64, seq: 1}")
              .find("head_dim 64 x heads 32 = 2048, not d_model 4096; write 'head_dim: 128'") != std::string::npos);
    CHECK(error_of("attention: {variant: mla, d_model: 7168, heads: 128, head_dim: 128, seq: 1}")
              .find("MLA needs its latent sizes") != std::string::npos);
    CHECK(error_of("attention: {variant: gqa, d_model: 4096, heads: 32, kv_heads: 8, phase: decode}")
              .find("decode needs the cached tokens: 'attention.context' is missing; write e.g. 'context: 2048'") !=
          std::string::npos);
    CHECK(error_of("attention: {variant: mha, d_model: 4096, heads: 32, seq: 1, tp: 3}")
              .find("tp 3 does not divide the 32 heads") != std::string::npos);
    CHECK(error_of("attention: {variant: mha, d_model: 4096, heads: 32, seq: 1, dtype: int8}")
              .find("unknown dtype 'int8' in 'attention.dtype'; write one of: fp32, tf32, bf16, fp16, fp8") !=
          std::string::npos);
    CHECK(error_of("attention: {variant: mha, d_model: 4096, heads: 32, seq: 100000, show: {tokens: 100000}}")
              .find("attention.show: the drawn subset would have about") != std::string::npos);
    CHECK(error_of("attention: {variant: gqa, d_model: 64, heads: 4, kv_heads: 2, seq: 1}\nexpr: A @ B")
              .find("a scene with 'attention:' makes its own expression") != std::string::npos);
    CHECK(error_of("attention: {variant: mha, d_model: 64, heads: 4, seq: 1, heds: 2}").find("did you mean 'heads'") !=
          std::string::npos);
    for (const std::string& e : {error_of("attention: {variant: gqa, d_model: 4096, heads: 32, kv_heads: 6, seq: 1}"),
                                 error_of("attention: {variant: mla, d_model: 8, heads: 2, head_dim: 4, seq: 1}")})
        CHECK(e.find('\n') == std::string::npos);
}

TEST_CASE("attention presets expand into a scene that reads back as the same scene") {
    for (const char* variant : {"mha", "gqa", "mqa", "mla"})
        for (const char* phase : {"prefill", "decode"}) {
            CAPTURE(variant);
            CAPTURE(phase);
            std::string y = std::string("attention: {variant: ") + variant + ", d_model: 64, heads: 8, phase: " + phase +
                            ", context: [5, 2], seq: [3, 1]";
            if (std::string(variant) == "gqa") y += ", kv_heads: 2";
            if (std::string(variant) == "mla") y += ", head_dim: 8, kv_latent: 32, rope_dim: 4";
            y += "}\n";
            const SceneSpec s = parse_scene(y, "p.yaml");
            CHECK(s.preset == "attention");
            const std::string once = write_scene(s);
            const SceneSpec back = parse_scene(once, "p.yaml");
            CHECK(back.preset.empty());
            CHECK(write_scene(back) == once);
            const Model m = build_model(s);
            // The scores: the group's query heads stacked (rows) by every request's keys.
            // shown heads: default at most 4 in decode, 2 in prefill
            const long long g = std::string(variant) == "mha" ? 1 : std::string(phase) == "prefill" ? 2 : 4;
            const Node* scores = m.root->left.get();
            CHECK(scores->name == "S");
            CHECK(scores->rows == g * (3 + 1));
            CHECK(scores->cols == (5 + 3) + (2 + 1));
            CHECK(s.blocks.i == g);
            // Masked pairs are exactly 0 in the computed scores.
            const AttentionMask mask = parse_mask_epilog(scores->epilog, "S");
            for (int i = 0; i < scores->rows; ++i)
                for (int j = 0; j < scores->cols; ++j)
                    if (!mask.live(i, j)) CHECK(scores->result.at(i, j) == 0.0f);
        }
}
