// Attention presets (docs/attention.md): a scene key `attention:` describing one
// attention layer (MHA, GQA, MQA or MLA; prefill or decode; several requests) that is
// expanded at load into an ordinary scene (expr, matrices, matmuls, blocks). The
// cost model (mmr/stats) reads the same AttentionSpec, so the picture may show a
// subset (`show`) while the costs count every head, request and token.
#pragma once
#include <string>
#include <vector>

namespace YAML {
class Node;
}

namespace mmr {

struct AttentionSpec {
    std::string file;              // the scene file (for messages)
    std::string variant = "mha";   // mha | gqa | mqa | mla
    long long d_model = 0;
    long long heads = 0;
    long long kv_heads = 0;        // mha: = heads, mqa: 1, gqa: given; mla: = heads (not used)
    long long head_dim = 0;        // mla: the non-RoPE part of q/k per head (d_h)
    // MLA (DeepSeek-V2/V3 names): latent sizes.
    long long kv_latent = 0;       // d_c: the compressed KV (kv_lora_rank)
    long long q_latent = 0;        // d_c': the compressed Q (q_lora_rank); 0 = Q projected directly
    long long rope_dim = 0;        // d_rope: the decoupled RoPE part of q/k per head, shared k_rope
    long long v_head_dim = 0;      // d_v (default head_dim)
    std::string phase = "prefill"; // prefill | decode
    std::vector<long long> context;  // cached tokens per request (before this step)
    std::vector<long long> seq;      // new tokens per request
    bool causal = true;
    bool flash = false;
    long long block_q = 64, block_k = 64;
    bool paged = false;
    long long block_size = 16;
    long long tp = 1;
    long long dp = 1;              // data-parallel ranks: the requests split among them
    std::string dtype = "bf16";
    // What is drawn (the costs always count everything).
    long long show_heads = 0, show_requests = 0, show_tokens = 0, show_scale = 0;  // 0 = default
    // Real weights (`weights:`): per projection, a tensor file and the tensor's name in it.
    struct Weight {
        std::string proj;   // wq, wk, wv, wo; MLA: wq | wq_a + wq_b, wkv_a, wkv_b, wo
        std::string file;   // relative to the scene file (as `file:` of a matrix)
        std::string entry;  // tensor (.safetensors) or array (.npz) name; "" for .npy
        std::string where;  // "<file>:<line>:<col>" of the projection's key, for messages
    };
    std::vector<Weight> weights;
    bool weights_in_out = false;  // weights.layout: in_out ([in, out]); default out_in (PyTorch)

    long long requests() const { return static_cast<long long>(seq.size()); }
    long long group() const { return heads / kv_heads; }  // query heads per KV head
    long long keys(size_t r) const { return context[r] + seq[r]; }
};

// True if the scene text's top level has an `attention` key.
bool has_attention_key(const YAML::Node& root);

// Reads and validates `attention:` (every bad value is a one-line mmr::Error naming
// "<file>:<line>:<col>: attention.<key>" and what to write instead).
AttentionSpec parse_attention(const YAML::Node& node, const std::string& file);

// The scene the preset stands for, as YAML text (the keys beside `attention:` in
// `root` are kept and override the generated ones). parse_scene reads it.
std::string expand_attention_text(const YAML::Node& root, const std::string& file);

// The [out, in] shape a projection's tensor must have (PyTorch's nn.Linear.weight).
std::pair<long long, long long> weight_shape(const AttentionSpec& a, const std::string& proj);

// Checks every `attention.weights` tensor of a preset scene (SceneSpec::preset ==
// "attention") against the shape the layer needs, reading only headers, with the
// scene's data folders and path confinement. One-line mmr::Error naming
// attention.weights.<proj>, both shapes and the fix; a missing file or tensor likewise.
struct SceneSpec;
void check_attention_weights(const SceneSpec& scene);

// Elements per token of one layer's KV cache: MHA 2·n_h·d_h, GQA 2·n_kv·d_h,
// MQA 2·d_h, MLA d_c + d_rope.
long long kv_elements_per_token(const AttentionSpec& a);

// Bytes of one element of a dtype (fp32 4, tf32 4, bf16/fp16 2, fp8 1); throws
// mmr::Error naming `where` and listing the known ones.
double dtype_bytes(const std::string& dtype, const std::string& where);
const std::vector<std::string>& dtype_names();

}  // namespace mmr
