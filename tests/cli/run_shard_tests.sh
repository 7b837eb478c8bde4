#!/usr/bin/env bash
# Shards and mmr join (docs/cluster.md): every split of a render joins to the bytes
# of the single render; --shard auto reads each engine's variables; --resume skips
# a finished part; missing, repeated, foreign, truncated parts are named (exit 2)
# and nothing is written. Needs MMR (path to the binary).
set -u
: "${MMR:?set MMR to the mmr binary}"
source "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
cat > anim.yaml <<'YAML'
expr: A @ B
matrices:
  A: {shape: [6, 4]}
  B: {shape: [4, 6]}
anim: {alg: vmprod, speed: 10}
YAML
common=(--size 96x64 --fps 10 --duration 4.3 --segment 7 -q)  # 43 frames in 7-frame segments: uneven splits
"$MMR" render anim.yaml -o single.mp4 "${common[@]}" || bad "single render failed"



# Every split joins byte-identical to the single render.
for n in 1 2 3 7; do
  for ((i = 0; i < n; i++)); do "$MMR" render anim.yaml -o "p$n/" "${common[@]}" --shard "$i/$n" || bad "shard $i/$n failed"; done
  [ "$(ls "p$n" | wc -l)" -eq "$n" ] && ok || bad "$n shards wrote $(ls "p$n" | wc -l) parts"  # 7 segments: none empty
  "$MMR" join "p$n" -o "joined$n.mp4" -q || bad "join of $n shards failed"
  cmp -s single.mp4 "joined$n.mp4" && ok || bad "$n shards joined differ from the single render"
done
# A slice (--frames) shards and joins the same way; its segments start at its first frame.
"$MMR" render anim.yaml -o slice.mp4 "${common[@]}" --frames 5:30 || bad "slice render"
for i in 0 1 2; do "$MMR" render anim.yaml -o pslice/ "${common[@]}" --frames 5:30 --shard "$i/3" || bad "slice shard $i"; done
[ "$(ls pslice)" = "$(printf 'anim.f000005-000018.mmrpart\nanim.f000019-000025.mmrpart\nanim.f000026-000030.mmrpart')" ] && ok || bad "slice parts: $(ls pslice)"
"$MMR" join pslice/anim.f000019-000025.mmrpart pslice/anim.f000005-000018.mmrpart pslice/anim.f000026-000030.mmrpart -o slice-joined.mp4 -q &&
  cmp -s slice.mp4 slice-joined.mp4 && ok || bad "slice parts given as files in any order do not join to the slice"
# Segments change nothing when the render is one segment long; another segment length gives other bytes.
"$MMR" render anim.yaml -o seg100.mp4 --size 96x64 --fps 10 --segment 100 -q
cmp -s single.mp4 seg100.mp4 && bad "segment length does not change the bytes" || ok

# More shards than segments: the extra shards say so and write nothing.
nseg=$(ls p7 | wc -l)
stderr_of "shard beyond the segments" 0 render anim.yaml -o pmany/ --size 96x64 --fps 10 --segment 1000 --shard 1/2 &&
  [[ "$out" == *"shard 1/2 (--shard 1/2): no frames to render (fewer segments than shards); nothing written"* ]] && ok ||
  bad "empty shard message: $out"
[ ! -e pmany ] || [ -z "$(ls -A pmany)" ] && ok || bad "empty shard wrote $(ls -A pmany)"

# --shard auto: Slurm (COUNT or MIN/MAX), Kubernetes, GNU parallel.
for i in 0 1 2; do SLURM_ARRAY_TASK_ID=$((i + 1)) SLURM_ARRAY_TASK_MIN=1 SLURM_ARRAY_TASK_MAX=3 "$MMR" render anim.yaml -o pslurm/ "${common[@]}" --shard auto || bad "slurm $i"; done
diff <(ls pslurm) <(ls p3) >/dev/null && ok || bad "Slurm MIN/MAX shards: $(ls pslurm)"
for i in 0 1 2; do SLURM_ARRAY_TASK_ID=$i SLURM_ARRAY_TASK_COUNT=3 "$MMR" render anim.yaml -o pslurm2/ "${common[@]}" --shard auto || bad "slurm count $i"; done
"$MMR" join pslurm2 -o slurm.mp4 -q && cmp -s slurm.mp4 single.mp4 && ok || bad "Slurm COUNT shards do not join to the single render"
for i in 0 1 2; do JOB_COMPLETION_INDEX=$i "$MMR" render anim.yaml -o pk8s/ "${common[@]}" --shard auto --shards 3 || bad "k8s $i"; done
"$MMR" join pk8s -o k8s.mp4 -q && cmp -s k8s.mp4 single.mp4 && ok || bad "Kubernetes shards do not join"
for i in 1 2 3; do PARALLEL_SEQ=$i "$MMR" render anim.yaml -o ppar/ "${common[@]}" --shard auto --shards 3 || bad "parallel $i"; done
"$MMR" join ppar -o par.mp4 -q && cmp -s par.mp4 single.mp4 && ok || bad "GNU parallel shards do not join"

# --resume keeps a complete part of the same render, re-renders one of another.
part=$(ls p3 | head -1)
touch -d '2001-01-01' "p3/$part"
stderr_of "resume" 0 render anim.yaml -o p3/ --size 96x64 --fps 10 --duration 4.3 --segment 7 --shard 0/3 --resume &&
  [[ "$out" == *"p3/$part is already complete; skipped (--resume)"* ]] && ok || bad "resume message: $out"
[ "$(stat -c %Y "p3/$part")" = "$(date -d 2001-01-01 +%s)" ] && ok || bad "resume rewrote the part"
stderr_of "resume json" 0 render anim.yaml -o p3/ --size 96x64 --fps 10 --duration 4.3 --segment 7 --shard 0/3 --resume --progress json &&
  [ "$out" = "{\"done\": true, \"shard\": \"0/3\", \"skipped\": true, \"output\": \"p3/$part\"}" ] && ok || bad "resume json: $out"
"$MMR" render anim.yaml -o p3/ "${common[@]}" --shard 0/3 --resume --crf 30 || bad "resume with other settings"
[ "$(stat -c %Y "p3/$part")" != "$(date -d 2001-01-01 +%s)" ] && ok || bad "resume kept a part of another render"
head -c 300 "p3/$part" > cut.tmp && cp cut.tmp "pslice/x.mmrpart" # (used below: a truncated part)
"$MMR" render anim.yaml -o p3/ "${common[@]}" --shard 0/3 || bad "re-render shard 0"

# Bad input: one line naming the part or variable, exit 2, no output.
expect_error "missing part" 2 "mmr join: frames 21-34 are missing (no part covers them)" -- join p3/anim.f000000-000020.mmrpart p3/anim.f000035-000042.mmrpart -o bad.mp4
expect_error "missing end" 2 "mmr join: frames 35-42 are missing (no part covers them)" -- join p3/anim.f000000-000020.mmrpart p3/anim.f000021-000034.mmrpart -o bad.mp4
rm -rf mixed && mkdir mixed && cp p2/* mixed/ && cp p3/anim.f000021-000034.mmrpart mixed/
expect_error "duplicated frames" 2 "mixed/anim.f000021-000034.mmrpart: repeats frames 21-27, also in mixed/anim.f000000-000027.mmrpart; remove one" -- join mixed -o bad.mp4
rm -rf foreign && mkdir foreign && cp p2/* foreign/ && "$MMR" render anim.yaml -o pcrf/ "${common[@]}" --crf 30 --shard 1/2 && cp pcrf/* foreign/x.mmrpart && rm foreign/anim.f000028-000042.mmrpart
expect_error "foreign part" 2 "foreign/x.mmrpart: is a part of another render than foreign/anim.f000000-000027.mmrpart (crf \"30\", not \"20\")" -- join foreign -o bad.mp4
expect_error "truncated part" 2 "pslice/x.mmrpart: is truncated or damaged (it ends before its end record); render that shard again" -- join pslice/x.mmrpart -o bad.mp4
rm -rf damaged && mkdir damaged && cp p1/* damaged/ && f=$(ls damaged/*) && printf '\xff' | dd of="$f" bs=1 seek=2000 conv=notrunc status=none
expect_error "damaged part" 2 "is damaged (its packets do not match the hash in its end record)" -- join damaged -o bad.mp4
mkdir -p empty
expect_error "folder with no parts" 2 "empty: holds no parts (*.mmrpart)" -- join empty -o bad.mp4
expect_error "not a part" 2 "anim.yaml: is not an mmr part" -- join anim.yaml -o bad.mp4
expect_error "join to gif" 2 "-o bad.gif: mmr join writes MP4" -- join p2 -o bad.gif
[ ! -e bad.mp4 ] && [ -z "$(ls -A . | grep '^\.bad')" ] && ok || bad "a refused join left output"
expect_error "index out of range" 2 "--shard 4/4: shard 4 is out of range" -- render anim.yaml -o pbad/ --shard 4/4
expect_error "zero shards" 2 "--shard 0/0: 0 shards" -- render anim.yaml -o pbad/ --shard 0/0
SLURM_ARRAY_TASK_ID=x SLURM_ARRAY_TASK_COUNT=2 "$MMR" render anim.yaml -o pbad/ --shard auto 2>err.txt; rc=$?
[ $rc -eq 2 ] && grep -q "SLURM_ARRAY_TASK_ID: 'x' is not a whole number" err.txt && [ "$(wc -l < err.txt)" -eq 1 ] && ok || bad "malformed SLURM_ARRAY_TASK_ID: exit $rc $(cat err.txt)"
JOB_COMPLETION_INDEX=1 "$MMR" render anim.yaml -o pbad/ --shard auto 2>err.txt; rc=$?
[ $rc -eq 2 ] && grep -q "JOB_COMPLETION_INDEX gives the index but not the number of shards" err.txt && ok || bad "k8s without --shards: exit $rc $(cat err.txt)"
env -u SLURM_ARRAY_TASK_ID -u JOB_COMPLETION_INDEX -u PARALLEL_SEQ "$MMR" render anim.yaml -o pbad/ --shard auto 2>err.txt; rc=$?
[ $rc -eq 2 ] && grep -q "no shard index in the environment" err.txt && ok || bad "auto without engine: exit $rc $(cat err.txt)"
[ ! -e pbad ] && ok || bad "a refused shard left pbad/"
expect_error "shard a gif" 1 "--shard: a GIF cannot be rendered in shards" -- render anim.yaml -o x.gif --shard 0/2
expect_error "shard into an mp4 name" 1 "with --shard, -o names the folder the shard writes its part into" -- render anim.yaml -o x.mp4 --shard 0/2
expect_error "resume without shard" 2 "--resume: only applies to shards" -- render anim.yaml -o x.mp4 --resume

# Only H.264 MP4 parts and PNG sequences shard; one output, no poster: refused before
# anything is rendered, nothing written.
expect_error "shard a webm" 1 "--shard: only an H.264 MP4 (parts joined by mmr join) or a PNG sequence can be rendered in shards, not .webm" -- render anim.yaml -o x.webm --shard 0/2
expect_error "shard a mov" 1 "not .mov" -- render anim.yaml -o x.mov --shard 0/2
expect_error "shard vp9 parts" 1 "--codec vp9: the parts of a sharded render are H.264" -- render anim.yaml -o pvp9/ --codec vp9 --shard 0/2
expect_error "shard two outputs" 1 "--shard: a sharded render writes one output, this one has 2" -- render anim.yaml -o 'x.{mp4,webm}' --shard 0/2
expect_error "shard with a poster" 1 "--poster x.png: cannot be combined with --shard" -- render anim.yaml -o pposter/ --poster x.png --shard 0/2
[ ! -e x.webm ] && [ ! -e x.mov ] && [ ! -e x.mp4 ] && [ ! -e x.png ] && [ ! -e pvp9 ] && [ ! -e pposter ] && ok ||
  bad "a refused shard left output: $(ls -d x.* pvp9 pposter 2>/dev/null)"
# Holds, --view flat and yuv444p shard and join to the single render's bytes; an MP4
# among several outputs of one render is the same file as alone (the segment encoder).
held=(--hold 0.5 --hold-start 0.3 --view flat --pix-fmt yuv444p)
"$MMR" render anim.yaml -o held.mp4 "${common[@]}" "${held[@]}" 2>/dev/null || bad "held render"
for i in 0 1 2; do "$MMR" render anim.yaml -o phold/ "${common[@]}" "${held[@]}" --shard "$i/3" 2>/dev/null || bad "held shard $i"; done
"$MMR" join phold -o held-joined.mp4 -q && cmp -s held.mp4 held-joined.mp4 && ok || bad "held flat yuv444p shards do not join to the single render"
cmp -s held.mp4 single.mp4 && bad "holds, flat view and yuv444p changed nothing" || ok
"$MMR" render anim.yaml -o 'multi.{mp4,gif}' "${common[@]}" || bad "render to two outputs"
cmp -s multi.mp4 single.mp4 && [ -s multi.gif ] && ok || bad "the MP4 of a two-output render differs from the single render"

# A PNG sequence shards into its frames: together they are the whole sequence.
mkdir -p seq seqall
for i in 0 1 2; do "$MMR" render anim.yaml -o "seq/f{frame:04}.png" --size 96x64 --fps 10 --duration 1.1 -q --shard "$i/3" || bad "png shard $i"; done
[ "$(ls seq | wc -l)" -eq 11 ] && ok || bad "PNG shards wrote $(ls seq | wc -l) frames, not 11"
"$MMR" render anim.yaml -o "seqall/f{frame:04}.png" --size 96x64 --fps 10 --duration 1.1 -q
diff -r seq seqall >/dev/null && ok || bad "PNG sequence shards differ from the whole sequence"
# examples/parallel.sh under GNU parallel (when installed): the same bytes.
if command -v parallel >/dev/null && [ -n "${MMR_SOURCE_DIR:-}" ]; then
  MMR=$MMR bash "$MMR_SOURCE_DIR/examples/parallel.sh" anim.yaml gnu.mp4 3 2 "${common[@]}" 2>/dev/null &&
    cmp -s gnu.mp4 single.mp4 && ok || bad "examples/parallel.sh does not give the single render's bytes"
else
  echo "skipped: examples/parallel.sh (GNU parallel is not installed)"
fi
finish "shard tests"
