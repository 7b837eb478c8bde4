#!/usr/bin/env bash
# `mmr render` to the web and editor formats (issue #10): every format written
# twice gives the same bytes, holds add the frames they say (counted on a PNG
# sequence, where held frames are the same file bytes), the poster is the PNG
# `mmr still --step N` writes, and the mistakes are one-line errors that leave
# nothing behind. Decoding (codec, pixel format, alpha, duration) is checked in
# tests/cpu/video_formats_test.cpp and tests/gl/render_video_test.cpp.
# Needs MMR (path to the binary).
set -u
: "${MMR:?set MMR to the mmr binary}"
source "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/out"
out="$work/out"
# 6 steps a cycle at 10 steps/s: 6 frames a cycle at 10 fps.
cat > "$work/anim.yaml" <<'YAML'
expr: A @ B
matrices:
  A: {shape: [6, 4]}
  B: {shape: [4, 6]}
anim: {alg: mvprod, speed: 10}
YAML
small=(--size 96x64 --fps 10 -q)

# Each format twice: the same bytes.
# (AV1, VP9 in MP4 and H.264 4:4:4 are checked so in tests/cpu/video_formats_test.cpp.)
for f in a.webm a.mov a.webp a.apng; do
  if "$MMR" render "$work/anim.yaml" -o "$out/1-$f" "${small[@]}" 2>"$work/err" &&
     "$MMR" render "$work/anim.yaml" -o "$out/2-$f" "${small[@]}" 2>>"$work/err"; then
    cmp -s "$out/1-$f" "$out/2-$f" && ok || bad "$f: two renders differ"
    [ -s "$out/1-$f" ] && ok || bad "$f: empty"
  else
    bad "$f: render failed: $(cat "$work/err")"
  fi
done
# Magic numbers: the container each extension promises.
head -c 4 "$out/1-a.webm" | od -An -tx1 | grep -q "1a 45 df a3" && ok || bad "webm is not Matroska/EBML"
[ "$(head -c 12 "$out/1-a.webp" | tail -c 4)" = WEBP ] && ok || bad "webp is not RIFF WEBP"
grep -q acTL "$out/1-a.apng" && ok || bad "apng has no acTL chunk"
"$MMR" render "$work/anim.yaml" -o "$out/1-a.png" "${small[@]}" && grep -q acTL "$out/1-a.png" && ok ||
  bad "render -o x.png is not an APNG"
grep -q ap4h "$out/1-a.mov" && ok || bad "mov is not ProRes 4444 (ap4h)"
# The H.264 4:4:4 warning: one line, the file is still written.
"$MMR" render "$work/anim.yaml" -o "$out/w.mp4" --size 96x64 --fps 10 --pix-fmt yuv444p --progress none 2>"$work/err"
[ "$(cat "$work/err")" = "mmr: warning: $out/w.mp4: H.264 4:4:4 (--pix-fmt yuv444p) is written in the High 4:4:4 Predictive profile, which browsers will not play (Safari, Firefox, phones; only desktop Chrome does); editors and ffmpeg-based players do; for the web drop --pix-fmt yuv444p" ] &&
  ok || bad "yuv444p warning: $(cat "$work/err")"
"$MMR" render "$work/anim.yaml" -o "$out/w0.mp4" --size 96x64 --fps 10 --crf 0 --progress none 2>"$work/err"
grep -q "H.264 lossless (crf 0) is written in the High 4:4:4 Predictive profile" "$work/err" && [ -s "$out/w0.mp4" ] &&
  ok || bad "crf 0 warning: $(cat "$work/err")"

# Holds on a PNG sequence: 6 frames + 2 at the start + 3 at the end of the one cycle.
mkdir -p "$work/seq"
"$MMR" render "$work/anim.yaml" -o "$work/seq/f{frame:02}.png" "${small[@]}" --hold 0.3 --hold-start 0.2
[ "$(ls "$work/seq" | wc -l)" = 11 ] && ok || bad "hold: $(ls "$work/seq" | wc -l) frames, expected 11"
cmp -s "$work/seq/f00.png" "$work/seq/f01.png" && cmp -s "$work/seq/f01.png" "$work/seq/f02.png" && ok ||
  bad "hold-start frames differ"
cmp -s "$work/seq/f02.png" "$work/seq/f03.png" && bad "the animation did not move after the start hold" || ok
cmp -s "$work/seq/f07.png" "$work/seq/f08.png" && cmp -s "$work/seq/f08.png" "$work/seq/f10.png" && ok ||
  bad "end hold frames differ"
# Two cycles: each gets its holds (2 x (6 + 1)).
mkdir -p "$work/seq2"
"$MMR" render "$work/anim.yaml" -o "$work/seq2/f{frame:02}.png" "${small[@]}" --hold 0.1 --cycles 2
[ "$(ls "$work/seq2" | wc -l)" = 14 ] && ok || bad "hold with 2 cycles: $(ls "$work/seq2" | wc -l) frames, expected 14"
cmp -s "$work/seq2/f05.png" "$work/seq2/f06.png" && ok || bad "cycle 1 end hold"
cmp -s "$work/seq2/f12.png" "$work/seq2/f13.png" && ok || bad "cycle 2 end hold"

# The poster is the still of the last frame's step (6), or of --poster-step.
"$MMR" render "$work/anim.yaml" -o "$out/p.webm" "${small[@]}" --hold 0.5 --poster "$out/p.png"
"$MMR" still "$work/anim.yaml" --step 6 -o "$out/s6.png" --size 96x64
cmp -s "$out/p.png" "$out/s6.png" && ok || bad "poster differs from 'mmr still --step 6'"
"$MMR" render "$work/anim.yaml" -o "$out/p3.mp4" "${small[@]}" --poster "$out/p3.png" --poster-step 3
"$MMR" still "$work/anim.yaml" --step 3 -o "$out/s3.png" --size 96x64
cmp -s "$out/p3.png" "$out/s3.png" && ok || bad "poster differs from 'mmr still --step 3'"
cmp -s "$out/p3.png" "$out/s6.png" && bad "posters of steps 3 and 6 are the same" || ok

# Mistakes: one line, exit 1, nothing written.
before=$(ls -A "$out" | sort)
r=(render "$work/anim.yaml" --size 96x64 --fps 10)
expect_error "unknown codec" 1 "unknown codec (did you mean av1?)" -- "${r[@]}" -o "$out/x.webm" --codec av2
expect_error "codec in the wrong container" 1 "x.webm: H.264 (--codec h264) cannot go in a .webm file, which holds vp9 or av1; write .mp4 or .mov instead, or drop --codec" -- "${r[@]}" -o "$out/x.webm" --codec h264
expect_error "unknown extension" 1 "cannot write video format \".wbm\" (did you mean .webm?)" -- "${r[@]}" -o "$out/x.wbm"
expect_error "odd size for 4:2:0" 1 "x.webm: VP9 video (yuv420p) needs an even width and height, got 97x64; use an even size such as --size 96x64, --pix-fmt yuv444p, or a format that allows odd sizes: .mov (ProRes 4444), .webp, .apng, .gif or a PNG sequence" -- render "$work/anim.yaml" --size 97x64 -o "$out/x.webm"
expect_error "negative hold" 1 "--hold -2: a hold is a number of seconds, 0 or more; write e.g. '--hold 1.5'" -- "${r[@]}" -o "$out/x.webm" --hold -2
expect_error "absurd hold" 1 "--hold-start 1e+06: a hold of more than an hour (3600 s) is refused" -- "${r[@]}" -o "$out/x.webm" --hold-start 1e6
expect_error "hold over max frames" 1 "--hold: the holds make 3606 frames (6 without them, 1 cycles); at most 1000 are rendered" -- "${r[@]}" -o "$out/x.webm" --hold 360 --max-frames 1000
expect_error "poster not png" 1 "--poster $out/x.jpg: a poster is a PNG image; give a file name ending in .png" -- "${r[@]}" -o "$out/x.webm" --poster "$out/x.jpg"
expect_error "poster folder" 1 "--poster $work/nope/x.png: folder $work/nope does not exist" -- "${r[@]}" -o "$out/x.webm" --poster "$work/nope/x.png"
expect_error "poster step" 1 "--poster-step 9: outside the animation, whose cycle has steps 1 to 6; choose a step from 1 to 6" -- "${r[@]}" -o "$out/x.webm" --poster "$out/x.png" --poster-step 9
expect_error "crf of prores" 1 "--crf does not apply to ProRes 4444" -- "${r[@]}" -o "$out/x.mov" --crf 10
expect_error "crf over H.264's range" 1 "crf 60 is out of range for H.264; use 0 (best) to 51" -- "${r[@]}" -o "$out/x.mp4" --crf 60
expect_error "preset of vp9" 1 "--preset is an x264 setting and does not apply to VP9" -- "${r[@]}" -o "$out/x.webm" --preset fast
expect_error "pix-fmt" 1 "--pix-fmt yuv422p: unknown pixel format; use yuv420p (the default) or yuv444p" -- "${r[@]}" -o "$out/x.mp4" --pix-fmt yuv422p
expect_error "av1 too small" 1 "AV1 (SVT-AV1) needs frames of at least 64x64, got 96x48" -- render "$work/anim.yaml" --size 96x48 -o "$out/x.webm" --codec av1
[ "$(ls -A "$out" | sort)" = "$before" ] && ok || bad "a refused render left files: $(comm -13 <(echo "$before") <(ls -A "$out" | sort))"

finish "video tests"
