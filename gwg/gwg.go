package gwg

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"

	"github.com/gwg-go/gwg/ebm"
	"github.com/gwg-go/gwg/internal/fastmath"
)

// maxDraws bounds k of the multi-flip samplers. The exact variant sums over
// the compositions of k, at most C(k−1, m−1) ≤ 35 terms for k = 8.
const maxDraws = 8

func init() {
	k := Param{Key: "k", Doc: "draws per proposal, their union flipped (binary models)", Default: 1,
		Positional: true, Int: true, Min: 1, Max: maxDraws}
	Register(Registration{
		Name:     "gwg",
		Doc:      "Gibbs-with-Gradients: one flip (binary) or one site change (one-hot); gwg-k draws k sites, the paper's acceptance",
		Params:   []Param{k, tauParam},
		Examples: []string{"gwg", "gwg-3", "gwg-5"},
		New: func(m ebm.Model, sp Spec) (Kernel, error) {
			return newGWG(sp.String(), m, sp.Int("k"), false, sp.Float("tau"))
		},
	})
	k.Required, k.Default = true, 0
	Register(Registration{
		Name:     "gwg-exact",
		Doc:      "the gwg-k proposal with the MH ratio of the flipped set (binary)",
		Params:   []Param{k, tauParam},
		Examples: []string{"gwg-exact-3", "gwg-exact-5"},
		New: func(m ebm.Model, sp Spec) (Kernel, error) {
			return newGWG(sp.String(), m, sp.Int("k"), true, sp.Float("tau"))
		},
	})
}

// tauParam is the temperature τ that divides the first-order estimates in
// the gradient-based proposals; 2 is the value of both papers.
var tauParam = Param{Key: "tau", Doc: "temperature τ dividing the gradient logits", Default: 2, MinOpen: true}

// gwgProposal is the proposal of Gibbs-with-Gradients: a softmax over the
// first-order estimates d̃ of how f changes when one coordinate changes.
//
// Binary models: logits d̃ᵢ/τ, d̃ᵢ = (1 − 2xᵢ)·∂f/∂xᵢ, over the D sites. With
// k = 1 this is the paper's sampler "gwg". With k > 1 ("gwg-k") it draws k
// sites with replacement from the same softmax and flips their union. Two
// acceptance rules are offered:
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
// The weights are exp(logit − max logit) in float64, so that no logit rounds
// the others away; balance turns the scaled logits into weights and is
// where gwg-barker differs.
//
// A one-hot softmax runs over D·K pairs (143,360 for Frey Faces), so it is
// kept in two levels: the weights wᵢⱼ of site i's categories relative to
// that site's largest logit Lᵢ, in float32 (the largest is 1, so they need
// no wider range), their sum sᵢ, and the site's total Sᵢ = sᵢ·w(Lᵢ), w(Lᵢ)
// being Lᵢ's weight relative to the largest of all. A draw picks a site by
// the Sᵢ, then a category by the site's weights: O(D + K). Only sᵢ, Sᵢ and
// the largest gradient of each site are kept: the drawn site's weights are
// computed again from the gradient, to the same bits, which saves writing
// and reading D·K weights per chain and step. The site sums come from a
// vector pass whose float32 partial sums leave them within about 1e-6 of
// the weights' exact sum; that only tilts the choice of site by as much.
// The category is drawn by the drawn site's weights and their sum Tᵢ in
// float64, and q = Sᵢ/ΣS · wᵢⱼ/Tᵢ is computed from exactly these numbers.
type gwgProposal struct {
	dom    ebm.Domain
	width  int
	k      int     // draws per proposal
	exact  bool    // MH with the probability of the flipped set
	invTau float64 // 1/τ
	bal    balance

	slots
	wt []float64 // binary: 2n×width proposal weights, two rows per chain (see slots)
	// binary: n×width float32 logits then weights, a row per chain (deriveExp32)
	logit32 []float32
	sum     []float64 // 2n, Σ of each row's weights
	fwd     []int32   // n×k indices drawn at x
	rev     []int32   // n×k indices whose draw at x′ undoes the move
	flips   []int32   // n×k distinct indices changed by the move, nflip[c] used
	nflip   []int32

	// One-hot: 2n×D site sums sᵢ, site totals Sᵢ and largest gradients
	// (other than the current category's); n×D current categories; log q
	// of each chain's move and of the move back; n×K weights of a site.
	siteSum []float64
	siteWt  []float64
	siteTop []float32
	codes   []int32
	logFwd  []float64
	logRev  []float64
	siteW   []float32

	scratch [maxDraws]float64
}

func newGWG(name string, m ebm.Model, k int, exact bool, tau float64) (Kernel, error) {
	p, err := newGWGProposal(m.Domain(), k, exact, 1/tau, expBalance{})
	if err != nil {
		return nil, err
	}
	return NewMH(name, m, p, true), nil
}

func newGWGProposal(dom ebm.Domain, k int, exact bool, invTau float64, bal balance) (*gwgProposal, error) {
	if dom.OneHot && k != 1 {
		return nil, fmt.Errorf("multi-flip proposals need a binary model, the model is one-hot with %d categories", dom.Categories)
	}
	return &gwgProposal{dom: dom, width: dom.Width(), k: k, exact: exact, invTau: invTau, bal: bal}, nil
}

func (p *gwgProposal) Resize(n int) {
	p.slots.resize(n)
	p.sum = ensure(p.sum, 2*n)
	if p.dom.OneHot {
		d := p.dom.Sites
		p.siteSum = ensure(p.siteSum, 2*n*d)
		p.siteWt = ensure(p.siteWt, 2*n*d)
		p.siteTop = ensure(p.siteTop, 2*n*d)
		p.codes = ensure(p.codes, n*d)
		p.logFwd = ensure(p.logFwd, n)
		p.logRev = ensure(p.logRev, n)
		p.siteW = ensure(p.siteW, n*p.dom.Categories)
	} else {
		p.wt = ensure(p.wt, 2*n*p.width)
		p.logit32 = ensure(p.logit32, n*p.width)
	}
	p.fwd = ensure(p.fwd, n*p.k)
	p.rev = ensure(p.rev, n*p.k)
	p.flips = ensure(p.flips, n*p.k)
	p.nflip = ensure(p.nflip, n)
}

// Draw makes k draws from chain c's weights, one uniform each.
func (p *gwgProposal) Draw(c int, x, g []float32, rng *rand.Rand) int {
	var draws [maxDraws]int32
	r, w := p.row(Current, c), p.width
	if p.dom.OneHot {
		d, k := p.dom.Sites, p.dom.Categories
		i := drawIndex(p.siteWt[r*d:(r+1)*d], p.sum[r], rng.Float64())
		wi, sum := p.siteWeights(c, r, i, p.codes[c*d+i], g)
		j := drawIndex(wi, sum, rng.Float64())
		draws[0] = int32(i*k + j)
		return p.setMove(c, draws[:1], x, g)
	}
	wt, sum := p.wt[r*w:(r+1)*w], p.sum[r]
	for t := range p.k {
		draws[t] = int32(drawIndex(wt, sum, rng.Float64()))
	}
	return p.setMove(c, draws[:p.k], x, g)
}

// Undo flips the flipped sites back, or gives the changed site its old
// category back.
func (p *gwgProposal) Undo(c int, x []float32) {
	if p.dom.OneHot {
		x[p.fwd[c]] = 0
		x[p.rev[c]] = 1
		return
	}
	for _, i := range p.flips[c*p.k : c*p.k+int(p.nflip[c])] {
		x[i] = 1 - x[i]
	}
}

// setMove records the move of chain c given by its draws — the indices it
// changes and the draws that would undo it from x′ — and applies it to x.
// One-hot moves also get their log q under the Current slot, from the
// gradient g there.
func (p *gwgProposal) setMove(c int, draws []int32, x, g []float32) int {
	k := p.k
	fwd, rev, flips := p.fwd[c*k:(c+1)*k], p.rev[c*k:(c+1)*k], p.flips[c*k:(c+1)*k]
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
	p.nflip[c] = int32(m)
	if !p.dom.OneHot {
		copy(rev, fwd) // flipping the same sites again undoes the move
		for _, i := range flips[:m] {
			x[i] = 1 - x[i]
		}
		return m
	}
	kc := p.dom.Categories
	site := int(draws[0]) / kc
	cur := p.codes[c*p.dom.Sites+site]
	rev[0] = int32(site*kc) + cur
	x[rev[0]] = 0
	x[draws[0]] = 1
	p.logFwd[c] = p.logqOneHot(c, p.row(Current, c), cur, int(draws[0]), g)
	return 1
}

// Moves implements moveEnumerator: single indices for k = 1, all ordered
// k-tuples for the reference gwg-k, and every set of 1…k distinct sites
// (padded to k draws by repeating its first site) for the exact variant,
// whose probability depends only on the set.
func (p *gwgProposal) Moves() int {
	if p.k == 1 {
		return p.width
	}
	if !p.exact {
		total := 1
		for range p.k {
			total *= p.width
		}
		return total
	}
	n := 0
	for set := 1; set < 1<<p.width; set++ {
		if bits.OnesCount(uint(set)) <= p.k {
			n++
		}
	}
	return n
}

// SetMove implements moveEnumerator, numbering the moves as Moves counts them.
func (p *gwgProposal) SetMove(c, j int, x, g []float32) int {
	var draws [maxDraws]int32
	switch {
	case p.k == 1:
		draws[0] = int32(j)
	case !p.exact:
		for t := range p.k {
			draws[t] = int32(j % p.width)
			j /= p.width
		}
	default:
		set := 0
		for j >= 0 {
			set++
			if bits.OnesCount(uint(set)) <= p.k {
				j--
			}
		}
		m := 0
		for i := range p.width {
			if set&(1<<i) != 0 {
				draws[m] = int32(i)
				m++
			}
		}
		for t := m; t < p.k; t++ {
			draws[t] = draws[0]
		}
	}
	return p.setMove(c, draws[:p.k], x, g)
}

// LogQ is the log-probability of chain c's move under the weights at x and
// of the move back under those at x′: the sum of the draws' log-probabilities,
// or for the exact variant the log-probability that the union of k draws is
// the set the move flips.
func (p *gwgProposal) LogQ(c int) (fwd, rev float64) {
	if p.dom.OneHot {
		return p.logFwd[c], p.logRev[c]
	}
	k := p.k
	return p.logq(Current, c, p.fwd[c*k:(c+1)*k]), p.logq(Proposed, c, p.rev[c*k:(c+1)*k])
}

// logqOneHot is the log-probability of chain c's one-hot move j (site j/K
// to category j mod K) under row r, whose data was derived from gradient g
// at a state where that site has category cur.
func (p *gwgProposal) logqOneHot(c, r int, cur int32, j int, g []float32) float64 {
	d, k := p.dom.Sites, p.dom.Categories
	i := j / k
	if j%k == int(cur) {
		return math.Inf(-1)
	}
	w, sum := p.siteWeights(c, r, i, cur, g)
	return math.Log(float64(w[j%k])) - math.Log(sum) + math.Log(p.siteWt[r*d+i]) - math.Log(p.sum[r])
}

// siteWeights computes the weights of site i's categories under row r of
// chain c (derived from g, where the site has category cur) into the
// chain's scratch, and returns them with their sum Tᵢ, added up in order in
// float64 exactly as drawIndex adds them.
func (p *gwgProposal) siteWeights(c, r, i int, cur int32, g []float32) ([]float32, float64) {
	k := p.dom.Categories
	w, gi := p.siteW[c*k:(c+1)*k], g[i*k:(i+1)*k]
	gc, top := gi[cur], p.siteTop[r*p.dom.Sites+i]
	p.bal.weights32(w[:cur], gi[:cur], gc, top, p.invTau)
	w[cur] = 0
	p.bal.weights32(w[cur+1:], gi[cur+1:], gc, top, p.invTau)
	var sum float64
	for _, v := range w {
		sum += float64(v)
	}
	return w, sum
}

func (p *gwgProposal) logq(s Slot, c int, draws []int32) float64 {
	r, w := p.row(s, c), p.width
	wt, sum := p.wt[r*w:(r+1)*w], p.sum[r]
	if !p.exact {
		var l float64
		for _, d := range draws {
			l += math.Log(wt[d])
		}
		return l - float64(len(draws))*math.Log(sum)
	}
	flips := p.flips[c*p.k : c*p.k+int(p.nflip[c])]
	q := p.scratch[:len(flips)]
	for t, i := range flips {
		q[t] = wt[i] / sum
	}
	return logUnionProb(q, p.k)
}

// Derive fills the proposal weights of chain c in slot from its state and
// gradient.
func (p *gwgProposal) Derive(s Slot, c int, x, g []float32) bool {
	r := p.row(s, c)
	if p.dom.OneHot {
		return p.deriveOneHot(s, c, r, x, g)
	}
	wt := p.wt[r*p.width : (r+1)*p.width]
	if _, ok := p.bal.(expBalance); ok {
		return p.deriveExp32(r, c, wt, x, g)
	}
	m, ok := flipLogits(wt, x, g, p.invTau)
	if ok {
		p.sum[r] = p.bal.weights(wt, m)
	}
	return ok
}

// deriveExp32 is Derive of binary weights for the paper's balance: the
// logits in float32 in chain c's scratch row, their largest, and the
// weights relative to it and their sum in one vector pass
// (fastmath.Exp32's kernel), a third of the scalar float64 path's time. The draws
// and log q use these same weights, so their rounding costs no exactness;
// weights below e⁻⁸⁷ of the largest become 0, which only rules out moves
// that would be rejected anyway.
func (p *gwgProposal) deriveExp32(r, c int, wt []float64, x, g []float32) bool {
	l := p.logit32[c*p.width : (c+1)*p.width]
	inv := float32(p.invTau)
	g = g[:len(l)]
	for i, xi := range x[:len(l)] {
		l[i] = g[i] * inv * (1 - 2*xi) // no branch on the random bit
	}
	m, finite := fastmath.Max32(l)
	if !finite {
		return false
	}
	fastmath.ExpSum32(l, l, m, 1)
	// The sum in float64, in four running sums: within float64 rounding of
	// drawIndex's running sum, so the draws follow wt/sum as log q says.
	wt = wt[:len(l)]
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+3 < len(l); i += 4 {
		e0, e1, e2, e3 := float64(l[i]), float64(l[i+1]), float64(l[i+2]), float64(l[i+3])
		wt[i], wt[i+1], wt[i+2], wt[i+3] = e0, e1, e2, e3
		s0, s1, s2, s3 = s0+e0, s1+e1, s2+e2, s3+e3
	}
	for ; i < len(l); i++ {
		wt[i] = float64(l[i])
		s0 += wt[i]
	}
	p.sum[r] = (s0 + s1) + (s2 + s3)
	return true
}

// flipLogits writes the single-flip logits lᵢ = (1 − 2xᵢ)·gᵢ·invTau into l
// and returns their maximum. It reports false if a logit is not finite.
func flipLogits(wt []float64, x, g []float32, invTau float64) (float64, bool) {
	m := math.Inf(-1)
	var bad float64 // l·0 is 0 for finite l and NaN otherwise
	wt, g = wt[:len(x)], g[:len(x)]
	for i, xi := range x {
		l := float64(g[i]) * invTau * float64(1-2*xi) // no branch on the random bit
		bad += l * 0
		wt[i] = l
		if l > m { // not max(): its NaN and ±0 rules cost branches, and a NaN fails anyway
			m = l
		}
	}
	return m, bad == 0
}

// deriveOneHot fills row r of the two-level one-hot data of chain c from
// state x and gradient g, site by site: the largest gradient of the
// categories other than the current one, c(i), gives the site's largest
// logit Lᵢ = (top − gᵢ,c(i))·invTau, and one vector pass about the sum sᵢ
// of the weights relative to it (c(i) excluded). Then the site totals
// Sᵢ = sᵢ·w(Lᵢ) relative to the largest Lᵢ, and ΣS. At the Proposed slot it
// also computes log q of the move back. It reports false if a gradient is
// not finite.
//
// The current categories are the chain's codes: at the Current slot they
// are read from x (states are one-hot, checkStates), at the Proposed one
// they are the codes with the drawn move applied, so x is not read again.
func (p *gwgProposal) deriveOneHot(s Slot, c, r int, x, g []float32) bool {
	d, k := p.dom.Sites, p.dom.Categories
	codes := p.codes[c*d : (c+1)*d]
	moved, to := -1, int32(0)
	if s == Current {
		for i := range codes {
			codes[i] = int32(category(x, i, k))
		}
	} else {
		moved, to = int(p.fwd[c])/k, p.fwd[c]%int32(k)
	}
	sums, tot, tops := p.siteSum[r*d:(r+1)*d], p.siteWt[r*d:(r+1)*d], p.siteTop[r*d:(r+1)*d]
	invTau := p.invTau
	for i, cur := range codes {
		if i == moved {
			cur = to
		}
		gi := g[i*k : (i+1)*k]
		below, ok0 := fastmath.Max32(gi[:cur])
		above, ok1 := fastmath.Max32(gi[cur+1:])
		gc := gi[cur]
		if !ok0 || !ok1 || gc-gc != 0 {
			return false
		}
		top := max(below, above)
		tops[i] = top
		sums[i] = p.bal.weights32(nil, gi[:cur], gc, top, invTau) +
			p.bal.weights32(nil, gi[cur+1:], gc, top, invTau)
		tot[i] = (float64(top) - float64(gc)) * invTau
	}
	m := math.Inf(-1)
	for _, li := range tot {
		if li > m {
			m = li
		}
	}
	p.bal.weights(tot, m)
	var sum float64
	for i, s := range sums {
		tot[i] *= s
		sum += tot[i]
	}
	p.sum[r] = sum
	if s == Proposed {
		p.logRev[c] = p.logqOneHot(c, r, to, int(p.rev[c]), g)
	}
	return true
}

// Accept makes chain c's Proposed slot its Current one and, for one-hot
// models, applies the move to the chain's codes.
func (p *gwgProposal) Accept(c int) {
	if p.dom.OneHot {
		d, k, j := p.dom.Sites, p.dom.Categories, int(p.fwd[c*p.k])
		p.codes[c*d+j/k] = int32(j % k)
	}
	p.slots.Accept(c)
}

// balance turns logits into proposal weights relative to the largest, m:
// weights replaces every logit of v by its weight and returns their sum;
// weights32 writes into dst (unless nil) the float32 weights of the one-hot
// logits (gⱼ − gc)·invTau relative to that of the largest gradient, top,
// and returns their sum, or for expBalance about their sum (within 2e-6). expBalance is the paper's proposal, barkerBalance
// gwg-barker's.
type balance interface {
	weights(v []float64, m float64) float64
	weights32(dst, g []float32, gc, top float32, invTau float64) float64
}

type expBalance struct{}

func (expBalance) weights(v []float64, m float64) float64 { return expShift(v, m) }

// weights32 is e^((gⱼ − top)·invTau), in float32 (fastmath.ExpSum32's
// vector pass).
func (expBalance) weights32(dst, g []float32, _, top float32, invTau float64) float64 {
	if dst == nil {
		return fastmath.SumExp32(g, top, float32(invTau))
	}
	return fastmath.ExpSum32(dst, g, top, float32(invTau))
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
