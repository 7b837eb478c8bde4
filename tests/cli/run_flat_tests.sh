#!/usr/bin/env bash
# mmr heatmap: outputs in PNG/SVG/PDF, grids, tokens, scenes, determinism, bad input.
set -u
source "$(dirname "$0")/lib.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/mmr-flat.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

# Tensors written here: a 4 x 12 x 12 causal attention (rows sum to 1), a 3-D weight stack.
python3 - <<'PY'
import struct, math, random
def save(path, shape, vals):
    hdr = "{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }" % (", ".join(map(str, shape)) + ("," if len(shape) == 1 else ""))
    hdr += " " * (64 - (10 + len(hdr) + 1) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(hdr)) + hdr.encode())
        f.write(struct.pack("<%df" % len(vals), *vals))
random.seed(1)
vals = []
for h in range(4):
    for i in range(12):
        e = [math.exp(random.gauss(0, 1)) for _ in range(i + 1)]
        vals += [x / sum(e) for x in e] + [0.0] * (11 - i)
save("attn.npy", (4, 12, 12), vals)
save("stack.npy", (2, 3, 5, 7), [random.gauss(0, 1) for _ in range(2 * 3 * 5 * 7)])
save("vec.npy", (5,), [1, 2, 3, 4, 5])
PY
printf 'The\nquick\nbrown\nfox\njumps\nover\nthe\nlazy\ndog\nand\nthen\nsleeps\n' > tokens.txt
printf 'a\nb\n' > short.txt
printf '1,2,3\n4,5,6\n' > m.csv
printf '1,2,3\n4,5\n' > ragged.csv

# The three formats, from one grid command.
for ext in png svg pdf; do
  if "$MMR" heatmap attn.npy --grid heads --tokens tokens.txt --causal --title "four heads" -o "heads.$ext" 2>err.txt; then ok; else bad "heads.$ext: $(cat err.txt)"; fi
done
# PNG: the size asked for, the command recorded.
"$MMR" heatmap attn.npy --grid heads -o sized.png --size 900x700 || bad "sized.png"
if [ "$(od -An -tu1 -j16 -N8 sized.png | tr -s ' ')" = " 0 0 3 132 0 0 2 188" ]; then ok; else bad "sized.png is not 900x700"; fi
if grep -aq "mmr heatmap attn.npy --grid heads --size 900x700" sized.png; then ok; else bad "PNG lacks its command"; fi
# SVG: well-formed XML, labels as text.
if command -v xmllint >/dev/null; then
  if xmllint --noout heads.svg; then ok; else bad "heads.svg is not well-formed XML"; fi
  n=$(xmllint --xpath 'count(//*[local-name()="text"])' heads.svg)
  if [ "$n" -ge 100 ]; then ok; else bad "heads.svg has $n text elements"; fi
  if xmllint --xpath '//*[local-name()="text"][text()="sleeps"]' heads.svg >/dev/null 2>&1; then ok; else bad "heads.svg lacks the token 'sleeps' as text"; fi
else
  echo "SKIP: xmllint not installed (apt-get install libxml2-utils)"
fi
# PDF: one page of the size asked for (96 px per inch), text extractable.
if command -v pdfinfo >/dev/null; then
  "$MMR" heatmap attn.npy --grid heads --size 1000x800 -o page.pdf || bad "page.pdf"
  info=$(pdfinfo page.pdf)
  if [[ "$info" == *"Pages:           1"* && "$info" == *"Page size:       750 x 600 pts"* ]]; then ok; else bad "page.pdf: $info"; fi
  if pdftotext heads.pdf - | grep -qx "four heads"; then ok; else bad "heads.pdf: title not extractable as text"; fi
  if pdftotext heads.pdf - | grep -qx "sleeps"; then ok; else bad "heads.pdf: token not extractable as text"; fi
else
  echo "SKIP: pdfinfo not installed (apt-get install poppler-utils)"
fi
# Same bytes on re-render, every format.
for ext in png svg pdf; do
  "$MMR" heatmap attn.npy --grid heads --tokens tokens.txt --causal --title "four heads" -o "again.$ext"
  if cmp -s "heads.$ext" "again.$ext"; then ok; else bad "heads.$ext differs on re-render"; fi
done
# Other inputs: a 4-D slice, a 1-D array, CSV, a scene's matrix (a result after its epilog).
"$MMR" heatmap stack.npy --index 1,2 -o slice.png && ok || bad "stack.npy --index 1,2"
"$MMR" heatmap stack.npy --grid 1 --index 0 -o grid1.png && ok || bad "stack.npy --grid 1 --index 0"
"$MMR" heatmap vec.npy -o vec.png && ok || bad "vec.npy"
"$MMR" heatmap m.csv -o m.svg && ok || bad "m.csv"
cat > scene.yaml <<'YAML'
expr: out = (attn = Q @ K_t) @ V
matrices:
  Q: {shape: [6, 4]}
  K_t: {shape: [4, 6]}
  V: {shape: [6, 3]}
matmuls:
  attn: {epilog: softmax}
YAML
"$MMR" heatmap scene.yaml --matrix attn -o attn.png && ok || bad "scene --matrix attn"

# Charts: the plotted numbers are mmr stats' numbers.
scenes=${MMR_SOURCE_DIR:-}/scenes/attention
if [ -d "$scenes" ]; then
  "$MMR" chart kv-cache "$scenes/mha-decode.yaml" "$scenes/gqa-decode.yaml" "$scenes/mqa-decode.yaml" "$scenes/mla-decode.yaml" \
    --context 1k:64k --gpu h100-sxm --layers 32 -o kv.svg --data kv.csv || bad "chart kv-cache"
  for v in mha gqa mqa mla; do
    per_token=$("$MMR" stats "$scenes/$v-decode.yaml" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["attention"]["kv_cache"]["bytes_per_token"])')
    got=$(python3 -c 'import csv,sys; print([r["y"] for r in csv.DictReader(open("kv.csv")) if r["series"].startswith(sys.argv[1] + " ") and r["x"] == "4096"][0])' "$v-decode")
    if python3 -c "import sys; sys.exit(0 if abs($got - $per_token * 4096 * 32) < 1e-6 * $got else 1)"; then ok; else bad "kv-cache $v at 4k: $got, stats says $per_token per token"; fi
  done
  "$MMR" chart roofline "$scenes/gqa-decode.yaml" --gpu a100-sxm-80gb,h100-sxm -o roof.png --data roof.csv || bad "chart roofline"
  want=$("$MMR" stats "$scenes/gqa-decode.yaml" --csv | python3 -c 'import csv,sys; print(sorted(round(float(r["intensity"]),6) for r in csv.DictReader(sys.stdin) if r["op"]!="total" and float(r["flops"])>0))')
  got=$(python3 -c 'import csv; print(sorted(round(float(r["x"]),6) for r in csv.DictReader(open("roof.csv")) if r["series"].endswith("ops on a100-sxm-80gb")))')
  if [ "$want" = "$got" ]; then ok; else bad "roofline intensities $got, stats says $want"; fi
  expect_error "chart kind" 1 "chart kv: is not a chart kind; did you mean 'kv-cache'?" -- chart kv "$scenes/gqa-decode.yaml" -o x.png
  expect_error "kv of a plain scene" 1 "is not an attention preset" -- chart kv-cache scene.yaml -o x.png
  expect_error "unknown gpu" 1 "--gpu" -- chart roofline "$scenes/gqa-decode.yaml" --gpu h200 -o x.png
  expect_error "context" 1 "--context 8k:1k: FROM is not below TO" -- chart kv-cache "$scenes/gqa-decode.yaml" --context 8k:1k -o x.png
else
  echo "SKIP: charts (set MMR_SOURCE_DIR to the source tree)"
fi

# --view flat: stills of animation steps and a video, drawn without GL.
cat > dot.yaml <<'YAML'
expr: C = A @ B
matrices:
  A: {shape: [6, 4], init: row major}
  B: {shape: [4, 5], init: col major}
anim: {alg: dotprod (row major)}
YAML
"$MMR" still dot.yaml --view flat --step 1 -o flat1.png --size 320x240 || bad "still --view flat --step 1"
"$MMR" still dot.yaml --view flat --step 30 -o flat30.png --size 320x240 || bad "still --view flat --step 30"
"$MMR" still dot.yaml --view flat --step 30 -o flat30b.png --size 320x240
if cmp -s flat30.png flat30b.png; then ok; else bad "--view flat: same step, different bytes"; fi
if cmp -s flat1.png flat30.png; then bad "--view flat: step 1 and step 30 are the same picture"; else ok; fi
if [ "$(od -An -tu1 -j16 -N8 flat1.png | tr -s ' ')" = " 0 0 1 64 0 0 0 240" ]; then ok; else bad "flat1.png is not 320x240"; fi
"$MMR" render dot.yaml --view flat -o "flat-{frame:04}.png" --size 160x120 --fps 10 -q || bad "render --view flat"
"$MMR" render dot.yaml -o "cube-{frame:04}.png" --size 160x120 --fps 10 -q || bad "render (3d)"
n=$(ls flat-0*.png 2>/dev/null | wc -l)
if [ "$n" -gt 1 ] && [ "$n" -eq "$(ls cube-0*.png | wc -l)" ]; then ok; else bad "render --view flat wrote $n frames, the 3D view $(ls cube-0*.png | wc -l)"; fi
if cmp -s flat-0000.png "flat-$(printf %04d $((n - 1))).png"; then bad "--view flat: first and last frame are the same"; else ok; fi
if stderr_of "view name" 2 still dot.yaml --view side -o x.png; then
  [[ "$out" == *"--view side: unknown value; choose one of: 3d, flat"* ]] && ok || bad "view name: $out"
fi

# Bad input: one line, exit 1 (2 for usage), no file.
expect_error "unknown matrix" 1 "--matrix nope: is not a matrix of the scene; its matrices: Q, K_t, attn, V, out" -- heatmap scene.yaml --matrix nope -o x.png
expect_error "no matrix" 1 "which matrix?; give --matrix NAME (Q, K_t, attn, V, out)" -- heatmap scene.yaml -o x.png
expect_error "not 2-D" 1 "stack.npy: is 4-D [2, 3, 5, 7]; a heatmap shows 2 axes; give --index with 2 number(s) for the leading axes, or --grid heads" -- heatmap stack.npy -o x.png
expect_error "bad grid axis" 1 "--grid 3: is not a leading axis of this 4-axis tensor" -- heatmap stack.npy --grid 3 --index 0 -o x.png
expect_error "grid of a matrix" 1 "needs a tensor of 3 or more axes" -- heatmap vec.npy --grid heads -o x.png
expect_error "token count" 1 "--tokens: 2 tokens for 12 rows; give one token per row (one per line)" -- heatmap attn.npy --grid heads --tokens short.txt -o x.png
expect_error "colormap" 1 "--colormap: unknown colormap 'jet'; use one of viridis, magma, RdBu, gray, mm" -- heatmap attn.npy --grid heads --colormap jet -o x.png
expect_error "limits order" 1 "--limits: min 1 is not below max 0" -- heatmap attn.npy --grid heads --limits 1:0 -o x.png
expect_error "limits text" 1 "--limits 0:x: 'x' is not a finite number" -- heatmap attn.npy --grid heads --limits 0:x -o x.png
expect_error "extension" 1 "-o x.jpg: cannot write '.jpg' files; use one of: .png, .svg, .pdf" -- heatmap attn.npy --grid heads -o x.jpg
expect_error "ragged csv" 1 "ragged.csv:2: has 2 values, line 1 has 3; a heatmap needs every row the same length" -- heatmap ragged.csv -o x.png
expect_error "theme" 1 "--theme: unknown theme 'sepia'" -- heatmap attn.npy --grid heads --theme sepia -o x.png
expect_error "background" 1 "--background #12: is not a colour" -- heatmap attn.npy --grid heads --background '#12' -o x.png
expect_error "tensor on scene" 1 "is a scene: --tensor, --index and --grid are for tensor files" -- heatmap scene.yaml --tensor q -o x.png
if ls x.* 2>/dev/null | grep -q .; then bad "a failed command left $(ls x.*)"; else ok; fi
ls ./*.tmp-* >/dev/null 2>&1 && bad "temporary files left" || ok
finish "cli flat"
