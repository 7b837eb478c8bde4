#!/usr/bin/env bash
# Where the H.264 sink's fixed cost per frame goes (ms per frame for each stage),
# at 1920x1080 and 3840x2160, without the renderer: bench/encode_stages.cpp.
#   bash bench/encode_stages.sh [build-dir] [frames]
# Builds the bench_encode_stages target (not part of the default build or ctest).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
frames=${2:-60}
cmake --build "$build" --target bench_encode_stages > /dev/null
echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for size in 1920x1080 3840x2160; do
  TMPDIR=$out "$build/bench/bench_encode_stages" "$size" "$frames"
done
