package gwg

import (
	"fmt"
	"math/rand/v2"

	"github.com/gwg-go/gwg/ebm"
)

// State is a batch of chains and what is known at their states. The driver
// owns it (a Sampler, AIS, a test) and a Kernel advances it; the same state
// can be handed to another kernel after that kernel's Init.
type State struct {
	Domain ebm.Domain
	// X holds the N chains' states, N × Domain.Width() values.
	X []float32
	// F holds f(x) of each chain and Grad ∇ₓf(x) (N × Width) when Keeps
	// says that the kernel keeps them current; otherwise their contents are
	// the kernel's business.
	F    []float64
	Grad []float32
	// Keeps says which of F and Grad the kernel keeps exactly at X.
	Keeps Keep
	// Stats are totals over all chains since the state was made; Chain has
	// the per-chain counts.
	Stats Stats
	Chain []ChainStats
}

// Keep says which values at the chains' states a kernel keeps current.
type Keep uint8

// The values of Keep.
const (
	KeepF    Keep = 1 << iota // State.F is f(x)
	KeepGrad                  // State.Grad is ∇ₓf(x)
)

// ChainStats counts one chain's moves.
type ChainStats struct {
	Accepted int64 // steps that took the proposal (every step for heat-bath kernels)
	Hops     int64 // sites changed
}

// N is the number of chains.
func (st *State) N() int { return len(st.Chain) }

// Reset makes x (whole chains of dom, each a valid state) the state's
// chains, sizing the buffers for them. F, Grad and Keeps are left for the
// kernel's Init; Stats carry on.
func (st *State) Reset(dom ebm.Domain, x []float32) error {
	n, err := checkStates(dom, x)
	if err != nil {
		return err
	}
	st.Domain = dom
	st.X = ensure(st.X, len(x))
	copy(st.X, x)
	st.Chain = ensure(st.Chain, n)
	clear(st.Chain)
	st.Keeps = 0
	return nil
}

// Row returns chain c's state.
func (st *State) Row(c int) []float32 {
	w := st.Domain.Width()
	return st.X[c*w : (c+1)*w]
}

// record adds one step of every chain to the counters; chain c's move was
// accepted if hops[c] ≥ 0 and changed hops[c] sites.
func (st *State) record(hops []int32) {
	var accepted, total int64
	for c, h := range hops {
		if h >= 0 {
			accepted++
			total += int64(h)
			st.Chain[c].Accepted++
			st.Chain[c].Hops += int64(h)
		}
	}
	st.Stats.addStep(len(hops), accepted, total)
}

// evalF evaluates f at the chains' states into F for the kernel name at
// step (0: Init), counting the evaluations and failing on an f that is not
// finite.
func (st *State) evalF(m ebm.Model, name string, step int64) error {
	st.F = ensure(st.F, st.N())
	if err := m.LogProb(st.F, st.X); err != nil {
		return stepError(name, step, err)
	}
	st.Stats.Evals += int64(st.N())
	return checkF(name, step, "f(x)", st.F)
}

// evalGrad is evalF for f and ∇ₓf together, into F and Grad.
func (st *State) evalGrad(m ebm.Model, name string, step int64) error {
	st.F = ensure(st.F, st.N())
	st.Grad = ensure(st.Grad, len(st.X))
	return evalGrad(m, name, step, st.F, st.Grad, st.X, &st.Stats)
}

// evalGrad writes f and ∇ₓf at x into f and g, counting them in stats.
func evalGrad(m ebm.Model, name string, step int64, f []float64, g, x []float32, stats *Stats) error {
	if err := m.LogProbGrad(f, g, x); err != nil {
		return stepError(name, step, err)
	}
	stats.GradEvals += int64(len(f))
	what := "f(x′)"
	if step == 0 {
		what = "f(x)"
	}
	return checkF(name, step, what, f)
}

func stepError(name string, step int64, err error) error {
	if step == 0 {
		return fmt.Errorf("gwg: %s: Init: %w", name, err)
	}
	return fmt.Errorf("gwg: %s step %d: %w", name, step, err)
}

// Kernel is a Markov chain Monte Carlo transition over a State: the
// BlackJAX pattern, where the driver owns the chains and kernels advance
// them. The random source is always passed in, and every kernel draws its
// random numbers in a fixed order, so a seed reproduces a run bit for bit.
type Kernel interface {
	// Init prepares the kernel for the chains in st.X: it evaluates what
	// it keeps (st.F, st.Grad; see State.Keeps) and builds its own caches.
	// Calling Init again restarts the chains.
	Init(st *State) error
	// Step advances every chain of st by one transition.
	Step(st *State, rng *rand.Rand) error
	// Refresh rebuilds what the kernel derives from st.F and st.Grad (a
	// proposal's weights), after the driver rewrote them in place for a
	// changed model without a new evaluation — AIS moving to the next
	// temperature. Kernels that derive nothing return nil.
	Refresh(st *State) error
}

// driver is the Sampler that New returns: a kernel and the state it owns.
type driver struct {
	spec Spec
	dom  ebm.Domain
	k    Kernel
	st   State
}

// NewSampler returns a Sampler running the kernel of sp on model m.
func NewSampler(sp Spec, m ebm.Model) (Sampler, error) {
	k, err := NewKernel(sp, m)
	if err != nil {
		return nil, err
	}
	return &driver{spec: sp, dom: m.Domain(), k: k}, nil
}

func (d *driver) Init(x []float32) error {
	if err := d.st.Reset(d.dom, x); err != nil {
		return fmt.Errorf("gwg: %s: Init: %w", d.spec, err)
	}
	return d.k.Init(&d.st)
}

func (d *driver) Step(rng *rand.Rand) error {
	if d.st.N() == 0 {
		return fmt.Errorf("gwg: %s: Step before Init", d.spec)
	}
	return d.k.Step(&d.st, rng)
}

func (d *driver) State() []float32 { return d.st.X }
func (d *driver) Stats() Stats     { return d.st.Stats }
func (d *driver) Spec() Spec       { return d.spec }
