#!/usr/bin/env bash
# Issue #10 (parts 1, 3, 4, 5) as a user runs it: several scenes, folders and
# patterns per command, output templates and brace lists, --jobs, -o -, a failing
# scene among good ones, faithful re-rendering from a PNG, --background/--theme/
# --fit and their one-line errors. Needs MMR (path to the binary).
set -u
: "${MMR:?set MMR to the mmr binary}"
source "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/s" "$work/t" "$work/out" "$work/one"
cat > "$work/s/a.yaml" <<'YAML'
expr: A @ B
matrices: {A: {shape: [6, 4], init: gaussian}, B: {shape: [4, 5]}}
anim: {alg: vmprod, speed: 10}
YAML
cat > "$work/s/b.yaml" <<'YAML'
expr: out = (Q @ K_t) @ V
YAML
cat > "$work/s/c.yml" <<'YAML'
expr: L @ R
matrices: {L: {shape: [3, 9]}, R: {shape: [9, 12]}}
output: {theme: light}
YAML
cp "$work/s/b.yaml" "$work/t/b.yaml"
color_type() { od -An -tu1 -j25 -N1 "$1" | tr -d ' '; }  # PNG IHDR: 2 RGB, 6 RGBA

# Several scenes (a folder) and a template, two at a time: the same bytes as one by one.
stderr_of "folder, template, --jobs 2" 0 still "$work/s" -o "$work/out/{name}.png" --size 160x90 --jobs 2 && ok
[[ "$out" == *"mmr still: 3 of 3 renders succeeded"* ]] && ok || bad "summary line: $out"
for n in a b c; do
  f=$work/s/$n.yaml; [ -e "$f" ] || f=$work/s/$n.yml
  "$MMR" still "$f" -o "$work/one/$n.png" --size 160x90 || bad "one-by-one $n"
  cmp -s "$work/out/$n.png" "$work/one/$n.png" && ok || bad "$n: batch and one-by-one renders differ"
done
# A pattern (quoted: mmr expands it), {dir} and a brace list: two files per scene.
"$MMR" still "$work/s/*.yaml" -o "{dir}/{name}-{x,y}.png" --size 160x90 2>/dev/null &&
  [ -e "$work/s/a-x.png" ] && [ -e "$work/s/a-y.png" ] && [ -e "$work/s/b-y.png" ] && [ ! -e "$work/s/c-x.png" ] &&
  cmp -s "$work/s/a-x.png" "$work/one/a.png" && ok || bad "pattern, {dir}, brace list"
# Steps A:B with {step}.
"$MMR" still "$work/s/a.yaml" --step 1:3 -o "$work/out/a-{step}.png" --size 160x90 --jobs 2 2>/dev/null &&
  "$MMR" still "$work/s/a.yaml" --step 2 -o "$work/one/a-2.png" --size 160x90 &&
  cmp -s "$work/out/a-2.png" "$work/one/a-2.png" && [ -e "$work/out/a-3.png" ] && ok || bad "--step 1:3 with {step}"

# One failing scene does not stop the others; exit 1 and the summary names it.
mkdir -p "$work/mixed" "$work/mixed-out"
cp "$work/s/a.yaml" "$work/mixed/a.yaml"
echo 'expr: A @@ B' > "$work/mixed/broken.yaml"
cp "$work/s/b.yaml" "$work/mixed/z.yaml"
stderr_of "one scene fails" 1 still "$work/mixed" -o "$work/mixed-out/{name}.png" --size 160x90 --jobs 2 && ok
[[ "$out" == *"2 of 3 renders succeeded; failed: $work/mixed/broken.yaml (exit 1)"* ]] && ok || bad "summary: $out"
[[ "$out" == *"broken.yaml"*"A @@ B"* || "$out" == *"broken.yaml:1"* ]] && ok || bad "the failure's own error line: $out"
[ -e "$work/mixed-out/a.png" ] && [ -e "$work/mixed-out/z.png" ] && [ ! -e "$work/mixed-out/broken.png" ] &&
  [ -z "$(ls -A "$work/mixed-out" | grep tmp)" ] && ok || bad "outputs of a batch with a failure: $(ls -A "$work/mixed-out")"

# Collisions are found before anything renders.
expect_error "template collision" 1 "both write $work/out/coll/b.png" -- \
  still "$work/s/b.yaml" "$work/t/b.yaml" -o "$work/out/coll/b.png" --size 160x90
expect_error "template collision with {name}" 1 "put {name}, {stem} or {dir}" -- \
  still "$work/s" "$work/t" -o "$work/out/{name}.png" --size 160x90
[ ! -e "$work/out/coll" ] && ok || bad "a collision rendered something"
expect_error "steps without {step}" 1 "put {step} in the output name" -- \
  still "$work/s/a.yaml" --step 1:2 -o "$work/out/x.png"
expect_error "unknown token" 1 "did you mean {name}?" -- still "$work/s/a.yaml" -o "$work/out/{nme}.png"
expect_error "empty folder" 1 "holds no scene" -- still "$work/one" -o "$work/out/{name}.png"
expect_error "stdout with several" 1 "standard output takes one picture" -- still "$work/s" -o -

# -o - writes the PNG to standard output: the same bytes as the file.
"$MMR" still "$work/s/b.yaml" -o - --size 160x90 > "$work/out/stdout.png" &&
  cmp -s "$work/out/stdout.png" "$work/one/b.png" && ok || bad "-o - differs from the file"

# Faithful re-rendering: the PNG carries scene and settings.
"$MMR" still "$work/s/a.yaml" -o "$work/out/made.png" --size 200x120 --seed 7 --theme light \
  --background transparent --aa none --step 2 --fit --margin 0.1 || bad "render with settings"
"$MMR" still "$work/out/made.png" -o "$work/out/again.png" && cmp -s "$work/out/made.png" "$work/out/again.png" &&
  ok || bad "re-render from the PNG is not byte-identical"
"$MMR" still "$work/out/again.png" -o "$work/out/again2.png" && cmp -s "$work/out/made.png" "$work/out/again2.png" &&
  ok || bad "second-generation re-render differs"
"$MMR" still "$work/one/b.png" -o "$work/out/b-again.png" && cmp -s "$work/one/b.png" "$work/out/b-again.png" &&
  ok || bad "re-render of a default still differs"
# An option overrides what the PNG says.
"$MMR" still "$work/out/made.png" -o "$work/out/small.png" --size 100x60 && ! cmp -s "$work/out/made.png" "$work/out/small.png" &&
  [ "$(od -An -tu1 -j16 -N8 "$work/out/small.png" | tr -s ' ')" = " 0 0 0 100 0 0 0 60" ] && ok || bad "--size does not override the PNG's"
"$MMR" still "$work/out/made.png" -o "$work/out/dark.png" --theme dark --background black &&
  [ "$(color_type "$work/out/dark.png")" = 2 ] && ok || bad "--background black over a transparent PNG's"
grep -a -q "theme=light" "$work/out/made.png" && grep -a -q "step=2" "$work/out/made.png" &&
  grep -a -q "seed=7" "$work/out/made.png" && grep -a -q "version=" "$work/out/made.png" && ok || bad "record fields"

# Backgrounds and themes.
"$MMR" still "$work/s/b.yaml" -o "$work/out/t.png" --size 160x90 --background transparent &&
  [ "$(color_type "$work/out/t.png")" = 6 ] && ok || bad "transparent still is not RGBA"
[ "$(color_type "$work/one/b.png")" = 2 ] && ok || bad "opaque still is not RGB"
expect_error "unknown theme" 1 "--theme ligth: unknown theme; did you mean 'light'?" -- \
  still "$work/s/b.yaml" -o "$work/out/x.png" --theme ligth
expect_error "unknown colour" 1 "did you mean 'white'?" -- still "$work/s/b.yaml" -o "$work/out/x.png" --background whit
expect_error "bad hex colour" 1 "--background #12345: not a colour" -- \
  still "$work/s/b.yaml" -o "$work/out/x.png" --background '#12345'
printf 'expr: A @ B\noutput: {background: transparnt}\n' > "$work/bg.yaml"
expect_error "scene colour" 1 "did you mean 'transparent'?" -- still "$work/bg.yaml" -o "$work/out/x.png"
expect_error "transparent mp4" 1 "H.264 in .mp4 has no alpha channel, so no transparent background; formats with alpha: .mov (ProRes 4444), .webm (VP9)" -- \
  render "$work/s/a.yaml" -o "$work/out/x.mp4" --background transparent --size 160x90
expect_error "transparent gif" 1 "GIF in .gif has no alpha channel" -- \
  render "$work/s/a.yaml" -o "$work/out/x.gif" --background '#00000080' --size 160x90
[ ! -e "$work/out/x.png" ] && [ ! -e "$work/out/x.mp4" ] && [ ! -e "$work/out/x.gif" ] && ok || bad "an error left a file"
# The formats with alpha take a transparent background end to end (issue #10's editor video).
"$MMR" render "$work/s/a.yaml" -o "$work/out/t.mov" --background transparent --size 160x90 --frames 0:2 -q || bad "transparent .mov"
if grep -aq "ap4h" "$work/out/t.mov"; then ok; else bad "transparent .mov is not ProRes 4444 (no ap4h)"; fi
"$MMR" render "$work/s/a.yaml" -o "$work/out/t.webm" --background transparent --size 160x90 --frames 0:2 -q || bad "transparent .webm"
# Matroska's AlphaMode element (ID 0x53C0, size 1, value 1): the VP9 stream carries alpha.
if python3 -c 'import sys; sys.exit(0 if bytes([0x53, 0xC0, 0x81, 0x01]) in open(sys.argv[1], "rb").read() else 1)' "$work/out/t.webm"; then ok; else bad "transparent .webm has no AlphaMode"; fi
mkdir -p "$work/out/tseq"
"$MMR" render "$work/s/a.yaml" -o "$work/out/tseq/f{frame:03}.png" --background transparent --size 160x90 --frames 0:1 -q &&
  [ "$(color_type "$work/out/tseq/f000.png")" = 6 ] && ok || bad "transparent PNG sequence"
expect_error "margin out of range" 1 "--margin 0.7: the margin is a fraction of the frame" -- still "$work/s/b.yaml" -o "$work/out/x.png" --margin 0.7

# {stem} mirrors the scenes' folders: mmr makes them.
(cd "$work" && "$MMR" still s/a.yaml t/b.yaml -o "tree/{stem}.png" --size 160x90 2>/dev/null) &&
  [ -e "$work/tree/s/a.png" ] && [ -e "$work/tree/t/b.png" ] && ok || bad "{stem} folders: $(cd "$work" && find tree)"

# --scale and --supersample: bad values, and a supersampled size over memory, with the numbers.
expect_error "scale zero" 1 "--scale 0: the scale must be a number above 0 and at most 16" -- \
  still "$work/s/b.yaml" -o "$work/out/x.png" --scale 0
expect_error "scale absurd" 1 "at most 16" -- still "$work/s/b.yaml" -o "$work/out/x.png" --scale 1e9
expect_error "supersample factor" 1 "--supersample 9: the factor must be from 1 to 8" -- \
  still "$work/s/b.yaml" -o "$work/out/x.png" --supersample 9
expect_error "supersample side" 1 "would be rendered at 24000x12000, over the 16384 pixels a side" -- \
  still "$work/s/b.yaml" -o "$work/out/x.png" --size 3000x1500 --supersample 8
out=$( (ulimit -v 3000000; "$MMR" still "$work/s/b.yaml" -o "$work/out/x.png" --size 4000x4000 --supersample 4) 2>&1)
[[ "$out" == *"--supersample 4: a 16000x16000 render needs about 4.8 GiB, more than the"*"allowed (3/4 of"* ]] && ok ||
  bad "supersample memory: $out"
[ ! -e "$work/out/x.png" ] && ok || bad "a refused supersample left a file"
"$MMR" still "$work/s/b.yaml" -o "$work/out/ss.png" --size 160x90 --supersample 2 &&
  "$MMR" still "$work/out/ss.png" -o "$work/out/ss2.png" && cmp -s "$work/out/ss.png" "$work/out/ss2.png" && ok ||
  bad "a supersampled still does not re-render to the same bytes"

# SIGTERM during a batch reaches the running renders: exit 143 and no temporary
# left (or, on a machine fast enough to finish first, exit 0 and every file).
mkdir -p "$work/sig"
"$MMR" still "$work/s" -o "$work/sig/{name}.png" --size 1920x1080 --supersample 2 --jobs 2 2>/dev/null &
pid=$!
sleep 0.5
kill -TERM "$pid" 2>/dev/null
wait "$pid"
rc=$?
leftover=$(ls -A "$work/sig" | grep -c tmp || true)
if [ "$rc" = 143 ] && [ "$leftover" = 0 ]; then ok
elif [ "$rc" = 0 ] && [ "$(ls "$work/sig" | wc -l)" = 3 ]; then ok
else bad "SIGTERM in a batch: exit $rc, files: $(ls -A "$work/sig")"; fi

# render: several scenes, brace list of formats, --jobs 2 = one by one.
mkdir -p "$work/v" "$work/v1"
"$MMR" render "$work/s/a.yaml" "$work/s/b.yaml" -o "$work/v/{name}.{gif,mp4}" --size 160x90 --fps 10 --duration 0.5 --jobs 2 -q &&
  "$MMR" render "$work/s/a.yaml" -o "$work/v1/a.gif" --size 160x90 --fps 10 --duration 0.5 -q &&
  "$MMR" render "$work/s/b.yaml" -o "$work/v1/b.mp4" --size 160x90 --fps 10 --duration 0.5 -q &&
  cmp -s "$work/v/a.gif" "$work/v1/a.gif" && cmp -s "$work/v/b.mp4" "$work/v1/b.mp4" && [ -e "$work/v/a.mp4" ] &&
  ok || bad "render batch with a brace list differs from one by one: $(ls "$work/v")"
expect_error "render -o -" 1 "not to standard output" -- render "$work/s/a.yaml" -o -
finish "batch tests"
