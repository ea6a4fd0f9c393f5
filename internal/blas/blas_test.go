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
	want := map[string][2]string{
		"gonum":       {"gonum.Implementation", "gonum.Implementation"},
		"gonum+sgemm": {"blas.pureGo", "gonum.Implementation"},
		"openblas":    {"netlib.Implementation", "netlib.Implementation"},
	}[Name]
	for who, impl := range map[string]any{
		"blas32": blas32.Implementation(), "gorgonia": G.WhichBLAS(), "tensor": tensor.WhichBLAS(),
	} {
		if got := fmt.Sprintf("%T", impl); got != want[0] {
			t.Errorf("%s uses %s, want %s", who, got, want[0])
		}
	}
	if got := fmt.Sprintf("%T", blas64.Implementation()); got != want[1] {
		t.Errorf("blas64 uses %s, want %s", got, want[1])
	}
	// A product of several kernel tiles, and a small one.
	const m, n, k = 20, 30, 40
	big := func(f func(i int) float32, size int) []float32 {
		v := make([]float32, size)
		for i := range v {
			v[i] = f(i)
		}
		return v
	}
	ab, bb, cb := big(func(i int) float32 { return float32(i%7) - 3 }, m*k), big(func(i int) float32 { return float32(i%5) - 2 }, k*n), make([]float32, m*n)
	blas32.Implementation().Sgemm(blas.NoTrans, blas.NoTrans, m, n, k, 1, ab, k, bb, n, 0, cb, n)
	for i := range m {
		for j := range n {
			s := float32(0)
			for l := range k {
				s += ab[i*k+l] * bb[l*n+j]
			}
			if cb[i*n+j] != s {
				t.Fatalf("Sgemm %d×%d×%d: c[%d,%d] = %v, want %v", m, n, k, i, j, cb[i*n+j], s)
			}
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
