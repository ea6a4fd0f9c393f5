// Package charts draws the line charts the project reports: metrics against
// steps, seconds or dimension (sampler benchmarks, training curves), written
// as PNG. Grids of sample images are datasets.WriteGridPNG.
//
// The package is a thin, opinionated layer over gonum.org/v1/plot: every
// figure has the same size and look, so that figures from different commands
// sit side by side in the documentation without tuning.
package charts
