#!/usr/bin/env bash
# A ready CI job for figures made with mmr: install mmr's dependencies
# (Debian/Ubuntu, apt), build mmr, render every scene and compare it with its
# reference image. Exit 0 when every picture matches, 1 when one changed beyond
# the tolerance, 2 on errors (a scene that does not render, a missing reference).
#
#   bash path/to/mmr/examples/ci/regression.sh            # check
#   bash path/to/mmr/examples/ci/regression.sh update     # rewrite the references
#
# Settings (environment variables, relative to the current folder):
#   MMR_SRC    mmr's source tree            default: the tree holding this script
#   SCENES     folder of *.yaml scenes      default: scenes
#   REFS       folder of reference PNGs     default: refs
#   OUT        renders, diffs, report.html  default: out
#   MMR_BUILD  build folder                 default: $MMR_SRC/build-ci
#   MMR_ARGS   more options for `mmr test`, e.g. "--size 1280x720 --threshold 0.001"
#   SKIP_DEPS  set to 1 to skip apt-get (dependencies already installed)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
MMR_SRC=${MMR_SRC:-$(cd "$here/../.." && pwd)}
SCENES=${SCENES:-scenes}
REFS=${REFS:-refs}
OUT=${OUT:-out}
MMR_BUILD=${MMR_BUILD:-$MMR_SRC/build-ci}
MMR_ARGS=${MMR_ARGS:-}
mode=${1:-check}

# 1. Dependencies: mmr's own package list (scripts/install-deps.sh) minus the
#    packages only its test suite needs (doctest, Chromium).
if [ "${SKIP_DEPS:-0}" != 1 ]; then
  # shellcheck disable=SC1090
  source <(sed -n '/^PKGS=(/,/^)/p' "$MMR_SRC/scripts/install-deps.sh")
  pkgs=()
  for p in "${PKGS[@]}"; do
    case "$p" in doctest-dev | chromium) ;; *) pkgs+=("$p") ;; esac
  done
  missing=()
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
fi

# 2. Build the mmr binary only (no tests).
cmake -S "$MMR_SRC" -B "$MMR_BUILD" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build "$MMR_BUILD" --target mmr -j"$(nproc)" >/dev/null
mmr="$MMR_BUILD/mmr"
"$mmr" --version

# 3. Render and compare (or rewrite the references).
mkdir -p "$OUT"
if [ "$mode" = update ]; then
  # shellcheck disable=SC2086
  exec "$mmr" test "$SCENES" --references "$REFS" --out "$OUT" --update $MMR_ARGS
fi
status=0
# shellcheck disable=SC2086
"$mmr" test "$SCENES" --references "$REFS" --out "$OUT" --report "$OUT/report.html" $MMR_ARGS || status=$?
case $status in
  0) echo "all figures match their references" ;;
  1) echo "some figures changed: see $OUT/report.html (reference, actual and diff side by side)."
     echo "If the change is intended: bash $0 update, then commit $REFS/" ;;
  *) echo "the comparison could not be completed (exit $status): see the ERROR/MISSING lines above" ;;
esac
exit $status
