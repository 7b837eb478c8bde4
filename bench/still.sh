#!/usr/bin/env bash
# Still-render benchmark: wall time and peak memory (max RSS) of `mmr still`,
# end to end (process start to PNG on disk), median of N runs.
#   bash bench/still.sh [build-dir] [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
runs=${2:-5}
mmr="$build/mmr"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(free -g | awk '/Mem:/{print $2}') GiB"
echo "renderer: $("$mmr" still scenes/pitch.yaml -o "$out/x.png" --size 64x64 -v 2>&1 | grep -i llvmpipe || echo unknown)"
printf '%-34s %10s %10s %12s\n' scene size "wall (s)" "peak RSS (MiB)"
bench() {
  local scene=$1 size=$2
  local times=() mems=()
  for _ in $(seq 1 "$runs"); do
    env time -f "%e %M" -o "$out/t" "$mmr" still "$scene" -o "$out/b.png" --size "$size"
    read -r t m < "$out/t"
    times+=("$t")
    mems+=("$m")
  done
  local tmed mmax
  tmed=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  mmax=$(printf '%s\n' "${mems[@]}" | sort -n | tail -1)
  printf '%-34s %10s %10s %12d\n' "$(basename "$scene")" "$size" "$tmed" "$((mmax / 1024))"
}
bench scenes/pitch.yaml 1920x1080
bench scenes/attn-head.yaml 1920x1080
bench scenes/lora-attn.yaml 1920x1080
