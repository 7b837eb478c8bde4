#!/usr/bin/env bash
# `cmake --install` puts a working mmr under a prefix: the installed binary answers
# --version and renders an installed example scene from a folder that has nothing of
# the checkout in it (shaders and textures are inside the binary).
#   run_install_test.sh BUILD_DIR SOURCE_DIR
set -u
build=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
MMR=$work/prefix/bin/mmr
source "$(dirname "$0")/lib.sh"

if cmake --install "$build" --prefix "$work/prefix" > "$work/install.log" 2>&1; then ok
else bad "cmake --install failed: $(tail -n 3 "$work/install.log")"; fi

[ -x "$MMR" ] && ok || bad "no executable bin/mmr under the prefix"
want=$(sed -n 's/^project(mmr VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
got=$("$MMR" --version 2>&1); rc=$?
[ $rc -eq 0 ] && [ "$got" = "mmr $want" ] && ok || bad "--version: exit $rc, '$got', expected 'mmr $want'"

[ -f "$work/prefix/share/mmr/scenes/pitch.yaml" ] && ok || bad "example scenes not installed in share/mmr/scenes"
[ -f "$work/prefix/share/doc/mmr/scene-format.md" ] && ok || bad "docs not installed in share/doc/mmr"

mkdir "$work/elsewhere"
(cd "$work/elsewhere" && "$MMR" still "$work/prefix/share/mmr/scenes/pitch.yaml" -o pitch.png --size 160x90 \
  > "$work/still.log" 2>&1); rc=$?
[ $rc -eq 0 ] && [ -s "$work/elsewhere/pitch.png" ] && ok || bad "installed mmr could not render: exit $rc $(cat "$work/still.log")"

# mmr stats reads the GPU table installed in share/mmr/ beside bin/
[ -f "$work/prefix/share/mmr/gpus.yaml" ] && ok || bad "GPU table not installed in share/mmr/gpus.yaml"
(cd "$work/elsewhere" && "$MMR" stats "$work/prefix/share/mmr/scenes/attention/gqa-decode.yaml" --gpu all \
  > "$work/stats.log" 2>&1); rc=$?
[ $rc -eq 0 ] && grep -q "b200-gb200" "$work/stats.log" && ok || bad "installed mmr stats failed: exit $rc $(cat "$work/stats.log")"

# videos need the encoder module, installed in lib/mmr/ and found from the binary
printf 'expr: A @ B\nmatrices: {A: {shape: [4, 4]}, B: {shape: [4, 4]}}\nanim: {alg: vvprod}\n' > "$work/anim.yaml"
(cd "$work/elsewhere" && "$MMR" render "$work/anim.yaml" -o anim.mp4 --size 64x64 > "$work/render.log" 2>&1); rc=$?
[ $rc -eq 0 ] && [ -s "$work/elsewhere/anim.mp4" ] && ok || bad "installed mmr could not write a video: exit $rc $(cat "$work/render.log")"

finish install
