#!/usr/bin/env bash
# Renders a video in N shards with GNU parallel (apt-get install parallel), on this
# machine or over ssh with --sshlogin, then joins the parts (docs/cluster.md).
# Each job gets PARALLEL_SEQ (1..N) from parallel; --shard auto --shards N reads it.
#   bash examples/parallel.sh SCENE.yaml OUT.mp4 [SHARDS] [JOBS] [extra mmr render options...]
# e.g. bash examples/parallel.sh scenes/dotprod.yaml dotprod.mp4 8 2 --size 1920x1080
set -euo pipefail
scene=${1:?scene file}
out=${2:?output .mp4}
shards=${3:-8}
jobs=${4:-$(nproc)}
shift $(($# < 4 ? $# : 4))
mmr=${MMR:-mmr}
parts=${out%.mp4}.parts
# One job per shard; the argument (the shard number) is only there to make N jobs.
seq "$shards" | parallel --halt now,fail=1 -j "$jobs" \
  "$mmr" render "$scene" -o "$parts/" --shard auto --shards "$shards" --resume -q "$@" '#' {}
"$mmr" join "$parts/" -o "$out"
