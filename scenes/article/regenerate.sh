#!/usr/bin/env bash
# Regenerates scenes/article/NN-name.yaml from the article fixtures (the decoded params
# of every scene link in "Inside the Matrix") with `mmr import`.
#   bash scenes/article/regenerate.sh [path/to/mmr] [fixtures dir] [output dir]
# or: cmake --build build --target article-scenes
# The GPT-2 CSV files of the article are never looked up here (an empty --data-dir),
# so matrices that use them get gaussian stand-ins with a comment naming the file.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mmr=${1:-$here/../../build/mmr}
fixtures=${2:-$here/../../tests/data/article}
out=${3:-$here}
empty=$(mktemp -d)
trap 'rmdir "$empty"' EXIT
n=0
for json in "$fixtures"/[0-9][0-9]-*.json; do
  name=$(basename "$json" .json)
  nn=${name%%-*}
  # "| NN | file | section | expression | algorithm | blocks | form | notes |" in the README
  row=$(grep -E "^\| $nn \|" "$fixtures/README.md" || true)
  section=$(printf '%s' "$row" | awk -F'|' '{gsub(/^ +| +$/, "", $4); print $4}')
  notes=$(printf '%s' "$row" | awk -F'|' '{gsub(/^ +| +$/, "", $9); print $9}' | tr -d '`')
  "$mmr" import "$json" -o "$out/$name.yaml" --data-dir "$empty" \
    --comment "Article fixture $nn ($section)${notes:+: $notes}." \
    --comment "Regenerate with scenes/article/regenerate.sh (or: cmake --build build --target article-scenes)."
  n=$((n + 1))
done
echo "wrote $n scenes to $out"
