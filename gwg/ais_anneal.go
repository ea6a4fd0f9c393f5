package gwg

import (
	"fmt"
	"math/rand/v2"

	"github.com/gwg-go/gwg/ebm"
)

// Refresh policy of the retargeted cache. Moving a cached ∇ₓf_β from β to β′
// scales its model part by β′/β in float32, so rounding errors compound; a
// real evaluation resets them whenever β has doubled since the last one, or
// after refreshEvery temperatures, which bounds the drift to a few thousand
// float32 roundings at a cost of at most 1/refreshEvery extra evaluations.
const (
	refreshEvery = 1024
	refreshRatio = 2
)

// annealer runs a batch of chains along a Tempered path and accumulates their
// log-weights. It is shared by AIS (β rising from 0) and ReverseAIS (β falling
// from 1); one annealer serves every repeat. It owns the chains' State and
// drives the kernel over it: when the kernel keeps f and ∇ₓf (State.Keeps),
// moving to the next temperature rewrites them in closed form and asks the
// kernel to Refresh what it derives from them, instead of a new evaluation.
type annealer struct {
	path  *Tempered
	model ebm.Model // the untempered model, for direct evaluations of g
	base  Base
	k     Kernel
	st    State
	rng   *rand.Rand
	dom   ebm.Domain
	opts  AISOptions
	start []float32 // AIS: a block's base samples

	logw []float64 // per chain
	g    []float64 // g(x) = f(x) − log p₀(x) of the current states
	f0   []float64 // log p₀ of the current states
	g0   []float32 // ∇ log p₀ of the current states
	live bool      // the kernel was initialised on the chains at the path's β

	evals int64 // evaluations of f alone made by the annealer itself
}

func newAnnealer(model ebm.Model, base Base, opts AISOptions, rng *rand.Rand) (*annealer, error) {
	path, err := NewTempered(model, base)
	if err != nil {
		return nil, err
	}
	sp, err := ParseSpec(opts.Sampler)
	if err != nil {
		return nil, fmt.Errorf("gwg: AIS sampler: %w", err)
	}
	k, err := NewKernel(sp, path.Model())
	if err != nil {
		return nil, fmt.Errorf("gwg: AIS sampler: %w", err)
	}
	return &annealer{path: path, model: model, base: base, k: k, rng: rng, dom: model.Domain(), opts: opts}, nil
}

// run anneals the chains in start through betas, b₀ … b_M, leaving
// Σⱼ (bⱼ₊₁ − bⱼ)·g(xⱼ) in a.logw, where xⱼ is the state after the transition
// at bⱼ. With stepFirst false, start is taken as an exact sample at b₀ and
// not moved there; with stepLast false no transition is made at b_M.
func (a *annealer) run(betas []float64, start []float32, stepFirst, stepLast bool, progress func(done int)) error {
	if len(start) == 0 {
		return errNoChains
	}
	if err := a.st.Reset(a.dom, start); err != nil {
		return err
	}
	n := a.st.N()
	a.logw = ensure(a.logw, n)
	clear(a.logw)
	a.g = ensure(a.g, n)
	a.f0 = ensure(a.f0, n)
	a.g0 = ensure(a.g0, len(start))

	a.live = false
	m := len(betas) - 1
	refBeta, refStep := 0.0, 0
	if stepFirst {
		if err := a.restart(betas[0]); err != nil {
			return err
		}
		refBeta = betas[0]
		if err := a.k.Step(&a.st, a.rng); err != nil {
			return err
		}
	}
	for j := range m {
		cached := a.live && a.st.Keeps&KeepGrad != 0 && betas[j] > 0
		if err := a.measure(betas[j], cached); err != nil {
			return err
		}
		db := betas[j+1] - betas[j]
		for c, g := range a.g {
			a.logw[c] += db * g
		}
		if j+1 < m || stepLast {
			next := betas[j+1]
			var err error
			if !cached || next > refreshRatio*refBeta || j-refStep >= refreshEvery {
				err = a.restart(next)
				refBeta, refStep = next, j
			} else {
				err = a.retarget(betas[j], next)
			}
			if err != nil {
				return err
			}
			if err := a.k.Step(&a.st, a.rng); err != nil {
				return err
			}
		}
		if progress != nil {
			progress(j + 1)
		}
	}
	return nil
}

// measure fills a.g, a.f0 and a.g0 for the current states: from the
// state's f at beta when cached, otherwise by evaluating the model.
func (a *annealer) measure(beta float64, cached bool) error {
	x := a.st.X
	if err := a.base.LogProbGrad(a.f0, a.g0, x); err != nil {
		return fmt.Errorf("base: %w", err)
	}
	if cached {
		for c := range a.g {
			a.g[c] = (a.st.F[c] - a.f0[c]) / beta
		}
		return nil
	}
	if err := a.model.LogProb(a.g, x); err != nil {
		return err
	}
	a.evals += int64(len(a.g))
	for c := range a.g {
		a.g[c] -= a.f0[c]
	}
	return checkF("ais", 0, "f", a.g)
}

// restart moves the path to beta and initialises the kernel on the current
// states, which evaluates what it keeps afresh.
func (a *annealer) restart(beta float64) error {
	if err := a.path.SetBeta(beta); err != nil {
		return err
	}
	a.live = true
	return a.k.Init(&a.st)
}

// retarget rewrites the state's f and ∇ₓf from beta to next in closed form,
// using a.g, a.f0 and a.g0 measured at the same states, and lets the kernel
// rebuild what it derives from them.
func (a *annealer) retarget(beta, next float64) error {
	if err := a.path.SetBeta(next); err != nil {
		return err
	}
	r := next / beta
	for c, g := range a.g {
		a.st.F[c] = next*g + a.f0[c]
	}
	for k, v := range a.st.Grad {
		g0 := float64(a.g0[k])
		a.st.Grad[k] = float32(g0 + r*(float64(v)-g0))
	}
	return a.k.Refresh(&a.st)
}
