#!/usr/bin/env bash
# Second command of the README (and what CI runs): install, build, run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
ctest --test-dir build --output-on-failure -j2
