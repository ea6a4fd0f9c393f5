package gwg

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/gwg-go/gwg/ebm"
	"github.com/gwg-go/gwg/internal/cputime"
)

// BenchmarkStep times one Step of 100 chains of each sampler on the paper's
// 40×40 lattice Ising model and random RBM shapes: 100×25 (the sampler
// benchmark) and 784×500 (MNIST).
// The paper's PyTorch code takes 1.69 ms per gwg step, 0.83 ms per gibbs step
// and 2.42 ms per hb-10-1 step on the 100×25 RBM on one CPU thread.
func BenchmarkStep(b *testing.B) {
	const chains = 100
	shapes := []struct{ d, h int }{{100, 25}, {784, 500}}
	names := []string{"gwg", "gwg-3", "gwg-5", "gwg-exact-3", "gwg-barker", "dula", "dmala",
		"gibbs", "rand-gibbs", "bg-1", "bg-2", "hb-10-1", "rbm-gibbs"}
	ising, err := ebm.NewLatticeIsing(40, 0.25, 0)
	if err != nil {
		b.Fatal(err)
	}
	models := []struct {
		name string
		m    ebm.Model
	}{{"ising40", ising}}
	for _, sh := range shapes {
		models = append(models, struct {
			name string
			m    ebm.Model
		}{fmt.Sprintf("rbm%dx%d", sh.d, sh.h), testRBM(b, sh.d, sh.h, 1)})
	}
	for _, mc := range models {
		m := mc.m
		x := bernoulliStates(chains, m.Domain().Width(), rand.New(rand.NewPCG(1, 2)))
		// The floor of a gradient-based step: one LogProbGrad of the batch.
		b.Run(mc.name+"/model-f+grad", func(b *testing.B) {
			f := make([]float64, chains)
			g := make([]float32, len(x))
			b.ReportAllocs()
			cpu0 := cputime.Now()
			for b.Loop() {
				if err := m.LogProbGrad(f, g, x); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cputime.Now()-cpu0)/float64(b.N), "cpu-ns/op")
		})
		for _, name := range names {
			b.Run(mc.name+"/"+name, func(b *testing.B) {
				s, err := New(name, m)
				if err != nil {
					b.Skip(err)
				}
				rng := rand.New(rand.NewPCG(3, 4))
				if err := s.Init(x); err != nil {
					b.Fatal(err)
				}
				for range 10 {
					if err := s.Step(rng); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportAllocs()
				b.ResetTimer()
				cpu0 := cputime.Now()
				for b.Loop() {
					if err := s.Step(rng); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(cputime.Now()-cpu0)/float64(b.N), "cpu-ns/op")
			})
		}
	}
}

// BenchmarkOneHotDerive times the categorical GWG proposal's weights for one
// Frey-Faces-sized chain (560 sites × 256 categories) at a proposal, per
// logit.
func BenchmarkOneHotDerive(b *testing.B) {
	const sites, k = 560, 256
	p, err := newGWGProposal(ebm.Domain{Sites: sites, Categories: k, OneHot: true}, 1, false, 0.5, expBalance{})
	if err != nil {
		b.Fatal(err)
	}
	p.Resize(1)
	rng := rand.New(rand.NewPCG(1, 2))
	x, g := make([]float32, sites*k), make([]float32, sites*k)
	for i := range sites {
		x[i*k+rng.IntN(k)] = 1
	}
	for i := range g {
		g[i] = float32(rng.NormFloat64())
	}
	if !p.Derive(Current, 0, x, g) {
		b.Fatal("not finite")
	}
	xp := slices.Clone(x)
	p.Draw(0, xp, g, rng)
	cpu0 := cputime.Now()
	for b.Loop() {
		if !p.Derive(Proposed, 0, xp, g) {
			b.Fatal("not finite")
		}
	}
	b.ReportMetric(float64((cputime.Now()-cpu0).Nanoseconds())/float64(b.N*sites*k), "cpu-ns/logit")
}
