#!/bin/bash
# Submits the shard array and the merge that waits for it:
#   GWG_CHECKPOINT=/shared/run/best.gwg GWG_SHARDS=/shared/eval ./slurm-submit.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
array=$(sbatch --parsable --export=ALL "$here/slurm-eval.sbatch")
merge=$(sbatch --parsable --export=ALL --dependency="afterok:${array%%;*}" "$here/slurm-merge.sbatch")
echo "shards: job array $array; merge: job $merge (runs when every shard succeeded)"
