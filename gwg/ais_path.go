package gwg

import (
	"fmt"
	"math/rand/v2"

	"github.com/gwg-go/gwg/ebm"
)

// Base is the tractable end of an annealing path: a product distribution p₀
// whose f is exactly normalised (LogProb returns log p₀(x), so log Z₀ = 0)
// and from which exact samples can be drawn. ebm.Bernoulli is one.
//
// A product distribution is linear in the relaxed state in both layouts of
// ebm (Σᵢ xᵢ log μᵢ + (1 − xᵢ) log(1 − μᵢ), or Σᵢⱼ xᵢⱼ log pᵢⱼ), so its
// gradient gives its exact flip deltas; Tempered relies on that.
type Base interface {
	ebm.Model
	// Sample fills dst with len(dst)/Domain().Width() independent draws.
	Sample(dst []float32, rng *rand.Rand) error
}

// Tempered is the geometric annealing path between a base p₀ and a model f,
//
//	f_β(x) = β·g(x) + log p₀(x),   g(x) = f(x) − log p₀(x),
//
// so f₀ = log p₀ is normalised and f₁ = f. Only g is annealed: for a deep EBM
// whose f already contains log p₀ (net(x) + log Bernoulli(x; μ)), g is the
// network term alone, as in the reference evaluation.
//
// A Tempered model is itself an ebm.Model; the value returned by Model also
// implements ebm.FlipDeltaer when the wrapped model does, so Gibbs-type
// samplers keep their fast path on RBMs and Ising models.
type Tempered struct {
	model ebm.Model
	base  Base
	beta  float64

	// scratch for the base term, grown to the largest batch seen
	f0 []float64
	g0 []float32
}

// NewTempered returns the path from base to model, at β = 0.
func NewTempered(model ebm.Model, base Base) (*Tempered, error) {
	if model == nil || base == nil {
		return nil, fmt.Errorf("gwg: tempered model needs a model and a base")
	}
	dm, db := model.Domain(), base.Domain()
	if err := dm.Validate(); err != nil {
		return nil, fmt.Errorf("gwg: tempered model: %w", err)
	}
	if dm != db {
		return nil, fmt.Errorf("gwg: base domain %+v differs from model domain %+v", db, dm)
	}
	return &Tempered{model: model, base: base}, nil
}

// SetBeta moves the path to inverse temperature beta ∈ [0, 1].
func (t *Tempered) SetBeta(beta float64) error {
	if !(beta >= 0 && beta <= 1) {
		return fmt.Errorf("gwg: inverse temperature %v outside [0, 1]", beta)
	}
	t.beta = beta
	return nil
}

// Beta is the current inverse temperature.
func (t *Tempered) Beta() float64 { return t.beta }

// Model returns t as an ebm.Model that also implements ebm.FlipDeltaer and
// ebm.SiteDeltaer whenever the wrapped model does, so that samplers keep
// their fast paths.
func (t *Tempered) Model() ebm.Model {
	fd, flip := t.model.(ebm.FlipDeltaer)
	sd, site := t.model.(ebm.SiteDeltaer)
	switch {
	case flip && site:
		return &struct {
			*Tempered
			temperedFlip
			temperedSite
		}{t, temperedFlip{t, fd}, temperedSite{t, sd}}
	case flip:
		return &struct {
			*Tempered
			temperedFlip
		}{t, temperedFlip{t, fd}}
	case site:
		return &struct {
			*Tempered
			temperedSite
		}{t, temperedSite{t, sd}}
	}
	return t
}

// Domain is the model's domain.
func (t *Tempered) Domain() ebm.Domain { return t.model.Domain() }

// LogProb writes f_β(x) of each chain into f.
func (t *Tempered) LogProb(f []float64, x []float32) error {
	return t.LogProbGrad(f, nil, x)
}

// LogProbGrad writes f_β(x) into f and, when grad is not nil, ∇ₓf_β(x).
func (t *Tempered) LogProbGrad(f []float64, grad []float32, x []float32) error {
	n, err := ebm.CheckBatch(t.Domain(), f, grad, x)
	if err != nil {
		return err
	}
	if grad == nil {
		err = t.model.LogProb(f, x)
	} else {
		err = t.model.LogProbGrad(f, grad, x)
	}
	if err != nil {
		return err
	}
	f0, g0, err := t.baseTerms(n, x, grad != nil)
	if err != nil {
		return err
	}
	b := t.beta
	for c := range f {
		f[c] = b*(f[c]-f0[c]) + f0[c]
	}
	for k := range grad {
		grad[k] = float32(b*(float64(grad[k])-float64(g0[k])) + float64(g0[k]))
	}
	return nil
}

// baseTerms evaluates log p₀ and, if withGrad, ∇ log p₀ on the n chains in x,
// into scratch owned by t.
func (t *Tempered) baseTerms(n int, x []float32, withGrad bool) ([]float64, []float32, error) {
	if cap(t.f0) < n {
		t.f0 = make([]float64, n)
	}
	f0 := t.f0[:n]
	var g0 []float32
	if withGrad {
		if cap(t.g0) < len(x) {
			t.g0 = make([]float32, len(x))
		}
		g0 = t.g0[:len(x)]
	}
	if err := t.base.LogProbGrad(f0, g0, x); err != nil {
		return nil, nil, fmt.Errorf("gwg: base: %w", err)
	}
	return f0, g0, nil
}

// temperedFlip gives a Tempered the flip deltas of its wrapped model.
type temperedFlip struct {
	t  *Tempered
	fd ebm.FlipDeltaer
}

// FlipDeltas writes f_β(flipᵢ x) − f_β(x) = β·Δf + (1 − β)·Δlog p₀. The base
// is linear in the relaxed state, so Δlog p₀ = (1 − 2xᵢ)·∂log p₀/∂xᵢ exactly.
func (w temperedFlip) FlipDeltas(delta []float64, x []float32) error {
	d := w.t.Domain().Sites
	if len(delta) != len(x) || len(x)%d != 0 {
		return fmt.Errorf("gwg: flip deltas for %d values of state and %d deltas, want equal multiples of %d sites", len(x), len(delta), d)
	}
	if err := w.fd.FlipDeltas(delta, x); err != nil {
		return err
	}
	_, g0, err := w.t.baseTerms(len(x)/d, x, true)
	if err != nil {
		return err
	}
	b := w.t.beta
	for k, v := range x {
		delta[k] = b*delta[k] + (1-b)*float64(1-2*v)*float64(g0[k])
	}
	return nil
}

// temperedSite gives a Tempered the site deltas of its wrapped model.
type temperedSite struct {
	t  *Tempered
	sd ebm.SiteDeltaer
}

// SiteDeltas writes f_β(x with site sᶜ set to a) − f_β(x) = β·Δf +
// (1 − β)·Δlog p₀, the base's change read off its (constant) gradient: for a
// binary site (a − xᵢ)·∂log p₀/∂xᵢ, for a one-hot site
// ∂log p₀/∂xᵢₐ − ∂log p₀/∂xᵢ,c(i).
func (w temperedSite) SiteDeltas(delta []float64, x []float32, sites []int) error {
	dom := w.t.Domain()
	n, err := ebm.CheckSites(dom, delta, x, sites)
	if err != nil {
		return err
	}
	if err := w.sd.SiteDeltas(delta, x, sites); err != nil {
		return err
	}
	_, g0, err := w.t.baseTerms(n, x, true)
	if err != nil {
		return err
	}
	b, k, width := w.t.beta, dom.Categories, dom.Width()
	for c, i := range sites {
		row, g := x[c*width:(c+1)*width], g0[c*width:(c+1)*width]
		for a := range k {
			var d0 float64
			if dom.OneHot {
				d0 = float64(g[i*k+a]) - float64(g[i*k+category(row, i, k)])
			} else {
				d0 = (float64(a) - float64(row[i])) * float64(g[i])
			}
			delta[c*k+a] = b*delta[c*k+a] + (1-b)*d0
		}
	}
	return nil
}
