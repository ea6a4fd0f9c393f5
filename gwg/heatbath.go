package gwg

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"

	"github.com/gwg-go/gwg/ebm"
)

func init() {
	newHB := func(sched schedule, b, h func(Spec) int) func(ebm.Model, Spec) (Kernel, error) {
		return func(m ebm.Model, sp Spec) (Kernel, error) {
			return newHeatBath(sp.String(), m, sched, b(sp), h(sp))
		}
	}
	one := func(Spec) int { return 1 }
	block := Param{Key: "b", Doc: "block size", Required: true, Positional: true, Int: true, Min: 1, Max: 30}
	Register(Registration{Name: "gibbs", Doc: "single-site Gibbs, sequential scan (binary or one-hot)",
		New: newHB(sequentialScan, one, one)})
	Register(Registration{Name: "rand-gibbs", Doc: "single-site Gibbs, one uniformly chosen site per chain and step (binary or one-hot)",
		New: newHB(randomScan, one, one)})
	Register(Registration{Name: "bg", Doc: "block Gibbs over the next b sites of a random permutation (binary)",
		Params: []Param{block}, Examples: []string{"bg-1", "bg-2"},
		New: newHB(permutedBlocks, func(sp Spec) int { return sp.Int("b") }, func(sp Spec) int { return sp.Int("b") })})
	Register(Registration{Name: "hb", Doc: "Hamming-ball sampler: blocks of b sites, radius h (binary)",
		Params: []Param{block,
			{Key: "h", Doc: "Hamming radius", Required: true, Positional: true, Int: true, Min: 1, Max: 30}},
		Examples: []string{"hb-10-1", "hb-4-2"},
		New:      newHB(permutedBlocks, func(sp Spec) int { return sp.Int("b") }, func(sp Spec) int { return sp.Int("h") })})
}

// maxCandidates bounds the states a block sampler weighs per chain and step
// (2^b for bg-b, the Hamming ball size for hb-b-h).
const maxCandidates = 4096

// schedule says which sites a heat-bath step updates.
type schedule int

const (
	sequentialScan schedule = iota // site t mod D for every chain ("gibbs")
	randomScan                     // a uniformly chosen site per chain ("rand-gibbs")
	permutedBlocks                 // the next b sites of a random permutation, shared by all chains
)

// heatBath is the family of exact-conditional samplers: each step picks a
// block of sites, lists a set of candidate states that differ from x only
// there (x among them), weighs them by exp f, and moves to one of them with
// probability proportional to its weight. Each such kernel leaves the
// target invariant, and it is reversible because the candidate set is the
// same from each of its members:
//
//   - gibbs, rand-gibbs on binary models: one site, its two values;
//   - gibbs, rand-gibbs on one-hot models: one site, all K categories;
//   - bg-b: b sites of a random permutation, all 2^b settings of them;
//   - hb-b-h (Titsias and Yau 2017): b sites; each chain first draws an
//     auxiliary u uniformly from the Hamming ball of radius h around x
//     within the block, then the candidates are the ball around u.
//
// bg-b is hb-b-b: the ball of radius b is the whole block, so no auxiliary
// draw is needed. The permutation is consumed b sites at a time and redrawn
// when used up; when b does not divide D the last block is shorter.
//
// Weights: when a block is a single site and the model is an
// ebm.SiteDeltaer, one SiteDeltas call gives f at every value of the site
// relative to f(x) (counted as one evaluation per chain). Otherwise, on a
// binary model that is an ebm.FlipSetDeltaer, one FlipSetDeltas call gives
// f at every candidate relative to f(x); without either, f is evaluated at
// every candidate but x, whose f is cached. Both count candidates − 1
// evaluations per chain and step. No gradients are needed.
//
// Candidates are numbered in one of two ways. By value (one-hot models, and
// binary single sites weighed by SiteDeltas): candidate j sets the block's
// site to value j. By mask (binary otherwise): candidate j flips the block
// sites in ball[j] ^ aux relative to x.
type heatBath struct {
	name  string
	model ebm.Model
	sd    ebm.SiteDeltaer    // nil when the model is not one
	fs    ebm.FlipSetDeltaer // nil when the model is not one
	dom   ebm.Domain
	width int
	sched schedule
	b, h  int // block size and Hamming radius

	n        int       // chains the buffers are sized for
	blockLen int       // sites in the current block, ≤ b
	blocks   []int32   // n×b, the block of each chain
	ball     []uint32  // masks over blockLen bits with at most h ones
	aux      []uint32  // n, mask of the auxiliary centre relative to x (hb)
	byValue  bool      // this step's candidates are numbered by value
	deltas   bool      // this step's weights are differences from f(x)
	setDelta bool      // … and come from FlipSetDeltas rather than SiteDeltas
	m        int       // candidates per chain this step
	self     []int32   // n, which candidate is x itself
	cand     []float32 // n×(m−1) candidate states other than x
	fc       []float64 // n×(m−1), f at them
	sites    []int     // n, argument of SiteDeltas
	masks    []uint32  // n×m, argument of FlipSetDeltas: ball[j] ^ aux[c]
	delta    []float64 // n×m, result of SiteDeltas or FlipSetDeltas
	wt       []float64 // scratch weights
	perm     []int32
	pos      int // next unused position of perm
	next     int // next site of the sequential scan
	choice   []int
	hops     []int32
}

func newHeatBath(name string, m ebm.Model, sched schedule, b, h int) (*heatBath, error) {
	dom := m.Domain()
	if dom.OneHot && (b != 1 || sched == permutedBlocks) {
		return nil, fmt.Errorf("needs a binary model, the model is one-hot with %d categories", dom.Categories)
	}
	if b > dom.Sites {
		return nil, fmt.Errorf("block of %d sites in a model with %d", b, dom.Sites)
	}
	if h > b {
		return nil, fmt.Errorf("Hamming radius %d exceeds the block size %d", h, b)
	}
	s := &heatBath{name: name, model: m, dom: dom, width: dom.Width(), sched: sched, b: b, h: h}
	s.sd, _ = m.(ebm.SiteDeltaer)
	if !dom.OneHot {
		s.fs, _ = m.(ebm.FlipSetDeltaer)
	}
	if !dom.OneHot && (b > 30 || ballSize(b, h) > maxCandidates) {
		return nil, fmt.Errorf("more than %d candidate states per step", maxCandidates)
	}
	if dom.Categories > maxCandidates {
		return nil, fmt.Errorf("%d categories, at most %d supported", dom.Categories, maxCandidates)
	}
	s.ball = ballMasks(nil, b, h)
	s.blockLen = b
	s.wt = make([]float64, max(len(s.ball), dom.Categories))
	return s, nil
}

// ballMasks appends to dst every mask over n bits with at most h bits set, in
// increasing order, so mask 0 (the centre) comes first.
func ballMasks(dst []uint32, n, h int) []uint32 {
	for mask := uint32(0); mask < 1<<n; mask++ {
		if bits.OnesCount32(mask) <= h {
			dst = append(dst, mask)
		}
	}
	return dst
}

// Init implements Kernel: it evaluates f at the chains' states.
func (s *heatBath) Init(st *State) error {
	n := st.N()
	// The ball of a full block, not the current one, which may be the short
	// block at the end of a permutation.
	maxCand := max(ballSize(s.b, s.h), s.dom.Categories)
	s.n = n
	s.blocks = ensure(s.blocks, n*s.b)
	s.aux = ensure(s.aux, n)
	s.self = ensure(s.self, n)
	s.choice = ensure(s.choice, n)
	s.cand = ensure(s.cand, n*(maxCand-1)*s.width)
	s.fc = ensure(s.fc, n*(maxCand-1))
	s.sites = ensure(s.sites, n)
	s.masks = ensure(s.masks, n*maxCand)
	s.delta = ensure(s.delta, n*maxCand)
	s.hops = ensure(s.hops, n)
	if err := st.evalF(s.model, s.name, 0); err != nil {
		return err
	}
	st.Keeps = KeepF
	return nil
}

// Refresh implements Kernel: the heat-bath kernels derive nothing from f.
func (s *heatBath) Refresh(*State) error { return nil }

// Step implements Kernel. Random numbers come in a fixed order: the block
// (a permutation when one is used up, or one site per chain), the auxiliary
// centres (hb), then one uniform per chain for the choice.
func (s *heatBath) Step(st *State, rng *rand.Rand) error {
	s.chooseBlocks(rng)
	if !s.dom.OneHot && s.h < s.blockLen {
		for c := range s.n {
			s.aux[c] = s.ball[rng.IntN(len(s.ball))]
		}
	}
	if err := s.evaluate(st); err != nil {
		return err
	}
	for c := range s.n {
		sum := s.candidateWeights(st, c)
		s.choice[c] = drawIndex(s.wt[:s.m], sum, rng.Float64())
	}
	for c, j := range s.choice {
		s.hops[c] = int32(s.move(st, c, j))
	}
	st.record(s.hops)
	return nil
}

// chooseBlocks fills the block of every chain for this step.
func (s *heatBath) chooseBlocks(rng *rand.Rand) {
	switch s.sched {
	case sequentialScan:
		s.setBlock([]int32{int32(s.next)})
		s.next = (s.next + 1) % s.dom.Sites
	case randomScan:
		for c := range s.n {
			s.blocks[c*s.b] = int32(rng.IntN(s.dom.Sites))
		}
		s.setBlockLen(1)
	case permutedBlocks:
		d := s.dom.Sites
		if s.pos >= len(s.perm) {
			s.perm = ensure(s.perm, d)
			for i := range s.perm {
				s.perm[i] = int32(i)
			}
			for i := d - 1; i > 0; i-- {
				j := rng.IntN(i + 1)
				s.perm[i], s.perm[j] = s.perm[j], s.perm[i]
			}
			s.pos = 0
		}
		end := min(s.pos+s.b, d)
		s.setBlock(s.perm[s.pos:end])
		s.pos = end
	}
}

// setBlock makes sites the block of every chain.
func (s *heatBath) setBlock(sites []int32) {
	for c := range s.n {
		copy(s.blocks[c*s.b:(c+1)*s.b], sites)
	}
	s.setBlockLen(len(sites))
}

// setBlockLen adapts the candidates to a block of l sites and resets the
// auxiliary centres to x.
func (s *heatBath) setBlockLen(l int) {
	if l != s.blockLen {
		s.ball = ballMasks(s.ball[:0], l, s.h)
	}
	s.blockLen = l
	siteDeltas := l == 1 && s.sd != nil
	s.byValue = s.dom.OneHot || siteDeltas
	s.setDelta = !s.byValue && s.fs != nil
	s.deltas = siteDeltas || s.setDelta
	if s.byValue {
		s.m = s.dom.Categories
	} else {
		s.m = len(s.ball)
	}
	clear(s.aux)
}

// evaluate finds, for every chain, which candidate is x, and the weights of
// the others: by SiteDeltas, or by building the candidates and evaluating f
// at them in one batch.
func (s *heatBath) evaluate(st *State) error {
	w, m := s.width, s.m
	step := st.Stats.Steps + 1
	for c := range s.n {
		x := st.X[c*w : (c+1)*w]
		if s.byValue {
			site := int(s.blocks[c*s.b])
			s.sites[c] = site
			if s.dom.OneHot {
				s.self[c] = int32(category(x, site, s.dom.Categories))
			} else {
				s.self[c] = int32(x[site])
			}
		} else {
			for j, mask := range s.ball {
				if mask == s.aux[c] {
					s.self[c] = int32(j)
				}
				if s.setDelta {
					s.masks[c*m+j] = mask ^ s.aux[c]
				}
			}
		}
		if s.deltas {
			continue
		}
		r := 0
		for j := range m {
			if j == int(s.self[c]) {
				continue
			}
			row := s.cand[(c*(m-1)+r)*w : (c*(m-1)+r+1)*w]
			copy(row, x)
			s.apply(c, j, row)
			r++
		}
	}
	if s.deltas {
		delta := s.delta[:s.n*m]
		if s.setDelta {
			if err := s.fs.FlipSetDeltas(delta, st.X, s.blocks, s.masks[:s.n*m]); err != nil {
				return fmt.Errorf("gwg: %s step %d: %w", s.name, step, err)
			}
			st.Stats.Evals += int64(s.n * (m - 1))
		} else {
			if err := s.sd.SiteDeltas(delta, st.X, s.sites); err != nil {
				return fmt.Errorf("gwg: %s step %d: %w", s.name, step, err)
			}
			st.Stats.Evals += int64(s.n)
		}
		for r, v := range delta {
			if !finite(v) {
				return fmt.Errorf("gwg: %s step %d: chain %d: model returned a delta %v", s.name, step, r/m, v)
			}
		}
		return nil
	}
	rows := s.n * (m - 1)
	if err := s.model.LogProb(s.fc[:rows], s.cand[:rows*w]); err != nil {
		return fmt.Errorf("gwg: %s step %d: %w", s.name, step, err)
	}
	st.Stats.Evals += int64(rows)
	for r, v := range s.fc[:rows] {
		if !finite(v) {
			return fmt.Errorf("gwg: %s step %d: chain %d: model returned f = %v at a candidate state", s.name, step, r/(m-1), v)
		}
	}
	return nil
}

// apply turns row, a copy of chain c's state, into its candidate j and
// returns the number of sites that changed.
func (s *heatBath) apply(c, j int, row []float32) int {
	block := s.blocks[c*s.b : c*s.b+s.blockLen]
	if s.byValue {
		if j == int(s.self[c]) {
			return 0
		}
		site := int(block[0])
		if s.dom.OneHot {
			k := s.dom.Categories
			clear(row[site*k : (site+1)*k])
			row[site*k+j] = 1
		} else {
			row[site] = float32(j)
		}
		return 1
	}
	rel := s.ball[j] ^ s.aux[c]
	for t, site := range block {
		if rel&(1<<t) != 0 {
			row[site] = 1 - row[site]
		}
	}
	return bits.OnesCount32(rel)
}

// logWeight is log p̃ of chain c's candidate j up to a constant per chain:
// f there, or its difference from f(x) on the SiteDeltas path.
func (s *heatBath) logWeight(st *State, c, j int) float64 {
	m, self := s.m, int(s.self[c])
	switch {
	case s.deltas:
		return s.delta[c*m+j]
	case j == self:
		return st.F[c]
	case j > self:
		j--
	}
	return s.fc[c*(m-1)+j]
}

// candidateWeights writes chain c's candidate weights exp(log w − max)
// into s.wt and returns their sum.
func (s *heatBath) candidateWeights(st *State, c int) float64 {
	wt := s.wt[:s.m]
	mx := math.Inf(-1)
	for j := range wt {
		wt[j] = s.logWeight(st, c, j)
		mx = max(mx, wt[j])
	}
	return expShift(wt, mx)
}

// move sets chain c to its candidate j and returns the number of sites that
// changed.
func (s *heatBath) move(st *State, c, j int) int {
	if j == int(s.self[c]) {
		return 0
	}
	if s.deltas {
		st.F[c] += s.logWeight(st, c, j) // f stays current for a later block of several sites
	} else {
		st.F[c] = s.logWeight(st, c, j)
	}
	return s.apply(c, j, st.Row(c))
}

// ballSize is |{masks over n bits with at most h ones}| = Σ_{r≤h} C(n, r).
func ballSize(n, h int) int {
	total, c := 0, 1
	for r := 0; r <= min(h, n); r++ {
		total += c
		c = c * (n - r) / (r + 1)
	}
	return total
}

// parts implements exactKernel: the sites of a sequential scan, the blocks
// of b consecutive sites (and the short block at the end of a permutation)
// for the block samplers, a single part for rand-gibbs, whose site is part
// of the step.
func (s *heatBath) parts() int {
	d := s.dom.Sites
	switch {
	case s.sched == randomScan:
		return 1
	case s.sched == permutedBlocks && d%s.b != 0:
		return d + 1
	}
	return d
}

// transitions implements exactKernel: the distribution of the next state of
// the single chain of st, for the block of part, averaged over the sites of
// rand-gibbs and the auxiliary centres of hb-b-h.
func (s *heatBath) transitions(st *State, part int, visit func(y []float32, p float64)) error {
	if err := s.Init(st); err != nil {
		return err
	}
	d := s.dom.Sites
	var blocks [][]int32
	switch {
	case s.sched == randomScan:
		for i := range d {
			blocks = append(blocks, []int32{int32(i)})
		}
	case s.sched == sequentialScan:
		blocks = [][]int32{{int32(part)}}
	default:
		size, first := s.b, part
		if part == d {
			size, first = d%s.b, 0
		}
		b := make([]int32, size)
		for t := range b {
			b[t] = int32((first + t) % d)
		}
		blocks = [][]int32{b}
	}
	y := make([]float32, len(st.X))
	for _, block := range blocks {
		s.setBlock(block)
		centres := []uint32{0}
		if !s.dom.OneHot && s.h < s.blockLen {
			centres = slices.Clone(s.ball)
		}
		for _, u := range centres {
			s.aux[0] = u
			if err := s.evaluate(st); err != nil {
				return err
			}
			sum := s.candidateWeights(st, 0)
			for j, wj := range s.wt[:s.m] {
				copy(y, st.X)
				s.apply(0, j, y)
				visit(y, wj/sum/float64(len(centres)*len(blocks)))
			}
		}
	}
	return nil
}
