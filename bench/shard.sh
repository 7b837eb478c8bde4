#!/usr/bin/env bash
# Segments and shards (docs/cluster.md), measured with the built mmr:
#  1. segment restarts: one render at each --segment length, size and time;
#  2. a render in 4 shards run at once (then mmr join) vs one process: wall and
#     total CPU (user + sys of every process), and the bytes compared.
#   bash bench/shard.sh [BUILD_DIR] [SCENE] [SIZE]
# Default: build, scenes/dotprod.yaml (640 frames at 30 fps), 1280x720.
set -euo pipefail
build=${1:-build}
scene=${2:-scenes/dotprod.yaml}
size=${3:-1280x720}
mmr=$(cd "$build" && pwd)/mmr
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# measure OUT CMD...: runs CMD, appends "wall user sys" (seconds) to OUT.
measure() {
  local out=$1
  shift
  /usr/bin/time -f '%e %U %S' -o "$work/t" "$@" >/dev/null 2>&1
  cat "$work/t" >>"$out"
}
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "scene: $scene at $size, $("$mmr" render "$scene" -o "$work/count.mp4" --size 64x36 --progress json 2>&1 >/dev/null | grep -o '"done".*"frames": [0-9]*' | grep -o '[0-9]*$') frames"
echo
echo "| --segment (frames) | segments | size (bytes) | size vs one segment | wall (s) | CPU (s) |"
echo "| --- | --- | --- | --- | --- | --- |"
base=
frames=$("$mmr" render "$scene" -o "$work/count.mp4" --size 64x36 --progress json 2>&1 >/dev/null | grep -o '"done".*"frames": [0-9]*' | grep -o '[0-9]*$')
for seg in 100000 500 250 240 120 60 30; do
  rm -f "$work/t.txt"
  measure "$work/t.txt" "$mmr" render "$scene" -o "$work/s$seg.mp4" --size "$size" --segment "$seg" -q
  read -r wall user sys <"$work/t.txt"
  bytes=$(stat -c %s "$work/s$seg.mp4")
  [ -z "$base" ] && base=$bytes
  segs=$(((frames + seg - 1) / seg))
  printf '| %s | %s | %s | %+.1f %% | %s | %.2f |\n' "$([ "$seg" -ge 100000 ] && echo "one segment (no restart)" || echo "$seg")" "$segs" "$bytes" \
    "$(echo "($bytes - $base) * 100 / $base" | bc -l)" "$wall" "$(echo "$user + $sys" | bc -l)"
done
echo
echo "| run | wall (s) | CPU user+sys (s) | bytes |"
echo "| --- | --- | --- | --- |"
rm -f "$work/one.txt" "$work/shards.txt"
measure "$work/one.txt" "$mmr" render "$scene" -o "$work/one.mp4" --size "$size" -q
read -r wall user sys <"$work/one.txt"
printf '| one process | %s | %.2f | %s |\n' "$wall" "$(echo "$user + $sys" | bc -l)" "$(stat -c %s "$work/one.mp4")"
start=$(date +%s.%N)
for i in 0 1 2 3; do
  measure "$work/shards.txt" "$mmr" render "$scene" -o "$work/parts/" --size "$size" --shard "$i/4" -q &
done
wait
measure "$work/shards.txt" "$mmr" join "$work/parts/" -o "$work/joined.mp4" -q
end=$(date +%s.%N)
cpu=$(awk '{s += $2 + $3} END {printf "%.2f", s}' "$work/shards.txt")
printf '| 4 shards at once + join | %.2f | %s | %s |\n' "$(echo "$end - $start" | bc -l)" "$cpu" "$(stat -c %s "$work/joined.mp4")"
cmp -s "$work/one.mp4" "$work/joined.mp4" && echo "joined MP4 is byte-identical to the single render" ||
  echo "JOINED MP4 DIFFERS from the single render"
