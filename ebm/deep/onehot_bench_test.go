package deep_test

import (
	"math/rand/v2"
	"testing"

	"github.com/gwg-go/gwg/ebm"
	"github.com/gwg-go/gwg/ebm/deep"
	"github.com/gwg-go/gwg/gwg"
	"github.com/gwg-go/gwg/internal/cputime"
	"github.com/gwg-go/gwg/nn"
)

// BenchmarkFreyFacesGWG measures, on a Frey-Faces-sized one-hot mlp-256
// (560 sites of 256 categories, 100 chains), one f and ∇ₓf of the model and
// one categorical GWG step, whose softmax runs over 143,360 logits per
// chain. Run with -count to interleave the two.
func BenchmarkFreyFacesGWG(b *testing.B) {
	const chains, sites, k = 100, 560, 256
	c, err := nn.Parse("mlp-256", sites, k)
	if err != nil {
		b.Fatal(err)
	}
	dom := ebm.Domain{Sites: sites, Categories: k, OneHot: true}
	rng := rand.New(rand.NewPCG(1, 2))
	freq := make([]float32, dom.Width())
	for i := range freq {
		freq[i] = 1 / float32(k)
	}
	m, err := deep.New(c, ebm.BaseMean(dom, freq), rng)
	if err != nil {
		b.Fatal(err)
	}
	base, err := gwg.NewBase(dom, m.Mu())
	if err != nil {
		b.Fatal(err)
	}
	x := make([]float32, chains*dom.Width())
	if err := base.Sample(x, rng); err != nil {
		b.Fatal(err)
	}
	b.Run("gradx", func(b *testing.B) {
		f, grad := make([]float64, chains), make([]float32, len(x))
		if err := m.LogProbGrad(f, grad, x); err != nil {
			b.Fatal(err)
		}
		cpu0 := cputime.Now()
		for b.Loop() {
			if err := m.LogProbGrad(f, grad, x); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric((cputime.Now()-cpu0).Seconds()*1e3/float64(b.N), "cpu-ms/op")
	})
	b.Run("gwg-step", func(b *testing.B) {
		s, err := gwg.New("gwg", m)
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Init(x); err != nil {
			b.Fatal(err)
		}
		cpu0 := cputime.Now()
		for b.Loop() {
			if err := s.Step(rng); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric((cputime.Now()-cpu0).Seconds()*1e3/float64(b.N), "cpu-ms/op")
	})
}
