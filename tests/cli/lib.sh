# Shared by the command-line test scripts: counters, checks, the summary line.
# Needs MMR (path to the mmr binary). Source it after `set -u`.
: "${MMR:?set MMR to the mmr binary}"
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# expect_error NAME EXIT SUBSTRING -- ARGS...: mmr ARGS exits EXIT with exactly one
# line on stderr containing SUBSTRING.
# stderr_of NAME EXIT ARGS...: runs mmr ARGS, keeps its stderr in $out, and fails the
# check (status 1) unless it exits EXIT.
stderr_of() {
  local name=$1 code=$2 rc
  shift 2
  out=$("$MMR" "$@" 2>&1 >/dev/null)
  rc=$?
  if [ "$rc" -ne "$code" ]; then bad "$name: exit $rc, expected $code ($out)"; return 1; fi
}

expect_error() {
  local name=$1 code=$2 text=$3 out
  shift 4
  stderr_of "$name" "$code" "$@" || return
  if [[ "$out" != *"$text"* ]]; then bad "$name: message '$out' lacks '$text'"; return; fi
  if [ "$(printf '%s\n' "$out" | wc -l)" -ne 1 ]; then bad "$name: message is not one line: $out"; return; fi
  if [[ "$out" == *"internal error"* ]]; then bad "$name: internal error: $out"; return; fi
  ok
}

# expect_stderr NAME EXIT EXPECTED -- ARGS...: mmr ARGS exits EXIT and its whole
# stderr is exactly EXPECTED (lines separated by newlines, no trailing newline).
expect_stderr() {
  local name=$1 code=$2 text=$3 out
  shift 4
  stderr_of "$name" "$code" "$@" || return
  if [ "$out" != "$text" ]; then bad "$name: stderr is
$out
expected
$text"; return; fi
  ok
}

# finish LABEL: the closing line CI reads, and the exit status.
finish() {
  echo "$1: $pass passed, $fail failed"
  [ "$fail" -eq 0 ]
}
