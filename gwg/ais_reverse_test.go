package gwg

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/gwg-go/gwg/ebm"
)

// exactSamples draws n independent states from an enumerated distribution.
func exactSamples(e *ebm.Exact, n int, rng *rand.Rand) []float32 {
	cdf := make([]float64, e.Len())
	var acc float64
	for k, p := range e.Probs() {
		acc += p
		cdf[k] = acc
	}
	w := e.Domain().Width()
	x := make([]float32, n*w)
	for c := range n {
		k := min(sort.SearchFloat64s(cdf, rng.Float64()*acc), e.Len()-1)
		e.State(x[c*w:(c+1)*w], k)
	}
	return x
}

// TestReverseAISFromExactSamples: started from exact samples, the reverse
// estimate of 1/Z is unbiased, so even a short schedule lands within a few
// standard errors of log Z.
func TestReverseAISFromExactSamples(t *testing.T) {
	for _, tc := range aisTargets(t) {
		if tc.exact == nil {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(13, 14))
			start := exactSamples(tc.exact, 2000, rng)
			res, err := ReverseAIS(tc.model, tc.base, start, AISOptions{Temperatures: 20}, rng)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("ESS %.0f", res.ESS)
			checkLogZ(t, "reverse log Ẑ", res.LogZ, res.LogZStdErr, tc.logZ)
		})
	}
}

// TestRAISEBracketsLogLikelihood: on held-out states drawn from the model
// itself, the exact mean log-likelihood is known; RAISE must not exceed it by
// more than noise, AIS's estimate must not fall below it by more than noise,
// and with enough temperatures both come within 0.1 nat.
func TestRAISEBracketsLogLikelihood(t *testing.T) {
	for _, tc := range aisTargets(t) {
		if tc.exact == nil {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(15, 16))
			data := exactSamples(tc.exact, 100, rng)
			opts := AISOptions{Temperatures: 1000, Chains: 100}
			rev, err := ReverseAIS(tc.model, tc.base, data, opts, rng)
			if err != nil {
				t.Fatal(err)
			}
			fwd, err := AIS(tc.model, tc.base, opts, rng)
			if err != nil {
				t.Fatal(err)
			}
			truth := mean(rev.F) - tc.logZ
			ais := fwd.LogLikelihood(mean(rev.F))
			t.Logf("RAISE %.4f ± %.4f ≤ exact %.4f ≤ AIS %.4f ± %.4f", rev.LogLikelihood, rev.LLStdErr, truth, ais, fwd.StdErr)
			if rev.LogLikelihood > truth+0.02 || math.Abs(rev.LogLikelihood-truth) > 0.1 {
				t.Errorf("RAISE log-likelihood %.4f against exact %.4f", rev.LogLikelihood, truth)
			}
			if ais < truth-4*fwd.StdErr-0.02 || math.Abs(ais-truth) > 0.1 {
				t.Errorf("AIS log-likelihood %.4f ± %.4f against exact %.4f", ais, fwd.StdErr, truth)
			}
			// The paired gap is the same difference, with the spread of
			// log p(v) removed from its error.
			gap, se := rev.Gap(fwd.LogZ)
			if math.Abs(gap-(ais-rev.LogLikelihood)) > 1e-9 || !(se < rev.LLStdErr/3) || gap < -4*se-0.02 {
				t.Errorf("gap %.4f ± %.4f, want %.4f with an error well below %.4f", gap, se, ais-rev.LogLikelihood, rev.LLStdErr)
			}
		})
	}
}

func TestReverseAISBadInput(t *testing.T) {
	tc := aisTargets(t)[1]
	rng := rand.New(rand.NewPCG(1, 1))
	opts := AISOptions{Temperatures: 10}
	for name, start := range map[string][]float32{
		"empty":         nil,
		"partial chain": make([]float32, 13),
		"not binary":    append(make([]float32, 11), 0.5),
	} {
		if _, err := ReverseAIS(tc.model, tc.base, start, opts, rng); err == nil {
			t.Errorf("%s start: no error", name)
		}
	}
	if _, err := ReverseAIS(tc.model, tc.base, make([]float32, 12), AISOptions{Temperatures: 1}, rng); err == nil {
		t.Error("one temperature: no error")
	}
}
