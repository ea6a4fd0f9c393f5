package gwg

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gwg-go/gwg/ebm"
	"github.com/gwg-go/gwg/internal/parallel"
)

// Proposal is the move distribution of a Metropolis–Hastings sampler,
// computed from f's gradient: gwg, gwg-k, gwg-exact-k, dmala, gwg-barker.
// The shared MH kernel (NewMH) drives it: it keeps f and ∇ₓf of the chains
// and of their proposals, calls Derive at both, and does the acceptance,
// the swap of an accepted proposal into the chain and the counting once.
//
// A proposal keeps, for every chain, two slots of derived data (weights,
// flip probabilities): Current at the chain's state and Proposed at its
// proposal.
type Proposal interface {
	// Resize sizes the proposal's buffers for n chains.
	Resize(n int)
	// Derive computes chain c's data in slot from its state x and gradient
	// g, and reports false if the gradient makes it non-finite. Calls for
	// different chains may run at the same time (the kernel spreads large
	// batches over the processors), so Derive must write only chain c's data.
	Derive(slot Slot, c int, x, g []float32) bool
	// Draw draws chain c's move from its Current slot and applies it to x,
	// the chain's state, in place, returning the number of sites changed.
	// g is the gradient the Current slot was derived from, from which a
	// proposal may compute again what it did not keep.
	Draw(c int, x, g []float32, rng *rand.Rand) int
	// Undo takes chain c's move back from x. The kernel evaluates the
	// proposals where the chains are and undoes the rejected moves, which
	// for moves of a few sites is much cheaper than copying every state.
	Undo(c int, x []float32)
	// LogQ returns, for chain c's drawn move, log q(x′ | x) under the
	// Current slot and log q(x | x′) of the move back under the Proposed one.
	LogQ(c int) (fwd, rev float64)
	// Accept makes chain c's Proposed slot its Current one.
	Accept(c int)
}

// Slot names one of a proposal's two sets of per-chain data.
type Slot int

// The slots of a Proposal.
const (
	Current  Slot = iota // at the chain's state
	Proposed             // at the chain's proposal
)

// slots keeps a proposal's two rows of data per chain, Current and
// Proposed, without copying: row 2c + cur[c] is chain c's Current row and
// the other its Proposed one, and accepting a proposal swaps them.
type slots struct{ cur []uint8 }

func (s *slots) resize(n int) {
	s.cur = ensure(s.cur, n)
	clear(s.cur)
}

// row returns the row of chain c's slot.
func (s *slots) row(slot Slot, c int) int { return 2*c + int(s.cur[c]^uint8(slot)) }

// Accept makes chain c's Proposed row its Current one.
func (s *slots) Accept(c int) { s.cur[c] ^= 1 }

// moveEnumerator is implemented by the proposals of this package for the
// exactness tests: SetMove applies the j-th of Moves() moves to chain c
// exactly as Draw would have drawn it, in place. Moves with probability zero (a
// site's current category) are allowed; the tests skip them.
type moveEnumerator interface {
	Moves() int
	SetMove(c, j int, xp, g []float32) int
}

// mhKernel is the one Metropolis–Hastings kernel. A step draws every
// chain's move (the proposal's random numbers, chain by chain) and applies
// it to the chain's state, evaluates f and ∇ₓf at all proposals in one
// batch, derives the proposals' data there, and accepts chain c with
// probability min(1, exp log α),
//
//	log α = f(x′) − f(x) + log q(x | x′) − log q(x′ | x),
//
// one uniform per chain in chain order, undoing the rejected moves. An
// accepted proposal's f, ∇ₓf and derived data become the chain's, so a step
// costs one evaluation of f and ∇ₓf per chain where the paper's code spends
// two.
type mhKernel struct {
	name  string
	model ebm.Model
	prop  Proposal
	mh    bool // false: take every proposal (dula)
	// symmetric drops the proposal ratio from log α, as if the proposal
	// were symmetric. It is wrong on purpose: the tests use it to show that
	// they detect a kernel that does not leave the target invariant.
	symmetric bool

	fp       []float64
	gp       []float32
	hops     []int32 // sites each proposal changes; −1 once rejected
	logFwd   []float64
	logAlpha []float64
	derived  []bool // per chain: Derive succeeded
	procs    int    // processors derive may use, 0 for all (see limitProcs)
}

// NewMH returns the Metropolis–Hastings kernel of proposal p on model m;
// name labels its errors. With mh false every proposal is taken, which is
// exact only for proposals that leave the target invariant themselves.
func NewMH(name string, m ebm.Model, p Proposal, mh bool) Kernel {
	return &mhKernel{name: name, model: m, prop: p, mh: mh}
}

func (k *mhKernel) Init(st *State) error {
	n := st.N()
	k.gp = ensure(k.gp, len(st.X))
	k.fp = ensure(k.fp, n)
	k.hops = ensure(k.hops, n)
	k.logFwd = ensure(k.logFwd, n)
	k.logAlpha = ensure(k.logAlpha, n)
	k.prop.Resize(n)
	if err := st.evalGrad(k.model, k.name, 0); err != nil {
		return err
	}
	st.Keeps = KeepF | KeepGrad
	return k.Refresh(st)
}

func (k *mhKernel) Refresh(st *State) error {
	if err := checkF(k.name, st.Stats.Steps, "f(x)", st.F); err != nil {
		return err
	}
	if c := k.derive(Current, st.N(), st.Domain.Width(), st.X, st.Grad); c >= 0 {
		return gradError(k.name, st.Stats.Steps, c)
	}
	return nil
}

// parallelSites is the number of site-chains (chains × width) from which
// derive spreads the chains over the processors; below it, starting workers
// costs more than it saves, and the serial path allocates nothing.
const parallelSites = 1 << 14

// derive calls Derive in slot for the n chains of x and g (width values
// each) and returns the first chain, in chain order, whose data is not
// finite, or −1. Each chain's data depends on that chain alone, so running
// blocks of chains at the same time changes no number.
func (k *mhKernel) derive(slot Slot, n, w int, x, g []float32) int {
	if n*w < parallelSites || parallel.WorkersOf(k.procs, n) == 1 {
		for c := range n {
			if !k.prop.Derive(slot, c, x[c*w:(c+1)*w], g[c*w:(c+1)*w]) {
				return c
			}
		}
		return -1
	}
	return k.deriveBlocks(slot, n, w, x, g)
}

func (k *mhKernel) deriveBlocks(slot Slot, n, w int, x, g []float32) int {
	k.derived = ensure(k.derived, n)
	parts := parallel.WorkersOf(k.procs, n)
	parallel.Each(parts, func(_, i int) {
		lo, hi := parallel.Split(n, parts, i)
		for c := lo; c < hi; c++ {
			k.derived[c] = k.prop.Derive(slot, c, x[c*w:(c+1)*w], g[c*w:(c+1)*w])
		}
	})
	for c, ok := range k.derived[:n] {
		if !ok {
			return c
		}
	}
	return -1
}

func gradError(name string, step int64, c int) error {
	return fmt.Errorf("gwg: %s step %d: chain %d: model returned a gradient that is not finite", name, step, c)
}

func (k *mhKernel) Step(st *State, rng *rand.Rand) error {
	w := st.Domain.Width()
	for c := range st.N() {
		k.hops[c] = int32(k.prop.Draw(c, st.X[c*w:(c+1)*w], st.Grad[c*w:(c+1)*w], rng))
	}
	if err := k.evaluate(st); err != nil {
		for c := range st.N() {
			k.prop.Undo(c, st.X[c*w:(c+1)*w])
		}
		return err
	}
	for c, la := range k.logAlpha {
		if !k.mh || rng.Float64() < acceptProb(la) {
			k.accept(st, c)
		} else {
			k.prop.Undo(c, st.X[c*w:(c+1)*w])
			k.hops[c] = -1
		}
	}
	st.record(k.hops)
	return nil
}

// evaluate computes f and ∇ₓf at every proposal (st.X with the moves
// applied), the proposals' data there, and log q(x′ | x) and log α of every
// chain.
func (k *mhKernel) evaluate(st *State) error {
	w := st.Domain.Width()
	step := st.Stats.Steps + 1
	if err := evalGrad(k.model, k.name, step, k.fp, k.gp, st.X, &st.Stats); err != nil {
		return err
	}
	if c := k.derive(Proposed, st.N(), w, st.X, k.gp); c >= 0 {
		return gradError(k.name, step, c)
	}
	for c := range st.N() {
		fwd, rev := k.prop.LogQ(c)
		la := k.fp[c] - st.F[c]
		if !k.symmetric {
			la += rev - fwd
		}
		k.logFwd[c], k.logAlpha[c] = fwd, la
	}
	return nil
}

// accept makes chain c's proposal, already in st.X, its state.
func (k *mhKernel) accept(st *State, c int) {
	w := st.Domain.Width()
	copy(st.Grad[c*w:(c+1)*w], k.gp[c*w:(c+1)*w])
	st.F[c] = k.fp[c]
	k.prop.Accept(c)
}

// acceptProb is the Metropolis–Hastings acceptance probability min(1, e^la).
// Step accepts iff u < acceptProb(la) for u ~ U[0, 1), and the exactness
// tests build transition matrices from the same function.
func acceptProb(la float64) float64 {
	if la >= 0 {
		return 1
	}
	return math.Exp(la)
}

// transitions implements exactKernel for proposals that enumerate their
// moves: every move from the single chain of st, with its probability
// q·α, and the rejected mass at x itself.
func (k *mhKernel) transitions(st *State, part int, visit func(y []float32, p float64)) error {
	me, ok := k.prop.(moveEnumerator)
	if !ok {
		return fmt.Errorf("%s: proposal %T does not enumerate its moves", k.name, k.prop)
	}
	x := append([]float32(nil), st.X...)
	moves := me.Moves()
	many := make([]float32, 0, moves*len(x))
	for range moves {
		many = append(many, x...)
	}
	var chains State
	if err := chains.Reset(st.Domain, many); err != nil {
		return err
	}
	if err := k.Init(&chains); err != nil {
		return err
	}
	w := len(x)
	for c := range moves {
		me.SetMove(c, c, chains.X[c*w:(c+1)*w], chains.Grad[c*w:(c+1)*w])
	}
	if err := k.evaluate(&chains); err != nil {
		return err
	}
	var qsum float64
	for c := range moves {
		q := math.Exp(k.logFwd[c])
		if q == 0 {
			continue
		}
		qsum += q
		a := 1.0
		if k.mh {
			a = acceptProb(k.logAlpha[c])
		}
		visit(chains.X[c*w:(c+1)*w], q*a)
		visit(x, q*(1-a))
	}
	if math.Abs(qsum-1) > 1e-10 {
		return fmt.Errorf("%s: proposal probabilities sum to %v", k.name, qsum)
	}
	return nil
}

func (k *mhKernel) parts() int { return 1 }
