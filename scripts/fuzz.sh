#!/usr/bin/env bash
# Long fuzzing runs, outside the test suite (which runs each fuzzer for a few seconds).
# Builds the libFuzzer targets of tests/fuzz/ with clang (ASan + UBSan) in build-fuzz/
# and runs each for SECONDS (default 600) from its seed corpus; new inputs that grow
# coverage are kept in build-fuzz/corpus_<target>/, crashes are written to build-fuzz/.
#   bash scripts/fuzz.sh                 # every target, 10 minutes each
#   bash scripts/fuzz.sh 60 npy csv      # 60 s each, only these targets
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=($(ls "$root/tests/fuzz/corpus"))
command -v clang++ >/dev/null || { echo "fuzz: needs clang (apt-get install clang libclang-rt-dev)" >&2; exit 2; }
build=$root/build-fuzz
cmake -S "$root/tests/fuzz" -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang > /dev/null
cmake --build "$build" -j"$(nproc)"
status=0
for t in "${targets[@]}"; do
  [ -d "$root/tests/fuzz/corpus/$t" ] || { echo "fuzz: no target '$t'; targets: $(ls "$root/tests/fuzz/corpus" | tr '\n' ' ')" >&2; exit 2; }
  mkdir -p "$build/corpus_$t"
  echo "== fuzz_$t for $seconds s"
  (cd "$build" && ./fuzz_$t -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
     "corpus_$t" "$root/tests/fuzz/corpus/$t") || { echo "fuzz_$t FOUND A PROBLEM (see above; the input is in $build)"; status=1; }
done
exit $status
