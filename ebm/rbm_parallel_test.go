package ebm

import (
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"

	"github.com/gwg-go/gwg/internal/blas"
)

// TestRBMSameOnAnyProcessorCount checks that f and ∇ₓf of an RBM large
// enough for its row-block products are bit for bit the same on one, two
// and three processors, and in clones running beside the original.
func TestRBMSameOnAnyProcessorCount(t *testing.T) {
	if blas.Name == "openblas" {
		t.Skip("OpenBLAS may sum a product's rows differently depending on its shape; the guarantee is the built-in GEMM's")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	m, err := NewRandomRBM(784, 200, rng)
	if err != nil {
		t.Fatal(err)
	}
	const n = 37
	x := make([]float32, n*784)
	for i := range x {
		if rng.Float64() < 0.3 {
			x[i] = 1
		}
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	var f0 []float64
	var g0 []float32
	for _, procs := range []int{1, 2, 3} {
		runtime.GOMAXPROCS(procs)
		f, g := make([]float64, n), make([]float32, len(x))
		if err := m.LogProbGrad(f, g, x); err != nil {
			t.Fatal(err)
		}
		if procs == 1 {
			f0, g0 = f, g
			continue
		}
		if !slices.Equal(f, f0) || !slices.Equal(g, g0) {
			t.Errorf("%d processors: f or ∇ₓf differ from one processor's", procs)
		}
	}
	// The original on its row blocks and two clones, side by side.
	var wg sync.WaitGroup
	for i, mi := range []Model{m, m.Clone(), m.Clone().(Cloner).Clone()} {
		wg.Go(func() {
			f, g := make([]float64, n), make([]float32, len(x))
			if err := mi.LogProbGrad(f, g, x); err != nil {
				t.Error(err)
			} else if !slices.Equal(f, f0) || !slices.Equal(g, g0) {
				t.Errorf("model %d (0 = the original) beside the others: f or ∇ₓf differ from one processor's", i)
			}
		})
	}
	wg.Wait()
}
