#!/usr/bin/env bash
# First command of the README: install, build, and render the article's opening
# figure to pitch.png (1920x1080).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
./build/mmr still scenes/pitch.yaml -o pitch.png --size 1920x1080
echo "wrote $(pwd)/pitch.png"
