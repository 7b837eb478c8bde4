#!/usr/bin/env bash
# mmr stats and mmr expand as a user runs them, and attention presets through still:
# figures in the table, JSON and CSV, GPU table overrides, bad input as one line with
# no output file.
#   MMR=build/mmr MMR_SOURCE_DIR=. run_stats_tests.sh
set -u
source "$(dirname "$0")/lib.sh"
src=${MMR_SOURCE_DIR:?}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
scenes=$src/scenes/attention

# A plain scene: 2·32·24·32 = 49152 FLOPs, (32·24 + 24·32)·2 bytes read, 32·32·2 written.
out=$("$MMR" stats "$src/scenes/pitch.yaml" --csv); rc=$?
[ $rc -eq 0 ] && ok || bad "stats pitch: exit $rc"
line=$(printf '%s\n' "$out" | sed -n 2p)
[[ "$line" == "L @ R,matmul,1,32,24,32,49152,3072,2048,9.5999999999999996,"* ]] && ok || bad "pitch csv row: $line"
[ "$(printf '%s\n' "$out" | tail -n 1 | cut -d, -f1,7)" = "total,49152" ] && ok || bad "pitch csv total: $out"

# The table: aligned, one row per op, the GPU's bound.
out=$("$MMR" stats "$scenes/llama-gqa-decode.yaml" --gpu h100-sxm,b200-hgx); rc=$?
[ $rc -eq 0 ] && ok || bad "stats llama: exit $rc"
[[ "$out" == *"KV cache per layer: 2048 elements = 4.10 kB per token"* ]] && ok || bad "llama KV line: $out"
[[ "$out" == *"paged KV (block_size 16): 516 pages"* ]] && ok || bad "llama paged line: $out"
[[ "$out" == *"tensor parallel tp 2: 16 heads per rank, 4 kv_heads per rank"* ]] && ok || bad "llama tp line"
header=$(printf '%s\n' "$out" | grep '^op ')
[[ "$header" == *"h100-sxm  bound"*"b200-hgx  bound" ]] && ok || bad "table header: $header"

# JSON: parsable, the schema, the decode intensity of GQA-4 ≈ 4.
"$MMR" stats "$scenes/llama-gqa-decode.yaml" --json > "$work/s.json"; rc=$?
[ $rc -eq 0 ] && ok || bad "stats --json: exit $rc"
python3 - "$work/s.json" <<'PY' && ok || bad "JSON fields"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["schema"] == "mmr-stats/1"
assert [o["name"] for o in j["ops"]] == ["q_proj", "k_proj", "v_proj", "rope", "attention", "o_proj"], j["ops"]
a = j["attention"]
assert a["kv_cache"]["bytes_per_token"] == 4096
assert a["requests"][0] == {"context": 2048, "seq": 1, "keys": 2049, "live_pairs": 2049}
assert 4.0 < a["core"]["fused_intensity"] < 4.1, a["core"]
assert a["tp"]["allreduce_bytes_per_rank"] == 4 * 4096 * 2 * 2 * 1 / 2
assert j["gpus"][0]["id"] == "h100-sxm" and abs(j["gpus"][0]["ridge_flops_per_byte"] - 989.4e12 / 3.35e12) < 1e-9
PY

# --gpus adds and replaces rows.
cat > "$work/mine.yaml" <<'Y'
gpus:
  h100-sxm:
    name: My throttled H100
    dense_tflops: {bf16: 500}
    hbm_tb_s: 2.5
  toy:
    name: Toy
    dense_tflops: {bf16: 1, fp8: 2}
    hbm_tb_s: 0.001
Y
out=$("$MMR" stats "$src/scenes/pitch.yaml" --gpus "$work/mine.yaml" --gpu h100-sxm,toy); rc=$?
[ $rc -eq 0 ] && [[ "$out" == *"My throttled H100, bf16 500 TFLOP/s dense, HBM 2.50 TB/s, ridge 200 FLOP/B"* ]] &&
  [[ "$out" == *"toy: Toy, bf16 1.00 TFLOP/s dense, HBM 0.00 TB/s, ridge 1000 FLOP/B"* ]] && ok || bad "--gpus: $out"

expect_error unknown-gpu 1 "--gpu h100: unknown GPU 'h100'; write one of: a100-sxm-80gb, h100-sxm, h100-pcie, b200-hgx, b200-gb200" -- \
  stats "$src/scenes/pitch.yaml" --gpu h100
expect_error unknown-dtype 1 "--dtype int4: unknown dtype 'int4'; write one of: fp32, tf32, bf16, fp16, fp8" -- \
  stats "$src/scenes/pitch.yaml" --dtype int4
out=$("$MMR" stats "$src/scenes/pitch.yaml" --dtype fp8 --gpu a100-sxm-80gb)
[[ "$out" == *"fp8 not supported"* && "$out" == *" n/a"* ]] && ok || bad "A100 fp8: $out"

# mmr expand: a scene that loads back and renders the same pixels as the preset.
"$MMR" expand "$scenes/gqa-decode.yaml" > "$work/expanded.yaml"; rc=$?
[ $rc -eq 0 ] && grep -q '^expr: "O = (S = Q @ K_cache_t) @ V_cache"' "$work/expanded.yaml" && ok || bad "expand: exit $rc"
"$MMR" still "$scenes/gqa-decode.yaml" -o "$work/a.png" --size 160x90 && "$MMR" still "$work/expanded.yaml" -o "$work/b.png" --size 160x90 \
  && "$MMR" diff "$work/a.png" "$work/b.png" > /dev/null && ok || bad "expanded scene renders differently"
"$MMR" expand "$work/expanded.yaml" | tail -n +1 | grep -v '^#' > "$work/again.yaml"
grep -v '^#' "$work/expanded.yaml" | cmp -s - "$work/again.yaml" && ok || bad "expand of the expansion differs"
expect_error export-mask 1 "mm has no mask epilog" -- export "$work/expanded.yaml"

# FlashAttention: the expansion animates (mvprod scores with a scratch tile, fused vvprod
# output); its expansion renders step 6 as the preset does, and the frames differ by step.
"$MMR" expand "$scenes/flash-prefill.yaml" > "$work/flash.yaml"; rc=$?
[ $rc -eq 0 ] && grep -q 'anim: {alg: mvprod, scratch: 4}' "$work/flash.yaml" \
  && grep -q '^anim: {alg: vvprod, fuse: sync, speed: 4}' "$work/flash.yaml" && ok || bad "flash expand: exit $rc"
"$MMR" still "$scenes/flash-prefill.yaml" --step 6 -o "$work/f1.png" --size 160x90 \
  && "$MMR" still "$work/flash.yaml" --step 6 -o "$work/f2.png" --size 160x90 \
  && "$MMR" diff "$work/f1.png" "$work/f2.png" > /dev/null && ok || bad "flash: expanded scene renders step 6 differently"
"$MMR" still "$scenes/flash-prefill.yaml" --step 2 -o "$work/f3.png" --size 160x90
"$MMR" diff "$work/f1.png" "$work/f3.png" > /dev/null; [ $? -eq 1 ] && ok || bad "flash: steps 2 and 6 look the same"

# --overlay stats writes the costs over the picture: the same scene with and without it
# differ, in the top-left corner (the totals panel) and elsewhere (the labels).
"$MMR" still "$scenes/gqa-decode.yaml" -o "$work/ov.png" --size 320x180 --overlay stats; rc=$?
[ $rc -eq 0 ] && ok || bad "--overlay stats: exit $rc"
"$MMR" still "$scenes/gqa-decode.yaml" -o "$work/plain.png" --size 320x180
"$MMR" diff "$work/plain.png" "$work/ov.png" --json > "$work/ov.json"; rc=$?
[ $rc -eq 1 ] && python3 -c "
import json, sys; j = json.load(open(sys.argv[1])); assert j['differing_pixels'] > 200, j" "$work/ov.json" && ok || bad "overlay adds no text: $(cat "$work/ov.json")"
expect_error overlay-gpu 1 "--gpu x100: unknown GPU 'x100'" -- still "$scenes/gqa-decode.yaml" -o "$work/x.png" --overlay stats --gpu x100
[ ! -e "$work/x.png" ] && ok || bad "overlay-gpu: an output file was written"
stderr_of overlay-kind 2 still "$scenes/gqa-decode.yaml" -o "$work/x.png" --overlay costs &&
  [[ "$out" == "mmr still: error: --overlay costs: unknown value; choose one of: stats"* ]] && ok || bad "overlay-kind: $out"

# Bad presets: one line naming the key, no output file.
bad_preset() {
  local name=$1 text=$2 want=$3
  printf '%s\n' "$text" > "$work/$name.yaml"
  expect_error "$name" 1 "$want" -- still "$work/$name.yaml" -o "$work/$name.png"
  [ ! -e "$work/$name.png" ] && ok || bad "$name: an output file was written"
  expect_error "$name-stats" 1 "$want" -- stats "$work/$name.yaml"
}
bad_preset kv 'attention: {variant: gqa, d_model: 4096, heads: 32, kv_heads: 6, seq: 1}' \
  "32 heads cannot be split evenly among 6 kv_heads; write a divisor of heads for 'attention.kv_heads'"
bad_preset hd 'attention: {variant: gqa, d_model: 4096, heads: 32, kv_heads: 8, head_dim: 64, seq: 1}' \
  "head_dim 64 x heads 32 = 2048, not d_model 4096; write 'head_dim: 128'"
bad_preset mla 'attention: {variant: mla, d_model: 7168, heads: 128, head_dim: 128, seq: 1}' \
  "MLA needs its latent sizes: 'attention.kv_latent' (d_c) and 'attention.rope_dim' (d_rope)"
bad_preset ctx 'attention: {variant: mha, d_model: 768, heads: 12, phase: decode}' \
  "decode needs the cached tokens: 'attention.context' is missing"
bad_preset tp 'attention: {variant: mha, d_model: 768, heads: 12, seq: 4, tp: 5}' \
  "tp 5 does not divide the 12 heads"
bad_preset dtype 'attention: {variant: mha, d_model: 768, heads: 12, seq: 4, dtype: e4m3}' \
  "unknown dtype 'e4m3' in 'attention.dtype'; write one of: fp32, tf32, bf16, fp16, fp8"
bad_preset big 'attention: {variant: mha, d_model: 768, heads: 12, seq: 100000, show: {tokens: 100000}}' \
  "attention.show: the drawn subset would have about"
bad_preset dp 'attention: {variant: mha, d_model: 768, heads: 12, seq: 4, batch: 3, dp: 2}' \
  "dp 2 does not divide the 3 requests; write a dp that divides the batch"
# attention.weights: a 2x2 float32 tensor where the layer needs wk [64, 64].
python3 - "$work/w.safetensors" <<'PY'
import json, struct, sys
h = json.dumps({"k": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]}}).encode()
h += b" " * (-len(h) % 8)
open(sys.argv[1], "wb").write(struct.pack("<Q", len(h)) + h + struct.pack("<4f", 1, 2, 3, 4))
PY
bad_preset weights 'attention: {variant: mha, d_model: 64, heads: 4, seq: 4, weights: {file: w.safetensors, wk: k}}' \
  "attention.weights.wk: 'k' is 2x2 but this MHA layer needs 64x64 ([out, in]: 64 outputs, 64 inputs)"
bad_preset weights-missing 'attention: {variant: mha, d_model: 64, heads: 4, seq: 4, weights: {file: w.safetensors, wv: v_proj}}' \
  "attention.weights.wv: $work/w.safetensors: no tensor 'v_proj' in this file; tensors in it: k"
bad_preset weights-file 'attention: {variant: mha, d_model: 64, heads: 4, seq: 4, weights: {file: nope.npz, wq: q}}' \
  "attention.weights.wq: the weights file 'nope.npz' does not exist"

finish stats
