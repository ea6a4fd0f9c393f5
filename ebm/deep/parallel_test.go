package deep

import (
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/gwg-go/gwg/internal/blas"
)

// deepResults is everything a Model computes for one fixed input.
type deepResults struct {
	f     []float64
	gradX []float32
	fData float64
	gradθ [][]float32
}

func deepCompute(t *testing.T, d *Model, x, data, samples []float32) deepResults {
	t.Helper()
	w := d.Domain().Width()
	r := deepResults{f: make([]float64, len(x)/w), gradX: make([]float32, len(x))}
	if err := d.LogProbGrad(r.f, r.gradX, x); err != nil {
		t.Fatal(err)
	}
	var err error
	if r.fData, _, err = d.ContrastiveGrad(data, samples, 0.1); err != nil {
		t.Fatal(err)
	}
	for _, p := range d.Params() {
		r.gradθ = append(r.gradθ, append([]float32(nil), p.Grad...))
	}
	return r
}

// TestDeepSameOnAnyProcessorCount checks that f, ∇ₓf and the training
// gradient are bit for bit the same whether a batch runs on one, two or
// three processors, and that f and ∇ₓf of a chain are the same in a batch as
// alone. The nets are large enough for the assembly matrix product, and the
// batches leave uneven blocks.
func TestDeepSameOnAnyProcessorCount(t *testing.T) {
	if blas.Name == "openblas" {
		t.Skip("OpenBLAS may sum a product's rows differently depending on its shape; the guarantee is the built-in GEMM's")
	}
	for _, tc := range blockNets {
		t.Run(tc.name, func(t *testing.T) {
			d := newTestDeep(t, tc.arch, tc.sites, tc.cat, 21)
			rng := rand.New(rand.NewPCG(22, 22))
			const n = 13
			x := deepStates(rng, n, d.Domain())
			data, samples := deepStates(rng, 30, d.Domain()), deepStates(rng, 27, d.Domain())
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
			var want deepResults
			for _, procs := range []int{1, 2, 3} {
				runtime.GOMAXPROCS(procs)
				got := deepCompute(t, d, x, data, samples)
				if procs == 1 {
					want = got
					continue
				}
				if !equalSlices(got.f, want.f) || !equalSlices(got.gradX, want.gradX) {
					t.Errorf("%d processors: f or ∇ₓf differ from one processor's", procs)
				}
				if got.fData != want.fData {
					t.Errorf("%d processors: mean f of the data %v, one processor %v", procs, got.fData, want.fData)
				}
				for i := range want.gradθ {
					if !equalSlices(got.gradθ[i], want.gradθ[i]) {
						t.Errorf("%d processors: training gradient %s differs from one processor's", procs, d.Params()[i].Name)
					}
				}
			}
			w := d.Domain().Width()
			f, g := make([]float64, 1), make([]float32, w)
			for i := range n {
				if err := d.LogProbGrad(f, g, x[i*w:(i+1)*w]); err != nil {
					t.Fatal(err)
				}
				if f[0] != want.f[i] || !equalSlices(g, want.gradX[i*w:(i+1)*w]) {
					t.Errorf("chain %d: f or ∇ₓf alone differ from in a batch of %d", i, n)
				}
			}
		})
	}
}
