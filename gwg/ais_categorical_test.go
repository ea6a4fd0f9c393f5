package gwg_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gwg-go/gwg/ebm"
	"github.com/gwg-go/gwg/gwg"
)

// exactMarginals returns the per-site category probabilities of an
// enumerated one-hot model: what the frequencies of perfect training data
// would be.
func exactMarginals(e *ebm.Exact) []float32 {
	dom := e.Domain()
	k := dom.Categories
	m := make([]float64, dom.Width())
	for s, p := range e.Probs() {
		for i := range dom.Sites {
			m[i*k+s%k] += p
			s /= k
		}
	}
	out := make([]float32, len(m))
	for i, v := range m {
		out[i] = float32(v)
	}
	return out
}

// TestAISFromCategoricalBase anneals from the smoothed-marginal categorical
// base, as categorical EBMs are evaluated, to a Potts model with random
// fields on a ring, and compares log Ẑ with its enumerated log Z.
func TestAISFromCategoricalBase(t *testing.T) {
	const d, k = 8, 4
	rng := rand.New(rand.NewPCG(21, 22))
	var edges []ebm.IsingEdge
	for i := range d {
		edges = append(edges, ebm.IsingEdge{I: i, J: (i + 1) % d, Weight: 1})
	}
	bias := make([]float32, d*k)
	for i := range bias {
		bias[i] = float32(rng.NormFloat64())
	}
	potts, err := ebm.NewPotts(d, k, edges, 0.6, bias)
	if err != nil {
		t.Fatal(err)
	}
	exact, err := ebm.Enumerate(potts)
	if err != nil {
		t.Fatal(err)
	}
	base, err := ebm.NewCategorical(d, k, ebm.SmoothFrequencies(exactMarginals(exact), k))
	if err != nil {
		t.Fatal(err)
	}
	for _, temps := range []int{20, 300} {
		res, err := gwg.AIS(potts, base, gwg.AISOptions{Temperatures: temps, Chains: 500, Repeats: 4}, rng)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%d temperatures: log Ẑ %.4f ± %.4f (exact %.4f), ESS %.0f", temps, res.LogZ, res.StdErr, exact.LogZ(), res.ESS)
		if math.Abs(res.LogZ-exact.LogZ()) > 4*res.StdErr+0.01 {
			t.Errorf("%d temperatures: log Ẑ %.4f ± %.4f, exact %.4f", temps, res.LogZ, res.StdErr, exact.LogZ())
		}
	}
	// The base against itself: every weight is exactly 1.
	res, err := gwg.AIS(base, base, gwg.AISOptions{Temperatures: 10, Chains: 8, Repeats: 2}, rng)
	if err != nil {
		t.Fatal(err)
	}
	if res.LogZ != 0 || res.StdErr != 0 {
		t.Errorf("model = base: log Ẑ = %v ± %v, want exactly 0 ± 0", res.LogZ, res.StdErr)
	}
}
