#!/usr/bin/env bash
# Command-line tests of how input files are read (issue #9 parts 3 and 4): FIFOs,
# devices and oversized files are refused before reading; .npz members and PNG
# headers are checked before inflating or decoding; data files are confined to the
# scene's folder and the data folders unless --allow-any-path.
# Needs MMR (path to the binary) and MMR_SOURCE_DIR.
set -u
: "${MMR:?set MMR to the mmr binary}"
: "${MMR_SOURCE_DIR:?set MMR_SOURCE_DIR}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "$0")/lib.sh"
cd "$work" || exit 1

# t_error NAME EXIT EXACT_STDERR NO_SUCH_FILE -- ARGS...: like expect_stderr, under
# `timeout 10` (a regression must not hang the suite), and NO_SUCH_FILE (if given)
# must not exist afterwards.
t_error() {
  local name=$1 code=$2 text=$3 out_file=$4
  shift 5
  local out rc
  out=$(timeout 10 "$MMR" "$@" 2>&1 >/dev/null)
  rc=$?
  if [ "$rc" -eq 124 ]; then bad "$name: hung (killed after 10 s)"; return; fi
  if [ "$rc" -ne "$code" ]; then bad "$name: exit $rc, expected $code ($out)"; return; fi
  if [ "$out" != "$text" ]; then bad "$name: stderr is
$out
expected
$text"; return; fi
  if [ -n "$out_file" ] && [ -e "$out_file" ]; then bad "$name: $out_file was written"; return; fi
  ok
}
# t_ok NAME -- ARGS...: exits 0 within 10 s
t_ok() {
  local name=$1
  shift 2
  local out rc
  out=$(timeout 10 "$MMR" "$@" 2>&1 >/dev/null)
  rc=$?
  [ "$rc" -eq 0 ] && ok || bad "$name: exit $rc ($out)"
}
E="mmr: error:"
REG="not a regular file; give a file"

# --- FIFOs and devices: refused at once, by every reader ---------------------
mkfifo fifo.yaml fifo.json fifo.csv fifo.npy fifo.png
t_error "FIFO scene" 1 "$E fifo.yaml: is a FIFO (named pipe), $REG" out.png -- still fifo.yaml -o out.png
t_error "FIFO scene (check)" 1 "$E fifo.yaml: is a FIFO (named pipe), $REG" "" -- check fifo.yaml
t_error "FIFO params JSON" 1 "$E fifo.json: is a FIFO (named pipe), $REG" "" -- check fifo.json
t_error "FIFO params JSON (import)" 1 "$E fifo.json: is a FIFO (named pipe), $REG" imp.yaml -- import fifo.json -o imp.yaml
printf 'expr: A @ B\nmatrices:\n  A: {shape: [2, 3], file: fifo.csv}\n' > fcsv.yaml
t_error "FIFO CSV" 1 "$E ./fifo.csv: is a FIFO (named pipe), $REG" out.png -- still fcsv.yaml -o out.png
printf 'expr: A @ B\nmatrices:\n  A: {file: fifo.npy}\n' > fnpy.yaml
t_error "FIFO npy" 1 "$E ./fifo.npy: is a FIFO (named pipe), $REG (data for matrix 'A' at fnpy.yaml:3:3)" "" -- check fnpy.yaml
t_error "FIFO scene PNG" 1 "$E fifo.png: is a FIFO (named pipe), $REG" "" -- check fifo.png
t_error "FIFO diff" 2 "$E fifo.png: is a FIFO (named pipe), $REG" "" -- diff fifo.png fifo.png
t_error "/dev/zero scene" 1 "$E /dev/zero: is a character device, $REG" out.png -- still /dev/zero -o out.png
t_error "/dev/urandom scene" 1 "$E /dev/urandom: is a character device, $REG" "" -- check /dev/urandom
ln -s /dev/zero zero.yaml
t_error "symlink to /dev/zero as scene" 1 "$E zero.yaml: is a character device, $REG" "" -- check zero.yaml
printf 'expr: A @ B\nmatrices:\n  A: {shape: [2, 3], file: /dev/zero, format: csv}\n' > zcsv.yaml
t_error "/dev/zero CSV (confined)" 1 \
  "$E zcsv.yaml:3:3: matrices.A.file '/dev/zero' is outside the scene's folder and the data folders; put the file there, or pass --allow-any-path" \
  out.png -- still zcsv.yaml -o out.png
t_error "/dev/zero CSV (--allow-any-path)" 1 "$E /dev/zero: is a character device, $REG" out.png -- \
  still zcsv.yaml -o out.png --allow-any-path
printf 'expr: A @ B\nmatrices:\n  A: {file: /dev/zero, format: npy}\n' > znpy.yaml
t_error "/dev/zero npy" 1 "$E /dev/zero: is a character device, $REG (data for matrix 'A' at znpy.yaml:3:3)" "" -- \
  check znpy.yaml --allow-any-path
mkdir folder.csv
printf 'expr: A @ B\nmatrices:\n  A: {shape: [2, 3], file: folder.csv}\n' > dcsv.yaml
expect_error "folder as CSV" 1 "is a directory" -- check dcsv.yaml

# --- sizes are checked before reading ----------------------------------------
truncate -s 17M big.yaml
t_error "scene over 16 MiB" 1 "$E big.yaml: the file is 17825792 bytes; mmr reads scene files of up to 16 MiB; give a smaller file" "" -- check big.yaml
truncate -s 17M big.json
t_error "params over 16 MiB" 1 "$E big.json: the file is 17825792 bytes; mmr reads params files of up to 16 MiB; give a smaller file" imp.yaml -- import big.json -o imp.yaml
truncate -s 1025M big.csv
printf 'expr: A @ B\nmatrices:\n  A: {shape: [2, 3], file: big.csv}\n' > bcsv.yaml
t_error "CSV over 1 GiB" 1 "$E ./big.csv: the file is 1074790400 bytes; mmr reads CSV files of up to 1 GiB; split the data, or save it as .npy" "" -- check bcsv.yaml
rm -f big.csv

# --- .npz: declared sizes checked before inflating ---------------------------
# make_npz FILE DECLARED [LOCAL_DECLARED]: one deflated member q.npy (a 2x3 float32
# array, 152 bytes), whose central directory declares DECLARED uncompressed bytes
# (zip64 when over 4 GiB) and whose local header declares LOCAL_DECLARED (default: the same).
make_npz() {
  python3 - "$@" <<'PY'
import struct, sys, zlib
path, declared = sys.argv[1], int(sys.argv[2])
local_declared = int(sys.argv[3]) if len(sys.argv) > 3 else declared
hdr = b"{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"
hdr += b" " * (128 - 10 - len(hdr) - 1) + b"\n"
npy = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(hdr)) + hdr + struct.pack("<6f", 1, 2, 3, 4, 5, 6)
c = zlib.compressobj(6, zlib.DEFLATED, -15)
body = c.compress(npy) + c.flush()
crc = zlib.crc32(npy)
name = b"q.npy"
def sizes(n):  # (32-bit field, zip64 extra)
    if n >= 0xFFFFFFFF:
        return 0xFFFFFFFF, struct.pack("<HHQQ", 1, 16, n, len(body))
    return n, b""
ls, lx = sizes(local_declared)
lcomp = 0xFFFFFFFF if lx else len(body)
local = struct.pack("<IHHHHHIIIHH", 0x04034b50, 45, 0, 8, 0, 0x21, crc, lcomp, ls, len(name), len(lx)) + name + lx + body
cs, cx = sizes(declared)
ccomp = 0xFFFFFFFF if cx else len(body)
if cx:
    cx = struct.pack("<HHQQ", 1, 16, declared, len(body))
central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014b50, 45, 45, 0, 8, 0, 0x21, crc, ccomp, cs, len(name), len(cx), 0, 0, 0, 0, 0) + name + cx
eocd = struct.pack("<IHHHHIIH", 0x06054b50, 0, 0, 1, 1, len(central), len(local), 0)
open(path, "wb").write(local + central + eocd)
PY
}
make_npz good.npz 152
make_npz huge.npz 68719476736
make_npz lies.npz 1000000
make_npz twofaced.npz 152 1000000
for f in good huge lies twofaced; do printf 'expr: A @ B\nmatrices:\n  A: {file: %s.npz, array: q}\n' $f > $f-npz.yaml; done
t_ok "crafted npz (honest) reads" -- check good-npz.yaml
[ "$(stat -c %s huge.npz)" -lt 1000 ] && ok || bad "huge.npz is not tiny"
t_error "npz member declaring 64 GiB" 1 \
  "$E ./huge.npz:q.npy: the member declares 68719476736 bytes uncompressed; mmr inflates .npz members of up to 1 GiB; save the array uncompressed (numpy.savez) or split it (data for matrix 'A' at huge-npz.yaml:3:3)" \
  out.png -- still huge-npz.yaml -o out.png
t_error "npz member larger than its .npy header needs" 1 \
  "$E ./lies.npz:q.npy: the member declares 1000000 bytes but its .npy header (2x3 float32) needs 152; the archive is damaged or crafted; write it again with numpy.savez (data for matrix 'A' at lies-npz.yaml:3:3)" \
  "" -- check lies-npz.yaml
t_error "npz local header and central directory disagree" 1 \
  "$E ./twofaced.npz:q.npy: its local header declares 1000000 bytes (88 compressed) but the central directory 152 (88 compressed); the archive is damaged or crafted; write it again with numpy.savez (data for matrix 'A' at twofaced-npz.yaml:3:3)" \
  "" -- check twofaced-npz.yaml

# --- PNG: the scene is found by walking chunks; diff refuses huge headers ------
# make_png FILE W H SCENE_TEXT: a 1-bit grey PNG header of W x H pixels, the scene as
# an iTXt chunk, one IDAT that holds far too few bytes for the image, IEND.
make_png() {
  python3 - "$@" <<'PY'
import struct, sys, zlib
path, w, h, text = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4].encode()
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 1, 0, 0, 0, 0))
png += chunk(b"iTXt", b"mmr:scene\0\0\0\0\0" + text)
png += chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + chunk(b"IEND", b"")
open(path, "wb").write(png)
PY
}
scene='expr: A @ B
matrices:
  A: {shape: [4, 3]}
'
make_png big.png 100000 100000 "$scene"
[ "$(stat -c %s big.png)" -lt 1000 ] && ok || bad "big.png is not tiny"
start=$(date +%s)
out=$(timeout 10 "$MMR" check big.png 2>&1) && [[ "$out" == "big.png: ok"* ]] && ok || bad "scene of a 100000x100000 PNG: $out"
t_ok "still from a 100000x100000 PNG's scene" -- still big.png -o from-big.png --size 64x64
[ -s from-big.png ] && ok || bad "still from big.png wrote nothing"
[ $(( $(date +%s) - start )) -le 8 ] && ok || bad "reading the scene of big.png was slow"
t_error "diff of a 100000x100000 PNG" 2 \
  "$E big.png: the image is 100000x100000 pixels; mmr compares images up to 16384x16384; compare smaller images" "" -- \
  diff big.png big.png
make_png wide.png 10000 10000 "$scene"
t_error "diff of 10000x10000 PNGs" 2 \
  "$E wide.png: the image is 10000x10000 pixels (100000000); mmr compares images of up to 67108864 pixels (8192x8192); compare smaller images" "" -- \
  diff wide.png wide.png
t_error "--reference of 100000x100000" 1 \
  "$E big.png: the image is 100000x100000 pixels; mmr compares images up to 16384x16384; compare smaller images" out.png -- \
  still big.png -o out.png --size 64x64 --reference big.png
python3 -c "
import sys
d = bytearray(open('big.png', 'rb').read())
i = d.index(b'mmr:scene'); d[i + 20] ^= 1
open('crc.png', 'wb').write(bytes(d))"
t_error "text chunk with a bad CRC" 1 "$E crc.png: is a damaged PNG file (CRC error in a iTXt chunk); write the image again" "" -- check crc.png

# --- data confinement ----------------------------------------------------------
mkdir -p proj/data proj/sub outside
printf '1,2,3\n4,5,6\n' > outside/secret.csv
printf '1,2,3\n4,5,6\n' > proj/in.csv
printf '7,8,9\n' > proj/data/w_2_3.csv
cp proj/in.csv proj/sub/in.csv
ln -s ../outside/secret.csv proj/link.csv
ln -s ../../outside/secret.csv proj/data/leak_2_3.csv
ln -s ../in.csv proj/sub/back.csv
scene_with() { printf 'expr: A @ B\nmatrices:\n  A: {shape: [2, 3], %s}\n' "$1" > "$2"; }
scene_with "file: in.csv" proj/ok.yaml
scene_with "file: sub/in.csv" proj/ok-sub.yaml
scene_with "file: sub/back.csv" proj/ok-link.yaml
scene_with "file: ../outside/secret.csv" proj/up.yaml
scene_with "file: $work/outside/secret.csv" proj/abs.yaml
scene_with "file: link.csv" proj/link.yaml
scene_with "file: /proc/self/status, format: csv" proj/proc.yaml
t_ok "file in the scene's folder" -- check proj/ok.yaml
t_ok "file in a subfolder" -- check proj/ok-sub.yaml
t_ok "symlink that stays inside" -- check proj/ok-link.yaml
OUTSIDE="is outside the scene's folder and the data folders; put the file there, or pass --allow-any-path"
t_error "../ file" 1 "$E proj/up.yaml:3:3: matrices.A.file '../outside/secret.csv' $OUTSIDE" out.png -- still proj/up.yaml -o out.png
t_error "absolute file" 1 "$E proj/abs.yaml:3:3: matrices.A.file '$work/outside/secret.csv' $OUTSIDE" "" -- check proj/abs.yaml
t_error "symlink leaving the folder" 1 "$E proj/link.yaml:3:3: matrices.A.file 'link.csv' $OUTSIDE" "" -- check proj/link.yaml
t_error "/proc file" 1 "$E proj/proc.yaml:3:3: matrices.A.file '/proc/self/status' $OUTSIDE" out.png -- still proj/proc.yaml -o out.png
t_ok "--allow-any-path: ../ file" -- check proj/up.yaml --allow-any-path
t_ok "--allow-any-path: absolute file" -- check proj/abs.yaml --allow-any-path
t_ok "--allow-any-path: symlink" -- still proj/link.yaml -o any.png --size 64x64 --allow-any-path
[ -s any.png ] && ok || bad "--allow-any-path still wrote nothing"
# --data-dir folders are allowed too
scene_with "file: $work/outside/secret.csv" proj/dd.yaml
t_ok "file in a --data-dir folder" -- check proj/dd.yaml --data-dir outside
# url: looked up by base name; a symlink in a data folder that leads out is refused
scene_with 'url: "https://example.org/w/w_2_3.csv"' proj/url.yaml
scene_with 'url: "https://example.org/w/leak_2_3.csv"' proj/leak.yaml
t_ok "url in a --data-dir folder" -- check proj/url.yaml --data-dir proj/data
(cd proj && timeout 10 "$MMR" check url.yaml >/dev/null 2>&1) && ok || bad "url in ./data (default) failed"
t_error "url file is a symlink leading out" 1 \
  "$E proj/leak.yaml:3:3: matrices.A.url: its file 'proj/data/leak_2_3.csv' leads (by a symbolic link) outside the scene's folder and the data folders; put the file there, or pass --allow-any-path" \
  "" -- check proj/leak.yaml --data-dir proj/data
t_ok "--allow-any-path: url symlink" -- check proj/leak.yaml --data-dir proj/data --allow-any-path
scene_with 'url: "https://example.org/w/..%2F..%2Foutside%2Fsecret.csv"' proj/esc.yaml
t_error "url base name with ../" 1 \
  "$E proj/esc.yaml:3:3: matrix 'A': the url 'https://example.org/w/..%2F..%2Foutside%2Fsecret.csv' does not end in a plain file name (its base name is '../../outside/secret.csv'); give the url of a data file" \
  out.png -- still proj/esc.yaml -o out.png --data-dir proj/data
scene_with 'url: "https://x.org/..%2F..%2Fetc%2Fpasswd"' proj/passwd.yaml
t_error "url base name ../../etc/passwd (even with --allow-any-path)" 1 \
  "$E proj/passwd.yaml:3:3: matrix 'A': the url 'https://x.org/..%2F..%2Fetc%2Fpasswd' does not end in a plain file name (its base name is '../../etc/passwd'); give the url of a data file" \
  "" -- check proj/passwd.yaml --allow-any-path
scene_with 'url: "https://x.org/a%00b.csv"' proj/nul.yaml
t_error "url base name with NUL" 1 \
  "$E proj/nul.yaml:3:3: matrix 'A': the url 'https://x.org/a%00b.csv' does not end in a plain file name (its base name is 'a?b.csv'); give the url of a data file" \
  "" -- check proj/nul.yaml
# links and params files with such a url: import writes nothing, still renders nothing
python3 - <<'PY'
import json, urllib.parse
d = {"expr": "L @ R",
     "left": {"name": "L", "matmul": False, "h": 2, "w": 3, "init": "url", "url": "https://x.org/..%2F..%2Fetc%2Fpasswd"},
     "right": {"name": "R", "matmul": False, "h": 3, "w": 2, "init": "rows"}}
open("evil.json", "w").write(json.dumps(d))
open("evil.link", "w").write("https://bhosmer.github.io/mm/index.html?params=" + urllib.parse.quote(json.dumps(d)))
PY
link=$(cat evil.link)
WHY="'left.url' does not end in a plain file name (its base name is '../../etc/passwd'); give the url of a data file (mmr looks it up by base name)"
t_error "import of a link with ../ url" 1 "$E mm link: $WHY" imp.yaml -- import "$link" -o imp.yaml
t_error "import of a params file with ../ url" 1 "$E evil.json: $WHY" imp.yaml -- import evil.json -o imp.yaml
out=$(timeout 10 "$MMR" import "$link" 2>/dev/null); [ -z "$out" ] && ok || bad "import to stdout printed a scene"
t_error "still of a link with ../ url" 1 "$E mm link: $WHY" out.png -- still "$link" -o out.png
# a scene embedded in a PNG is confined to the PNG's folder
make_png proj/sub/evil.png 16 16 'expr: A @ B
matrices:
  A: {shape: [2, 3], file: ../../outside/secret.csv}
'
t_error "PNG scene reading outside its folder" 1 \
  "$E proj/sub/evil.png:3:3: matrices.A.file '../../outside/secret.csv' $OUTSIDE" out.png -- still proj/sub/evil.png -o out.png
make_png proj/sub/fine.png 16 16 'expr: A @ B
matrices:
  A: {shape: [2, 3], file: in.csv}
'
t_ok "PNG scene reading beside it" -- check proj/sub/fine.png
# --data-dir must be a folder
t_error "missing --data-dir" 1 "$E --data-dir nope: the folder does not exist; create it, or give an existing folder" out.png -- \
  still proj/ok.yaml -o out.png --data-dir nope
t_error "--data-dir that is a file" 1 "$E --data-dir proj/in.csv: is not a folder; give the folder that holds the data files" "" -- \
  check proj/ok.yaml --data-dir proj/in.csv
t_error "missing --data-dir (import)" 1 "$E --data-dir nope: the folder does not exist; create it, or give an existing folder" imp.yaml -- \
  import evil.json -o imp.yaml --data-dir nope
t_error "missing --data-dir (export)" 1 "$E --data-dir nope: the folder does not exist; create it, or give an existing folder" "" -- \
  export proj/ok.yaml --data-dir nope
for cmd in still render check import export test; do
  "$MMR" $cmd --help 2>&1 | grep -q -- --allow-any-path && ok || bad "$cmd --help lacks --allow-any-path"
done
[ ! -e out.png ] && ok || bad "out.png was written"
ls ./*.tmp* proj/*.tmp* >/dev/null 2>&1 && bad "temporary files left" || ok

finish "hardening files"
