#!/usr/bin/env bash
# Renders every static scene of the article shipped in scenes/ to out/stills/*.png.
#   bash examples/render-stills.sh [WIDTHxHEIGHT]
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-1920x1080}
mkdir -p out/stills
for scene in pitch left-assoc left-assoc-bottleneck left-assoc-multilayer right-assoc binary \
             partition-data-parallel partition-binary-k lowrank lora-attn attn-head; do
  ./build/mmr still "scenes/$scene.yaml" -o "out/stills/$scene.png" --size "$size"
  echo "out/stills/$scene.png"
done
