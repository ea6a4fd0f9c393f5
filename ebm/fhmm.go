package ebm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/gwg-go/gwg/internal/bernoulli"
)

// FHMMConfig describes a factorial hidden Markov model: C independent binary
// Markov chains over T steps whose weighted sum is observed with Gaussian
// noise,
//
//	x₀,c ~ Bernoulli(InitMean),   x_{t,c} = x_{t−1,c} with probability KeepProb,
//	y_t ~ N(W₀ + Σ_c W_c x_{t,c}, ObsSigma²).
type FHMMConfig struct {
	Chains      int     // C, the number of binary chains
	Steps       int     // T, the length of the sequence
	WeightSigma float64 // GenerateFHMM draws W_c and W₀ from N(0, WeightSigma²)
	ObsSigma    float64 // standard deviation of the observation noise
	InitMean    float64 // p(x₀,c = 1)
	KeepProb    float64 // p(x_{t,c} = x_{t−1,c})
}

// DefaultFHMMConfig is the paper's experiment (the reference code's
// defaults): 10 chains × 100 steps, W ~ N(0, 1), noise 0.5, initial mean
// 0.1, keep probability 0.95.
func DefaultFHMMConfig() FHMMConfig {
	return FHMMConfig{Chains: 10, Steps: 100, WeightSigma: 1, ObsSigma: 0.5, InitMean: 0.1, KeepProb: 0.95}
}

func (c FHMMConfig) validate() error {
	switch {
	case c.Chains <= 0 || c.Steps <= 0:
		return fmt.Errorf("ebm: factorial HMM with %d chains × %d steps", c.Chains, c.Steps)
	case !(c.ObsSigma > 0):
		return fmt.Errorf("ebm: factorial HMM observation noise %v, want > 0", c.ObsSigma)
	case !(c.InitMean > 0 && c.InitMean < 1):
		return fmt.Errorf("ebm: factorial HMM initial mean %v outside (0, 1)", c.InitMean)
	case !(c.KeepProb > 0 && c.KeepProb < 1):
		return fmt.Errorf("ebm: factorial HMM keep probability %v outside (0, 1)", c.KeepProb)
	case !(c.WeightSigma >= 0):
		return fmt.Errorf("ebm: factorial HMM weight scale %v, want ≥ 0", c.WeightSigma)
	}
	return nil
}

// FHMM is the posterior over the latent chains of a factorial HMM given one
// observed sequence y. Its f is the log joint density,
//
//	f(x) = log p(x) + log p(y | x),
//
// including every constant, so it differs from log p(x | y) by log p(y)
// alone. A state holds the D = T·C latents time-major, x[t·C + c], as the
// reference code lays them out.
//
// On the relaxed state the prior is written through the change indicators
// a + b − 2ab of consecutive values, which equal |a − b| on binary states,
// each weighted by logit(1 − KeepProb), as the reference code does; that
// defines the gradient. Parameters are float32; sums are in float64. The
// model keeps no scratch state, so concurrent calls are safe as long as
// nobody changes its exported fields.
type FHMM struct {
	Config FHMMConfig
	W      []float32 // C observation weights
	W0     float32   // observation offset
	Y      []float32 // T observations

	initLogit, initSoftplus     float64 // logit(InitMean), softplus of it
	changeLogit, changeSoftplus float64 // logit(1 − KeepProb), softplus of it
	obsConst                    float64 // −T(log σ + ½ log 2π)
}

// NewFHMM returns the posterior of the factorial HMM cfg with weights w (C
// values) and offset w0 given observations y (T values). The slices are
// copied.
func NewFHMM(cfg FHMMConfig, w []float32, w0 float32, y []float32) (*FHMM, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if len(w) != cfg.Chains || len(y) != cfg.Steps {
		return nil, fmt.Errorf("ebm: factorial HMM %d×%d with %d weights and %d observations", cfg.Chains, cfg.Steps, len(w), len(y))
	}
	m := &FHMM{Config: cfg, W: slices.Clone(w), W0: w0, Y: slices.Clone(y)}
	m.initLogit = math.Log(cfg.InitMean) - math.Log1p(-cfg.InitMean)
	m.initSoftplus = bernoulli.Softplus(m.initLogit)
	m.changeLogit = math.Log1p(-cfg.KeepProb) - math.Log(cfg.KeepProb)
	m.changeSoftplus = bernoulli.Softplus(m.changeLogit)
	m.obsConst = -float64(cfg.Steps) * (math.Log(cfg.ObsSigma) + 0.5*math.Log(2*math.Pi))
	return m, nil
}

// GenerateFHMM draws a synthetic problem as the paper does: weights W_c and
// offset W₀ from N(0, WeightSigma²), a latent sequence from the prior, and
// observations from p(y | x). It returns the posterior model and the latent
// sequence that generated y (T·C values, time-major).
func GenerateFHMM(cfg FHMMConfig, rng *rand.Rand) (*FHMM, []float32, error) {
	if err := cfg.validate(); err != nil {
		return nil, nil, err
	}
	w := make([]float32, cfg.Chains)
	for c := range w {
		w[c] = float32(cfg.WeightSigma * rng.NormFloat64())
	}
	w0 := float32(cfg.WeightSigma * rng.NormFloat64())
	m, err := NewFHMM(cfg, w, w0, make([]float32, cfg.Steps))
	if err != nil {
		return nil, nil, err
	}
	truth := make([]float32, cfg.Steps*cfg.Chains)
	if err := m.SamplePrior(truth, rng); err != nil {
		return nil, nil, err
	}
	mu := make([]float32, cfg.Steps)
	if err := m.ObsMeans(mu, truth); err != nil {
		return nil, nil, err
	}
	for t, v := range mu {
		m.Y[t] = float32(float64(v) + cfg.ObsSigma*rng.NormFloat64())
	}
	return m, truth, nil
}

// Domain reports D = T·C binary sites.
func (m *FHMM) Domain() Domain {
	return Domain{Sites: m.Config.Steps * m.Config.Chains, Categories: 2}
}

// check reports whether the exported fields still agree with the config.
func (m *FHMM) check() error {
	if len(m.W) != m.Config.Chains || len(m.Y) != m.Config.Steps {
		return fmt.Errorf("ebm: factorial HMM %d×%d has %d weights and %d observations", m.Config.Chains, m.Config.Steps, len(m.W), len(m.Y))
	}
	return nil
}

// SamplePrior fills dst with len(dst)/D independent latent sequences drawn
// from the prior p(x): the reference code starts its samplers there.
func (m *FHMM) SamplePrior(dst []float32, rng *rand.Rand) error {
	cc, d := m.Config.Chains, m.Domain().Sites
	if len(dst)%d != 0 {
		return fmt.Errorf("ebm: factorial HMM prior sample buffer has %d values, not a multiple of %d", len(dst), d)
	}
	for k := range dst {
		if k%d < cc {
			dst[k] = bernoulli.Draw(m.Config.InitMean, rng)
			continue
		}
		dst[k] = dst[k-cc]
		if rng.Float64() >= m.Config.KeepProb {
			dst[k] = 1 - dst[k]
		}
	}
	return nil
}

// ObsMeans writes the predicted observation means μ_t = W₀ + Σ_c W_c x_{t,c}
// of each chain into mu (n×T), for the n = len(x)/D chains in x.
func (m *FHMM) ObsMeans(mu []float32, x []float32) error {
	if err := m.check(); err != nil {
		return err
	}
	steps, cc := m.Config.Steps, m.Config.Chains
	if len(x)%(steps*cc) != 0 || len(mu) != len(x)/cc {
		return fmt.Errorf("ebm: factorial HMM means of %d latent values into %d, want n×%d into n×%d", len(x), len(mu), steps*cc, steps)
	}
	for r := range mu {
		mu[r] = float32(m.mean(x[r*cc : (r+1)*cc]))
	}
	return nil
}

// LogProb writes f(x) of each chain into f.
func (m *FHMM) LogProb(f []float64, x []float32) error {
	return m.LogProbGrad(f, nil, x)
}

// LogProbGrad writes f(x) into f and, when grad is not nil, ∇ₓf into grad:
//
//	∂f/∂x_{t,c} = [t = 0]·logit(InitMean)
//	            + logit(1 − KeepProb)·([t > 0](1 − 2x_{t−1,c}) + [t < T−1](1 − 2x_{t+1,c}))
//	            + W_c (y_t − μ_t)/σ².
func (m *FHMM) LogProbGrad(f []float64, grad []float32, x []float32) error {
	if err := m.check(); err != nil {
		return err
	}
	n, err := CheckBatch(m.Domain(), f, grad, x)
	if err != nil {
		return err
	}
	steps, cc := m.Config.Steps, m.Config.Chains
	d := steps * cc
	prec := 1 / (m.Config.ObsSigma * m.Config.ObsSigma)
	for r := range n {
		xr := x[r*d : (r+1)*d]
		s := m.obsConst - float64(steps-1)*float64(cc)*m.changeSoftplus - float64(cc)*m.initSoftplus
		for t := range steps {
			row := xr[t*cc : (t+1)*cc]
			resid := float64(m.Y[t]) - m.mean(row)
			s -= 0.5 * prec * resid * resid
			for c, v := range row {
				a := float64(v)
				var g float64
				if t == 0 {
					s += a * m.initLogit
					g = m.initLogit
				} else {
					b := float64(xr[(t-1)*cc+c])
					s += (a + b - 2*a*b) * m.changeLogit
					g = (1 - 2*b) * m.changeLogit
				}
				if grad == nil {
					continue
				}
				if t+1 < steps {
					g += (1 - 2*float64(xr[(t+1)*cc+c])) * m.changeLogit
				}
				grad[r*d+t*cc+c] = float32(g + float64(m.W[c])*resid*prec)
			}
		}
		f[r] = s
	}
	return nil
}

// FlipDeltas writes f(flipᵢ x) − f(x) for every chain and latent: O(D) per
// chain.
func (m *FHMM) FlipDeltas(delta []float64, x []float32) error {
	if err := m.check(); err != nil {
		return err
	}
	d := m.Domain().Sites
	if len(delta) != len(x) || len(x)%d != 0 {
		return fmt.Errorf("ebm: flip deltas for %d values of state and %d deltas, want equal multiples of %d sites", len(x), len(delta), d)
	}
	cc := m.Config.Chains
	for r := range len(x) / d {
		xr := x[r*d : (r+1)*d]
		for t := range m.Config.Steps {
			resid := float64(m.Y[t]) - m.mean(xr[t*cc:(t+1)*cc])
			for c := range cc {
				s := t*cc + c
				delta[r*d+s] = m.siteDelta(xr, s, resid, 1-2*float64(xr[s]))
			}
		}
	}
	return nil
}

// SiteDeltas writes f(x with latent sites[c] set to a) − f(x) for a = 0, 1
// into delta[2c+a]: the prior is linear in one latent and the likelihood
// changes at one time step only, so this is O(C) per chain.
func (m *FHMM) SiteDeltas(delta []float64, x []float32, sites []int) error {
	if err := m.check(); err != nil {
		return err
	}
	if _, err := CheckSites(m.Domain(), delta, x, sites); err != nil {
		return err
	}
	cc, d := m.Config.Chains, m.Domain().Sites
	for r, s := range sites {
		xr := x[r*d : (r+1)*d]
		t := s / cc
		resid := float64(m.Y[t]) - m.mean(xr[t*cc:(t+1)*cc])
		for a := range 2 {
			delta[2*r+a] = m.siteDelta(xr, s, resid, float64(a)-float64(xr[s]))
		}
	}
	return nil
}

// siteDelta is f(x + step·e_s) − f(x) for one chain x whose observation
// residual at the time step of latent s is resid.
func (m *FHMM) siteDelta(x []float32, s int, resid, step float64) float64 {
	if step == 0 {
		return 0
	}
	cc := m.Config.Chains
	t, c := s/cc, s%cc
	var lin float64 // ∂ log p(x) / ∂x_{t,c}, constant in x_{t,c}
	if t == 0 {
		lin = m.initLogit
	} else {
		lin = (1 - 2*float64(x[s-cc])) * m.changeLogit
	}
	if t+1 < m.Config.Steps {
		lin += (1 - 2*float64(x[s+cc])) * m.changeLogit
	}
	moved := resid - step*float64(m.W[c])
	return step*lin - (moved*moved-resid*resid)/(2*m.Config.ObsSigma*m.Config.ObsSigma)
}

// mean is W₀ + W·row for one time step.
func (m *FHMM) mean(row []float32) float64 {
	mu := float64(m.W0)
	for c, v := range row {
		mu += float64(m.W[c]) * float64(v)
	}
	return mu
}
