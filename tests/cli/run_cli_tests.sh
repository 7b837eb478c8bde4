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
expect_error "too big" 1 "makes the scene need about" -- still "$work/huge.yaml" -o "$work/o10.png"
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
expect_stderr "usage" 2 "mmr still: error: missing SCENE
usage: mmr still SCENE... -o OUT.png|TEMPLATE|- [options]; see 'mmr still --help'" -- still
for i in $(seq 1 22); do
  [ -e "$work/o$i.png" ] || [ -e "$work/o$i.jpg" ] && bad "output o$i left behind after an error"
done
ok

# --- command-line mistakes: exit 2, one error line (+ the command's usage) ------
commands="still, render, check, import, export, diff, test, stats, expand, heatmap, chart, join"
still_usage="usage: mmr still SCENE... -o OUT.png|TEMPLATE|- [options]; see 'mmr still --help'"
render_usage="usage: mmr render SCENE... -o OUT.mp4|.webm|.mov|.webp|.apng|.gif|DIR/f{frame:04}.png|TEMPLATE [options]; see 'mmr render --help'"
expect_stderr "unknown command" 2 "mmr: error: unknown command 'stil'; did you mean 'still'? commands: $commands" -- stil "$work/good.yaml" -o "$work/u1.png"
expect_stderr "unknown command, no guess" 2 "mmr: error: unknown command 'paint'; commands: $commands; see 'mmr --help'" -- paint
expect_stderr "no command" 2 "mmr: error: a command is needed: one of $commands; see 'mmr --help'" --
expect_stderr "option before the command" 2 "mmr: error: unknown option '--size'; give a command first: $commands; see 'mmr --help'" -- --size 64x64
expect_stderr "option before its command" 2 "mmr: error: '--size' is an option of 'mmr still'; put it after the command" -- --size 64x64 still "$work/good.yaml" -o "$work/u12.png"
expect_stderr "unknown option" 2 "mmr still: error: unknown option '--sizes'; did you mean '--size'?
$still_usage" -- still "$work/good.yaml" --sizes 10x10
expect_stderr "unknown option, -o given" 2 "mmr still: error: unknown option '--sizes'; did you mean '--size'?
$still_usage" -- still "$work/good.yaml" -o "$work/u2.png" --sizes=10x10
expect_stderr "option of another command" 2 "mmr still: error: unknown option '--fps'; it is an option of 'mmr render'
$still_usage" -- still "$work/good.yaml" -o "$work/u3.png" --fps 10
expect_stderr "mmr's own option after the command" 2 "mmr still: error: unknown option '--version'; it goes before the command: mmr --version
$still_usage" -- still "$work/good.yaml" -o "$work/u4.png" --version
# Several scenes are a batch (docs/figures.md): one output for two is refused before rendering.
expect_error "two scenes, one output" 1 "two renders would write one file: $work/good.yaml and second.yaml both write $work/u5.png" -- \
  still "$work/good.yaml" second.yaml -o "$work/u5.png"
expect_stderr "missing option" 2 "mmr still: error: missing required option -o/--output
$still_usage" -- still "$work/good.yaml"
expect_stderr "option without its value" 2 "mmr still: error: --output needs a value
$still_usage" -- still "$work/good.yaml" -o
expect_stderr "not a number" 2 "mmr render: error: --fps ten: not a number
$render_usage" -- render "$work/good.yaml" -o "$work/u6.mp4" --fps ten
expect_stderr "not a whole number" 2 "mmr still: error: --seed 1.5: not a whole number
$still_usage" -- still "$work/good.yaml" -o "$work/u7.png" --seed 1.5
expect_stderr "value not in the set" 2 "mmr still: error: --aa smoth: unknown value; did you mean 'smooth'? choose one of: msaa, smooth, none
$still_usage" -- still "$work/good.yaml" -o "$work/u8.png" --aa smoth
expect_stderr "value out of range" 2 "mmr render: error: --crf 70: out of range; use 0 to 63
$render_usage" -- render "$work/good.yaml" -o "$work/u9.mp4" --crf 70
expect_stderr "flag with a value" 2 "mmr render: error: --quiet=maybe: a flag takes no value; write just --quiet
$render_usage" -- render "$work/good.yaml" -o "$work/u10.mp4" --quiet=maybe
expect_stderr "option needs another" 2 "mmr still: error: --metric requires --reference
$still_usage" -- still "$work/good.yaml" -o "$work/u11.png" --metric psnr
expect_stderr "diff usage" 2 "mmr diff: error: missing B
usage: mmr diff A.png B.png [--diff D.png] [options]; see 'mmr diff --help'" -- diff "$work/good.png"
expect_stderr "test usage" 2 "mmr test: error: missing required option --references
usage: mmr test SCENES... --references DIR [options]; see 'mmr test --help'" -- test "$work"
for f in u1.png u2.png u3.png u4.png u5.png u6.mp4 u7.png u8.png u9.mp4 u10.mp4 u11.png u12.png; do
  [ -e "$work/$f" ] && bad "output $f written after a usage error"
done
ok

# --- --version and --help --------------------------------------------------------
out=$("$MMR" --version 2>&1); rc=$?
[ "$rc" -eq 0 ] && [[ "$out" =~ ^mmr\ [0-9]+\.[0-9]+\.[0-9]+$ ]] && ok || bad "--version: exit $rc, printed '$out'"
for c in still render check import export diff test; do
  help=$("$MMR" $c --help 2>&1); rc=$?
  [ "$rc" -eq 0 ] || bad "$c --help: exit $rc"
  grep -q "^  mmr $c " <<<"$help" && ok || bad "$c --help has no example command line"
  grep -Eq "^Exit codes: 0 .*, 2 .*[,;] 3 internal error" <<<"$help" && ok || bad "$c --help has no exit codes line"
done
"$MMR" render --help | grep -q "130 interrupted" && ok || bad "render --help does not list exit 130"
"$MMR" diff --help | grep -q "^Exit codes: 0 same (within the tolerance), 1 different" && ok || bad "diff --help exit codes"

# --- scene files that are not scenes -----------------------------------------
# A folder is its scenes (a batch): with one output file, two of them collide.
expect_error "folder as scene" 1 "two renders would write one file" -- still "$work" -o "$work/s1.png"
mkdir "$work/folder.yaml"
expect_stderr "folder named .yaml" 1 "mmr: error: $work/folder.yaml: the folder holds no scene (*.yaml, *.yml); give scene files, a folder of scenes or a pattern" -- still "$work/folder.yaml" -o "$work/s2.png"
expect_stderr "folder for check" 1 "mmr: error: $work/folder.yaml: is a folder, not a scene file; give a .yaml scene, a .json params file, a .png written by mmr or an mm link" -- check "$work/folder.yaml"
: > "$work/empty.yaml"
expect_stderr "empty scene" 1 "mmr: error: $work/empty.yaml: the file is empty; a scene needs at least 'expr: A @ B'" -- still "$work/empty.yaml" -o "$work/s3.png"
printf '\n  \n# only a comment\n\t\n' > "$work/comments.yaml"
expect_stderr "comments only" 1 "mmr: error: $work/comments.yaml: the file is empty; a scene needs at least 'expr: A @ B'" -- still "$work/comments.yaml" -o "$work/s4.png"
printf 'expr: A @ B\nmatrices:\n\tA: {shape: [8, 6]}\n' > "$work/tab.yaml"
expect_stderr "tab indentation" 1 "mmr: error: $work/tab.yaml:3:1: tabs are not allowed in YAML indentation; indent with spaces" -- still "$work/tab.yaml" -o "$work/s5.png"
printf 'expr: A @ B\nmatrices:\n  A:\n  \tshape: [8, 6]\n' > "$work/tab2.yaml"
expect_stderr "tab after spaces" 1 "mmr: error: $work/tab2.yaml:4:3: tabs are not allowed in YAML indentation; indent with spaces" -- render "$work/tab2.yaml" -o "$work/s6.mp4"
# Tabs inside quoted strings and flow continuations are not indentation.
printf 'expr: "A\t@ B"\nmatrices:\n  A: {shape: [8,\n\t6]}\n' > "$work/tabok.yaml"
"$MMR" check "$work/tabok.yaml" >/dev/null 2>"$work/err" && ok || bad "tabs inside values rejected: $(cat "$work/err")"
for f in s1.png s2.png s3.png s4.png s5.png s6.mp4; do
  [ -e "$work/$f" ] && bad "output $f written for a bad scene"
done
ok

# --- render progress for machines: stderr not a terminal --------------------------
printf 'expr: A @ B\nmatrices:\n  A: {shape: [6, 4]}\n  B: {shape: [4, 6]}\nanim: {alg: vmprod, speed: 10}\n' > "$work/anim.yaml"
num='[0-9]+\.[0-9]'
render() { "$MMR" render "$work/anim.yaml" -o "$work/p.mp4" --size 64x64 --fps 10 "$@" 2>"$work/progress"; }
# auto (the default) off a terminal: one summary line.
if render && [ -s "$work/p.mp4" ]; then
  [ "$(wc -l <"$work/progress")" -eq 1 ] &&
    grep -Eqx "mmr render: wrote $work/p.mp4: 6 frames in $num s \($num frames/s\)" "$work/progress" && ok ||
    bad "auto progress: $(cat "$work/progress")"
else
  bad "render for progress failed: $(cat "$work/progress")"
fi
# plain: the last frame's line (more every 2 s), then the summary.
render --progress plain
grep -Eqx "frame 6/6 \(100\.0 %\) $num frames/s eta 0\.0 s" "$work/progress" &&
  [ "$(tail -1 "$work/progress" | cut -d: -f1)" = "mmr render" ] &&
  [ "$(grep -Evc "^frame [0-9]+/6 \($num %\) $num frames/s eta $num s$" "$work/progress")" -eq 1 ] && ok ||
  bad "plain progress: $(cat "$work/progress")"
# json: every line parses; the last progress object and the final one count 6 frames.
render --progress json
python3 -c '
import json, sys
lines = open(sys.argv[1]).read().splitlines()
objs = [json.loads(l) for l in lines]
*steps, last = objs
assert steps, "no progress objects"
for o in steps:
    assert set(o) == {"frame", "frames", "fps", "eta_s"}, o
    assert o["frames"] == 6 and 1 <= o["frame"] <= 6, o
assert steps[-1]["frame"] == 6, steps[-1]
assert last["done"] is True and last["output"] == sys.argv[2], last
assert last["frames"] == 6 and last["seconds"] > 0 and last["fps"] > 0, last
' "$work/progress" "$work/p.mp4" && ok || bad "json progress: $(cat "$work/progress")"
# -q wins over --progress; none prints nothing; the video is written either way.
rm -f "$work/p.mp4"
render -q --progress json && [ ! -s "$work/progress" ] && [ -s "$work/p.mp4" ] && ok || bad "-q printed: $(cat "$work/progress")"
render --progress none && [ ! -s "$work/progress" ] && ok || bad "--progress none printed: $(cat "$work/progress")"
expect_stderr "unknown progress mode" 2 "mmr render: error: --progress jsn: unknown value; did you mean 'json'? choose one of: auto, bar, plain, json, none
$render_usage" -- render "$work/anim.yaml" -o "$work/p2.mp4" --progress jsn
[ -e "$work/p2.mp4" ] && bad "p2.mp4 written after a usage error" || ok

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

# --- expression limits (include/mmr/core/limits.h): huge inputs, no crash ----
# Generated here; "expr: " puts the expression at column 7.
python3 - "$work" <<'PY'
import sys
w = sys.argv[1]
def scene(name, expr):
    open(f"{w}/{name}", "w").write("expr: " + expr + "\n")
scene("chain20000.yaml", " @ ".join(["A"] * 20000))
scene("chain4096.yaml", " @ ".join(["A"] * 4096))
scene("nest1m.yaml", "(" * 1000000 + "A @ B" + ")" * 1000000)
scene("right10k.yaml", "A @ (" * 10000 + "A @ B" + ")" * 10000)
scene("longname.yaml", "A @ " + "n" * 300)
scene("named_left.yaml", "(x = a @ b) @ (c @ d)")
PY
expect_error "20000-operand chain" 1 "chain20000.yaml:1:16393: the expression has 19999 matmuls ('@'); at most 4096 are allowed: split the scene into several" -- check "$work/chain20000.yaml"
if "$MMR" check "$work/chain4096.yaml" >"$work/chain.out" 2>"$work/err"; then
  # 4095 matmuls listed after the "ok" line; generated names stay short
  [ "$(wc -l < "$work/chain.out")" -eq 4096 ] && ok || bad "4096 chain: $(wc -l < "$work/chain.out") lines"
  [ "$(wc -L < "$work/chain.out")" -lt 1000 ] && ok || bad "4096 chain: a line of $(wc -L < "$work/chain.out") bytes"
  # "A @ ... @ A" of 65 operands would be 257 bytes: the 64th '@' is named "@64"
  grep -q '^  @64 = A @ A @ ' "$work/chain.out" && grep -qx '  @64 @ A = @64 @ A  (32x32 @ 32x32, epilog none)' "$work/chain.out" &&
    ok || bad "4096 chain: no '@64' fallback name"
else
  bad "4096-operand chain refused: $(cat "$work/err")"
fi
# ... and renders: every stage walks a tree 4096 deep (on mmr's own large stack,
# whatever the shell's stack limit)
printf 'matrices:\n  A: {shape: [2, 2]}\n' >> "$work/chain4096.yaml"
(ulimit -s 8192; "$MMR" still "$work/chain4096.yaml" -o "$work/chain4096.png" --size 64x64 2>"$work/err") &&
  [ -s "$work/chain4096.png" ] && ok || bad "4096-operand chain does not render: $(cat "$work/err")"
expect_error "1M nested parentheses" 1 "nest1m.yaml:1:263: the expression nests parentheses 1000000 deep; at most 256 are allowed" -- check "$work/nest1m.yaml"
expect_error "right nesting 10k" 1 "right10k.yaml:1:1291: the expression nests parentheses 10000 deep; at most 256 are allowed" -- check "$work/right10k.yaml"
expect_error "name over 256 bytes" 1 "longname.yaml:1:11: the name 'nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn...' is 300 bytes long; at most 256 are allowed: use a shorter name" -- check "$work/longname.yaml"
# export writes an expr that parses back (mm's genExpr wrote "x @ (c @ d) = ...")
if link=$("$MMR" export "$work/named_left.yaml" 2>"$work/err"); then
  python3 -c 'import sys, json, urllib.parse as u
q = u.parse_qs(u.urlparse(sys.argv[1]).query)
p = json.loads(q["params"][0])
assert p["expr"] == "(x = a @ b) @ (c @ d)", p["expr"]
assert p["name"] == "x @ (c @ d)", p["name"]' "$link" && ok || bad "export of named_left: wrong expr"
  "$MMR" import "$link" -o "$work/named_left_back.yaml" 2>"$work/err" &&
    grep -qx 'expr: "(x = a @ b) @ (c @ d)"' "$work/named_left_back.yaml" && ok ||
    bad "named_left does not import back: $(cat "$work/err" "$work/named_left_back.yaml")"
else
  bad "export of named_left failed: $(cat "$work/err")"
fi
expect_error "export deeper than a link" 1 "chain4096.yaml:1:7: the expression is 4095 matmuls deep, too deep for an mm link; mm links hold at most 200" -- export "$work/chain4096.yaml"

# --- every shipped scene validates -----------------------------------------
for s in "$MMR_SOURCE_DIR"/scenes/*.yaml; do
  "$MMR" check "$s" >/dev/null 2>"$work/err" && ok || bad "scene $s: $(cat "$work/err")"
done

# --- found by the scene fuzzer: yaml-cpp's LoadAll looped for ever on these 4 bytes ---
printf ',Q%%:' > "$work/loop.yaml"
timeout 20 "$MMR" check "$work/loop.yaml" > /dev/null 2> "$work/err"; rc=$?
[ $rc -eq 1 ] && ok || bad "',Q%:' as a scene: exit $rc (124 = hung), $(cat "$work/err")"

finish cli
