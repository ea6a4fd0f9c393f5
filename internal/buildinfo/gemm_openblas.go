//go:build openblas

package buildinfo

// gemm names the matrix product as internal/blas installs it.
func gemm() string { return "openblas" }
