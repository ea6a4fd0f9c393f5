// Package ebm defines the energy-based models that the samplers in package gwg
// run on, and the narrow interface between the two.
//
// # Convention
//
// Everything in this project speaks in unnormalised log-probabilities,
// f(x) = log p̃(x) = −E(x). Higher f is more probable. Samplers, AIS and the
// trainer all use f; "energy" appears only in prose.
//
// # Layout of a batch
//
// A model answers for a batch of n chains at once. The state of one chain is
// a row of Domain.Width() float32 values; a batch is n such rows, row-major,
// in one slice owned by the caller:
//
//   - binary models (Domain.OneHot == false): one value in {0, 1} per site,
//     width D;
//   - categorical models (Domain.OneHot == true): a one-hot block of K values
//     per site, width D·K, the block of site i at [i·K, (i+1)·K).
//
// Binary stays its own layout rather than the K = 2 case of one-hot: it halves
// the memory traffic of the hot loop and is what the deep nets consume.
//
// # Precision
//
// States and gradients are float32, as the deep models compute them; f is
// returned in float64 because Metropolis–Hastings ratios and AIS weights are
// differences of large, nearly equal numbers. Analytic models accumulate in
// float64 before rounding the gradient.
//
// # Analytic models
//
// Bernoulli and Categorical (the normalised base distributions of binary
// and one-hot data; SmoothFrequencies makes the latter's probabilities from
// training data as the reference does), Boltzmann (dense binary
// quadratic, a generic test target), RBM, Ising and Potts (sparse couplings,
// with the paper's periodic lattices) and FHMM (a factorial HMM posterior)
// have hand-written gradients. Beyond Model, the binary ones give exact
// single-flip differences (FlipDeltaer) and all of them exact differences
// for one site per chain (SiteDeltaer); the RBM also gives f at states a few
// flips away from x (FlipSetDeltaer). Enumerate normalises any model over a
// small state space exactly, for tests of samplers and of AIS.
//
// # Registry
//
// Model packages register how to rebuild their models from a checkpoint
// (Register, by the ckpt.ModelSpec kind: "rbm", "ising" and "potts" here,
// "deep" in package ebm/deep) and how to make fresh trainable models by
// architecture name (RegisterArch, by family: "mlp" and "resnet" in
// ebm/deep). Load and NewTrainable look them up, so the trainer and the
// command line need not know the model packages; a program links the deep
// nets, and Gorgonia, by importing ebm/deep. Adding an architecture is one
// file that implements Architecture (and Storable for its models) and
// registers it from an init function.
package ebm
