package gwg

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gwg-go/gwg/ebm"
	"github.com/gwg-go/gwg/internal/fastmath"
)

// maxDraws bounds k of the multi-flip samplers. The exact variant sums over
// the compositions of k, at most C(k−1, m−1) ≤ 35 terms for k = 8.
const maxDraws = 8

// gwgSampler is Gibbs-with-Gradients: a Metropolis–Hastings kernel whose
// proposal is a softmax over the first-order estimates of how f changes when
// one coordinate changes.
//
// Binary models: logits (1 − 2xᵢ)·∂f/∂xᵢ / τ over the D sites. With k = 1 this
// is the paper's sampler "gwg". With k > 1 ("gwg-k") it draws k sites with
// replacement from the same softmax and flips their union. Two acceptance
// rules are offered:
//
//   - reference (gwg-k): log q is the sum of the k draws' log-probabilities,
//     and the reverse is the same ordered draws at x′, as the paper's code
//     does. This is not the MH ratio of the proposal of the flipped set when
//     draws repeat, but it is still exact: the ordered draws are an
//     auxiliary variable, and applying the same draws at x′ undoes the move,
//     so detailed balance holds draw by draw.
//   - exact (gwg-exact-k): log q is the log-probability that the union of the
//     k draws is the flipped set S, forward and reverse. This is the MH ratio
//     of the marginal proposal, which accepts at least as often (Peskun).
//
// Categorical (one-hot) models, k = 1: logits (∂f/∂xᵢⱼ − ∂f/∂xᵢ,c(i)) / τ
// over all (site, category) pairs, the current category of each site
// excluded; the reverse move restores the old category of the changed site.
//
// State: every chain carries x, f(x), ∇ₓf(x) and the proposal weights at x.
// A step evaluates f and ∇ₓf once, at the proposals, and an accepted
// proposal's values become the chain's, so no work is repeated.
type gwgSampler struct {
	name   string
	model  ebm.Model
	dom    ebm.Domain
	width  int
	k      int     // draws per proposal
	exact  bool    // MH with the probability of the flipped set
	invTau float64 // 1/τ
	// symmetric drops the proposal ratio from log α, as if the proposal were
	// symmetric. It is wrong on purpose: the tests use it to show that they
	// detect a kernel that does not leave the target invariant.
	symmetric bool

	n        int
	cur      gwgState // the chains
	prop     gwgState // their proposals
	fwd      []int32  // n×k indices drawn at x
	rev      []int32  // n×k indices whose draw at x′ undoes the move
	flips    []int32  // n×k distinct indices changed by the move, nflip[c] used
	nflip    []int32
	logFwd   []float64 // log q(move | x)
	logAlpha []float64
	scratch  [maxDraws]float64
	stats    Stats
}

// gwgState is a batch of chains with everything cached at their states.
type gwgState struct {
	gradState
	wt  []float64 // n×width proposal weights exp(logit − max logit)
	sum []float64 // n, Σ of each row of wt
}

func (st *gwgState) resize(n, width int) {
	st.gradState.resize(n, width)
	st.wt = ensure(st.wt, n*width)
	st.sum = ensure(st.sum, n)
}

func newGWG(name string, m ebm.Model, k int, exact bool, tau float64) (*gwgSampler, error) {
	dom := m.Domain()
	switch {
	case k < 1 || k > maxDraws:
		return nil, fmt.Errorf("gwg: %s: %d draws per step, want 1 to %d", name, k, maxDraws)
	case dom.OneHot && k != 1:
		return nil, fmt.Errorf("gwg: %s: multi-flip proposals need a binary model, the model is one-hot with %d categories", name, dom.Categories)
	}
	return &gwgSampler{name: name, model: m, dom: dom, width: dom.Width(), k: k, exact: exact, invTau: 1 / tau}, nil
}

// Init implements Sampler.
func (s *gwgSampler) Init(x []float32) error {
	n, err := checkStates(s.dom, x)
	if err != nil {
		return fmt.Errorf("gwg: %s: Init: %w", s.name, err)
	}
	s.resize(n)
	copy(s.cur.x, x)
	if err := s.cur.eval(s.model, s.name, 0, &s.stats); err != nil {
		return err
	}
	for c := range n {
		if err := s.weights(&s.cur, c, 0); err != nil {
			return err
		}
	}
	return nil
}

func (s *gwgSampler) resize(n int) {
	s.n = n
	s.cur.resize(n, s.width)
	s.prop.resize(n, s.width)
	s.fwd = ensure(s.fwd, n*s.k)
	s.rev = ensure(s.rev, n*s.k)
	s.flips = ensure(s.flips, n*s.k)
	s.nflip = ensure(s.nflip, n)
	s.logFwd = ensure(s.logFwd, n)
	s.logAlpha = ensure(s.logAlpha, n)
}

// Step implements Sampler. Random numbers are drawn in a fixed order (the k
// draws of every chain, then one acceptance uniform per chain), so a seed
// fixes the trajectory.
func (s *gwgSampler) Step(rng *rand.Rand) error {
	if s.n == 0 {
		return fmt.Errorf("gwg: %s: Step before Init", s.name)
	}
	var draws [maxDraws]int32
	w := s.width
	for c := range s.n {
		wt, sum := s.cur.wt[c*w:(c+1)*w], s.cur.sum[c]
		for t := range s.k {
			draws[t] = int32(drawIndex(wt, sum, rng.Float64()))
		}
		s.setMove(c, draws[:s.k])
	}
	if err := s.propose(); err != nil {
		return err
	}
	settle(&s.stats, rng, true, s.logAlpha, s.nflip, s.accept)
	return nil
}

// setMove records the move of chain c given by its draws: the indices it
// changes and the draws that would undo it from x′.
func (s *gwgSampler) setMove(c int, draws []int32) {
	k := s.k
	fwd, rev, flips := s.fwd[c*k:(c+1)*k], s.rev[c*k:(c+1)*k], s.flips[c*k:(c+1)*k]
	copy(fwd, draws)
	m := 0
	for _, d := range draws {
		seen := false
		for _, e := range flips[:m] {
			seen = seen || e == d
		}
		if !seen {
			flips[m] = d
			m++
		}
	}
	s.nflip[c] = int32(m)
	if !s.dom.OneHot {
		copy(rev, fwd) // flipping the same sites again undoes the move
		return
	}
	kc := s.dom.Categories
	site := int(draws[0]) / kc
	rev[0] = int32(site*kc + category(s.cur.x[c*s.width:(c+1)*s.width], site, kc))
}

// propose builds every chain's proposal x′ from its recorded move, evaluates
// f and ∇ₓf there, and computes log q(move | x) and log α.
func (s *gwgSampler) propose() error {
	w, k := s.width, s.k
	step := s.stats.Steps + 1
	for c := range s.n {
		xp := s.prop.x[c*w : (c+1)*w]
		copy(xp, s.cur.x[c*w:(c+1)*w])
		flips := s.flips[c*k : c*k+int(s.nflip[c])]
		if s.dom.OneHot {
			kc := s.dom.Categories
			site := int(flips[0]) / kc
			clear(xp[site*kc : (site+1)*kc])
			xp[flips[0]] = 1
			continue
		}
		for _, i := range flips {
			xp[i] = 1 - xp[i]
		}
	}
	if err := s.prop.eval(s.model, s.name, step, &s.stats); err != nil {
		return err
	}
	for c := range s.n {
		if err := s.weights(&s.prop, c, step); err != nil {
			return err
		}
		lf := s.logq(&s.cur, c, s.fwd[c*k:(c+1)*k])
		la := s.prop.f[c] - s.cur.f[c]
		if !s.symmetric {
			la += s.logq(&s.prop, c, s.rev[c*k:(c+1)*k]) - lf
		}
		s.logFwd[c], s.logAlpha[c] = lf, la
	}
	return nil
}

// accept makes chain c's proposal its state.
func (s *gwgSampler) accept(c int) {
	w := s.width
	copy(s.cur.x[c*w:(c+1)*w], s.prop.x[c*w:(c+1)*w])
	copy(s.cur.g[c*w:(c+1)*w], s.prop.g[c*w:(c+1)*w])
	copy(s.cur.wt[c*w:(c+1)*w], s.prop.wt[c*w:(c+1)*w])
	s.cur.f[c], s.cur.sum[c] = s.prop.f[c], s.prop.sum[c]
}

// logq is the log-probability, under the proposal weights of st's chain c,
// of the move given by draws: the sum of the draws' log-probabilities, or for
// the exact variant the log-probability that the union of k draws is the set
// the move flips.
func (s *gwgSampler) logq(st *gwgState, c int, draws []int32) float64 {
	w := s.width
	wt, sum := st.wt[c*w:(c+1)*w], st.sum[c]
	if !s.exact {
		var l float64
		for _, d := range draws {
			l += math.Log(wt[d])
		}
		return l - float64(len(draws))*math.Log(sum)
	}
	flips := s.flips[c*s.k : c*s.k+int(s.nflip[c])]
	p := s.scratch[:len(flips)]
	for t, i := range flips {
		p[t] = wt[i] / sum
	}
	return logUnionProb(p, s.k)
}

// weights fills the proposal weights of st's chain c from its state and
// gradient, failing on a gradient that is not finite.
func (s *gwgSampler) weights(st *gwgState, c int, step int64) error {
	w := s.width
	x, g, wt := st.x[c*w:(c+1)*w], st.g[c*w:(c+1)*w], st.wt[c*w:(c+1)*w]
	var ok bool
	if s.dom.OneHot {
		st.sum[c], ok = categoricalWeights(wt, x, g, s.dom.Categories, s.invTau)
	} else {
		st.sum[c], ok = flipWeights(wt, x, g, s.invTau)
	}
	if !ok {
		return fmt.Errorf("gwg: %s step %d: chain %d: model returned a gradient that is not finite", s.name, step, c)
	}
	return nil
}

// flipWeights writes exp(lᵢ − max l) for the single-flip logits
// lᵢ = (1 − 2xᵢ)·gᵢ·invTau into wt and returns their sum, in float64 so that
// no logit rounds the others away. It reports false if a logit is not finite.
func flipWeights(wt []float64, x, g []float32, invTau float64) (float64, bool) {
	m := math.Inf(-1)
	var bad float64 // l·0 is 0 for finite l and NaN otherwise
	for i, xi := range x {
		l := float64(g[i]) * invTau * float64(1-2*xi) // no branch on the random bit
		bad += l * 0
		wt[i] = l
		m = max(m, l)
	}
	if bad != 0 {
		return 0, false
	}
	return expShift(wt, m), true
}

// categoricalWeights is flipWeights for one-hot states with k categories:
// logits (gᵢⱼ − gᵢ,c(i))·invTau, and weight 0 for each site's current category.
func categoricalWeights(wt []float64, x, g []float32, k int, invTau float64) (float64, bool) {
	m := math.Inf(-1)
	for i := range len(x) / k {
		cur := category(x, i, k)
		gc := float64(g[i*k+cur])
		for j := range k {
			if j == cur {
				wt[i*k+j] = math.Inf(-1)
				continue
			}
			l := (float64(g[i*k+j]) - gc) * invTau
			if !finite(l) {
				return 0, false
			}
			wt[i*k+j] = l
			m = max(m, l)
		}
	}
	return expShift(wt, m), true
}

// expShift replaces every l in v by exp(l − m) and returns the sum. m is
// at least every l. The fast exponential's error is harmless to exactness:
// the weights a sampler draws from are the same numbers it puts into log q.
func expShift(v []float64, m float64) float64 {
	var s float64
	for i, l := range v {
		e := fastmath.ExpNonPositive(l - m)
		v[i] = e
		s += e
	}
	return s
}

// factorial holds n! for n ≤ maxDraws.
var factorial = [maxDraws + 1]float64{1, 1, 2, 6, 24, 120, 720, 5040, 40320}

// logUnionProb returns log P(U = S), where U is the set of distinct values
// among k independent draws from a distribution that gives the m = len(p)
// elements of S the probabilities p (m ≤ k). It overwrites p.
//
//	P(U = S) = Σ over n₁, …, n_m ≥ 1 with Σ nᵢ = k of k!·Πᵢ pᵢ^nᵢ / nᵢ!
//
// Every term is positive. The inclusion–exclusion form of the same number,
// Σ_{T⊆S} (−1)^{|S|−|T|} (Σ_{i∈T} pᵢ)^k, cancels catastrophically when the
// pᵢ differ by orders of magnitude, as softmax probabilities do. The pᵢ are
// scaled by their maximum first so that the products do not underflow.
func logUnionProb(p []float64, k int) float64 {
	pm := 0.0
	for _, v := range p {
		pm = max(pm, v)
	}
	if pm == 0 || len(p) == 0 || len(p) > k {
		return math.Inf(-1)
	}
	for i := range p {
		p[i] /= pm
	}
	return float64(k)*math.Log(pm) + math.Log(factorial[k]*compositionSum(p, k))
}

// compositionSum is Σ over n₁, …, n_m ≥ 1 with Σ nᵢ = k of Πᵢ rᵢ^nᵢ / nᵢ!.
func compositionSum(r []float64, k int) float64 {
	if len(r) == 1 {
		return math.Pow(r[0], float64(k)) / factorial[k]
	}
	var s float64
	pw := 1.0
	for n := 1; n <= k-len(r)+1; n++ {
		pw *= r[0]
		s += pw / factorial[n] * compositionSum(r[1:], k-n)
	}
	return s
}

// State implements Sampler.
func (s *gwgSampler) State() []float32 { return s.cur.x }

// Stats implements Sampler.
func (s *gwgSampler) Stats() Stats { return s.stats }
