#!/bin/bash
# Renders a scene as a Slurm job array of N shards, then joins the parts in a job
# that starts only when every shard succeeded (afterok). Prints the join job's id.
#   bash examples/slurm/submit.sh SCENE.yaml OUT.mp4 [SHARDS] [extra mmr render options...]
# e.g. bash examples/slurm/submit.sh scenes/dotprod.yaml dotprod.mp4 16 --size 3840x2160
# MMR names the mmr binary (default: mmr on the PATH of the compute nodes); the
# parts go to PARTS (default OUT's name with .parts), which all nodes must see.
set -euo pipefail
scene=${1:?scene file}
out=${2:?output .mp4}
shards=${3:-16}
shift $(($# < 3 ? $# : 3))
here=$(cd "$(dirname "$0")" && pwd)
export SCENE=$scene OUT=$out PARTS=${PARTS:-${out%.mp4}.parts} MMR_OPTIONS="$*"
array=$(sbatch --parsable --array=0-$((shards - 1)) --export=ALL "$here/render.sbatch")
array=${array%%;*}
sbatch --parsable --dependency=afterok:"$array" --kill-on-invalid-dep=yes --export=ALL "$here/join.sbatch"
