#!/usr/bin/env bash
# Renders the documentation's pictures: every scene in docs/gallery/scenes/ becomes
# docs/gallery/<stem>.png, and every line of docs/gallery/flat.txt a heatmap or chart, so the
# pictures in docs/ always come from mmr itself.
#
#   bash scripts/gallery.sh                    # rewrite docs/gallery/*.png with ./build/mmr
#   bash scripts/gallery.sh --check            # render to a temporary folder and fail if any
#                                              # picture in docs/gallery/ differs, is missing
#                                              # or is left over (what the test suite runs)
#   MMR=path/to/mmr bash scripts/gallery.sh    # another binary
#   cmake --build build --target gallery       # the same as the first line
#
# A scene may carry two comment lines the script reads (YAML ignores them):
#   # gallery-steps: 1 8 16    -> <stem>-step1.png, <stem>-step8.png, ... (mmr still --step N):
#                                 a strip of animation steps
#   # gallery-size: 640x360    -> another size than the default 480x270
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mmr=${MMR:-$root/build/mmr}
scenes=$root/docs/gallery/scenes
pictures=$root/docs/gallery
check=0
if [ "${1:-}" = "--check" ]; then check=1; shift; fi
if [ $# -gt 0 ]; then echo "usage: scripts/gallery.sh [--check]" >&2; exit 2; fi
if [ ! -x "$mmr" ]; then
  echo "gallery: no mmr binary at $mmr; build first (bash scripts/build.sh) or set MMR" >&2
  exit 2
fi

out=$pictures
if [ $check = 1 ]; then
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi

# value of a '# gallery-KEY: ...' comment line in a scene, or empty
comment() { sed -n "s/^# gallery-$1: *//p" "$2" | head -n 1; }

made=()
for scene in "$scenes"/*.yaml; do
  stem=$(basename "$scene" .yaml)
  size=$(comment size "$scene")
  size=${size:-480x270}
  steps=$(comment steps "$scene")
  if [ -z "$steps" ]; then
    "$mmr" still "$scene" -o "$out/$stem.png" --size "$size"
    made+=("$stem.png")
  else
    for n in $steps; do
      "$mmr" still "$scene" -o "$out/$stem-step$n.png" --size "$size" --step "$n"
      made+=("$stem-step$n.png")
    done
  fi
done

# Flat figures (docs/flat.md): each line of flat.txt is "STEM COMMAND ARGUMENTS" (heatmap, chart),
# run in docs/gallery/ so the command recorded in the picture has no machine's path.
while IFS= read -r line; do
  case "$line" in ''|'#'*) continue ;; esac
  stem=${line%% *}
  eval "args=(${line#* })"
  (cd "$pictures" && "$mmr" "${args[@]}" -o "$out/$stem.png")
  made+=("$stem.png")
done < "$pictures/flat.txt"

if [ $check = 0 ]; then
  # pictures whose scene (or step) is gone would mislead the docs: remove them
  for png in "$pictures"/*.png; do
    [ -e "$png" ] || continue
    name=$(basename "$png")
    printf '%s\n' "${made[@]}" | grep -xF "$name" >/dev/null || { rm -f "$png"; echo "removed stale $name"; }
  done
  echo "gallery: wrote ${#made[@]} pictures to $pictures"
  exit 0
fi

bad=0
for name in "${made[@]}"; do
  if [ ! -e "$pictures/$name" ]; then
    echo "gallery: docs/gallery/$name is missing" >&2; bad=1
  elif ! cmp -s "$out/$name" "$pictures/$name"; then
    echo "gallery: docs/gallery/$name is stale: the renderer now draws it differently" >&2; bad=1
  fi
done
for png in "$pictures"/*.png; do
  [ -e "$png" ] || continue
  name=$(basename "$png")
  printf '%s\n' "${made[@]}" | grep -xF "$name" >/dev/null ||
    { echo "gallery: docs/gallery/$name has no scene in docs/gallery/scenes/" >&2; bad=1; }
done
if [ $bad = 1 ]; then
  echo "gallery: regenerate with 'bash scripts/gallery.sh' (or 'cmake --build build --target gallery') and commit docs/gallery/" >&2
  exit 1
fi
echo "gallery: all ${#made[@]} pictures in docs/gallery/ are current"
