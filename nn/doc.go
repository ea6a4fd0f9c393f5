// Package nn builds the neural energies of the deep models as Gorgonia
// expression graphs: dense and convolutional layers, Swish, residual blocks
// and mean pooling, and the two architectures of Grathwohl et al. (2021),
// mlp-256 and resnet-64, with smaller variants of each for tests.
//
// A Net owns its parameter tensors. Build adds the net to a graph with nodes
// bound to those tensors, so several graphs (one for sampling, one for
// training, one per batch size) share the same live parameters.
//
// Two things in Gorgonia v0.9.18 shape this package. Its Sum and Mean over the
// trailing axes of a 4-D tensor give wrong gradients, so mean pooling reshapes
// to [B, C, H·W] and reduces axis 2. Its convolution allocates hundreds of
// megabytes per run, so the convolutions here are custom operations (im2col
// of a chunk of samples and one GEMM, into buffers kept between runs) with
// their own backward operations; Swish is one too, and so is the projection
// of one-hot inputs, a gather of one weight row per site forward and a
// scatter-add backward instead of a dense product over the K categories.
// Its compiled programs may
// overwrite a requested output or a bound input in place; Program guards
// against that.
//
// The matrix products go through gonum's blas32 and blas64, whose
// implementation package internal/blas chooses at build time.
package nn
