package gwg

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gwg-go/gwg/ebm"
	"github.com/gwg-go/gwg/ebm/deep"
	"github.com/gwg-go/gwg/nn"
)

// The exactness tests build a sampler's full one-step transition matrix P
// over every state of a tiny model, from the sampler's own proposal and
// acceptance code (setMove, propose, logFwd, logAlpha; for the heat-bath
// samplers evaluate and candidateProbs), and compare it with the enumerated
// target π: πP = π, and detailed balance π(x)P(x, y) = π(y)P(y, x).

const kernelTol = 1e-9

// kernel is a dense transition matrix, P[x][y] for state numbers of ebm.Exact.
type kernel [][]float64

func newKernel(n int) kernel {
	p := make(kernel, n)
	for i := range p {
		p[i] = make([]float64, n)
	}
	return p
}

// check returns the largest violations of the row sums, of πP = π and of
// detailed balance.
func (p kernel) check(pi []float64) (rowErr, stationErr, balanceErr float64) {
	n := len(p)
	for x := range n {
		var s float64
		for y := range n {
			s += p[x][y]
			balanceErr = max(balanceErr, math.Abs(pi[x]*p[x][y]-pi[y]*p[y][x]))
		}
		rowErr = max(rowErr, math.Abs(s-1))
	}
	for y := range n {
		var s float64
		for x := range n {
			s += pi[x] * p[x][y]
		}
		stationErr = max(stationErr, math.Abs(s-pi[y]))
	}
	return rowErr, stationErr, balanceErr
}

// stationary returns the stationary distribution of p by power iteration
// from π, enough to measure how far a biased kernel's fixed point is from π.
func (p kernel) stationary(pi []float64, iters int) []float64 {
	v := append([]float64(nil), pi...)
	next := make([]float64, len(v))
	for range iters {
		clear(next)
		for x, vx := range v {
			for y, pxy := range p[x] {
				next[y] += vx * pxy
			}
		}
		v, next = next, v
	}
	return v
}

func totalVariation(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += math.Abs(a[i] - b[i])
	}
	return s / 2
}

// mix returns the average of kernels with equal weights.
func mix(ks []kernel) kernel {
	n := len(ks[0])
	p := newKernel(n)
	for _, k := range ks {
		for x := range n {
			for y := range n {
				p[x][y] += k[x][y] / float64(len(ks))
			}
		}
	}
	return p
}

// gwgMoves lists every move of a GWG-family sampler as its draws: single
// indices for k = 1, all ordered k-tuples for the reference gwg-k, and every
// set of 1…k distinct sites (padded to k draws by repeating its first site)
// for the exact variant, whose probability depends only on the set.
func gwgMoves(s *gwgSampler) [][]int32 {
	w := s.width
	if s.k == 1 {
		moves := make([][]int32, w)
		for i := range w {
			moves[i] = []int32{int32(i)}
		}
		return moves
	}
	var moves [][]int32
	if !s.exact {
		total := 1
		for range s.k {
			total *= w
		}
		for t := range total {
			m := make([]int32, s.k)
			for j := range s.k {
				m[j] = int32(t % w)
				t /= w
			}
			moves = append(moves, m)
		}
		return moves
	}
	for set := 1; set < 1<<w; set++ {
		var m []int32
		for i := range w {
			if set&(1<<i) != 0 {
				m = append(m, int32(i))
			}
		}
		if len(m) > s.k {
			continue
		}
		for len(m) < s.k {
			m = append(m, m[0])
		}
		moves = append(moves, m)
	}
	return moves
}

// gwgKernel builds the transition matrix of a GWG-family sampler. For each
// state x it runs one chain per move, all starting at x, records the move
// with setMove and lets propose compute the proposals and log α exactly as
// Step does. It also checks that the move probabilities sum to one.
func gwgKernel(t *testing.T, s *gwgSampler, ex *ebm.Exact) kernel {
	t.Helper()
	moves := gwgMoves(s)
	w := s.width
	p := newKernel(ex.Len())
	xs := make([]float32, len(moves)*w)
	for x := range ex.Len() {
		for c := range moves {
			ex.State(xs[c*w:(c+1)*w], x)
		}
		if err := s.Init(xs); err != nil {
			t.Fatal(err)
		}
		for c, m := range moves {
			s.setMove(c, m)
		}
		if err := s.propose(); err != nil {
			t.Fatal(err)
		}
		var qsum float64
		for c := range moves {
			q := math.Exp(s.logFwd[c])
			if q == 0 {
				continue // a zero-weight index, e.g. a site's current category
			}
			qsum += q
			y, err := ex.Index(s.prop.x[c*w : (c+1)*w])
			if err != nil {
				t.Fatal(err)
			}
			a := acceptProb(s.logAlpha[c])
			p[x][y] += q * a
			p[x][x] += q * (1 - a)
		}
		if math.Abs(qsum-1) > 1e-12 {
			t.Fatalf("%s: proposal probabilities from state %d sum to %v", s.name, x, qsum)
		}
	}
	return p
}

func randomBoltzmann(t testing.TB, d int, sigma float64, seed uint64) *ebm.Boltzmann {
	t.Helper()
	m, err := ebm.NewRandomBoltzmann(d, sigma, rand.New(rand.NewPCG(seed, 1)))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// checkGradientKernels checks the exactness of the kernels of dmala and of
// the named samplers of the gwg family on m, enumerated in ex with
// probabilities pi.
func checkGradientKernels(t *testing.T, m ebm.Model, ex *ebm.Exact, pi []float64, gwgNames ...string) {
	t.Helper()
	for _, name := range gwgNames {
		t.Run(name, func(t *testing.T) {
			checkExact(t, gwgKernel(t, mustNew(t, name, m, Options{}).(*gwgSampler), ex), pi, true)
		})
	}
	t.Run("dmala", func(t *testing.T) {
		checkExact(t, langevinKernel(t, mustNew(t, "dmala", m, Options{}).(*langevinSampler), ex), pi, true)
	})
}

func enumerate(t testing.TB, m ebm.Model) (*ebm.Exact, []float64) {
	t.Helper()
	ex, err := ebm.Enumerate(m)
	if err != nil {
		t.Fatal(err)
	}
	return ex, ex.Probs()
}

func mustNew(t testing.TB, name string, m ebm.Model, opt Options) Sampler {
	t.Helper()
	s, err := New(name, m, opt)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestGWGKernelExact(t *testing.T) {
	models := []struct {
		name string
		m    ebm.Model
	}{
		{"boltzmann-8", randomBoltzmann(t, 8, 0.7, 1)},
		{"boltzmann-6-strong", randomBoltzmann(t, 6, 1.5, 2)},
	}
	for _, mc := range models {
		ex, pi := enumerate(t, mc.m)
		for _, name := range []string{"gwg", "gwg-2", "gwg-3", "gwg-exact-2", "gwg-exact-3"} {
			t.Run(mc.name+"/"+name, func(t *testing.T) {
				s := mustNew(t, name, mc.m, Options{}).(*gwgSampler)
				p := gwgKernel(t, s, ex)
				rowErr, statErr, dbErr := p.check(pi)
				t.Logf("row %.1e, πP−π %.1e, detailed balance %.1e", rowErr, statErr, dbErr)
				if rowErr > kernelTol || statErr > kernelTol || dbErr > kernelTol {
					t.Errorf("not exact: row sums off by %.2e, πP − π %.2e, detailed balance %.2e", rowErr, statErr, dbErr)
				}
			})
		}
	}
}

// TestExactMultiFlipDominates checks the Peskun ordering of the two
// multi-flip acceptance rules: both are exact (TestGWGKernelExact), and the
// marginal MH ratio of gwg-exact-k moves off the current state at least as
// often as the paper's per-draw ratio, for every pair of states, because
// Σₜ min(aₜ, bₜ) ≤ min(Σₜ aₜ, Σₜ bₜ) over the draws t that flip the same set.
func TestExactMultiFlipDominates(t *testing.T) {
	m := randomBoltzmann(t, 6, 1.5, 2)
	ex, pi := enumerate(t, m)
	ref := gwgKernel(t, mustNew(t, "gwg-3", m, Options{}).(*gwgSampler), ex)
	exact := gwgKernel(t, mustNew(t, "gwg-exact-3", m, Options{}).(*gwgSampler), ex)
	var moveRef, moveExact float64
	for x := range ref {
		for y := range ref {
			if x == y {
				continue
			}
			if exact[x][y] < ref[x][y]-1e-15 {
				t.Errorf("P_exact(%d→%d) = %v < P_ref = %v", x, y, exact[x][y], ref[x][y])
			}
			moveRef += pi[x] * ref[x][y]
			moveExact += pi[x] * exact[x][y]
		}
	}
	t.Logf("probability of moving at stationarity: gwg-3 %.4f, gwg-exact-3 %.4f", moveRef, moveExact)
	if moveExact <= moveRef {
		t.Errorf("gwg-exact-3 moves with probability %v, gwg-3 with %v; want more", moveExact, moveRef)
	}
}

// TestReferenceMultiFlipExactPerDraw makes the reason gwg-k is exact
// concrete on the moves where its ratio is not the marginal MH ratio, those
// whose draws repeat: for every state x and ordered draws t, the flux
// π(x)q(t | x)α(x, t) equals the flux back from x′ along the same t, while
// log α differs from gwg-exact-k's.
func TestReferenceMultiFlipExactPerDraw(t *testing.T) {
	m := randomBoltzmann(t, 6, 1.5, 2)
	ex, pi := enumerate(t, m)
	ref := mustNew(t, "gwg-3", m, Options{}).(*gwgSampler)
	exact := mustNew(t, "gwg-exact-3", m, Options{}).(*gwgSampler)
	var moves [][]int32
	for _, mv := range gwgMoves(ref) {
		if mv[0] == mv[1] || mv[0] == mv[2] || mv[1] == mv[2] {
			moves = append(moves, mv)
		}
	}
	type key struct {
		x    int
		draw [3]int32
	}
	flux := map[key]float64{}
	dest := map[key]int{}
	var differ int
	w := ref.width
	xs := make([]float32, len(moves)*w)
	for x := range ex.Len() {
		for c := range moves {
			ex.State(xs[c*w:(c+1)*w], x)
		}
		for _, s := range []*gwgSampler{ref, exact} {
			if err := s.Init(xs); err != nil {
				t.Fatal(err)
			}
			for c, mv := range moves {
				s.setMove(c, mv)
			}
			if err := s.propose(); err != nil {
				t.Fatal(err)
			}
		}
		for c, mv := range moves {
			k := key{x, [3]int32(mv)}
			flux[k] = pi[x] * math.Exp(ref.logFwd[c]) * acceptProb(ref.logAlpha[c])
			y, _ := ex.Index(ref.prop.x[c*w : (c+1)*w])
			dest[k] = y
			if math.Abs(ref.logAlpha[c]-exact.logAlpha[c]) > 1e-6 {
				differ++
			}
		}
	}
	var worst float64
	for k, f := range flux {
		worst = max(worst, math.Abs(f-flux[key{dest[k], k.draw}]))
	}
	t.Logf("%d repeated-draw moves, log α differs from the marginal ratio on %d; worst flux imbalance %.1e",
		len(flux), differ, worst)
	if worst > kernelTol {
		t.Errorf("per-draw detailed balance fails by %.2e", worst)
	}
	if differ == 0 {
		t.Error("the per-draw and marginal ratios never differ; the test shows nothing")
	}
}

// TestWrongKernelDetected is a test of the test: GWG without its proposal
// ratio must fail the exactness check by a wide margin.
func TestWrongKernelDetected(t *testing.T) {
	m := randomBoltzmann(t, 8, 0.7, 1)
	ex, pi := enumerate(t, m)
	s := mustNew(t, "gwg", m, Options{}).(*gwgSampler)
	s.symmetric = true
	p := gwgKernel(t, s, ex)
	_, statErr, dbErr := p.check(pi)
	tv := totalVariation(p.stationary(pi, 2000), pi)
	t.Logf("wrong kernel: πP−π %.1e, detailed balance %.1e, TV(stationary, π) %.3f", statErr, dbErr, tv)
	if statErr < 1e-4 || dbErr < 1e-4 {
		t.Errorf("the exactness check does not see a kernel without its proposal ratio (πP − π %.2e)", statErr)
	}
}

func TestLogUnionProb(t *testing.T) {
	// Against inclusion–exclusion where it is well conditioned, and the sum
	// over every set of size ≤ k is one.
	rng := rand.New(rand.NewPCG(3, 4))
	for _, k := range []int{1, 2, 3, 5, 8} {
		d := 6
		p := make([]float64, d)
		var s float64
		for i := range p {
			p[i] = 0.2 + rng.Float64()
			s += p[i]
		}
		for i := range p {
			p[i] /= s
		}
		var total float64
		for set := 1; set < 1<<d; set++ {
			var sub []float64
			for i := range d {
				if set&(1<<i) != 0 {
					sub = append(sub, p[i])
				}
			}
			if len(sub) > k {
				continue
			}
			var ie float64
			for tset := 1; tset <= set; tset++ {
				if tset&^set != 0 {
					continue
				}
				var ps float64
				bits := 0
				for i := range d {
					if tset&(1<<i) != 0 {
						ps += p[i]
						bits++
					}
				}
				sign := 1.0
				if (len(sub)-bits)%2 == 1 {
					sign = -1
				}
				ie += sign * math.Pow(ps, float64(k))
			}
			got := math.Exp(logUnionProb(append([]float64(nil), sub...), k))
			if math.Abs(got-ie) > 1e-12 {
				t.Errorf("k=%d set %b: %v, inclusion–exclusion %v", k, set, got, ie)
			}
			total += got
		}
		if math.Abs(total-1) > 1e-12 {
			t.Errorf("k=%d: probabilities of all unions sum to %v", k, total)
		}
	}
	// Badly scaled: one large and two tiny probabilities, k = 3. The exact
	// value is 3!·p₁p₂p₃ = 6·0.9·1e-9·2e-9.
	got := logUnionProb([]float64{0.9, 1e-9, 2e-9}, 3)
	want := math.Log(6 * 0.9 * 1e-9 * 2e-9)
	if math.Abs(got-want) > 1e-9 {
		t.Errorf("badly scaled: log P = %v, want %v", got, want)
	}
}

// langevinKernel builds the transition matrix of dula or dmala: every set of
// flipped sites is a move.
func langevinKernel(t *testing.T, s *langevinSampler, ex *ebm.Exact) kernel {
	t.Helper()
	d := s.d
	moves := 1 << d
	p := newKernel(ex.Len())
	xs := make([]float32, moves*d)
	for x := range ex.Len() {
		for c := range moves {
			ex.State(xs[c*d:(c+1)*d], x)
		}
		if err := s.Init(xs); err != nil {
			t.Fatal(err)
		}
		sites := make([]int32, 0, d)
		for c := range moves {
			sites = sites[:0]
			for i := range d {
				if c&(1<<i) != 0 {
					sites = append(sites, int32(i))
				}
			}
			s.setMove(c, sites)
		}
		if err := s.propose(); err != nil {
			t.Fatal(err)
		}
		var qsum float64
		for c := range moves {
			q := math.Exp(s.logFwd[c])
			qsum += q
			y, err := ex.Index(s.prop.x[c*d : (c+1)*d])
			if err != nil {
				t.Fatal(err)
			}
			a := 1.0
			if s.mh {
				a = acceptProb(s.logAlpha[c])
			}
			p[x][y] += q * a
			p[x][x] += q * (1 - a)
		}
		if math.Abs(qsum-1) > 1e-12 {
			t.Fatalf("%s: proposal probabilities from state %d sum to %v", s.name, x, qsum)
		}
	}
	return p
}

// heatBathKernel builds the transition matrix of a heat-bath sampler for a
// fixed block (the same for every chain), averaging over the auxiliary
// centres of the Hamming-ball sampler.
func heatBathKernel(t *testing.T, s *heatBath, ex *ebm.Exact, block []int32) kernel {
	t.Helper()
	w := s.width
	p := newKernel(ex.Len())
	x0 := make([]float32, w)
	for x := range ex.Len() {
		ex.State(x0, x)
		if err := s.Init(x0); err != nil {
			t.Fatal(err)
		}
		s.setBlock(block)
		centres := []uint32{0}
		if !s.dom.OneHot && s.h < s.blockLen {
			centres = append([]uint32(nil), s.ball...)
		}
		for _, u := range centres {
			s.aux[0] = u
			if err := s.evaluate(); err != nil {
				t.Fatal(err)
			}
			sum := s.candidateWeights(0)
			for j, wj := range s.wt[:s.m] {
				yx := append([]float32(nil), x0...)
				s.apply(0, j, yx)
				y, err := ex.Index(yx)
				if err != nil {
					t.Fatal(err)
				}
				p[x][y] += wj / sum / float64(len(centres))
			}
		}
	}
	return p
}

func checkExact(t *testing.T, p kernel, pi []float64, reversible bool) {
	t.Helper()
	rowErr, statErr, dbErr := p.check(pi)
	t.Logf("row %.1e, πP−π %.1e, detailed balance %.1e", rowErr, statErr, dbErr)
	if rowErr > kernelTol || statErr > kernelTol || (reversible && dbErr > kernelTol) {
		t.Errorf("not exact: row sums off by %.2e, πP − π %.2e, detailed balance %.2e", rowErr, statErr, dbErr)
	}
}

func TestLangevinKernel(t *testing.T) {
	m := randomBoltzmann(t, 7, 0.7, 5)
	ex, pi := enumerate(t, m)
	for _, alpha := range []float64{0.1, 0.2, 0.5} {
		t.Run(fmt.Sprintf("dmala/alpha=%v", alpha), func(t *testing.T) {
			s := mustNew(t, "dmala", m, Options{StepSize: alpha}).(*langevinSampler)
			checkExact(t, langevinKernel(t, s, ex), pi, true)
		})
	}
	// DULA has no correction: its kernel is a proper Markov kernel whose
	// fixed point is near π but not π.
	s := mustNew(t, "dula", m, Options{}).(*langevinSampler)
	p := langevinKernel(t, s, ex)
	rowErr, statErr, _ := p.check(pi)
	tv := totalVariation(p.stationary(pi, 3000), pi)
	t.Logf("dula: row %.1e, πP−π %.1e, TV(stationary, π) %.4f", rowErr, statErr, tv)
	if rowErr > kernelTol {
		t.Errorf("dula rows sum off by %.2e", rowErr)
	}
	if statErr < 1e-6 {
		t.Errorf("dula leaves π invariant to %.1e; the test cannot tell a biased kernel", statErr)
	}
}

// plainModel hides every optional method of a model (SiteDeltas, …), so
// that the samplers take their generic path.
type plainModel struct{ ebm.Model }

func TestHeatBathKernel(t *testing.T) {
	m := randomBoltzmann(t, 7, 0.9, 6)
	ex, pi := enumerate(t, m)
	d := m.Domain().Sites
	for _, model := range []ebm.Model{m, plainModel{m}} {
		t.Run(fmt.Sprintf("gibbs/%T", model), func(t *testing.T) {
			s := mustNew(t, "gibbs", model, Options{}).(*heatBath)
			var all []kernel
			for i := range d {
				p := heatBathKernel(t, s, ex, []int32{int32(i)})
				if s.deltas != (model == ebm.Model(m)) {
					t.Fatalf("SiteDeltas used: %v", s.deltas)
				}
				checkExact(t, p, pi, true)
				all = append(all, p)
			}
			// rand-gibbs is the uniform mixture of the site kernels.
			checkExact(t, mix(all), pi, true)
		})
	}
	blocks := map[string][][]int32{
		"bg-2":   {{0, 1}, {3, 6}, {5}},
		"bg-3":   {{2, 4, 6}, {1, 0}},
		"hb-4-1": {{0, 2, 4, 6}, {1, 3, 5}, {5}},
		"hb-5-2": {{0, 1, 2, 3, 4}, {6, 5}},
	}
	for name, bl := range blocks {
		t.Run(name, func(t *testing.T) {
			s := mustNew(t, name, m, Options{}).(*heatBath)
			for _, b := range bl {
				checkExact(t, heatBathKernel(t, s, ex, b), pi, true)
			}
		})
	}
}

// randomPotts is a Potts model on a ring of d sites with one chord, K
// categories and random biases, small enough to enumerate.
func randomPotts(t testing.TB, d, k int, sigma float64, seed uint64) *ebm.Potts {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 9))
	var edges []ebm.IsingEdge
	for i := range d {
		edges = append(edges, ebm.IsingEdge{I: i, J: (i + 1) % d, Weight: float32(0.5 + rng.Float64())})
	}
	edges = append(edges, ebm.IsingEdge{I: 0, J: d / 2, Weight: 1})
	bias := make([]float32, d*k)
	for i := range bias {
		bias[i] = float32(rng.NormFloat64() * 0.5)
	}
	m, err := ebm.NewPotts(d, k, edges, sigma, bias)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestCategoricalKernel(t *testing.T) {
	m := randomPotts(t, 5, 3, 0.6, 1)
	ex, pi := enumerate(t, m)
	t.Run("gwg", func(t *testing.T) {
		s := mustNew(t, "gwg", m, Options{}).(*gwgSampler)
		checkExact(t, gwgKernel(t, s, ex), pi, true)
	})
	t.Run("gwg-wrong", func(t *testing.T) {
		s := mustNew(t, "gwg", m, Options{}).(*gwgSampler)
		s.symmetric = true
		_, statErr, _ := gwgKernel(t, s, ex).check(pi)
		if statErr < 1e-4 {
			t.Errorf("categorical GWG without its proposal ratio passes πP = π to %.1e", statErr)
		}
	})
	for _, model := range []ebm.Model{m, plainModel{m}} {
		t.Run(fmt.Sprintf("gibbs/%T", model), func(t *testing.T) {
			s := mustNew(t, "gibbs", model, Options{}).(*heatBath)
			var all []kernel
			for i := range m.Domain().Sites {
				p := heatBathKernel(t, s, ex, []int32{int32(i)})
				checkExact(t, p, pi, true)
				all = append(all, p)
			}
			checkExact(t, mix(all), pi, true)
		})
	}
	for _, name := range []string{"gwg-3", "gwg-exact-2", "dmala", "bg-2", "hb-3-1"} {
		if _, err := New(name, m, Options{}); err == nil {
			t.Errorf("%s accepted a one-hot model", name)
		}
	}
}

// TestRBMKernelExact runs the exactness check on a tiny RBM, whose f is a
// sum of softplus terms rather than a quadratic. Its parameters are
// multiples of 2⁻¹⁰, so that the float32 pre-activations of LogProb are
// exact and the float64 deltas of SiteDeltas and FlipSetDeltas describe the
// same distribution to 1e-15: their kernels must pass at 1e-9 too.
func TestRBMKernelExact(t *testing.T) {
	m, err := ebm.NewRandomRBM(7, 3, rand.New(rand.NewPCG(11, 12)))
	if err != nil {
		t.Fatal(err)
	}
	round := func(p []float32, scale float64) {
		for i, v := range p {
			p[i] = float32(math.Round(scale*float64(v)*1024) / 1024)
		}
	}
	round(m.W, 4) // couplings of order one, so that the target is far from a product
	round(m.Bv, 1)
	round(m.Bh, 1)
	ex, pi := enumerate(t, m)
	checkGradientKernels(t, m, ex, pi, "gwg", "gwg-3", "gwg-exact-3")
	for _, name := range []string{"hb-3-1", "bg-2"} {
		t.Run(name+"/FlipSetDeltas", func(t *testing.T) {
			s := mustNew(t, name, m, Options{}).(*heatBath)
			checkExact(t, heatBathKernel(t, s, ex, []int32{6, 0, 3}[:s.b]), pi, true)
			if !s.setDelta {
				t.Error("the sampler did not use the model's FlipSetDeltas")
			}
		})
	}
	t.Run("hb-3-1", func(t *testing.T) {
		s := mustNew(t, "hb-3-1", plainModel{m}, Options{}).(*heatBath)
		checkExact(t, heatBathKernel(t, s, ex, []int32{6, 0, 3}), pi, true)
	})
	t.Run("gibbs", func(t *testing.T) {
		s := mustNew(t, "gibbs", plainModel{m}, Options{}).(*heatBath)
		checkExact(t, heatBathKernel(t, s, ex, []int32{4}), pi, true)
	})
	t.Run("gibbs/SiteDeltas", func(t *testing.T) {
		s := mustNew(t, "gibbs", m, Options{}).(*heatBath)
		checkExact(t, heatBathKernel(t, s, ex, []int32{4}), pi, true)
		if !s.deltas {
			t.Error("gibbs did not use the model's SiteDeltas")
		}
	})
}

// TestIsingKernelExact: the paper's lattice Ising model on a periodic 3×3
// lattice, strong enough coupling to be bimodal; gibbs goes through the
// model's SiteDeltas.
func TestIsingKernelExact(t *testing.T) {
	m, err := ebm.NewLatticeIsing(3, 0.4, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	ex, pi := enumerate(t, m)
	checkGradientKernels(t, m, ex, pi, "gwg", "gwg-exact-3")
	t.Run("gibbs", func(t *testing.T) {
		s := mustNew(t, "gibbs", m, Options{}).(*heatBath)
		for i := range 9 {
			checkExact(t, heatBathKernel(t, s, ex, []int32{int32(i)}), pi, true)
		}
		if !s.deltas {
			t.Error("gibbs did not use the model's SiteDeltas")
		}
	})
	t.Run("hb-4-1", func(t *testing.T) {
		s := mustNew(t, "hb-4-1", m, Options{}).(*heatBath)
		checkExact(t, heatBathKernel(t, s, ex, []int32{8, 1, 4, 3}), pi, true)
	})
}

// TestDeepKernelExact runs the exactness check on a tiny Gorgonia energy
// (a 6-site binary MLP, float64 graph): the samplers see a deep model only
// through ebm.Model, so the same code must be exact on it too.
func TestDeepKernelExact(t *testing.T) {
	c, err := nn.Parse("mlp-8x2", 6, 2)
	if err != nil {
		t.Fatal(err)
	}
	dom := ebm.Domain{Sites: 6, Categories: 2}
	mu := ebm.BaseMean(dom, []float32{0.1, 0.5, 0.9, 0.5, 0.3, 0.2})
	m, err := deep.New(c, mu, rand.New(rand.NewPCG(5, 6)), deep.Float64())
	if err != nil {
		t.Fatal(err)
	}
	ex, pi := enumerate(t, m)
	checkGradientKernels(t, m, ex, pi, "gwg", "gwg-3", "gwg-exact-3")
	t.Run("gwg-wrong", func(t *testing.T) {
		s := mustNew(t, "gwg", m, Options{}).(*gwgSampler)
		s.symmetric = true
		_, statErr, _ := gwgKernel(t, s, ex).check(pi)
		if statErr < 1e-4 {
			t.Errorf("GWG without the reverse proposal looks exact on the deep model (πP − π = %.1e)", statErr)
		}
	})
}
