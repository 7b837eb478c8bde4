#!/usr/bin/env bash
# `mmr render` and `mmr still --step` as a user runs them: outputs, exit codes,
# one-line errors, nothing left behind on failure or Ctrl-C.
# Needs MMR (path to the binary).
set -u
: "${MMR:?set MMR to the mmr binary}"
source "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
no_leftovers() {  # nothing but the given files in $work/out
  local extra
  extra=$(ls -A "$work/out" | grep -v -x -F -f <(printf '%s\n' "$@") || true)
  [ -z "$extra" ] && ok || bad "left behind in out/: $extra"
}
mkdir -p "$work/out"
cat > "$work/anim.yaml" <<'YAML'
expr: A @ B
matrices:
  A: {shape: [6, 4]}
  B: {shape: [4, 6]}
anim: {alg: vmprod, speed: 10}
YAML

# A good MP4: ftyp first, moov before mdat (+faststart), two runs byte-identical.
if "$MMR" render "$work/anim.yaml" -o "$work/out/a.mp4" --size 160x90 --fps 10 -q; then
  [ "$(head -c 8 "$work/out/a.mp4" | tail -c 4)" = ftyp ] && ok || bad "mp4 does not start with ftyp"
  moov=$(grep -abo moov "$work/out/a.mp4" | head -1 | cut -d: -f1)
  mdat=$(grep -abo mdat "$work/out/a.mp4" | head -1 | cut -d: -f1)
  [ -n "$moov" ] && [ -n "$mdat" ] && [ "$moov" -lt "$mdat" ] && ok || bad "moov is not before mdat"
  "$MMR" render "$work/anim.yaml" -o "$work/out/b.mp4" --size 160x90 --fps 10 -q
  cmp -s "$work/out/a.mp4" "$work/out/b.mp4" && ok || bad "two MP4 renders differ"
else
  bad "mp4 render failed"
fi
# GIF and PNG sequence.
"$MMR" render "$work/anim.yaml" -o "$work/out/a.gif" --size 160x90 --fps 10 -q && head -c 6 "$work/out/a.gif" | grep -q GIF89a && ok || bad "gif"
mkdir -p "$work/out/seq"
"$MMR" render "$work/anim.yaml" -o "$work/out/seq/f{frame:03}.png" --size 160x90 --fps 10 -q --frames 2:4 &&
  [ "$(ls "$work/out/seq")" = "$(printf 'f002.png\nf003.png\nf004.png')" ] && ok || bad "png sequence names: $(ls "$work/out/seq")"
# A frame of the sequence equals the still of its step (frame 3 shows step 4).
"$MMR" still "$work/anim.yaml" -o "$work/out/step4.png" --size 160x90 --step 4 &&
  "$MMR" diff "$work/out/step4.png" "$work/out/seq/f003.png" >/dev/null && ok || bad "sequence frame 3 differs from still --step 4"
rm -rf "$work/out/seq" "$work/out/step4.png"

# Spin alone animates a static scene: one full turn, the camera moves between frames.
printf 'expr: A @ B\nmatrices:\n  A: {shape: [6, 4]}\n  B: {shape: [4, 6]}\nanim: {spin: 10}\n' > "$work/spin.yaml"
mkdir -p "$work/out/spin"
"$MMR" render "$work/spin.yaml" -o "$work/out/spin/s{frame:02}.png" --size 160x90 --fps 2 -q &&
  [ "$(ls "$work/out/spin" | wc -l)" -eq 26 ] && ok || bad "spin: expected 26 frames (2*pi*20/10 s at 2 fps), got $(ls "$work/out/spin" | wc -l)"
"$MMR" diff "$work/out/spin/s00.png" "$work/out/spin/s05.png" >/dev/null; [ $? -eq 1 ] && ok || bad "spin: the view did not change"
rm -rf "$work/out/spin"

# Bad input: one line, non-zero, nothing written.
expect_error "frames outside" 1 "--frames 0:99: outside the timeline, which has frames 0:5" -- render "$work/anim.yaml" -o "$work/out/x.mp4" --fps 10 --frames 0:99
expect_error "frames malformed" 1 "expected FIRST:LAST" -- render "$work/anim.yaml" -o "$work/out/x.mp4" --frames 3
expect_error "zero fps" 1 "--fps 0: the frame rate must be from 0.01 to 1000" -- render "$work/anim.yaml" -o "$work/out/x.mp4" --fps 0
expect_error "negative fps" 1 "--fps -5: the frame rate" -- render "$work/anim.yaml" -o "$work/out/x.mp4" --fps -5
expect_error "unknown extension" 1 ".avi" -- render "$work/anim.yaml" -o "$work/out/x.avi"
expect_error "unwritable folder" 1 "does not exist" -- render "$work/anim.yaml" -o "$work/nope/x.mp4"
expect_error "odd size" 1 "even" -- render "$work/anim.yaml" -o "$work/out/x.mp4" --size 161x90
printf 'expr: A @ B\nanim: {alg: vmprd}\n' > "$work/alg.yaml"
expect_error "unknown algorithm" 1 "did you mean 'vmprod'?" -- render "$work/alg.yaml" -o "$work/out/x.mp4"
printf 'expr: A @ B @ C\nanim: {alg: "dotprod (row major)", fuse: sync}\n' > "$work/fuse.yaml"
# the encoders are a module loaded for videos only; without it, a clear error
printf 'expr: A @ B\nanim: {alg: vvprod}\n' > "$work/fuse-free.yaml"
MMR_AV_MODULE="$work/no-such-module.so" expect_error "encoder module missing" 1 \
  "the video encoders (libmmr_av.so) could not be loaded: $work/no-such-module.so: cannot open shared object file" -- \
  render "$work/fuse-free.yaml" -o "$work/out/nomodule.mp4" --frames 0:1 --size 64x64
[ ! -e "$work/out/nomodule.mp4" ] && ok || bad "a video was written without the encoder module"
expect_error "fuse cannot apply" 1 "dot products and axpy never do" -- render "$work/fuse.yaml" -o "$work/out/x.mp4"
expect_error "fuse cannot apply: still --step" 1 "dot products and axpy never do" -- \
  still "$work/fuse.yaml" --step 2 -o "$work/out/x.png"
[ ! -e "$work/out/x.png" ] && ok || bad "still --step with an impossible fuse wrote a file"
expect_error "fuse cannot apply: check" 1 "dot products and axpy never do" -- check "$work/fuse.yaml"
printf 'expr: A @ B\n' > "$work/static.yaml"
expect_error "static scene" 1 "give --duration SECONDS" -- render "$work/static.yaml" -o "$work/out/x.mp4"
expect_error "step outside" 1 "--step 7: outside the animation, whose cycle has steps 1 to 6" -- still "$work/anim.yaml" -o "$work/out/x.png" --step 7
expect_error "step on static" 1 "not animated" -- still "$work/static.yaml" -o "$work/out/x.png" --step 2
no_leftovers a.mp4 b.mp4 a.gif

# Ctrl-C: exit 130, no output and no temporary file.
cat > "$work/long.yaml" <<'YAML'
expr: A @ B
matrices:
  A: {shape: [64, 64]}
  B: {shape: [64, 64]}
anim: {alg: "dotprod (row major)", speed: 30}
YAML
"$MMR" render "$work/long.yaml" -o "$work/out/long.mp4" --size 320x180 -q &
pid=$!
sleep 2
kill -INT "$pid"
wait "$pid"
rc=$?
[ "$rc" -eq 130 ] && ok || bad "interrupted render exited $rc, expected 130"
no_leftovers a.mp4 b.mp4 a.gif

finish cli_render
