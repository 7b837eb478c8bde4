#!/usr/bin/env bash
# Installs the Debian packages mmr needs, then configures and builds it in build/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release > build-configure.log 2>&1 || { cat build-configure.log; exit 1; }
rm -f build-configure.log
# one job more than cores: compiles overlap the link steps and I/O waits
cmake --build build -j"$(( $(nproc) + 1 ))"
