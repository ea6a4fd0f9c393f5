package blas

import (
	"fmt"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestInstalled checks that every consumer got the implementation Name
// promises, and that it computes a product right.
func TestInstalled(t *testing.T) {
	want := map[string]string{"gonum": "gonum.Implementation", "openblas": "netlib.Implementation"}[Name]
	for who, impl := range map[string]any{
		"blas32": blas32.Implementation(), "blas64": blas64.Implementation(),
		"gorgonia": G.WhichBLAS(), "tensor": tensor.WhichBLAS(),
	} {
		if got := fmt.Sprintf("%T", impl); got != want {
			t.Errorf("%s uses %s, want %s", who, got, want)
		}
	}
	a := []float32{1, 2, 3, 4, 5, 6} // 2×3
	b := []float32{1, 0, 0, 1, 1, 1} // 3×2
	c := make([]float32, 4)
	blas32.Implementation().Sgemm(blas.NoTrans, blas.NoTrans, 2, 2, 3, 1, a, 3, b, 2, 0, c, 2)
	if fmt.Sprint(c) != "[4 5 10 11]" {
		t.Errorf("Sgemm = %v, want [4 5 10 11]", c)
	}
}
