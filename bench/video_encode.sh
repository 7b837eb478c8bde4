#!/usr/bin/env bash
# Encoder throughput of mmr's video sinks (MP4, GIF, PNG sequence) on synthetic
# 1920x1080 frames, without rendering: the ceiling for `mmr video`.
#   bash bench/video_encode.sh [build-dir] [frames]
# Builds the bench_video_encode target (not part of the default build or ctest).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
frames=${2:-100}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

cmake --build "$build" --target bench_video_encode >/dev/null
cp "$build/bench/bench_video_encode" "$out/video_encode"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
mkdir -p "$out/frames"
for target in video.mp4 video.gif 'frames/{frame:04}.png'; do
  "$out/video_encode" "$out/$target" 1920x1080 "$frames" 30 | sed "s| -> $out/[^ ]*||"
done
# Without bitexact, x264 may use AVX-512 (faster, but bytes vary run to run).
"$out/video_encode" "$out/video.mp4" 1920x1080 "$frames" 30 0 | sed "s| -> $out/[^ ]*||"
