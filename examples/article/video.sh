#!/usr/bin/env bash
# An animation for a web article: one command renders a scene to WebM (VP9, full
# colour) and MP4 (H.264), with a poster PNG, and prints the <video> element that
# uses them.
#
#   bash examples/article/video.sh SCENE OUTDIR [mmr render options...]
#   bash examples/article/video.sh scenes/dotprod.yaml web --size 1280x720 --hold 1.5
#
# writes OUTDIR/NAME.webm, OUTDIR/NAME.mp4 and OUTDIR/NAME.png (NAME: the scene's
# file name without .yaml) and prints, for a page in OUTDIR's parent folder:
#
#   <video width="1280" height="720" poster="web/dotprod.png" autoplay muted loop playsinline>
#     <source src="web/dotprod.webm" type='video/webm; codecs="vp09.01.31.08"'>
#     <source src="web/dotprod.mp4" type="video/mp4">
#   </video>
#
# Source order: a browser plays the first source whose type it can play. The WebM
# comes first because it is VP9 4:4:4 (profile 1): the small red and blue balls
# keep their full colour, where 4:2:0 halves colour resolution (on dotprod at
# 1080p: 46.8 dB PSNR against the rendered frames for VP9 4:4:4, 34.9 dB for
# H.264 4:2:0, for a file 1.7 times as large; bench/RESULTS.md). Its type names the
# profile (vp09.01 = profile 1, level for the size and rate, 8 bits), so a
# browser that cannot decode profile 1 answers "no" and takes the MP4 (H.264
# 4:2:0 High profile, which every browser and phone plays in hardware). Chrome,
# Edge and Firefox decode VP9 profile 1 in software.
# `muted` and `playsinline` let browsers autoplay it (iOS plays inline only with
# playsinline); `loop` repeats the cycle, so give it a --hold to let readers see
# the result before it starts over. The poster (the last frame's step, exactly
# what `mmr still --step N` draws) shows until the video plays. Options after
# OUTDIR go to both renders (--size, --fps, --hold, --hold-start, --cycles,
# --seed ...). MMR names the mmr binary (default: ./build/mmr if it exists, else
# mmr on PATH). docs/video.md explains the formats.
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: bash examples/article/video.sh SCENE OUTDIR [mmr render options...]" >&2
  exit 2
fi
scene=$1 outdir=$2
shift 2
mmr=${MMR:-}
if [ -z "$mmr" ]; then
  if [ -x ./build/mmr ]; then mmr=./build/mmr; else mmr=mmr; fi
fi
mkdir -p "$outdir"
name=$(basename "$scene")
name=${name%.yaml}
name=${name%.yml}
# The WebM first, then the MP4 with the poster: if either fails, stop (set -e).
"$mmr" render "$scene" -o "$outdir/$name.webm" --pix-fmt yuv444p "$@" -q
"$mmr" render "$scene" -o "$outdir/$name.mp4" --poster "$outdir/$name.png" "$@" -q
# The poster has the video's size: read it from the PNG header (bytes 16-23).
read -r width height < <(od -An -tu1 -j16 -N8 "$outdir/$name.png" |
  awk '{print $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8}')
# The frame rate (--fps, default 30) and the VP9 level for the size and rate: the
# smallest whose picture size and luma sample rate are not exceeded.
fps=30
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case ${args[i]} in
    --fps) fps=${args[i + 1]:-30} ;;
    --fps=*) fps=${args[i]#--fps=} ;;
  esac
done
level=$(awk -v w="$width" -v h="$height" -v fps="$fps" 'BEGIN {
  split("10 11 20 21 30 31 40 41 50 51 52 60 61 62", name, " ")
  split("36864 73728 122880 245760 552960 983040 2228224 2228224 8912896 8912896 8912896 35651584 35651584 35651584", size, " ")
  split("829440 2764800 4608000 9216000 20736000 36864000 83558400 160432128 311951360 588251136 1176502272 1176502272 2353004544 4706009088", rate, " ")
  for (i = 1; i <= 14; i++) if (w * h <= size[i] && w * h * fps <= rate[i]) { print name[i]; exit }
  print "62" }')
cat <<HTML
<video width="$width" height="$height" poster="$outdir/$name.png" autoplay muted loop playsinline>
  <source src="$outdir/$name.webm" type='video/webm; codecs="vp09.01.$level.08"'>
  <source src="$outdir/$name.mp4" type="video/mp4">
</video>
HTML
