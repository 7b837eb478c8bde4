#!/usr/bin/env bash
# Frame sizes (issue #14, part 4): 4K stills and videos as a user asks for them
# (pixel size, H.264 level), and sizes mmr cannot render refused before any work
# with one line naming --size, the limit and the fix, and nothing written.
# Needs MMR (path to the binary).
set -u
: "${MMR:?set MMR to the mmr binary}"
source "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/out"
cat > "$work/anim.yaml" <<'YAML'
expr: A @ B
matrices:
  A: {shape: [6, 4]}
  B: {shape: [4, 6]}
anim: {alg: vmprod, speed: 10}
YAML
E="mmr: error:"
png_size() { od -An -tu1 -j16 -N8 "$1" | awk '{printf "%dx%d", $1 * 16777216 + $2 * 65536 + $3 * 256 + $4, $5 * 16777216 + $6 * 65536 + $7 * 256 + $8}'; }
# An MP4's track size (tkhd, 16.16 fixed point) and H.264 level (avcC), e.g. "3840x2160 level 51".
mp4_facts() {
  python3 - "$1" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
t = data.find(b"tkhd") - 4
w, h = struct.unpack(">II", data[t + 84:t + 92])
a = data.find(b"avcC") + 4
print("%dx%d level %d" % (w >> 16, h >> 16, data[a + 3]))
PY
}
no_leftovers() {  # nothing but the given files in $work/out
  local extra
  extra=$(ls -A "$work/out" | grep -v -x -F -f <(printf '%s\n' "$@") || true)
  [ -z "$extra" ] && ok || bad "left behind in out/: $extra"
}

# 4K still: the PNG is 3840x2160.
if "$MMR" still "$work/anim.yaml" -o "$work/out/4k.png" --size 3840x2160; then
  [ "$(png_size "$work/out/4k.png")" = 3840x2160 ] && ok || bad "4K still is $(png_size "$work/out/4k.png")"
else
  bad "4K still failed"
fi
# 4K video: a 3840x2160 H.264 stream at level 5.1 (30 fps); 1080p30 is level 4.0 (60 fps and
# more sizes: tests/cpu/video_test.cpp).
for args in "3840x2160 30 51" "1920x1080 30 40"; do
  set -- $args
  if "$MMR" render "$work/anim.yaml" -o "$work/out/v.mp4" --size "$1" --fps "$2" --frames 0:1 -q; then
    facts=$(mp4_facts "$work/out/v.mp4")
    [ "$facts" = "$1 level $3" ] && ok || bad "$1 at $2 fps: $facts, expected $1 level $3"
  else
    bad "render at $1 $2 fps failed"
  fi
done
rm -f "$work/out/v.mp4"

# Beyond the largest size mmr (and llvmpipe's OpenGL) renders: the limit and the same shape that fits.
expect_stderr "over 16384" 1 "$E --size 20000x10000: over 16384 pixels a side, the largest image mmr renders (the OpenGL maximum of llvmpipe); use e.g. --size 16384x8192 (the same shape), or --size 3840x2160" -- \
  render "$work/anim.yaml" -o "$work/out/x.mp4" --size 20000x10000
expect_error "over 16384: still" 1 "--size 16385x16: over 16384 pixels a side" -- still "$work/anim.yaml" -o "$work/out/x.png" --size 16385x16
# Beyond memory: the memory it would take and the memory allowed (here 3/4 of ulimit -v).
out=$( (ulimit -v 3000000; "$MMR" render "$work/anim.yaml" -o "$work/out/x.mp4" --size 7680x4320) 2>&1); rc=$?
[ "$rc" = 1 ] && [[ "$out" == "$E --size 7680x4320: a 7680x4320 video needs about 4.7 GiB of memory, more than the 2.1 GiB allowed (3/4 of the 2.9 GiB of RLIMIT_AS (ulimit -v)); use a smaller --size, e.g. --size "*"x"*", or run where more memory is allowed" ]] &&
  ok || bad "video over memory: exit $rc: $out"
out=$( (ulimit -v 3000000; "$MMR" still "$work/anim.yaml" -o "$work/out/x.png" --size 16384x16384) 2>&1); rc=$?
[ "$rc" = 1 ] && [[ "$out" == "$E --size 16384x16384: a 16384x16384 still needs about 5.1 GiB of memory, more than the 2.1 GiB allowed"* ]] &&
  ok || bad "still over memory: exit $rc: $out"
# The suggested size fits: render it (a still, to keep this fast).
fit=$(sed -n 's/.*e\.g\. --size \([0-9]*x[0-9]*\),.*/\1/p' <<< "$out")
if (ulimit -v 3000000; "$MMR" still "$work/anim.yaml" -o "$work/out/fit.png" --size "$fit" 2> "$work/err"); then
  ok
  rm -f "$work/out/fit.png"
else
  bad "the suggested size $fit does not render: $(cat "$work/err")"
fi
# 4:2:0 with an odd size: the size, an even one and the formats that take odd sizes.
expect_stderr "odd size" 1 "$E $work/out/x.mp4: H.264 video (yuv420p) needs an even width and height, got 1919x1080; use an even size such as --size 1918x1080, --pix-fmt yuv444p, or a format that allows odd sizes: .mov (ProRes 4444), .webp, .apng, .gif or a PNG sequence" -- \
  render "$work/anim.yaml" -o "$work/out/x.mp4" --size 1919x1080
# ... and 4:4:4 takes it.
"$MMR" render "$work/anim.yaml" -o "$work/out/odd.mp4" --size 161x91 --pix-fmt yuv444p --frames 0:1 -q 2> /dev/null &&
  [ "$(mp4_facts "$work/out/odd.mp4" | cut -d' ' -f1)" = 161x91 ] && ok || bad "odd size with yuv444p"
no_leftovers 4k.png odd.mp4

finish cli_size
