#!/usr/bin/env bash
# The paper's recipe for a deep EBM on static MNIST (Grathwohl et al. 2021,
# README of the reference code), on mlp-256, and its evaluation at scale:
#
#   scripts/paper-recipe.sh train RUN   # GWG, K = 40, lr 1e-4 warmed up over 10k, 50k iterations,
#                                       # buffer 10k, EMA 0.999; re-run to resume after an interruption
#   scripts/paper-recipe.sh eval RUN    # export the EMA weights of RUN's newest checkpoint to
#                                       # RUN/model.gwg, AIS with 100,000 temperatures × 500 chains
#                                       # spread over SHARDS processes (one core each), merged, with
#                                       # the RAISE bound on RAISE test examples
#
# Settings through the environment: GWG (binary, default bin/gwg), DATA_DIR (default
# $GWG_DATA_DIR), SHARDS (default: the number of cores), TEMPERATURES (100000), RAISE (50),
# TRAIN_FLAGS (extra train flags, e.g. "--valid-every 0"). On a cluster, run the shards as the
# job array of docs/eval-shards/ instead; the merge is the same.
set -euo pipefail
stage=${1:?usage: scripts/paper-recipe.sh train|eval RUN-FOLDER}
run=${2:?usage: scripts/paper-recipe.sh train|eval RUN-FOLDER}
bin=${GWG:-bin/gwg}
data=(--data-dir "${DATA_DIR:-${GWG_DATA_DIR:-}}")
[ -n "${DATA_DIR:-${GWG_DATA_DIR:-}}" ] || data=()

case $stage in
train)
	# shellcheck disable=SC2086 # TRAIN_FLAGS is a list of flags
	exec "$bin" train --preset paper --dataset static_mnist "${data[@]}" --model mlp-256 --sampler gwg \
		--steps 40 --lr 1e-4 --warmup 10000 --iters 50000 --buffer 10000 --ema 0.999 --out "$run" ${TRAIN_FLAGS:-}
	;;
eval)
	n=${SHARDS:-$(nproc)}
	model=$run/model.gwg
	shards=$run/eval-shards
	"$bin" export --checkpoint "$run" --out "$model" --force
	mkdir -p "$shards"
	# 5 repeats of 100 chains in blocks of 50: 10 blocks for the shards to share.
	# shellcheck disable=SC2054 # valid,test is one flag value
	settings=(--checkpoint "$model" "${data[@]}" --temperatures "${TEMPERATURES:-100000}" --chains 100 --repeats 5
		--block 50 --splits valid,test --raise "${RAISE:-50}" --seed 1 --quiet)
	start=$(date +%s)
	pids=()
	for ((i = 0; i < n; i++)); do
		GOMAXPROCS=1 "$bin" eval "${settings[@]}" --shard "$i/$n" --shard-out "$shards/shard-$i-of-$n.json" \
			2>"$shards/shard-$i-of-$n.log" &
		pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p"; done
	echo "AIS shards: $(($(date +%s) - start)) s wall on $n processes"
	"$bin" eval merge "${data[@]}" --json "$run/eval.json" "$shards"/shard-*-of-"$n".json | tee "$run/eval.txt"
	echo "total: $(($(date +%s) - start)) s wall"
	;;
*)
	echo "unknown stage $stage: want train or eval" >&2
	exit 2
	;;
esac
