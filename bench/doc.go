// Package bench runs the sampler benchmarks of Grathwohl et al. (2021) under
// the paper's protocols and turns them into tables, CSV files and plots.
//
// Two protocols are implemented (see the project's gwg-spec.md, §8):
//
//   - RBM: chains of every sampler start from a product Bernoulli and are
//     compared, every few steps, with samples of the exact RBM block Gibbs
//     sampler run for a long time (the ground truth) by log₁₀ MMD with the
//     exp(−mean Hamming) kernel; the floor is the MMD between two independent
//     ground-truth sets.
//   - Lattice Ising: effective sample size of chain 0 per dimension, and the
//     error of the chains' magnetisation estimates against the value known by
//     symmetry.
//
// # Timing on a shared machine
//
// The samplers do not run one after another: they advance in round-robin
// blocks of steps, and the starting sampler rotates every round, so that a
// burst of load from another process slows all of them alike instead of
// penalising whichever happened to be running. The cost of one step is the
// median over blocks of the block's seconds per step; "seconds" in every
// table and plot is steps × that median, which a spike cannot distort. The
// raw total wall time of the steps is reported next to it. Time spent on
// measurement (MMD, recording the trace) is never counted.
package bench
