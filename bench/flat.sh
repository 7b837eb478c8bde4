#!/usr/bin/env bash
# Flat views (docs/flat.md): a 12-head grid of 1024x1024 attention maps to PNG, SVG and
# PDF, and a flat-view video against the 3D one. Prints wall time and file size.
#   bash bench/flat.sh [BUILD_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mmr=${1:-$root/build}/mmr
work=$(mktemp -d "${TMPDIR:-/tmp}/mmr-bench-flat.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
python3 - <<'PY'
import struct, random, math, array
H, S = 12, 1024
random.seed(3)
hdr = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d, %d), }" % (H, S, S)
hdr += " " * (64 - (10 + len(hdr) + 1) % 64) + "\n"
with open("attn.npy", "wb") as f:
    f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(hdr)) + hdr.encode())
    for h in range(H):
        for i in range(S):
            row = array.array("f", [0.0] * S)
            # a causal row: a few strong keys (previous token, first token) over a decaying tail
            w = [math.exp(-0.01 * (i - j)) for j in range(i + 1)]
            w[max(0, i - 1)] += 5 if h % 3 == 0 else 0
            w[0] += 5 if h % 3 == 1 else 0
            s = sum(w)
            for j in range(i + 1): row[j] = w[j] / s
            f.write(row.tobytes())
PY
time_of() { local s e; s=$(date +%s.%N); "$@" > /dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc; }
printf '%-44s %9s %12s\n' "command" "wall s" "file bytes"
for ext in png svg pdf; do
  t=$(time_of "$mmr" heatmap attn.npy --grid heads --causal --size 1920 -o "grid.$ext")
  printf '%-44s %9.2f %12d\n' "heatmap 12 x 1024x1024 grid -> .$ext" "$t" "$(stat -c %s "grid.$ext")"
done
scene=$root/scenes/dotprod.yaml
t=$("$mmr" --version > /dev/null; time_of "$mmr" render "$scene" -o flat.mp4 --view flat --size 1280x720)
printf '%-44s %9.2f %12d\n' "render dotprod --view flat 1280x720 mp4" "$t" "$(stat -c %s flat.mp4)"
t=$(time_of "$mmr" render "$scene" -o cube.mp4 --size 1280x720)
printf '%-44s %9.2f %12d\n' "render dotprod (3d, GL) 1280x720 mp4" "$t" "$(stat -c %s cube.mp4)"
