package train

import (
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
	model, err := NewDeep(arch, set.Mean(), 1)
	if err != nil {
		b.Fatal(err)
	}
	t, err := New(cfg, model, set.Train, model.Mu(), func(m ebm.Model) (gwg.Sampler, error) {
		return gwg.New("gwg", m, gwg.Options{})
	})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := t.Step(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := t.Step(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkIterationMLP256(b *testing.B)   { benchmarkIteration(b, "mlp-256") }
func BenchmarkIterationResNet64(b *testing.B) { benchmarkIteration(b, "resnet-64") }
