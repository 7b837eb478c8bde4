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
  chromium  # tests only: opens mmr test's HTML report headless (tests/cli/run_diff_tests.sh)
  clang libclang-rt-dev  # tests only: libFuzzer for tests/fuzz/ (skipped without clang)
  slurm-wlm munge  # tests only: a real single-node Slurm runs examples/slurm/ (tests/cli/run_slurm_test.sh; skipped without)
  parallel  # tests only: GNU parallel runs examples/parallel.sh (tests/cli/run_shard_tests.sh; skipped without)
  libxml2-utils  # tests only: xmllint checks mmr test --junit against the JUnit schema (tests/cli/run_report_tests.sh)
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
