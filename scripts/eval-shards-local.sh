#!/usr/bin/env bash
# Exercises the sharded evaluation of docs/eval-shards on one machine: the
# shards run as separate processes (as a Slurm array or a Kubernetes Indexed
# Job would run them), `gwg eval merge` joins them, and the merged log Ẑ is
# compared with the unsharded run's, which must be the same bit for bit.
#
#   scripts/eval-shards-local.sh [bin/gwg] [CHECKPOINT] [SHARDS]
set -euo pipefail
bin=${1:-bin/gwg}
ckpt=${2:-checkpoints/dynamic_mnist-mlp-64-demo.gwg}
n=${3:-4}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
settings=(--checkpoint "$ckpt" --temperatures "${TEMPERATURES:-300}" --chains 40 --repeats 2 --block 10 --seed 7 --splits test --quiet)
# Each process gets one core, as a machine of the array would get its own.
for ((i = 0; i < n; i++)); do
	GOMAXPROCS=1 "$bin" eval "${settings[@]}" --shard "$i/$n" --shard-out "$dir/shard-$i-of-$n.json" &
done
wait
"$bin" eval merge --json "$dir/merged.json" "$dir"/shard-*-of-"$n".json >/dev/null
"$bin" eval "${settings[@]}" --json "$dir/whole.json" >/dev/null
logz() { grep -m1 '"log_z"' "$1" | tr -d ' ,' | cut -d: -f2; }
merged=$(logz "$dir/merged.json")
whole=$(logz "$dir/whole.json")
echo "log Ẑ merged from $n shard processes: $merged"
echo "log Ẑ of the unsharded run:            $whole"
if [ "$merged" != "$whole" ]; then
	echo "MISMATCH" >&2
	exit 1
fi
echo "identical"
