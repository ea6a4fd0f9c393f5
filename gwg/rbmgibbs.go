package gwg

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gwg-go/gwg/ebm"
)

// RBMConditionals is a model with a hidden layer whose two conditionals can
// be sampled exactly, as ebm.RBM's can. rbm-gibbs alternates them.
type RBMConditionals interface {
	ebm.Model
	// SampleHidden draws h ~ p(h | v) for each of the n chains in v (n×H).
	SampleHidden(h []float32, v []float32, rng *rand.Rand) error
	// SampleVisible draws v ~ p(v | h) for each of the n chains in h.
	SampleVisible(v []float32, h []float32, rng *rand.Rand) error
}

// hiddenUnits returns the size of an RBMConditionals model's hidden layer.
// ebm.RBM states it as a field; other models may offer HiddenUnits.
func hiddenUnits(m ebm.Model) (int, bool) {
	switch r := m.(type) {
	case *ebm.RBM:
		return r.H, true
	case interface{ HiddenUnits() int }:
		return r.HiddenUnits(), true
	}
	return 0, false
}

func init() {
	Register(Registration{Name: "rbm-gibbs", Doc: "RBM block Gibbs: h | v, then v | h (models with RBMConditionals)",
		New: func(m ebm.Model, sp Spec) (Kernel, error) { return newRBMGibbs(sp.String(), m) }})
}

// rbmGibbs is block Gibbs on an RBM's joint distribution of visible and
// hidden units: h ~ p(h | v), then v ~ p(v | h). Every visible unit may
// change in one step, and the kernel leaves the visible marginal — the
// target f — invariant. It needs no evaluations of f; Stats counts its work
// as Conditionals.
type rbmGibbs struct {
	name  string
	model RBMConditionals
	d, h  int

	hid, prev []float32
	hops      []int32
}

func newRBMGibbs(name string, m ebm.Model) (*rbmGibbs, error) {
	r, ok := m.(RBMConditionals)
	h, okH := hiddenUnits(m)
	if !ok || !okH || h <= 0 {
		return nil, fmt.Errorf("needs an RBM (a model with SampleHidden, SampleVisible and a known hidden layer), got %T", m)
	}
	if m.Domain().OneHot {
		return nil, fmt.Errorf("needs a binary model")
	}
	return &rbmGibbs{name: name, model: r, d: m.Domain().Sites, h: h}, nil
}

// Init implements Kernel: the conditionals need nothing at the states.
func (s *rbmGibbs) Init(st *State) error {
	n := st.N()
	s.prev = ensure(s.prev, n*s.d)
	s.hid = ensure(s.hid, n*s.h)
	s.hops = ensure(s.hops, n)
	return nil
}

// Refresh implements Kernel; nothing is derived from f.
func (s *rbmGibbs) Refresh(*State) error { return nil }

// Step implements Kernel.
func (s *rbmGibbs) Step(st *State, rng *rand.Rand) error {
	step := st.Stats.Steps + 1
	copy(s.prev, st.X)
	if err := s.model.SampleHidden(s.hid, st.X, rng); err != nil {
		return fmt.Errorf("gwg: %s step %d: %w", s.name, step, err)
	}
	if err := s.model.SampleVisible(st.X, s.hid, rng); err != nil {
		return fmt.Errorf("gwg: %s step %d: %w", s.name, step, err)
	}
	for c := range s.hops {
		var h int32
		for i, v := range st.X[c*s.d : (c+1)*s.d] {
			if v != s.prev[c*s.d+i] {
				h++
			}
		}
		s.hops[c] = h
	}
	st.record(s.hops)
	st.Stats.Conditionals += 2 * int64(len(s.hops))
	return nil
}

func (s *rbmGibbs) parts() int { return 1 }

// transitions implements exactKernel for *ebm.RBM, whose conditionals are
// known in closed form: P(v′ | v) = Σ_h p(h | v)·p(v′ | h), summed over
// every hidden state.
func (s *rbmGibbs) transitions(st *State, _ int, visit func(y []float32, p float64)) error {
	r, ok := s.model.(*ebm.RBM)
	if !ok || s.h > 16 || s.d > 16 {
		return fmt.Errorf("%s: exact transitions need a small *ebm.RBM", s.name)
	}
	v := st.X
	ph := make([]float64, s.h) // p(hⱼ = 1 | v)
	for j := range s.h {
		a := float64(r.Bh[j])
		for i, x := range v {
			a += float64(r.W[j*s.d+i]) * float64(x)
		}
		ph[j] = 1 / (1 + math.Exp(-a))
	}
	y := make([]float32, s.d)
	pv := make([]float64, s.d)
	for hs := range 1 << s.h {
		phs := 1.0
		for j := range s.h {
			if hs&(1<<j) != 0 {
				phs *= ph[j]
			} else {
				phs *= 1 - ph[j]
			}
		}
		for i := range s.d {
			a := float64(r.Bv[i])
			for j := range s.h {
				if hs&(1<<j) != 0 {
					a += float64(r.W[j*s.d+i])
				}
			}
			pv[i] = 1 / (1 + math.Exp(-a))
		}
		for vs := range 1 << s.d {
			p := phs
			for i := range s.d {
				y[i] = float32(vs >> i & 1)
				if y[i] == 1 {
					p *= pv[i]
				} else {
					p *= 1 - pv[i]
				}
			}
			visit(y, p)
		}
	}
	return nil
}
