package gwg

import (
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/gwg-go/gwg/internal/blas"
)

// TestStepsSameOnAnyProcessorCount runs gradient samplers on a batch large
// enough for the kernel to derive proposals on several processors, and
// checks that the chains end bit for bit where they end on one processor.
func TestStepsSameOnAnyProcessorCount(t *testing.T) {
	if blas.Name == "openblas" {
		t.Skip("OpenBLAS may sum a product's rows differently depending on its shape; the guarantee is the built-in GEMM's")
	}
	m := testRBM(t, 784, 20, 3)
	const n = 30 // 30 × 784 site-chains: above parallelSites
	x := bernoulliStates(n, 784, rand.New(rand.NewPCG(5, 5)))
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, name := range []string{"gwg", "gwg-exact-3", "dmala", "gwg-barker"} {
		var want []float32
		var wantStats Stats
		for _, procs := range []int{1, 2, 3} {
			runtime.GOMAXPROCS(procs)
			s := mustNew(t, name, m)
			if err := s.Init(x); err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(6, 6))
			for range 20 {
				if err := s.Step(rng); err != nil {
					t.Fatal(err)
				}
			}
			if procs == 1 {
				want, wantStats = slices.Clone(s.State()), s.Stats()
				continue
			}
			if !slices.Equal(s.State(), want) || s.Stats() != wantStats {
				t.Errorf("%s on %d processors: chains or counts differ from one processor's", name, procs)
			}
		}
	}
}
