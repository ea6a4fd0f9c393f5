package gwg

import (
	"errors"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gwg-go/gwg/ebm"
	"github.com/gwg-go/gwg/ebm/deep"
	"github.com/gwg-go/gwg/internal/blas"
	"github.com/gwg-go/gwg/nn"
)

// TestAISConcurrentSameAsSequential checks that AIS gives the same result,
// bit for bit, whether its blocks run one after another (one processor, or
// a model that cannot be cloned) or side by side on clones (two and three
// processors), and that Progress counts every transition once, in order.
func TestAISConcurrentSameAsSequential(t *testing.T) {
	if blas.Name == "openblas" {
		t.Skip("OpenBLAS may sum a product's rows differently depending on its shape; the guarantee is the built-in GEMM's")
	}
	c, err := nn.Parse("mlp-32x2", 784, 2)
	if err != nil {
		t.Fatal(err)
	}
	mu := make([]float32, 784)
	for i := range mu {
		mu[i] = 0.2 + 0.6*float32(i%7)/7
	}
	mlp, err := deep.New(c, mu, rand.New(rand.NewPCG(1, 7)))
	if err != nil {
		t.Fatal(err)
	}
	models := []struct {
		name  string
		model ebm.Model
	}{{"mlp-784", mlp}, {"rbm-12x4", testRBM(t, 12, 4, 5)}}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, m := range models {
		t.Run(m.name, func(t *testing.T) {
			base, err := NewBase(m.model.Domain(), nil)
			if err != nil {
				t.Fatal(err)
			}
			run := func(model ebm.Model, procs int) *AISResult {
				runtime.GOMAXPROCS(procs)
				// 2 repeats of 20 chains in blocks of 7: 6 uneven blocks,
				// each large enough for the mlp's own row blocks.
				opts := AISOptions{Temperatures: 12, Chains: 20, Repeats: 2, Block: 7}
				var calls, last atomic.Int64
				opts.Progress = func(done, total int) {
					if calls.Add(1) != int64(done) || total != 2*3*11 {
						t.Errorf("%d processors: progress %d/%d after %d calls", procs, done, total, calls.Load())
					}
					last.Store(int64(done))
				}
				r, err := AIS(model, base, opts, rand.New(rand.NewPCG(3, 0)))
				if err != nil {
					t.Fatal(err)
				}
				if last.Load() != 2*3*11 {
					t.Errorf("%d processors: progress ended at %d", procs, last.Load())
				}
				return r
			}
			want := run(m.model, 1)
			for _, tc := range []struct {
				name  string
				model ebm.Model
				procs int
			}{
				{"2 processors", m.model, 2},
				{"3 processors", m.model, 3},
				{"3 processors, no clones", plainModel{m.model}, 3},
			} {
				got := run(tc.model, tc.procs)
				if got.LogZ != want.LogZ || got.StdErr != want.StdErr || got.BootstrapStdErr != want.BootstrapStdErr ||
					got.ESS != want.ESS || !equalFloats(got.LogW, want.LogW) || !equalFloats(got.RepeatLogZ, want.RepeatLogZ) {
					t.Errorf("%s: log Ẑ %v ± %v (weights %v), one processor %v ± %v (weights %v)",
						tc.name, got.LogZ, got.StdErr, got.LogW, want.LogZ, want.StdErr, want.LogW)
				}
				if !slices.Equal(got.Samples, want.Samples) || got.Evals != want.Evals || got.GradEvals != want.GradEvals {
					t.Errorf("%s: samples or evaluation counts (%d/%d) differ from one processor's (%d/%d)",
						tc.name, got.Evals, got.GradEvals, want.Evals, want.GradEvals)
				}
			}
		})
	}
}

// failingClones is a cloneable model whose clones fail once the calls of
// all of them together pass a limit.
type failingClones struct {
	*ebm.RBM
	calls *atomic.Int64
	limit int64
}

func (m failingClones) LogProbGrad(f []float64, g []float32, x []float32) error {
	if m.calls.Add(1) > m.limit {
		return errors.New("evaluation refused")
	}
	return m.RBM.LogProbGrad(f, g, x)
}

func (m failingClones) LogProb(f []float64, x []float32) error { return m.LogProbGrad(f, nil, x) }

func (m failingClones) Clone() ebm.Model {
	return failingClones{m.RBM.Clone().(*ebm.RBM), m.calls, m.limit}
}

// TestAISConcurrentError checks that a block failing while others run side
// by side ends the run with its error.
func TestAISConcurrentError(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	m := failingClones{testRBM(t, 12, 4, 5), new(atomic.Int64), 50}
	base, err := NewBase(m.Domain(), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = AIS(m, base, AISOptions{Temperatures: 40, Chains: 20, Repeats: 2, Block: 5}, rand.New(rand.NewPCG(3, 0)))
	if err == nil || !strings.Contains(err.Error(), "evaluation refused") || !strings.Contains(err.Error(), "gwg: AIS repeat") {
		t.Fatalf("AIS with failing clones: error %v", err)
	}
}
