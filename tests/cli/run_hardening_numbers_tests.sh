#!/usr/bin/env bash
# Issue #9 (frames/compute/memory limits, numbers, messages): what the command line
# says for out-of-range numbers and oversized scenes. Exact messages and exit codes,
# generated inputs only, every mmr call bounded by `timeout 20`. Needs MMR.
set -u
: "${MMR:?set MMR to the mmr binary}"
real_mmr=$(cd "$(dirname "$MMR")" && pwd)/$(basename "$MMR")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Every call through lib.sh is bounded in time: a regression into a hang fails (124).
printf '#!/bin/sh\nexec timeout 20 "%s" "$@"\n' "$real_mmr" > "$work/mmr"
chmod +x "$work/mmr"
MMR=$work/mmr
source "$(dirname "$0")/lib.sh"
cd "$work"
mkdir out

# no_output FILE: nothing was written at FILE.
no_output() { [ ! -e "$1" ] && ok || bad "partial output left at $1"; }

printf 'expr: A @ B\nanim: {alg: dotprod (row major)}\n' > ok.yaml
printf 'expr: A @ B\nanim: {alg: dotprod (row major), speed: 1e-6}\n' > slow.yaml
printf 'expr: A @ B\nanim: {spin: 1e-6}\n' > spin.yaml

# --- 1. frames ---------------------------------------------------------------
E="mmr: error:"
expect_stderr "anim.speed 1e-6" 1 "$E slow.yaml:2:41: anim.speed 1e-06 makes one cycle 3.072e+10 frames at 30 fps (1024 steps); at most 1000000 are rendered: raise anim.speed, lower --cycles or pass --max-frames" -- render slow.yaml -o out/a.mp4 --size 64x64
no_output out/a.mp4
expect_stderr "anim.spin 1e-6" 1 "$E spin.yaml:2:14: anim.spin 1e-06 makes one turn 3.76991e+09 frames at 30 fps; at most 1000000 are rendered: raise anim.spin, give --duration or pass --max-frames" -- render spin.yaml -o out/a.mp4 --size 64x64
expect_stderr "--cycles 1e12" 1 "$E --cycles 1e+12: makes 1.536e+15 frames at 30 fps (1536 a cycle); at most 1000000 are rendered: lower --cycles or pass --max-frames" -- render ok.yaml -o out/a.mp4 --size 64x64 --cycles 1e12
expect_stderr "--cycles 1e300" 1 "$E --cycles 1e+300: makes 1.536e+303 frames at 30 fps (1536 a cycle); at most 1000000 are rendered: lower --cycles or pass --max-frames" -- render ok.yaml -o out/a.mp4 --size 64x64 --cycles 1e300
for c in inf nan -1 0; do
  expect_stderr "--cycles $c" 1 "$E --cycles $c: the number of cycles must be a positive number; write e.g. '--cycles 1'" -- render ok.yaml -o out/a.mp4 --size 64x64 --cycles $c
done
expect_stderr "--duration 1e300" 1 "$E --duration 1e+300: makes 3e+301 frames at 30 fps; at most 1000000 are rendered: lower --duration or --fps, or pass --max-frames" -- render ok.yaml -o out/a.mp4 --size 64x64 --duration 1e300
for d in inf -1 nan; do
  expect_stderr "--duration $d" 1 "$E --duration $d: the duration must be a positive number of seconds; write e.g. '--duration 10'" -- render ok.yaml -o out/a.mp4 --size 64x64 --duration $d
done
for f in 1e-300 0 0.001 1001 inf nan; do
  expect_error "--fps $f" 1 ": the frame rate must be from 0.01 to 1000; write e.g. '--fps 30'" -- render ok.yaml -o out/a.mp4 --size 64x64 --fps $f
done
expect_stderr "--max-frames x" 1 "$E --max-frames x: expected a positive number; write e.g. '--max-frames 1e8'" -- render ok.yaml -o out/a.mp4 --max-frames x
expect_stderr "--max-frames 0" 1 "$E --max-frames 0: expected a positive number; write e.g. '--max-frames 1e8'" -- render ok.yaml -o out/a.mp4 --max-frames 0
expect_stderr "--max-frames too small" 1 "$E ok.yaml: anim.speed 20 makes one cycle 1536 frames at 30 fps (1024 steps); at most 100 are rendered: raise anim.speed, lower --cycles or pass --max-frames" -- render ok.yaml -o out/a.mp4 --size 64x64 --max-frames 100
expect_stderr "--cycles over --max-frames" 1 "$E --cycles 2: makes 3072 frames at 30 fps (1536 a cycle); at most 2000 are rendered: lower --cycles or pass --max-frames" -- render ok.yaml -o out/a.mp4 --size 64x64 --max-frames 2000 --cycles 2
# --max-frames raises the limit: a slice of the long timeline renders.
if "$MMR" render slow.yaml -o out/s.mp4 --size 64x64 --max-frames 1e11 --frames 0:2 -q 2>/dev/null && [ -s out/s.mp4 ]; then ok; else bad "--max-frames 1e11 --frames 0:2 did not render"; fi
expect_error "--frames overflow" 1 "--frames 0:99999999999999999999999: expected FIRST:LAST" -- render ok.yaml -o out/a.mp4 --size 64x64 --frames 0:99999999999999999999999

# --- 1. compute and memory ---------------------------------------------------
printf 'expr: A @ B\nmatrices:\n  A: {shape: [10000, 10000]}\n' > square.yaml
start=$(date +%s)
expect_stderr "10000x10000 square" 1 "$E square.yaml:3:14: matrices.A.shape [10000, 10000] makes the scene draw 1.01e+08 elements (matrix 'A' alone 1e+08); at most 20000000 are drawn; use a smaller shape or pass --max-elements" -- still square.yaml -o out/a.png
[ $(( $(date +%s) - start )) -le 5 ] && ok || bad "the 10000x10000 square took more than 5 s to refuse"
no_output out/a.png
expect_stderr "10000x10000 check" 1 "$E square.yaml:3:14: matrices.A.shape [10000, 10000] makes the scene draw 1.01e+08 elements (matrix 'A' alone 1e+08); at most 20000000 are drawn; use a smaller shape or pass --max-elements" -- check square.yaml
printf 'expr: A @ B\nmatrices:\n  A: {shape: [3000, 3000]}\n  B: {shape: [3000, 3000]}\n' > madds.yaml
expect_stderr "multiply-adds" 1 "$E madds.yaml:3:14: matrices.A.shape [3000, 3000] makes the matmuls need 2.7e+10 multiply-adds ('A @ B' alone 2.7e+10); at most 4000000000 are computed; use a smaller shape or pass --max-multiply-adds" -- still madds.yaml -o out/a.png --max-elements 1e9
expect_stderr "--max-multiply-adds" 1 "$E madds.yaml:3:14: matrices.A.shape [3000, 3000] makes the matmuls need 2.7e+10 multiply-adds ('A @ B' alone 2.7e+10); at most 1000 are computed; use a smaller shape or pass --max-multiply-adds" -- still madds.yaml -o out/a.png --max-multiply-adds 1000 --max-elements 1e9
expect_stderr "--max-elements bad" 1 "$E --max-elements -5: expected a positive number; write e.g. '--max-elements 1e8'" -- still ok.yaml -o out/a.png --max-elements -5
# The memory estimate against the process's real limit (here RLIMIT_AS).
printf 'expr: A @ B\nmatrices:\n  A: {shape: [5000, 5000]}\n  B: {shape: [5000, 5000]}\n' > mem.yaml
out=$(ulimit -v 2000000; "$MMR" still mem.yaml -o out/a.png --max-elements 1e9 2>&1 >/dev/null); rc=$?
[ "$rc" = 1 ] && [ "$out" = "$E mem.yaml:3:14: matrices.A.shape [5000, 5000] makes the scene need about 2.79 GiB of memory (matrix 'A' alone 954 MiB), more than the 1.43 GiB allowed (3/4 of the 1.91 GiB of RLIMIT_AS (ulimit -v)); use a smaller shape" ] && ok || bad "memory limit from RLIMIT_AS: exit $rc: $out"
no_output out/a.png
# Every shipped scene fits the limits (they are checked before values: check is enough).
src=${MMR_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
for s in "$src"/scenes/*.yaml "$src"/scenes/article/*.yaml; do
  "$MMR" check "$s" --data-dir "$src/scenes/article" >/dev/null 2>"$work/err" || { grep -q "elements\|multiply-adds\|memory" "$work/err" && bad "$(basename "$s") over a limit: $(cat "$work/err")"; }
done
ok

# --- 2. numbers --------------------------------------------------------------
expect_stderr "--size 4294967312x720" 1 "$E --size 4294967312x720: over 16384 pixels a side, the largest image mmr renders (the OpenGL maximum of llvmpipe); use e.g. --size 16384x16 (the same shape), or --size 3840x2160" -- still ok.yaml -o out/a.png --size 4294967312x720
expect_stderr "--size 2^64+" 1 "$E --size 99999999999999999999x720: width and height must be from 16 to 16384 pixels; write e.g. '--size 1920x1080'" -- still ok.yaml -o out/a.png --size 99999999999999999999x720
for s in 16x720x -16x720 1920x 0x16e3 ' 64x64'; do
  expect_stderr "--size '$s'" 1 "$E --size $s: expected WIDTHxHEIGHT; write e.g. '--size 1920x1080'" -- still ok.yaml -o out/a.png --size "$s"
done
still_usage="usage: mmr still SCENE... -o OUT.png|TEMPLATE|- [options]; see 'mmr still --help'"
expect_stderr "--seed -1" 2 "mmr still: error: --seed -1: out of range; use 0 to 18446744073709551615
$still_usage" -- still ok.yaml -o out/a.png --seed -1
expect_stderr "--seed 2^64" 2 "mmr still: error: --seed 18446744073709551616: out of range; use 0 to 18446744073709551615
$still_usage" -- still ok.yaml -o out/a.png --seed 18446744073709551616
expect_stderr "--seed 1e3" 2 "mmr still: error: --seed 1e3: not a whole number
$still_usage" -- still ok.yaml -o out/a.png --seed 1e3
# 2^64-1 is a seed; it differs from 0 in the picture of a random scene.
printf 'expr: A @ B\nmatrices:\n  A: {shape: [8, 8], init: uniform}\n' > rnd.yaml
"$MMR" still rnd.yaml -o out/s1.png --size 64x64 --seed 18446744073709551615 2>/dev/null && "$MMR" still rnd.yaml -o out/s0.png --size 64x64 --seed 0 2>/dev/null && ! cmp -s out/s1.png out/s0.png && ok || bad "--seed 2^64-1 renders and differs from --seed 0"
printf 'expr: A @ B\nseed: -1\n' > seed.yaml
expect_stderr "seed: -1" 1 "$E seed.yaml:2:7: 'seed' must be a whole number from 0 to 2^64-1; write 'seed: 1'" -- check seed.yaml
for c in '[.inf, 0, 0]' '[1e300, 1, 1]' '[-.inf, 1, 1]' '[.nan, 1, 1]'; do
  printf 'expr: A @ B\ncamera:\n  position: %s\n' "$c" > cam.yaml
  expect_error "camera $c" 1 "cam.yaml:3:13: 'camera.position' has the coordinate" -- still cam.yaml -o out/a.png --size 64x64
done
printf 'expr: A @ B\ncamera: {position: [1, 2, 3], target: [1, 2, 3]}\n' > cam.yaml
expect_stderr "camera at its target" 1 "$E cam.yaml:2:20: 'camera.position' equals 'camera.target'; the camera needs a direction: move it" -- still cam.yaml -o out/a.png
printf '{"expr": "A @ B", "cam": {"x": 1, "y": 2, "z": 3, "target": {"x": 1, "y": 2, "z": 3}}}' > cam.json
expect_stderr "link camera at its target" 1 "$E cam.json: 'cam' equals cam.target; the camera needs a direction: move it" -- check cam.json
printf '{"expr": "A @ B", "cam": {"x": 1e400, "y": 1, "z": 1}}' > big.json
expect_stderr "params JSON 1e400" 1 "$E big.json: the file holds the number 1e400, beyond the range of a double (at byte 32); use a number of at most 1.8e308 in magnitude" -- check big.json
expect_stderr "link -1e999" 1 "$E mm link: the params= value holds the number -1e999, beyond the range of a double (at byte 33); use a number of at most 1.8e308 in magnitude" -- check 'https://bhosmer.github.io/mm/index.html?params=%7B%22expr%22%3A%22A%20%40%20B%22%2C%22anim%22%3A%7B%22speed%22%3A-1e999%7D%7D'
printf 'expr: A @ B\nseed: 1\n---\nexpr: C @ D\n' > two.yaml
expect_stderr "second document" 1 "$E two.yaml:3:1: a second YAML document ('---'); a scene file holds one document: remove it or split the file" -- check two.yaml
printf 'expr: A @ B\n? [a, b]\n: 1\n' > key.yaml
expect_stderr "list as a key" 1 "$E key.yaml:2:3: a key of the scene is a list, not a name; write 'name: value'" -- check key.yaml
printf 'expr: A @ B\nmatrices:\n  ? {x: 1}\n  : {shape: [2, 2]}\n' > key.yaml
expect_stderr "mapping as a key" 1 "$E key.yaml:3:5: a key of 'matrices' is a mapping, not a name; write 'name: value'" -- check key.yaml
for v in '[1e300, 2]' '[-1e300, 2]'; do
  printf 'expr: A @ B\nmatrices:\n  A: {shape: %s}\n' "$v" > shape.yaml
  expect_error "shape $v" 1 "shape.yaml:3:14: 'matrices.A.shape' is [" -- check shape.yaml
done
for v in '[.inf, 2]' '[.nan, 2]'; do
  printf 'expr: A @ B\nmatrices:\n  A: {shape: %s}\n' "$v" > shape.yaml
  expect_stderr "shape $v" 1 "$E shape.yaml:3:14: 'matrices.A.shape' must be [rows, cols] (two whole numbers); write 'shape: [32, 24]'" -- check shape.yaml
done
printf 'expr: A @ B\nmatrices:\n  A: {file: a.npy, index: [1e300]}\n' > index.yaml
expect_stderr "index 1e300" 1 "$E index.yaml:3:27: 'matrices.A.index' must be a list of whole numbers; write e.g. 'index: [0, 3]' (positions on the leading axes)" -- check index.yaml
printf 'expr: A @ B\nblocks: {i: 1e300}\n' > blocks.yaml
expect_stderr "blocks 1e300" 1 "$E blocks.yaml:2:13: 'blocks.i' is 1e300, out of range; use a value from 1 to 1e+06" -- check blocks.yaml
# The duplicate-key check is linear: 100000 matrix keys, one given twice.
python3 -c "
import sys
sys.stdout.write('expr: A @ B\nmatrices:\n' + ''.join('  m%d: {}\n' % i for i in range(100000)) + '  m5: {}\n')" > dup.yaml
start=$(date +%s)
expect_stderr "duplicate among 100000 keys" 1 "$E dup.yaml:100003:3: key 'matrices.m5' is given twice; keep one of them" -- check dup.yaml
[ $(( $(date +%s) - start )) -le 10 ] && ok || bad "the duplicate-key check took more than 10 s"

# --- 3. messages -------------------------------------------------------------
python3 -c "
import sys
sys.stdout.write('expr: A @ B\nanim: {alg: ' + 'x' * 1000000 + '}\n')" > long.yaml
expect_stderr "1 MB value" 1 "$E long.yaml:2:13: unknown alg '$(printf 'x%.0s' $(seq 60))… (1000000 bytes)' in 'anim.alg'; choose one of: none, dotprod (row major), dotprod (col major), axpy, vmprod, mvprod, vvprod (what each does: docs/animation.md)" -- check long.yaml
printf 'expr: A @ B\nanim: {alg: "ab\xff\xfecd"}\n' > utf.yaml
expect_error "invalid UTF-8" 1 "utf.yaml:2:13: unknown alg 'ab\\xff\\xfecd' in 'anim.alg'" -- check utf.yaml
printf 'expr: A @ B\nanim: {alg: "a\\0b\\nc"}\n' > nul.yaml
expect_error "NUL and newline" 1 "nul.yaml:2:13: unknown alg 'a\\x00b\\nc' in 'anim.alg'" -- check nul.yaml
printf 'expr: A @ B\nmatrices:\n  "a\\0b": {shape: [2, 2]}\n' > nulkey.yaml
expect_error "NUL in a matrix name" 1 "nulkey.yaml:3:3: matrix 'a\\x00b' does not appear in the expression" -- check nulkey.yaml
printf 'expr: null @ B\nmatrices:\n  null: {shape: [2, 2]}\n' > null.yaml
expect_stderr "null as a matrix name" 1 "$E null.yaml:3:3: a key of 'matrices' is YAML's null (null, ~ or nothing before the ':'); to name a matrix or result 'null', quote it: '\"null\": ...'" -- check null.yaml
printf 'expr: null @ B\nmatrices:\n  "null": {shape: [2, 2]}\n' > null.yaml
"$MMR" check null.yaml >/dev/null 2>&1 && ok || bad "a quoted \"null\" matrix name is refused"

finish "cli_hardening_numbers"
