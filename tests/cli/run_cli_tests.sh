#!/usr/bin/env bash
# Command-line tests: run the mmr binary as a user would and check exit codes,
# the one-line error text, and that no output file is left behind on failure.
# Needs MMR (path to the binary) and MMR_SOURCE_DIR.
set -u
: "${MMR:?set MMR to the mmr binary}"
: "${MMR_SOURCE_DIR:?set MMR_SOURCE_DIR}"
source "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

scene() { printf '%s\n' "$2" > "$work/$1"; }

# --- a good render -----------------------------------------------------------
scene good.yaml 'expr: A @ B
matrices:
  A: {shape: [8, 6]}
  B: {shape: [6, 4]}'
if "$MMR" still "$work/good.yaml" -o "$work/good.png" --size 320x200 2>"$work/err"; then
  if [ -s "$work/good.png" ] && head -c 8 "$work/good.png" | od -An -c | grep -q 'P   N   G'; then ok; else bad "good render: no PNG written"; fi
  if grep -q "mmr:scene" "$work/good.png"; then ok; else bad "good render: scene text chunk missing"; fi
else
  bad "good render failed: $(cat "$work/err")"
fi
ls "$work" | grep -q '\.tmp' && bad "temporary file left behind" || ok
# The picture re-renders from itself: the PNG carries its scene.
"$MMR" still "$work/good.png" -o "$work/again-from-png.png" --size 320x200 2>/dev/null &&
  cmp -s "$work/good.png" "$work/again-from-png.png" && ok || bad "re-render from the PNG's scene differs"
printf 'not a png' > "$work/plain.png"

# --- every bad input: one line, non-zero exit, no output file ----------------
scene malformed.yaml 'expr: [A @ B'
expect_error "malformed YAML" 1 "malformed.yaml:2:1: malformed YAML" -- still "$work/malformed.yaml" -o "$work/o1.png"
scene unknown.yaml 'expr: A @ B
deco: {lgends: 2}'
expect_error "unknown key" 1 "unknown.yaml:2:8: unknown key 'deco.lgends'; did you mean 'legends'?" -- still "$work/unknown.yaml" -o "$work/o2.png"
scene init.yaml 'expr: A @ B
matrices:
  A: {init: gausian}'
expect_error "unknown init" 1 "did you mean 'gaussian'?" -- still "$work/init.yaml" -o "$work/o3.png"
scene epilog.yaml 'expr: A @ B
matmuls:
  A @ B: {epilog: rellu}'
expect_error "unknown epilog" 1 "did you mean 'relu'?" -- still "$work/epilog.yaml" -o "$work/o4.png"
scene scheme.yaml 'expr: A @ B
layout: {scheme: zigzig}'
expect_error "unknown scheme" 1 "did you mean 'zigzag'?" -- still "$work/scheme.yaml" -o "$work/o5.png"
scene expr.yaml 'expr: A @ (B @ C'
expect_error "expression" 1 "expr.yaml:1:17: expected ')'" -- still "$work/expr.yaml" -o "$work/o6.png"
scene twice.yaml 'expr: A @ B
matrices:
  A: {shape: [4, 4]}
  A: {shape: [4, 5]}'
expect_error "defined twice" 1 "given twice" -- still "$work/twice.yaml" -o "$work/o7.png"
scene chain.yaml 'expr: A @ B
matrices:
  A: {shape: [32, 24]}
  B: {shape: [16, 32]}'
expect_error "shapes do not chain" 1 "'A' is 32x24 but 'B' is 16x32" -- still "$work/chain.yaml" -o "$work/o8.png"
scene zero.yaml 'expr: A @ B
matrices:
  A: {shape: [0, 3]}'
expect_error "zero size" 1 "sizes must be positive" -- still "$work/zero.yaml" -o "$work/o9.png"
scene huge.yaml 'expr: A @ B
matrices:
  A: {shape: [1000000, 1000000]}'
expect_error "too big" 1 "would need about" -- still "$work/huge.yaml" -o "$work/o10.png"
scene nocsv.yaml 'expr: A @ B
matrices:
  A: {file: missing.csv}'
expect_error "missing CSV" 1 "missing.csv" -- still "$work/nocsv.yaml" -o "$work/o11.png"
printf '1,2\n3,x\n' > "$work/bad.csv"
scene badcsv.yaml 'expr: A @ B
matrices:
  A: {file: bad.csv}'
expect_error "bad CSV" 1 "bad.csv:2:2" -- still "$work/badcsv.yaml" -o "$work/o12.png"
: > "$work/empty.csv"
scene emptycsv.yaml 'expr: A @ B
matrices:
  A: {file: empty.csv}'
expect_error "empty CSV" 1 "empty.csv" -- still "$work/emptycsv.yaml" -o "$work/o13.png"
scene throws.yaml 'expr: A @ B
matrices:
  A: {expr: "(function(){ while (true) {} })()"}'
expect_error "JS loop" 1 "did not finish" -- still "$work/throws.yaml" -o "$work/o14.png"
scene jsbad.yaml 'expr: A @ B
matrices:
  A: {expr: "i +* 2"}'
expect_error "JS syntax" 1 "jsbad.yaml:3:3: init expression 'i +* 2' does not compile" -- still "$work/jsbad.yaml" -o "$work/o15.png"
expect_error "PNG that is not a PNG" 1 "plain.png: not a PNG file" -- still "$work/plain.png" -o "$work/o22.png"
expect_error "missing scene" 1 "cannot open the scene file" -- still "$work/nope.yaml" -o "$work/o16.png"
expect_error "bad size" 1 "expected WIDTHxHEIGHT" -- still "$work/good.yaml" -o "$work/o17.png" --size 12by5
expect_error "bad extension" 1 "cannot write '.jpg' files" -- still "$work/good.yaml" -o "$work/o18.jpg"
expect_error "missing folder" 1 "does not exist" -- still "$work/good.yaml" -o "$work/no/such/o19.png"
expect_error "bad backend" 1 '--backend: unknown backend "vulkan"; choose auto, egl or osmesa' -- still "$work/good.yaml" -o "$work/o20.png" --backend vulkan
__EGL_VENDOR_LIBRARY_FILENAMES=/nonexistent MMR_OSMESA_LIBRARY=/nonexistent/libOSMesa.so \
  expect_error "no GL at all" 1 "no usable OpenGL: EGL surfaceless failed" -- still "$work/good.yaml" -o "$work/o21.png"
expect_error "usage" 2 "see 'mmr --help'" -- still
for i in $(seq 1 22); do
  [ -e "$work/o$i.png" ] || [ -e "$work/o$i.jpg" ] && bad "output o$i left behind after an error"
done
ok

# --- a failing render does not clobber an existing good output --------------
cp "$work/good.png" "$work/keep.png"
"$MMR" still "$work/chain.yaml" -o "$work/keep.png" 2>/dev/null
cmp -s "$work/good.png" "$work/keep.png" && ok || bad "existing output was changed by a failed render"

# --- both backends work and give the same picture ----------------------------
"$MMR" still "$work/good.yaml" -o "$work/egl.png" --size 320x200 --backend egl 2>/dev/null &&
"$MMR" still "$work/good.yaml" -o "$work/osmesa.png" --size 320x200 --backend osmesa 2>/dev/null &&
cmp -s "$work/egl.png" "$work/osmesa.png" && ok || bad "EGL and OSMesa renders differ or failed"

# --- determinism: two runs give the same bytes --------------------------------
"$MMR" still "$work/good.yaml" -o "$work/again.png" --size 320x200 2>/dev/null
cmp -s "$work/good.png" "$work/again.png" && ok || bad "two renders of the same scene differ"

# --- every shipped scene validates -----------------------------------------
for s in "$MMR_SOURCE_DIR"/scenes/*.yaml; do
  "$MMR" check "$s" >/dev/null 2>"$work/err" && ok || bad "scene $s: $(cat "$work/err")"
done

finish cli
