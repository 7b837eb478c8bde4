#!/usr/bin/env bash
# mmr test for CI (issue #11): --junit (validated with xmllint against
# tests/data/junit.xsd), --summary Markdown, --jobs, --update missing|changed|all,
# the sidecar <name>.test.yaml (tolerance, ignore regions that exclude exactly their
# pixels), --shard, and PNG colour types compared by their pixels.
# Needs MMR, PNG_TOOL (tests/cli/png_tool.cpp) and MMR_SOURCE_DIR.
set -u
: "${MMR:?set MMR to the mmr binary}"
: "${PNG_TOOL:?set PNG_TOOL to mmr_png_tool}"
: "${MMR_SOURCE_DIR:?set MMR_SOURCE_DIR}"
source "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
mkdir figs
cp "$MMR_SOURCE_DIR"/scenes/{pitch,binary,lowrank}.yaml figs/
size=(--size 240x136)
run() {  # run NAME EXIT ARGS...: stdout in $out, stderr in $err
  local name=$1 code=$2 rc
  shift 2
  "$MMR" "$@" >stdout.txt 2>stderr.txt
  rc=$?
  out=$(cat stdout.txt)
  err=$(cat stderr.txt)
  [ "$rc" -eq "$code" ] && ok || { bad "$name: exit $rc, expected $code ($out / $err)"; return 1; }
}

# --update modes.
run "update" 0 test figs --references refs --update "${size[@]}"
[ "$(ls refs)" = "$(printf 'binary.png\nlowrank.png\npitch.png')" ] && ok || bad "references: $(ls refs)"
rm refs/binary.png
touch -d 2001-01-01 refs/pitch.png
run "update missing" 0 test figs --references refs "${size[@]}" --update missing
[[ "$out" == *"created refs/binary.png"* && "$out" == *"kept refs/pitch.png (--update missing)"* ]] && ok || bad "update missing: $out"
[ "$(stat -c %Y refs/pitch.png)" = "$(date -d 2001-01-01 +%s)" ] && ok || bad "--update missing rewrote pitch.png"
run "update changed" 0 test figs --references refs "${size[@]}" --update changed
[[ "$out" == *"unchanged refs/pitch.png"* ]] && ok || bad "update changed: $out"
[ "$(stat -c %Y refs/pitch.png)" = "$(date -d 2001-01-01 +%s)" ] && ok || bad "--update changed rewrote an unchanged reference"
run "update all" 0 test figs --references refs "${size[@]}" --update=all
[[ "$out" == *"updated refs/pitch.png"* ]] && [ "$(stat -c %Y refs/pitch.png)" != "$(date -d 2001-01-01 +%s)" ] && ok || bad "update all: $out"
run "update bogus" 2 test figs --references refs "${size[@]}" --update=some
[[ "$err" == *"--update"* ]] && ok || bad "--update=some: $err"

# Colour types: an RGBA or palette-free grey copy of the same pixels is "same".
cp refs/lowrank.png lowrank-rgb.png
"$PNG_TOOL" convert lowrank-rgb.png refs/lowrank.png rgba
run "RGBA reference with the same pixels" 0 test figs --references refs "${size[@]}"
cp lowrank-rgb.png refs/lowrank.png

# A regression in one scene: JUnit, summary, report, --jobs 2.
sed -i 's/^viz: {/viz: {zero_hue: 0.87, /' figs/pitch.yaml
run "failing run" 1 test figs --references refs "${size[@]}" --jobs 2 --junit out/junit.xml --summary out/summary.md --report out/report.html
lines_jobs2=$out
xmllint --noout --schema "$MMR_SOURCE_DIR/tests/data/junit.xsd" out/junit.xml 2>xmllint.txt && ok || bad "junit.xml does not validate: $(cat xmllint.txt)"
[ "$(grep -c '<testcase ' out/junit.xml)" -eq 3 ] && ok || bad "junit: $(grep -c '<testcase ' out/junit.xml) testcases"
grep -q '<testsuite name="mmr test figs" tests="3" failures="1" errors="0" skipped="0"' out/junit.xml && ok || bad "junit suite counts: $(grep '<testsuite ' out/junit.xml)"
grep -q '<failure message="pixels: [0-9.]* % of pixels differ ([0-9]* of 32640; allowed: 0 %)" type="different">different: out/pitch.png vs reference refs/pitch.png' out/junit.xml &&
  ok || bad "junit failure text: $(grep -A1 '<failure' out/junit.xml)"
for f in out/pitch.png out/pitch.diff.png refs/pitch.png; do
  grep -q "\[\[ATTACHMENT|$f\]\]" out/junit.xml && [ -e "$f" ] && ok || bad "junit attachment $f"
done
grep -q '<testcase classname="mmr.test" name="binary" time="[0-9.]*">' out/junit.xml && ok || bad "passing testcase"
grep -A1 'name="binary"' out/junit.xml | grep -q '<failure' && bad "passing scene has a failure" || ok
head -1 out/summary.md | grep -qx '### mmr test: ❌ 2 passed, 1 failed' && ok || bad "summary headline: $(head -1 out/summary.md)"
grep -q '^| scene | result | metric | changed regions (x,y WxH) |$' out/summary.md && ok || bad "summary header"
row=$(sed -n 5p out/summary.md)  # failures first
[[ "$row" =~ ^\|\ pitch\ \|\ \*\*different\*\*\ \|\ pixels:\ [0-9.]+\ %\ of\ pixels\ differ.*\|\ [0-9]+,[0-9]+\ [0-9]+x[0-9]+.*\|$ ]] && ok || bad "summary pitch row: $row"
grep -q '^| binary | same | pixels: 0 % of pixels differ (0 of 32640; allowed: 0 %) |  |$' out/summary.md && ok || bad "summary binary row: $(grep binary out/summary.md)"
# The report: the failure with its images, passing scenes one line each (no image).
[ "$(grep -o '<img' out/report.html | wc -l)" -eq 3 ] && ok || bad "report has $(grep -o '<img' out/report.html | wc -l) images, expected pitch's 3"
grep 'id="scene-binary"' out/report.html | grep -q 'class="scene same line"' && ok || bad "passing scene is not one line"
# --jobs 1 prints the same lines and writes the same files.
run "jobs 1" 1 test figs --references refs "${size[@]}" --out out1
[ "$out" = "$(printf '%s\n' "$lines_jobs2" | sed 's#out/#out1/#g' | grep -v -e '^junit:' -e '^summary:' -e '^report:')" ] && ok || bad "--jobs 2 lines differ from --jobs 1"
for f in binary lowrank pitch pitch.diff; do cmp -s "out/$f.png" "out1/$f.png" && ok || bad "--jobs 2 wrote another $f.png"; done

# A sidecar beside the reference: a tolerance for this scene only.
printf 'threshold: 0.2\n' > refs/pitch.test.yaml
run "sidecar threshold" 0 test figs --references refs "${size[@]}" --junit out/j2.xml
grep -q 'failures="0"' out/j2.xml && ok || bad "sidecar tolerance not applied"
printf 'metric: ssim\nthreshold: 0.999\n' > refs/pitch.test.yaml
run "sidecar metric" 1 test figs --references refs "${size[@]}" --summary out/s2.md
grep -q '^| pitch | \*\*different\*\* | ssim: ' out/s2.md && ok || bad "sidecar metric: $(grep pitch out/s2.md)"
printf 'treshold: 0.2\n' > refs/pitch.test.yaml
run "sidecar unknown key" 2 test figs --references refs "${size[@]}"
[[ "$out" == *"ERROR   pitch: refs/pitch.test.yaml:1:1: treshold: unknown key; use metric, threshold, color_threshold or ignore"* ]] && ok || bad "sidecar error: $out"
printf 'ignore:\n  - [1, 2, 3]\n' > refs/pitch.test.yaml
run "sidecar bad rectangle" 2 test figs --references refs "${size[@]}"
[[ "$out" == *"refs/pitch.test.yaml:2:5: ignore: a rectangle is not [x, y, width, height]"* ]] && ok || bad "sidecar rectangle error: $out"
rm refs/pitch.test.yaml
cp "$MMR_SOURCE_DIR/scenes/pitch.yaml" figs/pitch.yaml

# Ignore regions exclude exactly their pixels: two pixels of the reference painted.
"$PNG_TOOL" paint refs/binary.png refs/binary.png 10 20 255 0 255
"$PNG_TOOL" paint refs/binary.png refs/binary.png 200 100 255 0 255
strict=(--metric max --threshold 0)
run "two pixels differ" 1 test figs --references refs "${size[@]}" "${strict[@]}" --summary out/s3.md
grep -q '^| binary | \*\*different\*\* | max: .* | 10,20 1x1; 200,100 1x1 |$' out/s3.md && ok || bad "changed regions: $(grep binary out/s3.md)"
printf 'ignore:\n  - [10, 20, 1, 1]\n' > refs/binary.test.yaml
run "one ignored" 1 test figs --references refs "${size[@]}" "${strict[@]}" --summary out/s4.md
grep -q '^| binary | \*\*different\*\* | max: .* | 200,100 1x1 |$' out/s4.md && ok || bad "one ignored: $(grep binary out/s4.md)"
printf 'ignore:\n  - [10, 20, 1, 1]\n  - [199, 99, 1, 1]\n  - [201, 100, 5, 5]\n' > refs/binary.test.yaml
run "neighbours ignored, not the pixel" 1 test figs --references refs "${size[@]}" "${strict[@]}" --summary out/s5.md
grep -q '| 200,100 1x1 |$' out/s5.md && ok || bad "a region next to the pixel hid it: $(grep binary out/s5.md)"
printf 'ignore:\n  - [10, 20, 1, 1]\n  - [195, 95, 6, 6]\n' > refs/binary.test.yaml
run "both ignored" 0 test figs --references refs "${size[@]}" "${strict[@]}"

# --shard: each shard tests its share of the scenes; together all of them.
run "shard 0/2" 0 test figs --references refs "${size[@]}" --shard 0/2 --junit out/shard0.xml
run "shard 1/2" 0 test figs --references refs "${size[@]}" --shard 1/2 --junit out/shard1.xml
names=$(cat out/shard0.xml out/shard1.xml | grep -o '<testcase classname="mmr.test" name="[a-z]*"' | cut -d'"' -f4 | tr '\n' ' ')
[ "$names" = "binary lowrank pitch " ] && ok || bad "shards tested: $names"
[[ "$err" == *"mmr test: shard 1/2 (--shard 1/2): 1 of 3 scenes"* ]] && ok || bad "shard note: $err"

# Bad options: one line, exit 2, nothing written.
run "junit not xml" 2 test figs --references refs --junit out/j.txt
[[ "$err" == *"--junit out/j.txt: names a .xml file"* ]] && ok || bad "junit name: $err"
run "jobs 0" 2 test figs --references refs --jobs 0
[[ "$err" == *"--jobs 0: is not a number of scenes at once"* ]] && ok || bad "jobs 0: $err"
[ ! -e out/j.txt ] && ok || bad "a refused run wrote out/j.txt"
finish "report tests"
