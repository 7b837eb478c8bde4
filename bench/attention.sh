#!/usr/bin/env bash
# Attention presets and `mmr stats` (issue #12): wall time and peak memory (max RSS),
# end to end, median of N runs, side by side in one run with `mmr --version` (process
# start alone) as the baseline.
#   bash bench/attention.sh [build-dir] [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
runs=${2:-5}
mmr="$build/mmr"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(free -g | awk '/Mem:/{print $2}') GiB; load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-62s %10s %14s\n' command "wall (s)" "peak RSS (MiB)"
bench() {
  local label=$1
  shift
  local times=() mems=()
  for _ in $(seq 1 "$runs"); do
    env time -f "%e %M" -o "$out/t" "$mmr" "$@" > /dev/null
    read -r t m < "$out/t"
    times+=("$t")
    mems+=("$m")
  done
  local tmed mmax
  tmed=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  mmax=$(printf '%s\n' "${mems[@]}" | sort -n | tail -1)
  printf '%-62s %10s %14d\n' "$label" "$tmed" "$((mmax / 1024))"
}
bench "mmr --version (baseline)" --version
bench "stats llama70b-prefill-128k.yaml (70B layer, 128k, tp 8)" stats scenes/attention/llama70b-prefill-128k.yaml --gpu all
bench "stats llama70b-prefill-128k.yaml --json" stats scenes/attention/llama70b-prefill-128k.yaml --json
bench "stats deepseek-mla-decode.yaml (32k context, batch 8)" stats scenes/attention/deepseek-mla-decode.yaml
bench "stats pitch.yaml (a plain scene)" stats scenes/pitch.yaml
bench "still llama-gqa-decode.yaml 1920x1080 (Llama-3-8B, show)" still scenes/attention/llama-gqa-decode.yaml -o "$out/a.png" --size 1920x1080
bench "still llama70b-prefill-128k.yaml 1920x1080 (default show)" still scenes/attention/llama70b-prefill-128k.yaml -o "$out/b.png" --size 1920x1080
bench "still pitch.yaml 1920x1080 (reference)" still scenes/pitch.yaml -o "$out/c.png" --size 1920x1080
