#!/usr/bin/env bash
# Renders the article's animations shipped in scenes/ to out/animations/*.mp4,
# one full cycle each, plus animated versions of the article's two partition
# figures (which are stills in the article).
#   bash examples/render-animations.sh [WIDTHxHEIGHT] [FPS]
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-1280x720}
fps=${2:-30}
mkdir -p out/animations
for scene in dotprod mvprod mvprod-random vmprod vmprod-random vmprod-eye vvprod vvprod-random \
             attn-animation partition-data-parallel-anim partition-binary-k-anim; do
  ./build/mmr render "scenes/$scene.yaml" -o "out/animations/$scene.mp4" --size "$size" --fps "$fps"
  echo "out/animations/$scene.mp4"
done
