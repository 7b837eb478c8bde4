#!/usr/bin/env bash
# Frames per second of `mmr render` at 1920x1080 for each video format, side by
# side in one run on the same scene and frames (rendering included: what a user
# waits for), with the file size, the PSNR against the PNG frames (what the
# format loses; "inf" = lossless), and whether a second render gave the same bytes.
#   bash bench/video_formats.sh [build-dir] [scene] [frames]
# Builds the bench_video_psnr target (not part of the default build or ctest).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
scene=${2:-scenes/dotprod.yaml}
frames=${3:-60}
mmr="$build/mmr"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cmake --build "$build" --target bench_video_psnr >/dev/null
psnr="$build/bench/bench_video_psnr"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "scene: $scene, 1920x1080, frames 0:$((frames - 1)) at 30 fps"
calc() { awk "BEGIN { print $1 }"; }
# The reference frames (and the PNG sequence's own figures).
mkdir -p "$out/seq"
t0=$(date +%s.%N)
/usr/bin/time -f "%U %S" -o "$out/cpu" "$mmr" render "$scene" -o "$out/seq/f{frame:04}.png" --size 1920x1080 \
  --frames "0:$((frames - 1))" -q
t1=$(date +%s.%N)
read -r u s <"$out/cpu"
seq_row=$(printf '| %-34s | %9.1f | %10.0f | %9.2f | %7s | %s |' "PNG sequence (libpng zlib 1)" \
  "$(calc "$frames / ($t1 - $t0)")" "$(calc "($u + $s) * 1000 / $frames")" \
  "$(calc "$(du -sb "$out/seq" | cut -f1) / 1000000")" inf -)
printf '| %-34s | %9s | %10s | %9s | %7s | %s |\n' format "frames/s" "CPU ms/fr" "MB" "PSNR dB" "same bytes twice"
printf '| %s | %s | %s | %s | %s | %s |\n' --- ---: ---: ---: ---: ---
run() {  # run LABEL FILE ARGS...
  local label=$1 file=$2
  shift 2
  local t0 t1 c0 c1
  t0=$(date +%s.%N)
  /usr/bin/time -f "%U %S" -o "$out/cpu" "$mmr" render "$scene" -o "$out/1-$file" --size 1920x1080 \
    --frames "0:$((frames - 1))" -q "$@"
  t1=$(date +%s.%N)
  "$mmr" render "$scene" -o "$out/2-$file" --size 1920x1080 --frames "0:$((frames - 1))" -q "$@" 2>/dev/null
  local same=no
  cmp -s "$out/1-$file" "$out/2-$file" && same=yes
  read -r u s <"$out/cpu"
  local q=-
  case $file in *.webp) q="inf" ;; *) q=$("$psnr" "$out/1-$file" "$out/seq/f%04d.png" "$frames" || echo "?") ;; esac
  printf '| %-34s | %9.1f | %10.0f | %9.2f | %7s | %s |\n' "$label" \
    "$(calc "$frames / ($t1 - $t0)")" "$(calc "($u + $s) * 1000 / $frames")" \
    "$(calc "$(stat -c %s "$out/1-$file") / 1000000")" "$q" "$same"
  rm -f "$out/1-$file" "$out/2-$file"
}
run "MP4 H.264 yuv420p crf 20" a.mp4
run "MP4 H.264 yuv444p crf 20" b.mp4 --pix-fmt yuv444p 2>/dev/null
run "WebM VP9 yuv420p crf 32" a.webm
run "WebM VP9 yuv444p crf 32" b.webm --pix-fmt yuv444p
run "WebM AV1 (SVT-AV1) crf 35" c.webm --codec av1
run "MOV ProRes 4444 yuv444p10le" a.mov
run "animated WebP (lossless)" a.webp
run "APNG (rgb24, zlib 1)" a.apng
run "GIF (fixed palette)" a.gif
echo "$seq_row"
