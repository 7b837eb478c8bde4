#!/usr/bin/env bash
# Frames as changes and the static layer (issue #14), end to end: `mmr render`
# writes the same bytes as with the hidden --no-layer-cache (every frame's draw
# list rebuilt and drawn whole) — an attention head whose frames are drawn over
# static layers, a scene that spins (no layer; sprites as changes), and a
# dotprod PNG sequence. Frame-by-frame equality over every shipped scene is in
# tests/gl/layer_cache_test.cpp. Needs MMR and MMR_SOURCE_DIR.
set -u
: "${MMR:?set MMR to the mmr binary}"
: "${MMR_SOURCE_DIR:?set MMR_SOURCE_DIR to the source tree}"
source "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
S="$MMR_SOURCE_DIR/scenes"

same_both_ways() {  # name scene output args...
  local name=$1 scene=$2 out=$3
  shift 3
  mkdir -p "$work/a" "$work/b"
  if "$MMR" render "$scene" -o "$work/a/$out" -v "$@" 2>"$work/a.err" &&
     "$MMR" render "$scene" -o "$work/b/$out" -q --no-layer-cache "$@" 2>"$work/b.err"; then
    local n=0 d=0
    for f in "$work"/b/*; do
      n=$((n + 1))
      cmp -s "$f" "$work/a/$(basename "$f")" || d=$((d + 1))
    done
    [ "$n" -gt 0 ] && [ "$d" = 0 ] && ok || bad "$name: $d of $n files differ from --no-layer-cache"
  else
    bad "$name: render failed: $(cat "$work/a.err" "$work/b.err" | grep -v warning)"
  fi
}

# The GPT-2-size head: about 900 k sprites, a few thousand change per step.
same_both_ways "attention head MP4" "$S/attn-animation.yaml" head.mp4 --size 480x270 --frames 0:45
layers=$(sed -n 's/^mmr: static layers: \([0-9]*\), drawing \([0-9]*\) of the frames$/\1 \2/p' "$work/a.err")
[ -n "$layers" ] && [ "${layers% *}" -ge 1 ] && [ "${layers#* }" -ge 20 ] && ok ||
  bad "attention head: expected static layers in -v output, got '$layers'"
rm -rf "$work/a" "$work/b"

# Spin: the camera moves every frame, so no layer; the sprites are still updated as changes.
same_both_ways "spinning scene MP4" "$S/lora-attn.yaml" spin.mp4 --size 320x180 --frames 0:20
grep -q "static layers" "$work/a.err" && bad "spinning scene: a layer was used while the camera moves" || ok
rm -rf "$work/a" "$work/b"

# A small scene with large sprites: a few layers of a handful of frames each.
same_both_ways "dotprod PNG sequence, held start" "$S/dotprod.yaml" 'f{frame:03}.png' --size 320x180 --frames 0:30 --hold-start 0.2

finish "layer cache tests"
