package gwg

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gwg-go/gwg/ebm"
	"github.com/gwg-go/gwg/internal/fastmath"
)

// langevinSampler is the discrete Langevin proposal of Zhang, Liu and Liu
// (ICML 2022) on binary models: every site flips independently, site i with
// probability σ(lᵢ), lᵢ = d̃ᵢ/τ − 1/(2α), d̃ᵢ = (1 − 2xᵢ)·∂f/∂xᵢ. DULA takes
// every proposal; it is cheap but biased, its stationary distribution is
// only close to the target for small α. DMALA corrects it with a
// Metropolis–Hastings step whose reverse proposal is the same set of flips
// under the probabilities at x′.
//
// As for GWG, each chain caches f, ∇ₓf and the per-site flip probabilities
// at its state, so one evaluation at x′ per step suffices.
type langevinSampler struct {
	name   string
	model  ebm.Model
	d      int
	mh     bool
	invTau float64
	shift  float64 // 1/(2α)

	n        int
	cur      langevinState
	prop     langevinState
	flips    []int32 // n×D, the first nflip[c] are the sites chain c flips
	nflip    []int32
	logFwd   []float64
	logAlpha []float64
	stats    Stats
}

// langevinState is a batch of chains with their per-site proposal.
type langevinState struct {
	gradState
	p       []float64 // n×D flip probabilities σ(lᵢ)
	logFlip []float64 // n×D log σ(lᵢ) − log σ(−lᵢ): the log-odds of flipping, lᵢ itself
	logStay []float64 // n, Σᵢ log σ(−lᵢ): log q of flipping nothing
}

func (st *langevinState) resize(n, d int) {
	st.gradState.resize(n, d)
	st.p = ensure(st.p, n*d)
	st.logFlip = ensure(st.logFlip, n*d)
	st.logStay = ensure(st.logStay, n)
}

func newLangevin(name string, m ebm.Model, mh bool, tau, alpha float64) (*langevinSampler, error) {
	dom := m.Domain()
	if dom.OneHot {
		return nil, fmt.Errorf("gwg: %s needs a binary model, the model is one-hot with %d categories", name, dom.Categories)
	}
	if !(alpha > 0) || math.IsInf(alpha, 0) {
		return nil, fmt.Errorf("gwg: %s: step size %v, want a positive finite number", name, alpha)
	}
	return &langevinSampler{name: name, model: m, d: dom.Sites, mh: mh, invTau: 1 / tau, shift: 1 / (2 * alpha)}, nil
}

// Init implements Sampler.
func (s *langevinSampler) Init(x []float32) error {
	n, err := checkStates(s.model.Domain(), x)
	if err != nil {
		return fmt.Errorf("gwg: %s: Init: %w", s.name, err)
	}
	s.n = n
	s.cur.resize(n, s.d)
	s.prop.resize(n, s.d)
	s.flips = ensure(s.flips, n*s.d)
	s.nflip = ensure(s.nflip, n)
	s.logFwd = ensure(s.logFwd, n)
	s.logAlpha = ensure(s.logAlpha, n)
	copy(s.cur.x, x)
	if err := s.cur.eval(s.model, s.name, 0, &s.stats); err != nil {
		return err
	}
	for c := range n {
		if err := s.proposal(&s.cur, c, 0); err != nil {
			return err
		}
	}
	return nil
}

// Step implements Sampler: D uniforms per chain for the flips, then (DMALA)
// one per chain for the acceptance.
func (s *langevinSampler) Step(rng *rand.Rand) error {
	if s.n == 0 {
		return fmt.Errorf("gwg: %s: Step before Init", s.name)
	}
	d := s.d
	for c := range s.n {
		flips := s.flips[c*d : (c+1)*d]
		m := 0
		for i, p := range s.cur.p[c*d : (c+1)*d] {
			if rng.Float64() < p {
				flips[m] = int32(i)
				m++
			}
		}
		s.nflip[c] = int32(m)
	}
	if err := s.propose(); err != nil {
		return err
	}
	settle(&s.stats, rng, s.mh, s.logAlpha, s.nflip, s.accept)
	return nil
}

// setMove records that chain c flips exactly the given sites.
func (s *langevinSampler) setMove(c int, sites []int32) {
	s.nflip[c] = int32(copy(s.flips[c*s.d:(c+1)*s.d], sites))
}

// propose flips each chain's recorded sites, evaluates f and ∇ₓf at the
// proposals and computes log q(flips | x) and, for DMALA, log α.
func (s *langevinSampler) propose() error {
	d := s.d
	step := s.stats.Steps + 1
	for c := range s.n {
		xp := s.prop.x[c*d : (c+1)*d]
		copy(xp, s.cur.x[c*d:(c+1)*d])
		for _, i := range s.flips[c*d : c*d+int(s.nflip[c])] {
			xp[i] = 1 - xp[i]
		}
	}
	if err := s.prop.eval(s.model, s.name, step, &s.stats); err != nil {
		return err
	}
	for c := range s.n {
		if err := s.proposal(&s.prop, c, step); err != nil {
			return err
		}
		lf := s.logq(&s.cur, c)
		s.logFwd[c] = lf
		s.logAlpha[c] = s.prop.f[c] - s.cur.f[c] + s.logq(&s.prop, c) - lf
	}
	return nil
}

// logq is the log-probability under st's proposal for chain c of flipping
// exactly chain c's recorded sites.
func (s *langevinSampler) logq(st *langevinState, c int) float64 {
	l := st.logStay[c]
	lf := st.logFlip[c*s.d : (c+1)*s.d]
	for _, i := range s.flips[c*s.d : c*s.d+int(s.nflip[c])] {
		l += lf[i]
	}
	return l
}

// proposal computes the flip probabilities of st's chain c from its state
// and gradient, failing on a gradient that is not finite.
func (s *langevinSampler) proposal(st *langevinState, c int, step int64) error {
	d := s.d
	x, g := st.x[c*d:(c+1)*d], st.g[c*d:(c+1)*d]
	p, lf := st.p[c*d:(c+1)*d], st.logFlip[c*d:(c+1)*d]
	// log q(no flip) = Σᵢ log σ(−lᵢ) = −Σᵢ max(lᵢ, 0) − log Πᵢ (1 + e^{−|lᵢ|}).
	// Every factor of the product lies in [1, 2], so 512 of them stay finite
	// and one logarithm per 512 sites replaces one log1p per site.
	var linear, logProd, bad float64
	prod := 1.0
	for i, xi := range x {
		l := float64(g[i])*s.invTau*float64(1-2*xi) - s.shift
		bad += l * 0 // NaN unless l is finite
		e := fastmath.ExpNonPositive(-math.Abs(l))
		if l >= 0 {
			p[i] = 1 / (1 + e)
			linear += l
		} else {
			p[i] = e / (1 + e)
		}
		prod *= 1 + e
		if i%512 == 511 {
			logProd += math.Log(prod)
			prod = 1
		}
		lf[i] = l
	}
	if bad != 0 {
		return fmt.Errorf("gwg: %s step %d: chain %d: model returned a gradient that is not finite", s.name, step, c)
	}
	st.logStay[c] = -linear - logProd - math.Log(prod)
	return nil
}

func (s *langevinSampler) accept(c int) {
	d := s.d
	copy(s.cur.x[c*d:(c+1)*d], s.prop.x[c*d:(c+1)*d])
	copy(s.cur.g[c*d:(c+1)*d], s.prop.g[c*d:(c+1)*d])
	copy(s.cur.p[c*d:(c+1)*d], s.prop.p[c*d:(c+1)*d])
	copy(s.cur.logFlip[c*d:(c+1)*d], s.prop.logFlip[c*d:(c+1)*d])
	s.cur.f[c], s.cur.logStay[c] = s.prop.f[c], s.prop.logStay[c]
}

// State implements Sampler.
func (s *langevinSampler) State() []float32 { return s.cur.x }

// Stats implements Sampler.
func (s *langevinSampler) Stats() Stats { return s.stats }
