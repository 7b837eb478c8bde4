#!/usr/bin/env bash
# Signals, standard output and JavaScript determinism (issue #9 parts 5, 7, 8):
# SIGINT/SIGTERM/SIGHUP to still and render exit 128+n with nothing left in the
# output folder and no process of mmr's group left (the JavaScript evaluator
# included); writing to a full standard output is an error; init formulas give
# the same values every run, and a formula that throws is an error.
# Needs MMR (path to the binary). Every wait is bounded; about 15 s in all on an
# idle 2-core machine.
set -u
: "${MMR:?set MMR to the mmr binary}"
source "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
pid=
cleanup() {
  [ -n "$pid" ] && kill -KILL -- "-$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work" || exit 1

# start ARGS...: mmr in a session of its own (so its process group is $pid),
# stderr to $work/err.
start() {
  setsid "$MMR" "$@" >/dev/null 2>"$work/err" &
  pid=$!
}
# until_true SECONDS CMD...: runs CMD every 20 ms until it succeeds (status 1 after
# SECONDS, a whole number).
until_true() {
  local limit=$(($(date +%s%N) + $1 * 1000000000))
  shift
  until "$@"; do
    [ "$(date +%s%N)" -ge "$limit" ] && return 1
    sleep 0.02
  done
}
running() { local s; s=$(ps -o stat= -p "$pid" 2>/dev/null); [ -n "$s" ] && [[ "$s" != Z* ]]; }
stopped() { ! running; }
# stop_within SECONDS: waits (bounded) for $pid to end; sets rc (124 if it did not).
stop_within() {
  if until_true "$1" stopped; then wait "$pid"; rc=$?; else rc=124; fi
}
# no_group_left NAME: no process of mmr's group is left (the evaluator included).
no_group_left() {
  local left
  sleep 0.1
  left=$(pgrep -g "$pid" || true)
  if [ -n "$left" ]; then
    bad "$1: processes left in the group: $(ps -o pid=,stat=,args= -p "$(echo $left | tr ' ' ,)")"
    kill -KILL -- "-$pid" 2>/dev/null
  else
    ok
  fi
  pid=
}
# nothing_in DIR NAME [ALLOWED...]: `ls -A DIR` lists only ALLOWED.
nothing_in() {
  local dir=$1 name=$2 extra
  shift 2
  extra=$(ls -A "$dir" | grep -v -x -F -f <(printf '%s\n' "$@" "//none//") || true)
  [ -z "$extra" ] && ok || bad "$name: left in $dir: $extra"
}
expect_rc() { [ "$rc" -eq "$2" ] && ok || bad "$1: exit $rc, expected $2 ($(cat "$work/err"))"; }
has_tmp() { compgen -G "$1" >/dev/null; }

cat > still.yaml <<'YAML'
expr: A @ B
matrices:
  A: {shape: [8, 8]}
  B: {shape: [8, 8]}
YAML
cat > anim.yaml <<'YAML'
expr: A @ B
matrices:
  A: {shape: [64, 64]}
  B: {shape: [64, 64]}
anim: {alg: "dotprod (row major)", speed: 30}
YAML
cat > spin.yaml <<'YAML'
expr: A @ B
matrices:
  A: {shape: [4, 4], expr: "(function(){while(true){}})()"}
  B: {shape: [4, 4]}
anim: {alg: vmprod, speed: 10}
YAML
mkdir -p out

# --- still: SIGTERM while the PNG is written (its temporary exists) -------------
# 8192x8192: writing the PNG takes long enough to be caught in the act
start still still.yaml -o out/big.png --size 8192x8192
if until_true 15 has_tmp "out/big.png.tmp-*"; then
  kill -TERM "$pid"
  stop_within 5
  expect_rc "still TERM while writing" 143
  [[ "$(cat "$work/err")" == "mmr: interrupted (SIGTERM); out/big.png was not written" ]] && ok ||
    bad "still TERM message: $(cat "$work/err")"
else
  bad "still: no temporary PNG seen"
  stop_within 10
  rm -f out/big.png  # so the cases below are judged on their own
fi
nothing_in out "still TERM while writing"
no_group_left "still TERM while writing"

# --- still: SIGHUP while rendering ----------------------------------------------
start still still.yaml -o out/big.png --size 8192x8192
sleep 0.5
kill -HUP "$pid"
stop_within 5
expect_rc "still HUP while rendering" 129
nothing_in out "still HUP while rendering"
no_group_left "still HUP while rendering"

# --- still: the endless formula; SIGTERM to mmr alone after 1 s -----------------
# The evaluator must not be orphaned: mmr exits 143 at once and takes it along.
start still spin.yaml -o out/spin.png --size 160x90
sleep 1
kill -TERM "$pid"
stop_within 3  # well inside the formula time limit: mmr did not wait for it
expect_rc "still TERM during a formula" 143
nothing_in out "still TERM during a formula"
no_group_left "still TERM during a formula (the evaluator)"

# --- still: Ctrl-C (SIGINT to the whole group) during the formula ---------------
start still spin.yaml -o out/spin.png --size 160x90
sleep 1
kill -INT -- "-$pid"
stop_within 3
expect_rc "still Ctrl-C during a formula" 130
no_group_left "still Ctrl-C during a formula"

# --- render: Ctrl-C during the formula exits 130 at once, not at the time limit --
start render spin.yaml -o out/spin.mp4 --size 160x90 -q
sleep 1
kill -INT -- "-$pid"
stop_within 3  # well inside the formula time limit: mmr did not wait for it
expect_rc "render Ctrl-C during a formula" 130
nothing_in out "render Ctrl-C during a formula"
no_group_left "render Ctrl-C during a formula"

# --- render MP4: SIGHUP once the hidden temporary exists ------------------------
start render anim.yaml -o out/a.mp4 --size 320x180 -q
if until_true 10 has_tmp "out/.a.mp4.tmp-*"; then
  sleep 0.3
  kill -HUP "$pid"
  stop_within 5
  expect_rc "render HUP" 129
else
  bad "render: no temporary MP4 seen"
  stop_within 10
fi
nothing_in out "render HUP"
no_group_left "render HUP"

# --- render PNG sequence: SIGTERM once frames exist: no frame is left -----------
mkdir -p out/frames
start render anim.yaml -o "out/frames/f{frame:04}.png" --size 160x90 -q
if until_true 10 has_tmp "out/frames/.mmr-frames.tmp-*/f0002.png"; then
  kill -TERM "$pid"
  stop_within 5
  expect_rc "PNG sequence TERM" 143
else
  bad "PNG sequence: no frames seen in a temporary folder"
  stop_within 10
fi
nothing_in out/frames "PNG sequence TERM"
no_group_left "PNG sequence TERM"

# A complete sequence: the frames, and no temporary folder.
if "$MMR" render anim.yaml -o "out/frames/f{frame:04}.png" --size 64x64 --frames 0:4 -q; then
  nothing_in out/frames "PNG sequence" f0000.png f0001.png f0002.png f0003.png f0004.png
else
  bad "PNG sequence render failed"
fi
# One frame cannot be moved into place (a folder has its name): no frame is left.
rm -f out/frames/*
mkdir out/frames/f0002.png
expect_error "PNG sequence blocked" 1 "out/frames/f0002.png" -- render anim.yaml -o "out/frames/f{frame:04}.png" --size 64x64 --frames 0:4 -q
nothing_in out/frames "PNG sequence blocked" f0002.png
rmdir out/frames/f0002.png
nothing_in out "after the signals" frames

# --- standard output that cannot be written -------------------------------------
full_stdout() {  # NAME CODE ARGS...: mmr ARGS > /dev/full exits CODE with the one-line message
  local name=$1 code=$2 err
  shift 2
  err=$("$MMR" "$@" 2>&1 >/dev/full)
  rc=$?
  [ "$rc" -eq "$code" ] || { bad "$name > /dev/full: exit $rc, expected $code ($err)"; return; }
  [ "$err" = "mmr: error: writing to standard output failed (No space left on device); make room on the disk or send the output elsewhere" ] &&
    ok || bad "$name > /dev/full: message '$err'"
}
full_stdout check 1 check still.yaml
full_stdout export 1 export still.yaml
link=$("$MMR" export still.yaml)
full_stdout import 1 import "$link"
"$MMR" still still.yaml -o a.png --size 64x64 && "$MMR" still anim.yaml -o b.png --size 64x64 || bad "stills for diff"
full_stdout "diff --json (same)" 2 diff a.png a.png --json
full_stdout "diff --json (different)" 2 diff a.png b.png --json
full_stdout "diff (different)" 2 diff a.png b.png
"$MMR" diff a.png b.png --json > diff.json
rc=$?
[ "$rc" -eq 1 ] && grep -q '"passed": false' diff.json && ok || bad "diff --json: exit $rc, $(cat diff.json)"
mkdir -p scenes refs
cp still.yaml scenes/
"$MMR" test scenes --references refs --update --size 64x64 >/dev/null || bad "test --update"
full_stdout "test --json" 2 test scenes --references refs --out tout --size 64x64 --json
"$MMR" test scenes --references refs --out tout --size 64x64 --json > test.json && grep -q '"passed"' test.json &&
  ok || bad "test --json: $(cat test.json)"

# --- JavaScript: deterministic Math.random and Date, errors ---------------------
cat > rand.yaml <<'YAML'
expr: A @ B
matrices:
  A: {shape: [8, 8], expr: "Math.random() * 2 - 1"}
  B: {shape: [8, 8], expr: "Math.random()"}
YAML
"$MMR" still rand.yaml -o r1.png --size 96x96 && "$MMR" still rand.yaml -o r2.png --size 96x96 &&
  "$MMR" still rand.yaml -o r3.png --size 96x96 --seed 7 || bad "Math.random stills"
cmp -s r1.png r2.png && ok || bad "Math.random: two runs differ"
cmp -s r1.png r3.png && bad "Math.random: --seed 7 gives the same picture" || ok
# Date is fixed at 0 (1970-01-01T00:00:00Z, UTC): any other value throws.
cat > date.yaml <<'YAML'
expr: A @ B
matrices:
  A: {shape: [2, 2], expr: "Date.now() === 0 && new Date().getTime() === 0 && new Date().getUTCFullYear() === 1970 && new Date().getHours() === 0 ? 1 : notFixed"}
  B: {shape: [2, 2]}
YAML
"$MMR" check date.yaml >/dev/null 2>"$work/err" && ok || bad "Date is not fixed at 0: $(cat "$work/err")"
cat > throw.yaml <<'YAML'
expr: A @ W

matrices:
  A: {shape: [4, 4]}
  W: {shape: [4, 5], expr: "j == 3 ? foo : 1"}
YAML
expect_stderr "formula throws" 1 "mmr: error: $work/throw.yaml:5:3: the formula of matrix 'W' threw at (i=0, j=3): ReferenceError: identifier 'foo' undefined; fix the formula, or give --js-errors zero to make such elements 0 as mm does" -- check "$work/throw.yaml"
expect_error "formula throws (still)" 1 "the formula of matrix 'W' threw at (i=0, j=3)" -- still throw.yaml -o t.png --size 64x64
[ -e t.png ] && bad "a picture was written for a throwing formula" || ok
"$MMR" check throw.yaml --js-errors zero >/dev/null && ok || bad "check --js-errors zero"
"$MMR" still throw.yaml -o t.png --size 64x64 --js-errors zero && [ -s t.png ] && ok || bad "still --js-errors zero"
err=$("$MMR" check throw.yaml --js-errors ignore 2>&1 >/dev/null)
rc=$?
[ "$rc" -eq 2 ] && [[ "$(head -1 <<<"$err")" == *"--js-errors ignore: unknown value; choose one of: error, zero" ]] &&
  ok || bad "--js-errors ignore: exit $rc, $err"

finish cli_hardening_signals
