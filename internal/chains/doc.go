// Package chains is what `gwg sample`, `gwg eval` and the trainer share
// about chains and checkpoints: where a checkpoint's chains start (its
// replay buffer, binary or coded, or its base distribution), running a
// sampler spec over them, the shape of the data a checkpoint's model was
// made for, and the mean log-probability of a split fed to a model in
// batches.
package chains
