#!/usr/bin/env bash
# Speed of this working tree against an earlier revision, measured side by side in
# one run: ratios new/old hold across machines, absolute frames/s do not.
#   bash bench/compare.sh OLD_REV
# Builds OLD_REV (git archive into BUILD/compare/<commit>/src, its own build folder
# beside it, ccache if installed; reused on later runs) and the working tree (in
# BUILD), then renders the same scenes with both, ALTERNATELY (old, new, new, old,
# ...), RUNS times each:
#   scenes/dotprod.yaml         article fixture 02, 2.6 k elements, one element per step
#   scenes/attn-animation.yaml  article fixture 20, the GPT-2-size head, 885 k points
#   bench/scenes/spin.yaml      a 2x2 @ 2x2 that only spins: every frame moves
# at 1920x1080 and 3840x2160, a fixed number of frames each (--frames 0:N-1, H.264
# MP4, default options). Prints, per scene and size, the frame loop's frames/s (what
# `mmr render -v` reports: rendering, readback and encoding, without start-up) of old
# and new (min/median/max over the runs), the ratio new/old (median, and min/max of
# the per-pair ratios), the median CPU time of the whole process (user + system, start-up
# included: steadier than frames/s on a shared machine, where other processes take the
# cores), each run's peak RSS (GNU time), and whether old and new wrote the same MP4 bytes.
# Environment: RUNS (default 3), BUILD (default build), SIZES (default
# "1920x1080 3840x2160"), SCENES (default "dotprod attn-animation spin"),
# JOBS (build jobs, default 2).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
if [ $# -ne 1 ]; then
  echo "usage: bash bench/compare.sh OLD_REV   (e.g. main, HEAD~3, a commit)" >&2
  exit 2
fi
runs=${RUNS:-3}
build=${BUILD:-build}
sizes=${SIZES:-1920x1080 3840x2160}
scenes=${SCENES:-dotprod attn-animation spin}
jobs=${JOBS:-2}
case $runs in '' | *[!0-9]* | 0) echo "RUNS must be a positive whole number, not '$runs'" >&2; exit 2 ;; esac
old=$(git rev-parse --verify --quiet "$1^{commit}") || {
  echo "compare.sh: $1 is not a revision of this repository; give a branch, tag or commit (e.g. main)" >&2
  exit 2
}
case $build in /*) ;; *) build=$root/$build ;; esac

# Frames rendered per scene and size: a run takes seconds, not minutes.
frames_for() {  # SCENE SIZE
  local big=0
  [ "${2%%x*}" -gt 1920 ] && big=1
  case $1 in
    dotprod) [ $big = 1 ] && echo 60 || echo 150 ;;
    attn-animation) [ $big = 1 ] && echo 24 || echo 60 ;;
    spin) [ $big = 1 ] && echo 60 || echo 150 ;;
    *) echo 60 ;;
  esac
}
scene_path() {
  case $1 in
    spin) echo "$root/bench/scenes/spin.yaml" ;;
    *) echo "$root/scenes/$1.yaml" ;;
  esac
}

launcher=()
if command -v ccache > /dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
old_dir=$build/compare/$old
if [ ! -x "$old_dir/build/mmr" ]; then
  echo "building old ($1 = ${old:0:12}) in $old_dir ..." >&2
  rm -rf "$old_dir"
  mkdir -p "$old_dir/src"
  git archive "$old" | tar -x -C "$old_dir/src"
  # Paths relative to the revision's folder: ccache then reuses objects between revisions.
  export CCACHE_BASEDIR=$old_dir
  cmake -S "$old_dir/src" -B "$old_dir/build" -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" > "$old_dir/configure.log"
  cmake --build "$old_dir/build" --target mmr -j "$jobs" > "$old_dir/build.log" ||
    { echo "compare.sh: building $1 failed; see $old_dir/build.log" >&2; exit 1; }
fi
unset CCACHE_BASEDIR
echo "building new (working tree) in $build ..." >&2
[ -f "$build/CMakeCache.txt" ] || cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" > /dev/null
cmake --build "$build" --target mmr -j "$jobs" > /dev/null
bin_old=$old_dir/build/mmr
bin_new=$build/mmr

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
timer=()
[ -x /usr/bin/time ] && timer=(/usr/bin/time -f "%M %U %S" -o "$out/mem")

new_rev=$(git rev-parse --short=12 HEAD)
git diff --quiet HEAD -- 2> /dev/null || new_rev="$new_rev + uncommitted changes"
echo "old: $1 = ${old:0:12}; new: working tree ($new_rev)"
echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB; load at start $(cut -d' ' -f1-3 /proc/loadavg)"
echo "runs: $runs per version, alternating; frames/s of the frame loop (mmr render -v), CPU s of the process, peak RSS in MiB"

# One render; sets fps, cpu and mem, keeps the MP4 as $out/WHO.mp4.
run_one() {  # WHO BIN SCENE SIZE FRAMES
  local who=$1 bin=$2 scene=$3 size=$4 n=$5
  rm -f "$out/mem"
  if ! "${timer[@]}" "$bin" render "$(scene_path "$scene")" -o "$out/$who.mp4" --size "$size" \
      --frames "0:$((n - 1))" -v 2> "$out/log"; then
    echo "compare.sh: $who failed on $scene at $size:" >&2
    cat "$out/log" >&2
    exit 1
  fi
  mem=- cpu=-
  fps=$(sed -n 's/.* = \([0-9.]*\) frames\/s;.*/\1/p' "$out/log" | head -1)
  [ -n "$fps" ] || fps=$(sed -n 's/.*frames in [0-9.]* s (\([0-9.]*\) frames\/s).*/\1/p' "$out/log" | head -1)
  if [ -s "$out/mem" ]; then
    read -r mem cpu <<< "$(tail -1 "$out/mem" | awk '{printf "%d %.2f", $1 / 1024, $2 + $3}')"
  fi
  [ -n "$renderer" ] || renderer=$(sed -n '1s/^mmr: //p' "$out/log")
}
stats() {  # numbers... -> "min median max"
  printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {
    m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "%.3g %.3g %.3g", v[1], m, v[NR]}'
}

renderer=""
rows=()
for scene in $scenes; do
  for size in $sizes; do
    n=$(frames_for "$scene" "$size")
    fo=() fn=() ratios=() mo=() mn=() co=() cn=()
    same=yes
    for ((r = 1; r <= runs; r++)); do
      # Alternate which goes first, so that drift in the machine's load hits both.
      if ((r % 2)); then order="old new"; else order="new old"; fi
      for who in $order; do
        if [ $who = old ]; then run_one old "$bin_old" "$scene" "$size" "$n"; fo+=("$fps"); mo+=("$mem"); co+=("$cpu")
        else run_one new "$bin_new" "$scene" "$size" "$n"; fn+=("$fps"); mn+=("$mem"); cn+=("$cpu"); fi
        echo "  $scene $size $n frames, run $r $who: $fps frames/s, CPU $cpu s, peak $mem MiB" >&2
      done
      ratios+=("$(awk -v a="${fn[r - 1]}" -v b="${fo[r - 1]}" 'BEGIN {printf "%.4f", a / b}')")
      cmp -s "$out/old.mp4" "$out/new.mp4" || same=no
    done
    read -r omin omed omax <<< "$(stats "${fo[@]}")"
    read -r nmin nmed nmax <<< "$(stats "${fn[@]}")"
    read -r rmin _ rmax <<< "$(stats "${ratios[@]}")"
    rmed=$(awk -v a="$nmed" -v b="$omed" 'BEGIN {printf "%.2f", a / b}')
    cpu_cells="- | - | -"
    if [ "${co[0]}" != - ]; then
      read -r _ ocpu _ <<< "$(stats "${co[@]}")"
      read -r _ ncpu _ <<< "$(stats "${cn[@]}")"
      cpu_cells="$ocpu | $ncpu | $(awk -v a="$ncpu" -v b="$ocpu" 'BEGIN {printf "%.2f", a / b}')"
    fi
    rows+=("| $scene | $size | $n | $omin / $omed / $omax | $nmin / $nmed / $nmax | **$rmed** ($rmin-$rmax) | $cpu_cells | ${mo[*]} | ${mn[*]} | $same |")
  done
done
echo "renderer: $renderer; load at end $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| scene | size | frames | old frames/s min / median / max | new frames/s min / median / max | new/old: median (pairs min-max) | old CPU s (median) | new CPU s (median) | CPU new/old | old peak MiB per run | new peak MiB per run | same MP4 bytes |"
echo "| --- | --- | ---: | --- | --- | --- | ---: | ---: | ---: | --- | --- | --- |"
printf '%s\n' "${rows[@]}"
