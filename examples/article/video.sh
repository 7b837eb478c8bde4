#!/usr/bin/env bash
# An animation for a web article: one command renders a scene to WebM (VP9) and
# MP4 (H.264), with a poster PNG, and prints the <video> element that uses them.
#
#   bash examples/article/video.sh SCENE OUTDIR [mmr render options...]
#   bash examples/article/video.sh scenes/dotprod.yaml web --size 1280x720 --hold 1.5
#
# writes OUTDIR/NAME.webm, OUTDIR/NAME.mp4 and OUTDIR/NAME.png (NAME: the scene's
# file name without .yaml) and prints, for a page in OUTDIR's parent folder:
#
#   <video width="1280" height="720" poster="web/dotprod.png" autoplay muted loop playsinline>
#     <source src="web/dotprod.webm" type='video/webm; codecs="vp9"'>
#     <source src="web/dotprod.mp4" type="video/mp4">
#   </video>
#
# The WebM comes first: a browser plays the first source it can, every current
# browser plays VP9 (Chrome, Edge, Firefox, Safari 14.1+ on macOS 11+, iOS 17.4+),
# and at mmr's defaults it is the smaller file for the same picture (bench/RESULTS.md).
# The MP4 (H.264 4:2:0, playable everywhere, hardware-decoded) catches the rest.
# `muted` and `playsinline` let browsers autoplay it (iOS plays inline only with
# playsinline); `loop` repeats the cycle, so give it a --hold to let readers see
# the result before it starts over. The poster (the last frame's step, exactly
# what `mmr still --step N` draws) shows until the video plays, or instead of it
# when autoplay is off. Options after OUTDIR go to both renders (--size, --fps,
# --hold, --hold-start, --cycles, --seed ...). MMR names the mmr binary (default:
# ./build/mmr if it exists, else mmr on PATH). docs/video.md explains the formats.
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
"$mmr" render "$scene" -o "$outdir/$name.webm" "$@" -q
"$mmr" render "$scene" -o "$outdir/$name.mp4" --poster "$outdir/$name.png" "$@" -q
# The poster has the video's size: read it from the PNG header (bytes 16-23).
read -r width height < <(od -An -tu1 -j16 -N8 "$outdir/$name.png" |
  awk '{print $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8}')
cat <<HTML
<video width="$width" height="$height" poster="$outdir/$name.png" autoplay muted loop playsinline>
  <source src="$outdir/$name.webm" type='video/webm; codecs="vp9"'>
  <source src="$outdir/$name.mp4" type="video/mp4">
</video>
HTML
