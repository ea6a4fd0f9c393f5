package ebm

import (
	"math"
	"math/rand/v2"
	"testing"
)

// fhmmRef is log p(x) + log p(y | x) written from the densities: Bernoulli
// log-probabilities of the first values and of the changes, and Gaussian
// log-densities of the observations.
func fhmmRef(m *FHMM) refFunc {
	cfg := m.Config
	logBern := func(z, p float64) float64 { return z*math.Log(p) + (1-z)*math.Log(1-p) }
	return func(x []float64) float64 {
		var f float64
		for t := range cfg.Steps {
			mu := float64(m.W0)
			for c := range cfg.Chains {
				a := x[t*cfg.Chains+c]
				mu += float64(m.W[c]) * a
				if t == 0 {
					f += logBern(a, cfg.InitMean)
				} else {
					b := x[(t-1)*cfg.Chains+c]
					f += logBern(a*(1-b)+b*(1-a), 1-cfg.KeepProb)
				}
			}
			z := (float64(m.Y[t]) - mu) / cfg.ObsSigma
			f += -0.5*z*z - math.Log(cfg.ObsSigma*math.Sqrt(2*math.Pi))
		}
		return f
	}
}

func TestFHMMGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(29, 30))
	for _, cfg := range []FHMMConfig{
		{Chains: 1, Steps: 1, WeightSigma: 1, ObsSigma: 0.5, InitMean: 0.1, KeepProb: 0.95},
		{Chains: 3, Steps: 4, WeightSigma: 1, ObsSigma: 0.3, InitMean: 0.4, KeepProb: 0.8},
		DefaultFHMMConfig(),
	} {
		m, truth, err := GenerateFHMM(cfg, rng)
		if err != nil {
			t.Fatal(err)
		}
		if len(truth) != cfg.Chains*cfg.Steps {
			t.Fatalf("truth has %d values", len(truth))
		}
		checkModel(t, m, fhmmRef(m), 3, 1e-5, rng)
		checkSiteDeltas(t, m, 3, 1e-9, rng)
		checkFlipDeltas(t, m, 3, 1e-9, rng)
		checkShapes(t, m)
	}
}

// TestFHMMPriorNormalised: with W = 0, W₀ = 0 and y = 0 the likelihood is a
// constant, so log Z over all latent sequences is exactly that constant.
func TestFHMMPriorNormalised(t *testing.T) {
	cfg := FHMMConfig{Chains: 3, Steps: 4, ObsSigma: 0.7, InitMean: 0.3, KeepProb: 0.9}
	m, err := NewFHMM(cfg, make([]float32, 3), 0, make([]float32, 4))
	if err != nil {
		t.Fatal(err)
	}
	e, err := Enumerate(m)
	if err != nil {
		t.Fatal(err)
	}
	want := -4 * math.Log(0.7*math.Sqrt(2*math.Pi))
	if !near(e.LogZ(), want, 1e-12) {
		t.Errorf("log Z = %v, want %v", e.LogZ(), want)
	}
}

// TestFHMMGenerate checks the generator's statistics: the first latents are
// on with InitMean, consecutive latents differ with 1 − KeepProb, and the
// residuals of y have standard deviation ObsSigma.
func TestFHMMGenerate(t *testing.T) {
	cfg := DefaultFHMMConfig()
	cfg.Steps = 400
	rng := rand.New(rand.NewPCG(31, 32))
	var on, changes, firsts, pairs float64
	var resid2 float64
	const reps = 50
	for range reps {
		m, x, err := GenerateFHMM(cfg, rng)
		if err != nil {
			t.Fatal(err)
		}
		mu := make([]float32, cfg.Steps)
		if err := m.ObsMeans(mu, x); err != nil {
			t.Fatal(err)
		}
		for tt := range cfg.Steps {
			r := float64(m.Y[tt] - mu[tt])
			resid2 += r * r
			for c := range cfg.Chains {
				if tt == 0 {
					on += float64(x[c])
					firsts++
					continue
				}
				if x[tt*cfg.Chains+c] != x[(tt-1)*cfg.Chains+c] {
					changes++
				}
				pairs++
			}
		}
	}
	for _, tc := range []struct {
		name     string
		count, n float64
		p        float64
	}{{"initial mean", on, firsts, cfg.InitMean}, {"change rate", changes, pairs, 1 - cfg.KeepProb}} {
		sd := math.Sqrt(tc.p * (1 - tc.p) / tc.n)
		if got := tc.count / tc.n; math.Abs(got-tc.p) > 5*sd {
			t.Errorf("%s: %v, want %v ± %v", tc.name, got, tc.p, sd)
		}
	}
	if got := math.Sqrt(resid2 / (reps * float64(cfg.Steps))); math.Abs(got-cfg.ObsSigma) > 0.02 {
		t.Errorf("observation noise %v, want %v", got, cfg.ObsSigma)
	}
	// Seeded generation is reproducible.
	a, xa, _ := GenerateFHMM(cfg, rand.New(rand.NewPCG(1, 2)))
	b, xb, _ := GenerateFHMM(cfg, rand.New(rand.NewPCG(1, 2)))
	for k := range xa {
		if xa[k] != xb[k] {
			t.Fatal("same seed, different latents")
		}
	}
	if a.Y[7] != b.Y[7] || a.W0 != b.W0 {
		t.Fatal("same seed, different observations")
	}
}

func TestFHMMErrors(t *testing.T) {
	good := DefaultFHMMConfig()
	for _, mod := range []func(*FHMMConfig){
		func(c *FHMMConfig) { c.Chains = 0 },
		func(c *FHMMConfig) { c.ObsSigma = 0 },
		func(c *FHMMConfig) { c.InitMean = 1 },
		func(c *FHMMConfig) { c.KeepProb = 0 },
		func(c *FHMMConfig) { c.KeepProb = math.NaN() },
		func(c *FHMMConfig) { c.WeightSigma = -1 },
	} {
		cfg := good
		mod(&cfg)
		if _, _, err := GenerateFHMM(cfg, rand.New(rand.NewPCG(1, 1))); err == nil {
			t.Errorf("GenerateFHMM accepted %+v", cfg)
		}
	}
	if _, err := NewFHMM(good, make([]float32, 9), 0, make([]float32, 100)); err == nil {
		t.Error("NewFHMM accepted 9 weights for 10 chains")
	}
	m, _, _ := GenerateFHMM(good, rand.New(rand.NewPCG(1, 1)))
	if err := m.SamplePrior(make([]float32, 999), rand.New(rand.NewPCG(1, 1))); err == nil {
		t.Error("SamplePrior accepted 999 values")
	}
	if err := m.ObsMeans(make([]float32, 99), make([]float32, 1000)); err == nil {
		t.Error("ObsMeans accepted 99 means for one chain")
	}
}

func BenchmarkFHMMLogProbGrad(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	m, _, err := GenerateFHMM(DefaultFHMMConfig(), rng)
	if err != nil {
		b.Fatal(err)
	}
	x := make([]float32, benchChains*m.Domain().Sites)
	if err := m.SamplePrior(x, rng); err != nil {
		b.Fatal(err)
	}
	benchLogProbGrad(b, m, x)
}
