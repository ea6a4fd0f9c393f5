package gwg

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/gwg-go/gwg/ebm"
	"gonum.org/v1/gonum/stat/distuv"
)

// The empirical tests run every sampler for a few thousand seeded steps on
// models with 2^10 to 3^6 states and compare the visited states with the
// enumerated target, through Step itself (block schedules, random draws and
// all). Samples from a chain are correlated, so both checks are calibrated
// by the effective sample size measured on the run:
//
//   - total variation: below twice the value expected from N_eff
//     independent draws, E[TV] ≈ ½ Σ √(2π(1 − π)/(π N_eff))… per state;
//   - chi-square: on states thinned to every 3τ steps, τ = steps/ESS, so
//     that they are nearly independent; p above 1e-4.

type empiricalResult struct {
	tv, tvExpected float64
	nEff           float64
	chi2, p        float64
	df             int
	accept         float64
}

func (r empiricalResult) passes() bool { return r.tv < 2*r.tvExpected && r.p > 1e-4 }

func runEmpirical(t *testing.T, s Sampler, ex *ebm.Exact, pi []float64, chains, burn, steps int, seed uint64) empiricalResult {
	t.Helper()
	dom := ex.Domain()
	w := dom.Width()
	rng := rand.New(rand.NewPCG(seed, 77))
	x := make([]float32, chains*w)
	for c := range chains {
		ex.State(x[c*w:(c+1)*w], rng.IntN(ex.Len()))
	}
	if err := s.Init(x); err != nil {
		t.Fatal(err)
	}
	for range burn {
		if err := s.Step(rng); err != nil {
			t.Fatal(err)
		}
	}
	before := s.Stats()
	// Each chain's trace: its sites' values and log π of its state.
	dims := dom.Sites + 1
	traces := make([][]float64, chains)
	for c := range traces {
		traces[c] = make([]float64, steps*dims)
	}
	states := make([][]int32, chains)
	for c := range states {
		states[c] = make([]int32, steps)
	}
	logp := ex.LogProbs()
	for step := range steps {
		if err := s.Step(rng); err != nil {
			t.Fatal(err)
		}
		st := s.State()
		for c := range chains {
			row := st[c*w : (c+1)*w]
			k, err := ex.Index(row)
			if err != nil {
				t.Fatal(err)
			}
			states[c][step] = int32(k)
			tr := traces[c][step*dims : (step+1)*dims]
			for i := range dom.Sites {
				if dom.OneHot {
					tr[i] = float64(category(row, i, dom.Categories))
				} else {
					tr[i] = float64(row[i])
				}
			}
			tr[dom.Sites] = logp[k]
		}
	}
	var r empiricalResult
	r.accept = s.Stats().Sub(before).AcceptRate()

	// Effective sample size: per dimension averaged over (the first 20)
	// chains, the smallest dimension counts.
	essChains := min(chains, 20)
	meanESS := make([]float64, dims)
	for c := range essChains {
		e, err := ESS(traces[c], dims)
		if err != nil {
			t.Fatal(err)
		}
		for d, v := range e {
			meanESS[d] += v / float64(essChains)
		}
	}
	essPerChain := slices.Min(meanESS)
	r.nEff = essPerChain * float64(chains)

	counts := make([]float64, ex.Len())
	for _, sc := range states {
		for _, k := range sc {
			counts[k]++
		}
	}
	total := float64(chains * steps)
	for k, p := range pi {
		r.tv += math.Abs(counts[k]/total-p) / 2
		r.tvExpected += math.Sqrt(2*p*(1-p)/(math.Pi*r.nEff)) / 2
	}

	thin := int(math.Ceil(3 * float64(steps) / essPerChain))
	clear(counts)
	var n float64
	for _, sc := range states {
		for step := thin - 1; step < steps; step += thin {
			counts[sc[step]]++
			n++
		}
	}
	// Bins: every state expected at least 5 times, the rest pooled.
	var pooledObs, pooledExp float64
	bins := 0
	for k, p := range pi {
		e := p * n
		if e < 5 {
			pooledObs += counts[k]
			pooledExp += e
			continue
		}
		r.chi2 += (counts[k] - e) * (counts[k] - e) / e
		bins++
	}
	if pooledExp > 0 {
		r.chi2 += (pooledObs - pooledExp) * (pooledObs - pooledExp) / pooledExp
		bins++
	}
	r.df = bins - 1
	r.p = 1 - distuv.ChiSquared{K: float64(r.df)}.CDF(r.chi2)
	t.Logf("accept %.3f  N_eff %7.0f  TV %.4f (expected %.4f)  χ² %.0f on %d df, p = %.3g (thinned by %d)",
		r.accept, r.nEff, r.tv, r.tvExpected, r.chi2, r.df, r.p, thin)
	return r
}

// TestEmpirical runs every registered sampler that fits each model, except
// the biased ones, through Step.
func TestEmpirical(t *testing.T) {
	if testing.Short() {
		t.Skip("long empirical runs; the exact kernel tests cover -short")
	}
	rbm, err := ebm.NewRandomRBM(10, 4, rand.New(rand.NewPCG(21, 22)))
	if err != nil {
		t.Fatal(err)
	}
	for i := range rbm.W {
		rbm.W[i] *= 3
	}
	cases := []struct {
		model string
		m     ebm.Model
	}{
		{"boltzmann-10", randomBoltzmann(t, 10, 0.4, 31)},
		{"rbm-10x4", rbm},
		{"potts-6x3", randomPotts(t, 6, 3, 0.25, 41)},
	}
	for _, tc := range cases {
		ex, pi := enumerate(t, tc.m)
		for i, name := range append(Names(), "hb-4-2") {
			sp := MustParseSpec(name)
			s, err := NewSampler(sp, tc.m)
			if err != nil || sp.reg.Biased {
				continue
			}
			t.Run(tc.model+"/"+name, func(t *testing.T) {
				r := runEmpirical(t, s, ex, pi, 100, 300, 3000, uint64(100+i))
				if !r.passes() {
					t.Errorf("%s on %s: TV %.4f (bound %.4f), χ² p = %.3g", name, tc.model, r.tv, 2*r.tvExpected, r.p)
				}
			})
		}
	}
}

// TestEmpiricalDetectsWrongSampler: GWG without its proposal ratio must fail
// both empirical checks.
func TestEmpiricalDetectsWrongSampler(t *testing.T) {
	if testing.Short() {
		t.Skip("long empirical run")
	}
	m := randomBoltzmann(t, 10, 0.4, 31)
	ex, pi := enumerate(t, m)
	s := mustNew(t, "gwg", m).(*driver)
	s.k.(*mhKernel).symmetric = true
	r := runEmpirical(t, s, ex, pi, 100, 300, 3000, 100)
	if r.tv < 2*r.tvExpected || r.p > 1e-4 {
		t.Errorf("wrong sampler not detected: TV %.4f (bound %.4f), χ² p = %.3g", r.tv, 2*r.tvExpected, r.p)
	}
}
