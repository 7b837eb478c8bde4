#!/usr/bin/env bash
# Animation benchmark: `mmr render` end to end (scene to finished MP4), frames per
# second, where each frame's time goes, and peak memory (max RSS).
#   bash bench/render.sh [build-dir] [size]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
size=${2:-1920x1080}
mmr="$build/mmr"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load $(cut -d' ' -f1-3 /proc/loadavg)"
run() {  # SCENE [extra args...]
  local scene=$1
  shift
  env time -f "%M" -o "$out/mem" "$mmr" render "scenes/$scene.yaml" -o "$out/v.mp4" --size "$size" -v "$@" 2> "$out/log"
  local line
  line=$(grep 'frames/s' "$out/log" | sed 's/^mmr: //')
  printf '%s %s: %s; peak RSS %d MiB; %s\n' "$scene" "$*" "$line" "$(($(cat "$out/mem") / 1024))" "$(du -h "$out/v.mp4" | cut -f1)"
  # memory over time: the last frames must not need more than the first ones
}
run dotprod
run dotprod --aa msaa
run attn-animation --frames 0:239
