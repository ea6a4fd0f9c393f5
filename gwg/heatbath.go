package gwg

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"

	"github.com/gwg-go/gwg/ebm"
)

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

	n        int
	x        []float32
	f        []float64 // f(x), kept exact on the candidate path only
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
	stats    Stats
}

func newHeatBath(name string, m ebm.Model, sched schedule, b, h int) (*heatBath, error) {
	dom := m.Domain()
	if dom.OneHot && (b != 1 || sched == permutedBlocks) {
		return nil, fmt.Errorf("gwg: %s needs a binary model, the model is one-hot with %d categories", name, dom.Categories)
	}
	if b > dom.Sites {
		return nil, fmt.Errorf("gwg: %s: block of %d sites in a model with %d", name, b, dom.Sites)
	}
	if h > b {
		return nil, fmt.Errorf("gwg: %s: Hamming radius %d exceeds the block size %d", name, h, b)
	}
	s := &heatBath{name: name, model: m, dom: dom, width: dom.Width(), sched: sched, b: b, h: h}
	s.sd, _ = m.(ebm.SiteDeltaer)
	if !dom.OneHot {
		s.fs, _ = m.(ebm.FlipSetDeltaer)
	}
	if !dom.OneHot && (b > 30 || ballSize(b, h) > maxCandidates) {
		return nil, fmt.Errorf("gwg: %s: more than %d candidate states per step", name, maxCandidates)
	}
	if dom.Categories > maxCandidates {
		return nil, fmt.Errorf("gwg: %s: %d categories, at most %d supported", name, dom.Categories, maxCandidates)
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

// Init implements Sampler.
func (s *heatBath) Init(x []float32) error {
	n, err := checkStates(s.dom, x)
	if err != nil {
		return fmt.Errorf("gwg: %s: Init: %w", s.name, err)
	}
	maxCand := max(len(s.ball), s.dom.Categories) // the largest block has the largest ball
	s.n = n
	s.x = ensure(s.x, n*s.width)
	s.f = ensure(s.f, n)
	s.blocks = ensure(s.blocks, n*s.b)
	s.aux = ensure(s.aux, n)
	s.self = ensure(s.self, n)
	s.choice = ensure(s.choice, n)
	s.cand = ensure(s.cand, n*(maxCand-1)*s.width)
	s.fc = ensure(s.fc, n*(maxCand-1))
	s.sites = ensure(s.sites, n)
	s.masks = ensure(s.masks, n*maxCand)
	s.delta = ensure(s.delta, n*maxCand)
	copy(s.x, x)
	if err := s.model.LogProb(s.f, s.x); err != nil {
		return fmt.Errorf("gwg: %s: Init: %w", s.name, err)
	}
	s.stats.Evals += int64(n)
	return checkF(s.name, 0, "f(x)", s.f)
}

// Step implements Sampler. Random numbers come in a fixed order: the block
// (a permutation when one is used up, or one site per chain), the auxiliary
// centres (hb), then one uniform per chain for the choice.
func (s *heatBath) Step(rng *rand.Rand) error {
	if s.n == 0 {
		return fmt.Errorf("gwg: %s: Step before Init", s.name)
	}
	s.chooseBlocks(rng)
	if !s.dom.OneHot && s.h < s.blockLen {
		for c := range s.n {
			s.aux[c] = s.ball[rng.IntN(len(s.ball))]
		}
	}
	if err := s.evaluate(); err != nil {
		return err
	}
	for c := range s.n {
		sum := s.candidateWeights(c)
		s.choice[c] = drawIndex(s.wt[:s.m], sum, rng.Float64())
	}
	var hops int64
	for c, j := range s.choice {
		hops += int64(s.move(c, j))
	}
	s.stats.addStep(s.n, int64(s.n), hops)
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
func (s *heatBath) evaluate() error {
	w, m := s.width, s.m
	step := s.stats.Steps + 1
	for c := range s.n {
		x := s.x[c*w : (c+1)*w]
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
			if err := s.fs.FlipSetDeltas(delta, s.x, s.blocks, s.masks[:s.n*m]); err != nil {
				return fmt.Errorf("gwg: %s step %d: %w", s.name, step, err)
			}
			s.stats.Evals += int64(s.n * (m - 1))
		} else {
			if err := s.sd.SiteDeltas(delta, s.x, s.sites); err != nil {
				return fmt.Errorf("gwg: %s step %d: %w", s.name, step, err)
			}
			s.stats.Evals += int64(s.n)
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
	s.stats.Evals += int64(rows)
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
func (s *heatBath) logWeight(c, j int) float64 {
	m, self := s.m, int(s.self[c])
	switch {
	case s.deltas:
		return s.delta[c*m+j]
	case j == self:
		return s.f[c]
	case j > self:
		j--
	}
	return s.fc[c*(m-1)+j]
}

// candidateWeights writes chain c's candidate weights exp(log w − max)
// into s.wt and returns their sum.
func (s *heatBath) candidateWeights(c int) float64 {
	wt := s.wt[:s.m]
	mx := math.Inf(-1)
	for j := range wt {
		wt[j] = s.logWeight(c, j)
		mx = max(mx, wt[j])
	}
	return expShift(wt, mx)
}

// move sets chain c to its candidate j and returns the number of sites that
// changed.
func (s *heatBath) move(c, j int) int {
	if j == int(s.self[c]) {
		return 0
	}
	if s.deltas {
		s.f[c] += s.logWeight(c, j) // f stays current for a later block of several sites
	} else {
		s.f[c] = s.logWeight(c, j)
	}
	return s.apply(c, j, s.x[c*s.width:(c+1)*s.width])
}

// State implements Sampler.
func (s *heatBath) State() []float32 { return s.x }

// Stats implements Sampler.
func (s *heatBath) Stats() Stats { return s.stats }

// ballSize is |{masks over n bits with at most h ones}| = Σ_{r≤h} C(n, r).
func ballSize(n, h int) int {
	total, c := 0, 1
	for r := 0; r <= min(h, n); r++ {
		total += c
		c = c * (n - r) / (r + 1)
	}
	return total
}
