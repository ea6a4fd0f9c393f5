package gwg

import "math/rand/v2"

// Sampler is a Markov chain Monte Carlo kernel running a batch of chains on
// one ebm.Model: a Kernel together with the State it advances, for callers
// that do not need the state itself. It is a small state machine: Init sets
// the chains, each Step advances every chain by one transition, Stats
// reports what it cost.
//
// The random source is always passed in: the same states, model and seeded
// source give the same trajectory. A Sampler is not safe for concurrent use.
type Sampler interface {
	// Init copies the n chains in x (n × Domain().Width() values) into the
	// sampler and evaluates whatever the sampler caches (f, ∇ₓf). Calling Init
	// again restarts the chains, possibly with a different n; it does not
	// reset Stats.
	Init(x []float32) error
	// Step advances every chain by one transition of the kernel.
	Step(rng *rand.Rand) error
	// State returns the chains' current states. The slice is owned by the
	// sampler and is valid until the next call of Init or Step.
	State() []float32
	// Stats returns the counters accumulated since the sampler was made.
	Stats() Stats
}

// Stats counts a sampler's work. Counts are per chain: one Step of a batch
// of n chains adds n transitions, and evaluating f on a batch of n chains
// adds n evaluations.
type Stats struct {
	Steps       int64 // calls of Step
	Transitions int64 // chain-steps
	Accepted    int64 // chain-steps whose proposal was accepted (every one for Gibbs-type kernels)
	Hops        int64 // sites changed, summed over chain-steps
	Evals       int64 // chain-evaluations of f alone
	GradEvals   int64 // chain-evaluations of f together with ∇ₓf
	// Conditionals counts chain-draws from a model's own conditional
	// distributions, which evaluate neither f nor ∇ₓf (rbm-gibbs: one
	// h | v and one v | h per chain-step).
	Conditionals int64
}

// addStep records one Step of n chains, of which accepted took their
// proposal, changing hops sites in all.
func (s *Stats) addStep(n int, accepted, hops int64) {
	s.Steps++
	s.Transitions += int64(n)
	s.Accepted += accepted
	s.Hops += hops
}

// AcceptRate is the fraction of accepted transitions.
func (s Stats) AcceptRate() float64 {
	if s.Transitions == 0 {
		return 0
	}
	return float64(s.Accepted) / float64(s.Transitions)
}

// MeanHops is the mean Hamming distance a chain moves per step.
func (s Stats) MeanHops() float64 {
	if s.Transitions == 0 {
		return 0
	}
	return float64(s.Hops) / float64(s.Transitions)
}

// Sub returns the counts accumulated between an earlier snapshot and s.
func (s Stats) Sub(earlier Stats) Stats {
	return Stats{
		Steps:       s.Steps - earlier.Steps,
		Transitions: s.Transitions - earlier.Transitions,
		Accepted:    s.Accepted - earlier.Accepted,
		Hops:        s.Hops - earlier.Hops,
		Evals:       s.Evals - earlier.Evals,
		GradEvals:   s.GradEvals - earlier.GradEvals,

		Conditionals: s.Conditionals - earlier.Conditionals,
	}
}
