// Package charts draws the few figures the project reports: line charts of
// metrics against steps, seconds or dimension (sampler benchmarks, training
// curves) and grids of binary images (model samples), all written as PNG.
//
// The package is a thin, opinionated layer over gonum.org/v1/plot: every
// figure has the same size and look, so that figures from different commands
// sit side by side in the documentation without tuning.
package charts
