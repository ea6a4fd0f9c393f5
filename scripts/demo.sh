#!/usr/bin/env bash
# The README's main job, on the embedded default data set (dynamic MNIST from
# the Go module cache): train a small EBM, draw samples, estimate its
# log-likelihood. Runs on a fresh machine with only Go installed; re-running
# it resumes the run instead of starting over.
set -euo pipefail
bin=${1:-bin/gwg}
run=${DEMO_RUN:-checkpoints/demo}

echo "== 1/3 train: mlp-64 energy on dynamic MNIST, GWG persistent chains (a few minutes on 2 cores)"
"$bin" train --preset demo --out "$run"

echo
echo "== 2/3 sample: 64 chains from the replay buffer, 200 more GWG steps under the EMA weights"
"$bin" sample --checkpoint "$run" --chains 64 --steps 200 --out "$run/samples.png"

echo
echo "== 3/3 evaluate: the test log-likelihood, bracketed by AIS (optimistic) and RAISE on 100 test images (conservative)"
"$bin" eval --checkpoint "$run" --temperatures 3000 --chains 50 --repeats 2 --splits test --raise 100 --json "$run/eval.json"

echo
echo "Done. Look at $run/samples.png and the training curves in $run/."
echo "For a tighter estimate: $bin eval --checkpoint $run --temperatures 10000 --chains 100 --repeats 3"
