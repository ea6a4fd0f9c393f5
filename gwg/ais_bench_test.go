package gwg

import (
	"fmt"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/gwg-go/gwg/ebm"
	"github.com/gwg-go/gwg/ebm/deep"
	"github.com/gwg-go/gwg/internal/cputime"
	"github.com/gwg-go/gwg/nn"
)

// benchChains is the number of chains of the AIS benchmarks, the reference's
// 100 for validation runs.
const benchChains = 100

// benchModels are the models the AIS benchmarks anneal: the paper's MNIST-
// sized RBM and its two deep nets, with random weights and a base of 0.3.
func benchModels(b *testing.B) []struct {
	name  string
	model ebm.Model
} {
	rng := rand.New(rand.NewPCG(1, 2))
	rbm, err := ebm.NewRandomRBM(784, 500, rng)
	if err != nil {
		b.Fatal(err)
	}
	mu := make([]float32, 784)
	for i := range mu {
		mu[i] = 0.3
	}
	out := []struct {
		name  string
		model ebm.Model
	}{{"rbm-784x500", rbm}}
	for _, arch := range []string{"mlp-256", "resnet-64"} {
		c, err := nn.Parse(arch, 784, 2)
		if err != nil {
			b.Fatal(err)
		}
		d, err := deep.New(c, mu, rng)
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, struct {
			name  string
			model ebm.Model
		}{arch, d})
	}
	return out
}

// BenchmarkAIS times one temperature step of benchChains chains (ns/op) and
// reports the throughput in chain-temperatures per second, with the sampler
// cache retargeted in closed form and, for comparison, re-evaluated by Init
// at every temperature.
func BenchmarkAIS(b *testing.B) {
	for _, m := range benchModels(b) {
		base, err := NewBase(m.model.Domain(), nil)
		if err != nil {
			b.Fatal(err)
		}
		for _, retarget := range []bool{true, false} {
			name := m.name + "/gwg"
			if !retarget {
				name += "-init-per-temperature"
			}
			b.Run(name, func(b *testing.B) {
				if m.name == "resnet-64" && os.Getenv("GWG_LONG") == "" {
					b.Skip("resnet-64 takes tens of seconds per temperature; set GWG_LONG=1")
				}
				rng := rand.New(rand.NewPCG(3, 4))
				a, betas, start := newTestAnnealer(b, m.model, base, AISOptions{Temperatures: b.N + 1, Chains: benchChains}, rng)
				if !retarget {
					a.k = initPerTemperature{a.k}
				}
				b.ReportAllocs()
				b.ResetTimer()
				if err := a.run(betas, start, false, true, nil); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(b.N)*benchChains/b.Elapsed().Seconds(), "chain-temps/s")
			})
		}
	}
}

// BenchmarkRBMAIS times one temperature step of the classic RBM path.
func BenchmarkRBMAIS(b *testing.B) {
	rbm := benchModels(b)[0].model.(*ebm.RBM)
	rng := rand.New(rand.NewPCG(3, 4))
	b.ReportAllocs()
	b.ResetTimer()
	if _, err := RBMAIS(rbm, nil, AISOptions{Temperatures: b.N + 1, Chains: benchChains, Bootstrap: -1}, rng); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)*benchChains/b.Elapsed().Seconds(), "chain-temps/s")
}

// BenchmarkAISBlocks times whole AIS runs of benchChains chains on mlp-256
// (one temperature per op) in blocks of several sizes: the blocks run side
// by side on clones of the model, one per processor, and each block's
// evaluations on one processor. cpu-ms/op against ns/op shows how well the
// blocks use the processors; chain-temps/s is the throughput.
func BenchmarkAISBlocks(b *testing.B) {
	m := benchModels(b)[1]
	base, err := NewBase(m.model.Domain(), nil)
	if err != nil {
		b.Fatal(err)
	}
	for _, block := range []int{25, 50, 100} {
		b.Run(fmt.Sprintf("%s/block-%d", m.name, block), func(b *testing.B) {
			opts := AISOptions{Temperatures: b.N + 1, Chains: benchChains, Block: block, Bootstrap: -1}
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := cputime.Now()
			if _, err := AIS(m.model, base, opts, rand.New(rand.NewPCG(3, 4))); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(cputime.Now()-cpu0)/1e6/float64(b.N), "cpu-ms/op")
			b.ReportMetric(float64(b.N)*benchChains/b.Elapsed().Seconds(), "chain-temps/s")
		})
	}
}
