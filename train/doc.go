// Package train fits deep energy-based models by persistent contrastive
// divergence (PCD), the way Grathwohl et al. (2021) train theirs, and wraps the
// loop in what a run left going for hours needs: checkpoints that resume
// bit-exactly, metrics and sample grids on disk, and a guard that rolls a
// diverging run back instead of letting NaN overwrite good weights.
//
// The model comes from the registry of package ebm by architecture name
// (ebm.NewTrainable), built for the shape of the training split: binary
// images or categorical data fed one-hot. The trainer knows no architecture
// and imports no neural-net code; a program links the deep nets by
// importing package ebm/deep.
//
// # One iteration
//
//  1. A batch of training examples as the model reads them (dynamically
//     binarised splits draw fresh bits every time; categorical splits are
//     one-hot).
//  2. A batch of distinct rows of the replay buffer of persistent chains,
//     advanced by K sampler steps under the current model (not the EMA), and
//     written back.
//  3. The loss mean f(samples) − mean f(data) (+ an optional L2 on f), its
//     gradient, one Adam step with linear warm-up, and an EMA update of every
//     weight. Samples and evaluation use the EMA weights.
//
// # Reproducibility
//
// All randomness after initialisation comes from one PCG generator whose
// state is saved with every checkpoint, and the order of the data is a pure
// function of the seed and the epoch. Training 2N iterations in one go, or N,
// a checkpoint, and N more, gives bit-identical parameters, moments and
// buffer.
package train
