package deep

import (
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"

	"github.com/gwg-go/gwg/ebm"
	"github.com/gwg-go/gwg/internal/blas"
)

// TestCloneSameSideBySide checks that clones running at the same time as
// each other and as the original (on its own workers) compute f and ∇ₓf bit
// for bit as the original does alone; under -race it also checks that they
// share nothing they write.
func TestCloneSameSideBySide(t *testing.T) {
	if blas.Name == "openblas" {
		t.Skip("OpenBLAS may sum a product's rows differently depending on its shape; the guarantee is the built-in GEMM's")
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(3))
	for _, tc := range blockNets {
		for _, opts := range [][]Option{nil, {Float64()}} {
			name := tc.name
			if opts != nil {
				name += " float64"
			}
			t.Run(name, func(t *testing.T) {
				d := newTestDeep(t, tc.arch, tc.sites, tc.cat, 31, opts...)
				dom := d.Domain()
				w := dom.Width()
				const n = 13
				x := deepStates(rand.New(rand.NewPCG(32, 32)), n, dom)
				wantF, wantG := make([]float64, n), make([]float32, n*w)
				if err := d.LogProbGrad(wantF, wantG, x); err != nil {
					t.Fatal(err)
				}
				models := []ebm.Model{d, d.Clone(), d.Clone(), d.Clone().(ebm.Cloner).Clone()}
				var wg sync.WaitGroup
				for i, m := range models {
					wg.Go(func() {
						for range 3 {
							f, g := make([]float64, n), make([]float32, n*w)
							if err := m.LogProbGrad(f, g, x); err != nil {
								t.Error(err)
								return
							}
							if !equalSlices(f, wantF) || !equalSlices(g, wantG) {
								t.Errorf("model %d (0 = the original): f or ∇ₓf differ from the original's alone", i)
								return
							}
						}
					})
				}
				wg.Wait()
			})
		}
	}
}
