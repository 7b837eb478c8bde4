#!/usr/bin/env bash
# Installs every Debian 12 package mmr needs to build, test and run.
# Idempotent; run as root (or with sudo). Nothing is downloaded except by apt.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
PKGS=(
  build-essential cmake pkg-config
  libegl-dev libegl1 libgl-dev libgl1-mesa-dri libosmesa6-dev
  libglm-dev libstb-dev libpng-dev zlib1g-dev
  libavcodec-dev libavformat-dev libavutil-dev libswscale-dev
  libcli11-dev libyaml-cpp-dev doctest-dev duktape-dev nlohmann-json3-dev
  fonts-dejavu-core
  chromium  # tests only: opens mmr test's HTML report and the article <video> headless (tests/cli/run_diff_tests.sh, run_article_test.sh)
  libwebp-dev  # tests only: libwebpdemux reads animated WebP back (tests/cpu/video_formats_test.cpp; FFmpeg 5.1 cannot)
  libcairo2-dev libfreetype-dev  # flat figures (mmr heatmap, mmr chart, --view flat): PNG, SVG, PDF
  poppler-utils libxml2-utils  # tests only: pdfinfo/pdftotext check PDFs, xmllint checks SVGs and mmr test --junit against the JUnit schema (tests/cli/run_report_tests.sh)
  python3  # tests only: the command-line tests write .npy files and read JSON/CSV with it
  clang libclang-rt-dev  # tests only: libFuzzer for tests/fuzz/ (skipped without clang)
  slurm-wlm munge  # tests only: a real single-node Slurm runs examples/slurm/ (tests/cli/run_slurm_test.sh; skipped without)
  time  # benchmarks only: GNU time measures peak memory and CPU time (bench/compare.sh and the other bench/*.sh)
  parallel  # tests only: GNU parallel runs examples/parallel.sh (tests/cli/run_shard_tests.sh; skipped without)
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
