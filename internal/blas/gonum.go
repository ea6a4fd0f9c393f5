//go:build !openblas

package blas

// Name is the BLAS implementation in use.
const Name = "gonum"
