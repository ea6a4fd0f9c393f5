//go:build !openblas

package buildinfo

import "github.com/gwg-go/gwg/internal/sgemm"

// gemm names the matrix product as internal/blas installs it.
func gemm() string {
	if sgemm.Available {
		return "gonum+sgemm"
	}
	return "gonum"
}
