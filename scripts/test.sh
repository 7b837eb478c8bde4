#!/usr/bin/env bash
# Second command of the README (and what CI runs): install, build, run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
# one job more than cores: several tests wait on sleeps, signals and fixed-time fuzz runs
ctest --test-dir build --output-on-failure -j"$(( $(nproc) + 1 ))"
