#!/usr/bin/env bash
# Many stills in one command: `mmr still FOLDER -o out/{name}.png` with --jobs 1 and
# --jobs 2, measured side by side in one run (alternating, best and median of N),
# and --supersample 1/2/4 for one still. Prints the figures; nothing is asserted.
#   bash bench/jobs.sh [build-dir] [runs] [size]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
runs=${2:-3}
size=${3:-1280x720}
mmr="$build/mmr"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mkdir -p "$out/scenes" "$out/png"
# The shipped scenes that need no data files and are not article stand-ins.
for s in pitch left-assoc right-assoc binary lowrank lora-attn partition-data-parallel mvprod vmprod vvprod dotprod \
         partition-binary-k; do
  cp "scenes/$s.yaml" "$out/scenes/"
done
n=$(ls "$out/scenes" | wc -l)
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$n stills at $size"
declare -A all cpu
for _ in $(seq 1 "$runs"); do
  for j in 1 2; do
    rm -f "$out/png/"*
    env time -f "%e %U %S" -o "$out/t" "$mmr" still "$out/scenes" -o "$out/png/{name}.png" --size "$size" --jobs "$j" 2>/dev/null
    read -r wall user sys < "$out/t"
    all[$j]+="$wall "
    cpu[$j]+="$(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.2f", u + s}') "
  done
done
for j in 1 2; do
  read -r -a ts <<< "${all[$j]}"
  best=$(printf '%s\n' "${ts[@]}" | sort -n | head -1)
  med=$(printf '%s\n' "${ts[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf -- '--jobs %d: wall best %.2f s, median %.2f s (%s); CPU s (user+sys): %s\n' "$j" "$best" "$med" "${all[$j]}" "${cpu[$j]}"
done
b1=$(printf '%s\n' ${all[1]} | sort -n | head -1)
b2=$(printf '%s\n' ${all[2]} | sort -n | head -1)
awk -v a="$b1" -v b="$b2" 'BEGIN {printf "ratio jobs1/jobs2 (best): %.2f\n", a / b}'
echo "supersample (pitch.yaml at $size: wall, CPU user+sys, peak RSS):"
for ss in 1 2 4; do
  env time -f "%e %U %S %M" -o "$out/t" "$mmr" still scenes/pitch.yaml -o "$out/ss.png" --size "$size" --supersample "$ss"
  read -r t u sy m < "$out/t"
  printf '  --supersample %d: wall %s s, CPU %s s, %d MiB\n' "$ss" "$t" "$(awk -v u="$u" -v s="$sy" 'BEGIN {printf "%.2f", u + s}')" "$((m / 1024))"
done
