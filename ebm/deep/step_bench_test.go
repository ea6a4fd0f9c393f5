package deep

import (
	"math/rand/v2"
	"testing"

	"github.com/gwg-go/gwg/gwg"
	"github.com/gwg-go/gwg/internal/cputime"
)

// BenchmarkGWGStep times one step of the gwg sampler on 100 chains of each
// deep net with random weights: one f + ∇ₓf of the proposals (spread over
// the processors) and the sampler's own work (serial).
func BenchmarkGWGStep(b *testing.B) {
	for _, arch := range []string{"mlp-256", "resnet-64"} {
		b.Run(arch, func(b *testing.B) {
			d, x := benchDeep(b, arch)
			s, err := gwg.New("gwg", d)
			if err != nil {
				b.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(3, 4))
			if err := s.Init(x); err != nil {
				b.Fatal(err)
			}
			if err := s.Step(rng); err != nil { // builds the graphs
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := cputime.Now()
			for range b.N {
				if err := s.Step(rng); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cputime.Now()-cpu0)/1e6/float64(b.N), "cpu-ms/op")
		})
	}
}
