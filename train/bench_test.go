package train

import (
	"github.com/gwg-go/gwg/internal/cputime"
	"testing"

	"github.com/gwg-go/gwg/ebm"
	"github.com/gwg-go/gwg/gwg"
)

// benchmarkIteration times one PCD iteration of the paper's setting: batch
// 100, K = 40 GWG steps, buffer of 10,000. The first iteration, which builds
// the graphs, is not timed.
func benchmarkIteration(b *testing.B, arch string) {
	set := mnistSet(b)
	cfg := Paper("dynamic_mnist", arch)
	model, err := NewModel(arch, set, 1)
	if err != nil {
		b.Fatal(err)
	}
	t, err := New(cfg, model, set.Train, model.Mu(), func(m ebm.Model) (gwg.Sampler, error) {
		return gwg.New("gwg", m)
	})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := t.Step(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := int64(cputime.Now())
	for range b.N {
		if _, err := t.Step(); err != nil {
			b.Fatal(err)
		}
	}
	// On a shared machine wall time says little; the process's CPU time
	// (user + system, all threads) is what a quiet machine would need at
	// most, spread over its cores.
	b.ReportMetric(float64(int64(cputime.Now())-cpu0)/float64(b.N), "cpu-ns/op")
}

func BenchmarkIterationMLP256(b *testing.B)   { benchmarkIteration(b, "mlp-256") }
func BenchmarkIterationResNet64(b *testing.B) { benchmarkIteration(b, "resnet-64") }
