package gwg

import (
	"fmt"
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

// rbmGibbs is block Gibbs on an RBM's joint distribution of visible and
// hidden units: h ~ p(h | v), then v ~ p(v | h). Every visible unit may
// change in one step, and the kernel leaves the visible marginal — the
// target f — invariant. It needs no evaluations of f; Stats counts its work
// as Conditionals.
type rbmGibbs struct {
	name  string
	model RBMConditionals
	d, h  int

	n      int
	v, hid []float32
	prev   []float32
	stats  Stats
}

func newRBMGibbs(name string, m ebm.Model) (*rbmGibbs, error) {
	r, ok := m.(RBMConditionals)
	h, okH := hiddenUnits(m)
	if !ok || !okH || h <= 0 {
		return nil, fmt.Errorf("gwg: %s needs an RBM (a model with SampleHidden, SampleVisible and a known hidden layer), got %T", name, m)
	}
	if m.Domain().OneHot {
		return nil, fmt.Errorf("gwg: %s needs a binary model", name)
	}
	return &rbmGibbs{name: name, model: r, d: m.Domain().Sites, h: h}, nil
}

// Init implements Sampler.
func (s *rbmGibbs) Init(x []float32) error {
	n, err := checkStates(s.model.Domain(), x)
	if err != nil {
		return fmt.Errorf("gwg: %s: Init: %w", s.name, err)
	}
	s.n = n
	s.v = ensure(s.v, n*s.d)
	s.prev = ensure(s.prev, n*s.d)
	s.hid = ensure(s.hid, n*s.h)
	copy(s.v, x)
	return nil
}

// Step implements Sampler.
func (s *rbmGibbs) Step(rng *rand.Rand) error {
	if s.n == 0 {
		return fmt.Errorf("gwg: %s: Step before Init", s.name)
	}
	step := s.stats.Steps + 1
	copy(s.prev, s.v)
	if err := s.model.SampleHidden(s.hid, s.v, rng); err != nil {
		return fmt.Errorf("gwg: %s step %d: %w", s.name, step, err)
	}
	if err := s.model.SampleVisible(s.v, s.hid, rng); err != nil {
		return fmt.Errorf("gwg: %s step %d: %w", s.name, step, err)
	}
	var hops int64
	for i, v := range s.v {
		if v != s.prev[i] {
			hops++
		}
	}
	s.stats.addStep(s.n, int64(s.n), hops)
	s.stats.Conditionals += 2 * int64(s.n)
	return nil
}

// State implements Sampler.
func (s *rbmGibbs) State() []float32 { return s.v }

// Stats implements Sampler.
func (s *rbmGibbs) Stats() Stats { return s.stats }
