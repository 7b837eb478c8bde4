#!/usr/bin/env bash
# Command-line tests of mm links and data files: `mmr import`, `mmr export`, and
# `mmr still` given a link; every article fixture imports, round-trips and renders;
# bad links and bad data files are one-line errors that leave nothing behind.
# Needs MMR (path to the binary), MMR_SOURCE_DIR and MMR_FIXTURES (tests/data/article).
set -u
: "${MMR:?set MMR to the mmr binary}"
: "${MMR_SOURCE_DIR:?set MMR_SOURCE_DIR}"
: "${MMR_FIXTURES:?set MMR_FIXTURES to tests/data/article}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/empty"
source "$(dirname "$0")/lib.sh"

# expect_import_error NAME EXPECTED_SUBSTRING OUTPUT_THAT_MUST_NOT_EXIST -- ARGS...
expect_import_error() {
  local name=$1 text=$2 out_file=$3
  shift 4
  local out rc
  out=$("$MMR" "$@" 2>&1 >/dev/null)
  rc=$?
  if [ "$rc" -ne 1 ]; then bad "$name: exit $rc, expected 1 ($out)"; return; fi
  if [[ "$out" != *"$text"* ]]; then bad "$name: message '$out' lacks '$text'"; return; fi
  if [ "$(printf '%s\n' "$out" | wc -l)" -ne 1 ]; then bad "$name: message is not one line: $out"; return; fi
  if [ -n "$out_file" ] && [ -e "$out_file" ]; then bad "$name: $out_file was written"; return; fi
  ok
}
body() { grep -v '^#' "$1"; }  # a scene without its comment lines

# --- every article fixture ---------------------------------------------------
n=0
for json in "$MMR_FIXTURES"/[0-9][0-9]-*.json; do
  name=$(basename "$json" .json)
  n=$((n + 1))
  if ! "$MMR" import "$json" -o "$work/$name.yaml" --data-dir "$work/empty" 2>"$work/err"; then
    bad "$name: import failed: $(cat "$work/err")"; continue
  fi
  # scenes/article is what the importer makes (regenerate with scenes/article/regenerate.sh)
  if [ -f "$MMR_SOURCE_DIR/scenes/article/$name.yaml" ]; then
    cmp -s <(body "$work/$name.yaml") <(body "$MMR_SOURCE_DIR/scenes/article/$name.yaml") && ok ||
      bad "$name: scenes/article/$name.yaml is out of date (run scenes/article/regenerate.sh)"
  else
    bad "$name: scenes/article/$name.yaml is missing"
  fi
  # link (JSON form and compressed form) -> YAML gives the same YAML
  link=$("$MMR" export "$work/$name.yaml" 2>"$work/err") || { bad "$name: export failed: $(cat "$work/err")"; continue; }
  [[ "$link" == https://bhosmer.github.io/mm/index.html\?params=* ]] && ok || bad "$name: export printed '$link'"
  "$MMR" import "$link" -o "$work/$name-2.yaml" --data-dir "$work/empty" 2>"$work/err" &&
    cmp -s "$work/$name.yaml" "$work/$name-2.yaml" && ok || bad "$name: link -> YAML -> link -> YAML changed ($(cat "$work/err"))"
  clink=$("$MMR" export --compressed "$json")
  "$MMR" import "$clink" --data-dir "$work/empty" > "$work/$name-3.yaml" 2>"$work/err" &&
    cmp -s "$work/$name.yaml" "$work/$name-3.yaml" && ok || bad "$name: compressed link gives another scene ($(cat "$work/err"))"
  # every imported scene builds (check: its model and all values); every fourth is also
  # rendered, from the scene and from the link, and the two pictures must be the same
  # (rendering all 43 would double the suite's time: the GPT-2-size scenes have ~1 M points)
  "$MMR" check "$work/$name.yaml" > /dev/null 2>"$work/err" && ok || bad "$name: check failed: $(cat "$work/err")"
  if [ $((n % 4)) -eq 1 ]; then
    "$MMR" still "$work/$name.yaml" -o "$work/$name.png" --size 160x90 --msaa 0 2>"$work/err" && [ -s "$work/$name.png" ] &&
      ok || bad "$name: still failed: $(cat "$work/err")"
    "$MMR" still "$link" -o "$work/$name-link.png" --size 160x90 --msaa 0 --data-dir "$work/empty" 2>"$work/err" &&
      cmp -s "$work/$name.png" "$work/$name-link.png" && ok || bad "$name: still LINK differs from still SCENE ($(cat "$work/err"))"
  fi
done
[ "$n" -eq 43 ] && ok || bad "expected 43 fixtures, found $n"

# --- a link's url data: found by base name in --data-dir -----------------------
mkdir "$work/weights"
printf 'expr: A @ B\nmatrices:\n  A: {shape: [2, 3], url: "https://example.org/w/a_2_3.csv"}\n' > "$work/u.yaml"
# a url whose file is not there (and no fallback) is an error naming the file and the folders
expect_import_error "url file missing" "data file 'a_2_3.csv' (from its url) not found in $work/empty" "" -- \
  export "$work/u.yaml" --data-dir "$work/empty"
printf 'expr: A @ B\nmatrices:\n  A: {shape: [2, 3], url: "https://example.org/w/a_2_3.csv", fallback: gaussian}\n' > "$work/u.yaml"
ulink=$("$MMR" export "$work/u.yaml")
printf '1,2,3\n4,5,6\n' > "$work/weights/a_2_3.csv"
# a stand-in for a missing url file is drawn with a warning, and check says so
printf 'expr: A @ B\nmatrices:\n  A: {shape: [2, 3], url: "https://example.org/w/gone_2_3.csv", fallback: gaussian}\n' > "$work/u-fb.yaml"
"$MMR" check "$work/u-fb.yaml" --data-dir "$work/weights" > "$work/check.out" 2> "$work/check.err" &&
  [ "$(head -n 1 "$work/check.out")" = "$work/u-fb.yaml: ok, with 1 warning (on standard error)" ] &&
  [ "$(cat "$work/check.err")" = "mmr: warning: $work/u-fb.yaml:3:3: matrix 'A': data file 'gone_2_3.csv' (from its url) is not in the data folders; drawing a 'gaussian' stand-in; put the file in a --data-dir folder to draw the real data" ] &&
  ok || bad "stand-in without a warning: $(cat "$work/check.out" "$work/check.err")"
# check looks url data up in --data-dir too, as still does
printf 'expr: A @ B\nmatrices:\n  A: {shape: [2, 3], url: "https://example.org/w/a_2_3.csv"}\n' > "$work/u-nofb.yaml"
"$MMR" check "$work/u-nofb.yaml" --data-dir "$work/weights" > /dev/null && ok || bad "check --data-dir did not find the url file"
expect_import_error "check without the url file" "data file 'a_2_3.csv' (from its url) not found in $work/empty" "" -- \
  check "$work/u-nofb.yaml" --data-dir "$work/empty"
"$MMR" import "$ulink" -o "$work/u-real.yaml" --data-dir "$work/weights" && ! grep -q fallback "$work/u-real.yaml" && ok ||
  bad "import with the file in --data-dir still uses a stand-in"
"$MMR" import "$ulink" -o "$work/u-stand.yaml" --data-dir "$work/empty" &&
  grep -q '# stand-in for a_2_3.csv: put the file in --data-dir to use the real weights' "$work/u-stand.yaml" && ok ||
  bad "import without the file has no stand-in comment"
"$MMR" still --data-dir "$work/weights" "$ulink" -o "$work/u.png" --size 160x90 && ok || bad "still --data-dir D LINK failed"
printf '1,x\n' > "$work/weights/a_2_3.csv"
expect_import_error "url data is read" "a_2_3.csv:1:2: 'x' is not a number" "$work/u2.png" -- \
  still "$ulink" -o "$work/u2.png" --size 160x90 --data-dir "$work/weights"

# --- bad links -------------------------------------------------------------------
json18="$MMR_FIXTURES/18-attn-head.json"
clink=$("$MMR" export --compressed "$json18")
jlink=$("$MMR" export "$json18")
expect_import_error "not an mm link" "not an mm link" "$work/b1.yaml" -- import "https://example.com/search?q=matrix" -o "$work/b1.yaml"
expect_import_error "not an mm link (still)" "not an mm link" "$work/b1.png" -- still "https://example.com/page" -o "$work/b1.png"
expect_import_error "truncated compressed link" "is incomplete: it refers to name number" "$work/b2.yaml" -- \
  import "${clink:0:$((${#clink} * 2 / 3))}" -o "$work/b2.yaml"
expect_import_error "truncated JSON link" "not valid JSON" "$work/b3.yaml" -- import "${jlink:0:$((${#jlink} / 2))}" -o "$work/b3.yaml"
expect_import_error "key table does not match" "name table does not match" "$work/b4.yaml" -- import "$clink&extra=999" -o "$work/b4.yaml"
printf '[1, 2, 3]' > "$work/notparams.json"
expect_import_error "JSON not params" "not an mm params object" "$work/b5.yaml" -- import "$work/notparams.json" -o "$work/b5.yaml"
printf '{"left": {"name": "A"' > "$work/cut.json"
expect_import_error "JSON cut" "cut.json: the file is not valid JSON" "$work/b6.yaml" -- import "$work/cut.json" -o "$work/b6.yaml"
expect_import_error "import of a YAML" "neither an mm link nor a params JSON file" "$work/b7.yaml" -- \
  import "$MMR_SOURCE_DIR/scenes/pitch.yaml" -o "$work/b7.yaml"
expect_import_error "import -o .png" "cannot write '.png' files" "$work/b8.png" -- import "$json18" -o "$work/b8.png"

# --- bad data files -----------------------------------------------------------
# npy_file NAME DESCR SHAPE DATA_BYTES: a version 1.0 .npy with zero-filled data
npy_file() {
  local header="{'descr': '$2', 'fortran_order': False, 'shape': $3, }"
  while [ $(( (10 + ${#header} + 1) % 64 )) -ne 0 ]; do header="$header "; done
  local len=$(( ${#header} + 1 ))
  { printf '\x93NUMPY\x01\x00'; printf "\\x$(printf %02x $((len & 255)))\\x$(printf %02x $((len >> 8)))";
    printf '%s\n' "$header"; head -c "$4" /dev/zero; } > "$work/$1"
}
npy_file good.npy '<f4' '(2, 3)' 24
npy_file short.npy '<f4' '(2, 3)' 20
npy_file lies.npy '<f4' '(200, 300)' 24
npy_file complex.npy '<c8' '(2, 3)' 48
data_scene() { printf 'expr: A @ B\nmatrices:\n  A: {%s}\n' "$2" > "$work/$1"; }
data_scene d1.yaml 'file: good.npy'
"$MMR" still "$work/d1.yaml" -o "$work/d1.png" --size 160x90 && ok || bad "a good .npy does not render"
data_scene d2.yaml 'file: missing.npy'
expect_import_error "missing npy" "missing.npy: the data file does not exist" "$work/d2.png" -- still "$work/d2.yaml" -o "$work/d2.png"
data_scene d3.yaml 'file: short.npy'
expect_import_error "truncated npy" "short.npy: truncated: the header describes 2x3 float32 values (24 bytes) but only 20" "$work/d3.png" -- \
  still "$work/d3.yaml" -o "$work/d3.png"
data_scene d4.yaml 'file: lies.npy'
expect_import_error "header lies" "lies.npy: truncated: the header describes 200x300 float32 values" "$work/d4.png" -- \
  still "$work/d4.yaml" -o "$work/d4.png"
data_scene d5.yaml 'file: complex.npy'
expect_import_error "unsupported dtype" "dtype '<c8' (complex) is not supported" "$work/d5.png" -- still "$work/d5.yaml" -o "$work/d5.png"
data_scene d6.yaml 'file: good.npy, shape: [3, 2]'
expect_import_error "shape does not fit" "matrix 'A' is 3x2 but its data (good.npy) is 2x3" "$work/d6.png" -- still "$work/d6.yaml" -o "$work/d6.png"
# safetensors with tensors wq and wk
st_header='{"wq":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},"wk":{"dtype":"F32","shape":[3,2],"data_offsets":[24,48]}}'
while [ $(( ${#st_header} % 8 )) -ne 0 ]; do st_header="$st_header "; done
{ printf "\\x$(printf %02x ${#st_header})\\x00\\x00\\x00\\x00\\x00\\x00\\x00"; printf '%s' "$st_header"; head -c 48 /dev/zero; } > "$work/h.safetensors"
data_scene d7.yaml 'file: h.safetensors, tensor: wq'
"$MMR" still "$work/d7.yaml" -o "$work/d7.png" --size 160x90 && ok || bad "a good safetensors file does not render"
data_scene d8.yaml 'file: h.safetensors, tensor: wv'
expect_import_error "tensor not in file" "h.safetensors: no tensor 'wv' in this file; did you mean 'wq'? tensors in it: wq, wk" "$work/d8.png" -- \
  still "$work/d8.yaml" -o "$work/d8.png"
head -c 60 "$work/h.safetensors" > "$work/cut.safetensors"
data_scene d9.yaml 'file: cut.safetensors, tensor: wk'
expect_import_error "truncated safetensors" "cut.safetensors: truncated" "$work/d9.png" -- still "$work/d9.yaml" -o "$work/d9.png"

finish "cli import"
