#!/usr/bin/env bash
# Regression-image machinery as a CI user runs it (issue #5): reproducible
# renders, `mmr diff`, `mmr still --reference`, `mmr test` and its HTML report
# in headless Chromium.
#   run_diff_tests.sh repro|diff|still|test|report
# Needs MMR (the mmr binary), PNG_TOOL (tests/cli/png_tool.cpp) and MMR_SOURCE_DIR.
set -u
: "${MMR:?set MMR to the mmr binary}"
: "${PNG_TOOL:?set PNG_TOOL to the mmr_png_tool binary}"
: "${MMR_SOURCE_DIR:?set MMR_SOURCE_DIR}"
section=${1:?give a section: repro, diff, still, test or report}
source "$(dirname "$0")/lib.sh"  # before the cd below: $0 may be relative
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
SIZE=640x360

check() {  # check NAME COMMAND...: passes if the command succeeds
  local name=$1
  shift
  if "$@"; then ok; else bad "$name"; fi
}

# run NAME EXPECTED_EXIT -- ARGS...: runs mmr, keeps stdout in $out and stderr in $err.
run() {
  local name=$1 code=$2
  shift 3
  "$MMR" "$@" >"$work/stdout" 2>"$work/stderr"
  local rc=$?
  out=$(cat "$work/stdout")
  err=$(cat "$work/stderr")
  if [ "$rc" -ne "$code" ]; then bad "$name: exit $rc, expected $code (stdout: $out; stderr: $err)"; return 1; fi
  ok
  return 0
}

# expect_error NAME EXPECTED_EXIT EXPECTED_SUBSTRING -- ARGS...: one line on stderr; unlike
# lib.sh's, it keeps stdout in $out for the JSON checks that follow.
expect_error() {
  local name=$1 code=$2 text=$3
  shift 4
  run "$name" "$code" -- "$@" || return
  if [[ "$err" != *"$text"* ]]; then bad "$name: message '$err' lacks '$text'"; return; fi
  if [ "$(printf '%s\n' "$err" | wc -l)" -ne 1 ]; then bad "$name: message is not one line: $err"; return; fi
  if [[ "$err" == *"internal error"* ]]; then bad "$name: internal error: $err"; return; fi
  ok
}

# json_field KEY: the value of "KEY" in the JSON object in $out (numbers, booleans, null, strings).
json_field() {  # the first occurrence
  printf '%s' "$out" | grep -o '"'"$1"'": \("[^"]*"\|[^,}]*\)' | head -1 | sed 's/^"[^"]*": //'
}
expect_field() {  # expect_field NAME KEY VALUE
  local got
  got=$(json_field "$2")
  if [ "$got" = "$3" ]; then ok; else bad "$1: $2 is '$got', expected '$3' in $out"; fi
}
is_png() { [ -s "$1" ] && head -c 8 "$1" | od -An -c | grep -q 'P   N   G'; }

render() {  # render SCENE OUT [ARGS...]
  local scene=$1 png=$2
  shift 2
  "$MMR" still "$scene" -o "$png" --size "$SIZE" "$@" 2>"$work/render_err" >/dev/null ||
    { bad "render $scene: $(cat "$work/render_err")"; return 1; }
}

# Scene variants of pitch.yaml, each changed in one thing.
make_variants() {
  local src="$MMR_SOURCE_DIR/scenes/pitch.yaml"
  cp "$src" base.yaml
  # One element value: L[5][7] is 1 in the base scene; make it -1.
  sed 's|L: {shape: \[32, 24\], init: expr, expr: "|L: {shape: [32, 24], init: expr, expr: "(i == 5 \&\& j == 7) ? -1 : |' \
    "$src" >element.yaml
  # One camera degree: the camera position turned by 1 degree about the vertical through the target.
  awk '/^camera:/ {
         match($0, /position: \[[^]]*\]/); p = substr($0, RSTART + 11, RLENGTH - 12); split(p, c, ", ");
         a = 3.14159265358979 / 180; x = c[1] * cos(a) + c[3] * sin(a); z = -c[1] * sin(a) + c[3] * cos(a);
         printf "camera: {position: [%.12f, %s, %.12f], target: [0, 0, 0]}\n", x, c[2], z; next }
       { print }' "$src" >camera.yaml
  # One colour parameter: the hue of zero moved by 0.05 (mm's default is 0.77).
  sed 's/^viz: {/viz: {zero_hue: 0.82, /' "$src" >colour.yaml
  for v in element camera colour; do
    cmp -s base.yaml $v.yaml && bad "variant $v.yaml is not changed"
  done
}

case "$section" in

# --- 1. reproducible bytes ------------------------------------------------------
repro)
  mkdir -p refs out0 out1 out3
  # Every shipped scene, rendered by three processes: default threads, one llvmpipe
  # thread, OSMesa with three. `mmr test --update` writes the references
  # with the same PNG chunks as `mmr still`, so the files must be byte-identical.
  run "render all scenes" 0 -- test "$MMR_SOURCE_DIR/scenes" --references refs --out out0 --size $SIZE --update
  n=$(ls refs/*.png | wc -l)
  [ "$n" -eq "$(ls "$MMR_SOURCE_DIR"/scenes/*.yaml | wc -l)" ] && ok || bad "expected one reference per scene, got $n"
  # (a second run with other thread counts is also the run-to-run check: a plain
  # repeat would cost a whole pass over the scenes and prove nothing more)
  LP_NUM_THREADS=1 run "LP_NUM_THREADS=1" 0 -- test "$MMR_SOURCE_DIR/scenes" --references refs --out out1 --size $SIZE
  LP_NUM_THREADS=3 run "OSMesa, LP_NUM_THREADS=3" 0 -- test "$MMR_SOURCE_DIR/scenes" --references refs --out out3 \
    --size $SIZE --backend osmesa
  for s in "$MMR_SOURCE_DIR"/scenes/*.yaml; do
    name=$(basename "$s" .yaml)
    cmp -s "refs/$name.png" "out1/$name.png" && ok || bad "$name: a second run (LP_NUM_THREADS=1) gives other bytes"
  done
  # `mmr still`, one process per scene as CI runs it, writes the same bytes.
  for name in pitch attn-head lora-attn; do
    render "$MMR_SOURCE_DIR/scenes/$name.yaml" "still-$name.png" || continue
    cmp -s "refs/$name.png" "still-$name.png" && ok || bad "$name: mmr still and mmr test give other bytes"
  done
  # EGL and OSMesa: identical when both are llvmpipe of the same Mesa (docs/reproducibility.md).
  cp "$MMR_SOURCE_DIR/scenes/pitch.yaml" base.yaml
  egl=$("$MMR" still base.yaml -o egl.png --size $SIZE --backend egl -v 2>&1 | grep -o 'llvmpipe[^)]*)' | head -1)
  osm=$("$MMR" still base.yaml -o osm.png --size $SIZE --backend osmesa -v 2>&1 | grep -o 'llvmpipe[^)]*)' | head -1)
  if [ -n "$egl" ] && [ "$egl" = "$osm" ]; then
    for s in "$MMR_SOURCE_DIR"/scenes/*.yaml; do
      name=$(basename "$s" .yaml)
      cmp -s "refs/$name.png" "out3/$name.png" && ok || bad "$name: OSMesa and EGL give other bytes"
    done
  else
    echo "note: EGL ('$egl') and OSMesa ('$osm') are not the same llvmpipe; backend equality not checked"
  fi
  # Another seed, another size and another msaa are reproducible too.
  for opts in "--seed 7" "--msaa 0" "--size 320x200"; do
    # shellcheck disable=SC2086
    "$MMR" still "$MMR_SOURCE_DIR/scenes/attn-head.yaml" -o o1.png $opts 2>/dev/null &&
      LP_NUM_THREADS=1 "$MMR" still "$MMR_SOURCE_DIR/scenes/attn-head.yaml" -o o2.png $opts 2>/dev/null &&
      cmp -s o1.png o2.png && ok || bad "attn-head with $opts: two runs differ"
  done
  ;;

# --- 2. mmr diff ------------------------------------------------------------------
diff)
  make_variants
  for v in base element camera colour; do render $v.yaml $v.png; done
  # Identical images: exit 0, no diff image, JSON says so.
  render base.yaml base2.png
  run "identical" 0 -- diff base.png base2.png --diff d0.png
  [ -e d0.png ] && bad "a diff image was written for identical images" || ok
  [[ "$out" == "same: "* ]] && ok || bad "identical: output '$out'"
  run "identical json" 0 -- diff base.png base2.png --json
  expect_field "identical json" result '"same"'
  expect_field "identical json" passed true
  expect_field "identical json" exit_code 0
  expect_field "identical json" identical true
  expect_field "identical json" differing_pixels 0
  expect_field "identical json" max_channel_diff 0
  expect_field "identical json" psnr null
  expect_field "identical json" ssim 1
  expect_field "identical json" diff_image null
  # Re-encoding noise: the same pixels written by stb_image_write or libpng at level 9
  # are other bytes but the same picture.
  for how in stb stb-paeth png9; do
    "$PNG_TOOL" reencode base.png re-$how.png $how || bad "reencode $how"
    cmp -s base.png re-$how.png && bad "re-encoding with $how gave the same bytes (test is void)" || ok
    run "re-encoded $how" 0 -- diff base.png re-$how.png --json
    expect_field "re-encoded $how" identical true
    for m in pixels psnr ssim max; do run "re-encoded $how, metric $m" 0 -- diff base.png re-$how.png --metric $m; done
  done
  # One element value, one camera degree, one colour parameter: caught with the defaults.
  for v in element camera colour; do
    run "$v changed" 1 -- diff base.png $v.png --diff $v.diff.png --json
    expect_field "$v changed" result '"different"'
    expect_field "$v changed" passed false
    expect_field "$v changed" exit_code 1
    expect_field "$v changed" metric '"pixels"'
    expect_field "$v changed" threshold 0
    expect_field "$v changed" diff_image "\"$v.diff.png\""
    [ "$(json_field differing_pixels)" -gt 0 ] && ok || bad "$v: no differing pixels counted"
    for key in differing_fraction antialiased_pixels changed_pixels max_channel_diff mean_channel_diff mse psnr ssim value; do
      [[ "$(json_field $key)" =~ ^[0-9.e-]+$ ]] && ok || bad "$v: field $key is '$(json_field $key)'"
    done
    is_png $v.diff.png && [ "$("$PNG_TOOL" info $v.diff.png)" = "640 360" ] && ok || bad "$v: no diff image"
    # Red pixels mark the difference in the diff image.
    [ "$("$PNG_TOOL" count $v.diff.png 255 0 0 0)" -gt 0 ] && ok || bad "$v: diff image has no red pixel"
    # The text form names both files, the numbers and the diff image, on one line.
    run "$v text" 1 -- diff base.png $v.png --diff $v.diff2.png
    [[ "$out" == "different: $v.png vs reference base.png: "*"of pixels differ"*"diff image $v.diff2.png" ]] &&
      [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && ok || bad "$v text: '$out'"
  done
  # The camera turn is caught by every metric's default threshold.
  for m in psnr ssim max; do run "camera, metric $m" 1 -- diff base.png camera.png --metric $m; done
  # A looser threshold lets the element change pass; the metric value is what is compared.
  run "element within 0.01" 0 -- diff base.png element.png --threshold 0.01
  run "camera over 0.01" 1 -- diff base.png camera.png --threshold 0.01 --json
  expect_field "camera over 0.01" threshold 0.01
  # --include-aa counts the anti-aliased pixels too.
  run "camera aa" 1 -- diff base.png camera.png --json
  aa=$(json_field antialiased_pixels) d1=$(json_field differing_pixels)
  run "camera include aa" 1 -- diff base.png camera.png --json --include-aa
  [ "$aa" -gt 0 ] && [ "$(json_field differing_pixels)" -eq $((d1 + aa)) ] && ok ||
    bad "--include-aa: $d1 + $aa != $(json_field differing_pixels)"
  # A lone changed pixel is found and is not anti-aliasing.
  "$PNG_TOOL" paint base.png one.png 5 5 255 255 255
  run "one pixel" 1 -- diff base.png one.png --json
  expect_field "one pixel" differing_pixels 1
  expect_field "one pixel" max_channel_diff 255
  # --color-threshold 1 lets anything pass; 0 counts any change.
  run "colour threshold 1" 0 -- diff base.png colour.png --color-threshold 1
  run "colour threshold 0" 1 -- diff base.png colour.png --color-threshold 0 --json
  [ "$(($(json_field differing_pixels) + $(json_field antialiased_pixels)))" -eq "$(json_field changed_pixels)" ] &&
    ok || bad "colour threshold 0 does not count every changed pixel: $out"

  # Different sizes: "different" (exit 1) with its own message, no diff image.
  "$MMR" still base.yaml -o small.png --size 320x200 2>/dev/null || bad "render small.png"
  run "size mismatch" 1 -- diff base.png small.png --diff size.diff.png
  [[ "$out" == *"different size: small.png is 320x200 but reference base.png is 640x360"* ]] && ok ||
    bad "size mismatch message: $out"
  [ -e size.diff.png ] && bad "diff image written for a size mismatch" || ok
  run "size mismatch json" 1 -- diff base.png small.png --json
  expect_field "size mismatch json" result '"size-mismatch"'

  # Bad input: one line, exit 2, never a crash.
  "$PNG_TOOL" convert base.png rgba.png rgba
  "$PNG_TOOL" convert base.png grey.png grey
  "$PNG_TOOL" convert base.png greya.png grey-alpha
  # Other colour types are compared by their pixels: RGB and opaque RGBA are the same.
  run "RGB vs RGBA" 0 -- diff base.png rgba.png
  "$PNG_TOOL" convert grey.png grey-rgb.png rgba
  run "grey vs the same pixels as RGBA" 0 -- diff grey.png grey-rgb.png
  run "RGB vs grey" 1 -- diff base.png grey.png
  run "grey+alpha vs RGB" 1 -- diff greya.png base.png
  expect_error "missing file" 2 "nope.png: no such file" -- diff base.png nope.png
  expect_error "missing first" 2 "nope.png: no such file" -- diff nope.png base.png
  printf 'hello\n' >text.png
  expect_error "not a PNG" 2 "text.png: is not a PNG file" -- diff base.png text.png
  : >empty.png
  expect_error "empty file" 2 "empty.png: is empty, not a PNG file" -- diff empty.png base.png
  head -c 3000 base.png >truncated.png
  expect_error "truncated PNG" 2 "truncated.png: is a damaged PNG file" -- diff base.png truncated.png
  mkdir folder.png
  expect_error "folder" 2 "folder.png: is a folder, not a PNG file" -- diff base.png folder.png
  # A header claiming 100000x100000 pixels is refused before any allocation.
  { head -c 16 base.png; printf '\x00\x01\x86\xa0\x00\x01\x86\xa0'; tail -c +25 base.png; } >huge.png
  expect_error "huge header" 2 "huge.png: the image is 100000x100000 pixels; mmr compares images up to 16384x16384" -- diff huge.png base.png
  expect_error "threshold > 1" 2 "--threshold 1.5: for --metric pixels the threshold is a fraction" -- diff base.png base2.png --threshold 1.5
  expect_error "threshold < 0" 2 "--threshold -0.1" -- diff base.png base2.png --threshold -0.1
  expect_error "psnr threshold 0" 2 "for --metric psnr the threshold is in dB" -- diff base.png base2.png --metric psnr --threshold 0
  expect_error "ssim threshold 2" 2 "for --metric ssim the threshold is an SSIM from 0 to 1" -- diff base.png base2.png --metric ssim --threshold 2
  expect_error "max threshold 300" 2 "for --metric max the threshold is a channel difference from 0 to 255" -- diff base.png base2.png --metric max --threshold 300
  expect_error "threshold nan" 2 "--threshold nan" -- diff base.png base2.png --threshold nan
  expect_error "colour threshold" 2 "--color-threshold 2: must be from 0 to 1" -- diff base.png base2.png --color-threshold 2
  expect_error "unknown metric" 2 "unknown metric \"mse\"; choose pixels, psnr, ssim or max" -- diff base.png base2.png --metric mse
  expect_stderr "threshold not a number" 2 "mmr diff: error: --threshold lots: not a number
usage: mmr diff A.png B.png [--diff D.png] [options]; see 'mmr diff --help'" -- diff base.png base2.png --threshold lots
  expect_error "diff into a missing folder" 2 "does not exist" -- diff base.png camera.png --diff no/such/d.png
  expect_error "diff over an input" 2 "is one of the images compared" -- diff base.png camera.png --diff camera.png
  expect_stderr "one argument" 2 "mmr diff: error: missing B
usage: mmr diff A.png B.png [--diff D.png] [options]; see 'mmr diff --help'" -- diff base.png
  # Errors in JSON mode: still exit 2, and a JSON object on stdout.
  run "json error" 2 -- diff base.png nope.png --json
  expect_field "json error" result '"error"'
  expect_field "json error" exit_code 2
  # Tiny images (smaller than the SSIM window) work.
  "$MMR" still base.yaml -o t1.png --size 16x16 2>/dev/null && "$PNG_TOOL" paint t1.png t2.png 0 0 255 0 0
  run "16x16" 1 -- diff t1.png t2.png --json
  expect_field "16x16" differing_pixels 1
  ;;

# --- 3. mmr still --reference ---------------------------------------------------------
still)
  make_variants
  mkdir refs out
  # A missing reference: the render is written, exit 1, the message says how to adopt it.
  run "missing reference" 1 -- still base.yaml -o out/pitch.png --size $SIZE --reference refs/pitch.png
  is_png out/pitch.png && ok || bad "missing reference: no render written"
  [[ "$err" == *"missing reference: refs/pitch.png does not exist; the render is out/pitch.png; to make it the reference: cp out/pitch.png refs/pitch.png"* ]] &&
    ok || bad "missing reference message: $err"
  [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] && ok || bad "missing reference: not one line"
  cp out/pitch.png refs/pitch.png
  # The same scene passes (exit 0) and leaves no diff image.
  run "same" 0 -- still base.yaml -o out/pitch.png --size $SIZE --reference refs/pitch.png
  [[ "$out" == *"same: out/pitch.png vs reference refs/pitch.png: identical pixels"* ]] && ok || bad "same: $out"
  [ -e out/pitch.diff.png ] && bad "diff image written on success" || ok
  # A reference re-encoded by another writer still passes.
  "$PNG_TOOL" reencode refs/pitch.png refs/pitch-stb.png stb
  run "re-encoded reference" 0 -- still base.yaml -o out/pitch.png --size $SIZE --reference refs/pitch-stb.png
  # Each change fails with exit 1, writes the actual and the diff next to the output.
  for v in element camera colour; do
    rm -f out/$v.png out/$v.diff.png
    run "$v vs reference" 1 -- still $v.yaml -o out/$v.png --size $SIZE --reference refs/pitch.png
    is_png out/$v.png && ok || bad "$v: actual not written"
    is_png out/$v.diff.png && ok || bad "$v: diff not written next to the output"
    [[ "$err" == "mmr: different: out/$v.png vs reference refs/pitch.png: "*"diff image out/$v.diff.png" ]] &&
      ok || bad "$v message: $err"
  done
  # The issue's example: --threshold 0.01 (1 % of pixels) lets the element change pass, not the camera.
  run "element, 1 %" 0 -- still element.yaml -o out/e.png --size $SIZE --reference refs/pitch.png --threshold 0.01
  run "camera, 1 %" 1 -- still camera.yaml -o out/c.png --size $SIZE --reference refs/pitch.png --threshold 0.01
  run "camera, psnr 10" 0 -- still camera.yaml -o out/c.png --size $SIZE --reference refs/pitch.png --metric psnr --threshold 10
  # A stale diff from an earlier failure is removed when the comparison passes.
  cp out/camera.diff.png out/pitch.diff.png
  run "stale diff" 0 -- still base.yaml -o out/pitch.png --size $SIZE --reference refs/pitch.png
  [ -e out/pitch.diff.png ] && bad "stale diff image left behind" || ok
  # Size mismatch: exit 1 with its message.
  run "size" 1 -- still base.yaml -o out/small.png --size 320x200 --reference refs/pitch.png
  [[ "$err" == *"different size: out/small.png is 320x200 but reference refs/pitch.png is 640x360"* ]] && ok || bad "size: $err"
  # Bad input: exit 1 (still's code for bad input), one line, checked before rendering.
  printf 'x' >refs/bad.png
  expect_error "bad reference" 1 "refs/bad.png: is not a PNG file" -- still base.yaml -o out/x.png --reference refs/bad.png
  [ -e out/x.png ] && bad "rendered despite a bad reference" || ok
  "$PNG_TOOL" convert refs/pitch.png refs/grey.png grey
  run "grey reference" 1 -- still base.yaml -o out/y.png --size $SIZE --reference refs/grey.png  # differs: the colours are gone
  expect_error "threshold range" 1 "--threshold 5: for --metric pixels" -- still base.yaml -o out/z.png --reference refs/pitch.png --threshold 5
  expect_stderr "threshold without reference" 2 "mmr still: error: --threshold requires --reference
usage: mmr still SCENE... -o OUT.png|TEMPLATE|- [options]; see 'mmr still --help'" -- still base.yaml -o out/z.png --threshold 0.1
  expect_error "reference is the output" 1 "is the output file itself" -- still base.yaml -o refs/pitch.png --reference refs/pitch.png
  cmp -s refs/pitch.png out/pitch.png && ok || bad "the reference was overwritten"
  ;;

# --- 4. mmr test --------------------------------------------------------------------
test)
  make_variants
  mkdir scenes
  cp "$MMR_SOURCE_DIR/scenes/pitch.yaml" "$MMR_SOURCE_DIR/scenes/binary.yaml" "$MMR_SOURCE_DIR/scenes/lowrank.yaml" scenes/
  # No references yet: --update creates them (and the folder).
  run "update creates" 0 -- test scenes --references refs --update --size $SIZE --out out
  [[ "$out" == *"mmr test: 3 passed, 0 failed; 3 references written to refs"* ]] && ok || bad "update: $out"
  ls refs/binary.png refs/lowrank.png refs/pitch.png >/dev/null 2>&1 && ok || bad "references not created"
  run "all same" 0 -- test scenes --references refs --size $SIZE --out out
  [[ "$out" == *"mmr test: 3 passed, 0 failed"* ]] && ok || bad "all same: $out"
  # --update rewrites only what changed (reproducible renders keep the files as they are).
  touch -d '2000-01-01' refs/*.png
  cp camera.yaml scenes/pitch.yaml
  run "update after a change" 0 -- test scenes --references refs --update --size $SIZE --out out
  [[ "$out" == *"updated refs/pitch.png"* && "$out" == *"unchanged refs/binary.png"* ]] && ok || bad "update: $out"
  [ -n "$(find refs/binary.png -newer scenes/binary.yaml)" ] && bad "an unchanged reference was rewritten" || ok
  cp base.yaml scenes/pitch.yaml
  # A changed scene: exit 1, its line names it and the numbers, the diff is left in --out.
  run "one differs" 1 -- test scenes --references refs --size $SIZE --out out
  [[ "$out" == *"FAIL    pitch: different: out/pitch.png vs reference refs/pitch.png: "*"of pixels differ"* ]] && ok ||
    bad "one differs: $out"
  [[ "$out" == *"mmr test: 2 passed, 1 failed"* ]] && ok || bad "counts: $out"
  [[ "$err" == *"update the references with: mmr test scenes --references refs --update"* ]] && ok || bad "update hint: $err"
  is_png out/pitch.diff.png && ok || bad "no diff image in --out"
  [ -e out/binary.diff.png ] && bad "diff image for a passing scene" || ok
  # JSON: counts and per-scene fields, failures first.
  run "json" 1 -- test scenes --references refs --size $SIZE --out out --json
  expect_field "json" result '"failed"'
  expect_field "json" exit_code 1
  expect_field "json" passed 2
  expect_field "json" failed 1
  expect_field "json" name '"pitch"'
  expect_field "json" status '"different"'
  # A scene without a reference: exit 2 naming the fix; the others are still compared.
  cp "$MMR_SOURCE_DIR/scenes/right-assoc.yaml" scenes/
  run "missing reference" 2 -- test scenes --references refs --size $SIZE --out out
  [[ "$out" == *"MISSING right-assoc: missing reference: refs/right-assoc.png does not exist"* ]] && ok || bad "missing: $out"
  [[ "$err" == *"mmr: error: 1 scene has no reference in refs; create references with: mmr test scenes --references refs --update"* ]] &&
    ok || bad "missing message: $err"
  rm scenes/right-assoc.yaml
  # A scene that does not render: exit 2, the others still run.
  printf 'expr: A @ (B\n' >scenes/broken.yaml
  run "broken scene" 2 -- test scenes --references refs --size $SIZE --out out
  [[ "$out" == *"ERROR   broken: "*"broken.yaml:1:"* ]] && ok || bad "broken scene: $out"
  rm scenes/broken.yaml
  # A damaged reference is an error for that scene.
  cp refs/lowrank.png lowrank.keep && head -c 500 lowrank.keep >refs/lowrank.png
  run "damaged reference" 2 -- test scenes --references refs --size $SIZE --out out
  [[ "$out" == *"ERROR   lowrank: refs/lowrank.png: is a damaged PNG file"* ]] && ok || bad "damaged reference: $out"
  cp lowrank.keep refs/lowrank.png
  # Bad input: one line, exit 2.
  expect_error "no references folder" 2 "--references nope: no such folder; give the folder of reference PNGs, or create it with --update" -- test scenes --references nope
  expect_error "no scenes folder" 2 "noscenes: no such folder or scene file" -- test noscenes --references refs
  mkdir emptyscenes
  expect_error "empty scenes folder" 2 "emptyscenes: has no *.yaml scenes" -- test emptyscenes --references refs
  expect_error "threshold range" 2 "--threshold 2" -- test scenes --references refs --threshold 2
  expect_error "bad size" 2 "expected WIDTHxHEIGHT" -- test scenes --references refs --size big
  expect_error "report extension" 2 "--report out/r.txt: the report is an HTML page" -- test scenes --references refs --report out/r.txt
  expect_error "out is refs" 2 "is the references folder" -- test scenes --references refs --out refs
  expect_stderr "missing option" 2 "mmr test: error: missing required option --references
usage: mmr test SCENES... --references DIR [options]; see 'mmr test --help'" -- test scenes
  ;;

# --- 5. the HTML report in headless Chromium --------------------------------------------
report)
  browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
  if [ -z "$browser" ]; then
    bad "Chromium is not installed (scripts/install-deps.sh installs Debian's chromium)"
    echo "report: $pass passed, $fail failed"
    exit 1
  fi
  make_variants
  mkdir scenes
  cp base.yaml scenes/pitch.yaml
  cp "$MMR_SOURCE_DIR/scenes/lowrank.yaml" scenes/
  run "references" 0 -- test scenes --references refs --update --size $SIZE --out out
  cp camera.yaml scenes/pitch.yaml
  run "failing run" 1 -- test scenes --references refs --size $SIZE --report out/report.html
  [[ "$out" == *"report: out/report.html"* ]] && ok || bad "report path not printed: $out"
  is_png out/pitch.png && is_png out/pitch.diff.png && ok || bad "renders not next to the report"
  browse() {  # browse ARGS...: headless Chromium on the report, at most 60 s
    local profile
    profile=$(mktemp -d "$work/profile.XXXX")
    timeout 60 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
      --disable-background-networking --disable-component-update --disable-sync --user-data-dir="$profile" \
      --virtual-time-budget=5000 "$@" "file://$work/out/report.html" 2>"$work/browser_err"
  }
  browse --dump-dom >dom.html
  grep -q 'data-ready="yes"' dom.html && ok || bad "the page's script did not run (dump: $(head -c 300 dom.html))"
  # The failing scene comes first, with its three images, each decoded by the browser at 640x360.
  first=$(grep -o '<section class="scene [a-z-]*" id="scene-[a-z-]*"' dom.html | head -1)
  [ "$first" = '<section class="scene different" id="scene-pitch"' ] && ok || bad "first section is '$first'"
  pitch=$(sed -n '/id="scene-pitch"/,/<\/section>/p' dom.html)
  for role in reference actual diff; do
    img=$(printf '%s\n' "$pitch" | grep -o "<img class=\"$role\"[^>]*>")
    [[ "$img" == *'src="data:image/png;base64,'* ]] && ok || bad "$role image of pitch is not a data URI"
    [[ "$img" == *'data-loaded="640x360"'* ]] && ok || bad "$role image of pitch not shown at 640x360: ${img:0:200}"
  done
  # The embedded images are the files: the reference, the render and the diff.
  for pair in "reference refs/pitch.png" "actual out/pitch.png" "diff out/pitch.diff.png"; do
    set -- $pair
    printf '%s\n' "$pitch" | grep -o "<img class=\"$1\"[^>]*>" | sed 's/.*base64,\([^"]*\)".*/\1/' |
      base64 -d >"embedded-$1.png" 2>/dev/null
    cmp -s "embedded-$1.png" "$2" && ok || bad "the $1 image in the page is not $2"
  done
  # The passing scene is one line, without images (--report-all adds its render); no image anywhere is broken.
  lowrank=$(grep 'id="scene-lowrank"' dom.html)
  [[ "$lowrank" == *'data-status="same"'* && "$lowrank" != *'<img'* && "$lowrank" == *'identical pixels'* ]] &&
    ok || bad "passing scene line: $lowrank"
  run "report-all" 1 -- test scenes --references refs --size $SIZE --report out/all.html --report-all
  lowrank=$(sed -n '/id="scene-lowrank"/,/<\/section>/p' out/all.html)
  [[ "$lowrank" == *'class="actual"'* && "$lowrank" != *'class="diff"'* ]] && ok || bad "--report-all: passing scene without its image"
  grep -q 'data-loaded="broken"' dom.html && bad "a broken image in the page" || ok
  grep -q '<title>mmr test: 1 failed, 1 passed</title>' dom.html && ok || bad "title"
  # A screenshot: the diff image's red is visible on the page.
  browse --screenshot="$work/shot.png" --window-size=1280,1000 >/dev/null
  is_png shot.png && [ "$("$PNG_TOOL" info shot.png)" = "1280 1000" ] && ok || bad "no screenshot ($(cat browser_err | tail -2))"
  red=$("$PNG_TOOL" count shot.png 255 0 0 40)
  [ "${red:-0}" -gt 500 ] && ok || bad "screenshot shows $red red pixels, expected the diff image's"
  [ -n "${KEEP_SCREENSHOT:-}" ] && cp shot.png "$KEEP_SCREENSHOT"
  ;;

*)
  echo "unknown section $section"
  exit 2
  ;;
esac

finish "$section"
