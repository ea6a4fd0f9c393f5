package gwg

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gwg-go/gwg/ebm"
	"github.com/gwg-go/gwg/ebm/deep"
	"github.com/gwg-go/gwg/nn"
)

// The exactness tests build every registered sampler's one-step transition
// matrix P over every state of tiny models, from the kernel's own code
// (exactKernel: the MH kernel enumerates its proposal's moves and runs its
// acceptance on them, the heat-bath kernels list their candidates), and
// compare it with the enumerated target π: πP = π and detailed balance
// π(x)P(x, y) = π(y)P(y, x), part by part of the kernel's schedule. Nothing
// here knows a particular sampler: a newly registered one is covered.

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

// exactKernel is what every kernel of this package offers the tests: its
// transition distribution from a single chain, for each part of its
// schedule (a site, a block) separately.
type exactKernel interface {
	parts() int
	transitions(st *State, part int, visit func(y []float32, p float64)) error
}

// buildKernels returns the transition matrix of each part of k's schedule
// over the states of ex.
func buildKernels(t *testing.T, k Kernel, ex *ebm.Exact) []kernel {
	t.Helper()
	ek, ok := k.(exactKernel)
	if !ok {
		t.Fatalf("kernel %T cannot list its transitions", k)
	}
	dom := ex.Domain()
	x := make([]float32, dom.Width())
	ks := make([]kernel, ek.parts())
	for part := range ks {
		p := newKernel(ex.Len())
		for xi := range ex.Len() {
			ex.State(x, xi)
			var st State
			if err := st.Reset(dom, x); err != nil {
				t.Fatal(err)
			}
			var visitErr error
			err := ek.transitions(&st, part, func(y []float32, q float64) {
				yi, err := ex.Index(y)
				if err != nil {
					visitErr = err
				}
				p[xi][yi] += q
			})
			if err != nil || visitErr != nil {
				t.Fatal(err, visitErr)
			}
		}
		ks[part] = p
	}
	return ks
}

func mustKernel(t testing.TB, spec string, m ebm.Model) Kernel {
	t.Helper()
	k, err := NewKernel(MustParseSpec(spec), m)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func mustNew(t testing.TB, spec string, m ebm.Model) Sampler {
	t.Helper()
	s, err := New(spec, m)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func randomBoltzmann(t testing.TB, d int, sigma float64, seed uint64) *ebm.Boltzmann {
	t.Helper()
	m, err := ebm.NewRandomBoltzmann(d, sigma, rand.New(rand.NewPCG(seed, 1)))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func enumerate(t testing.TB, m ebm.Model) (*ebm.Exact, []float64) {
	t.Helper()
	ex, err := ebm.Enumerate(m)
	if err != nil {
		t.Fatal(err)
	}
	return ex, ex.Probs()
}

// plainModel hides every optional method of a model (SiteDeltas, …), so
// that the samplers take their generic path.
type plainModel struct{ ebm.Model }

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

type exactModel struct {
	name string
	m    ebm.Model
}

// exactModels are the models of the exactness tests: Boltzmann machines, a
// tiny RBM, the paper's lattice Ising model, a Gorgonia MLP energy and a
// Potts model, some also without their optional fast paths.
func exactModels(t *testing.T) []exactModel {
	rbm, err := ebm.NewRandomRBM(7, 3, rand.New(rand.NewPCG(11, 12)))
	if err != nil {
		t.Fatal(err)
	}
	// Parameters that are multiples of 2⁻¹⁰ make the float32
	// pre-activations of LogProb exact, so that the float64 deltas of
	// SiteDeltas and FlipSetDeltas describe the same distribution to 1e-15;
	// couplings of order one keep the target far from a product.
	round := func(p []float32, scale float64) {
		for i, v := range p {
			p[i] = float32(math.Round(scale*float64(v)*1024) / 1024)
		}
	}
	round(rbm.W, 4)
	round(rbm.Bv, 1)
	round(rbm.Bh, 1)
	ising, err := ebm.NewLatticeIsing(3, 0.4, 0.1) // periodic 3×3, bimodal
	if err != nil {
		t.Fatal(err)
	}
	c, err := nn.Parse("mlp-8x2", 6, 2)
	if err != nil {
		t.Fatal(err)
	}
	mu := ebm.BaseMean(ebm.Domain{Sites: 6, Categories: 2}, []float32{0.1, 0.5, 0.9, 0.5, 0.3, 0.2})
	mlp, err := deep.New(c, mu, rand.New(rand.NewPCG(5, 6)), deep.Float64())
	if err != nil {
		t.Fatal(err)
	}
	potts := randomPotts(t, 5, 3, 0.6, 1)
	boltz7 := randomBoltzmann(t, 7, 0.9, 6)
	return []exactModel{
		{"boltzmann-8", randomBoltzmann(t, 8, 0.7, 1)},
		{"boltzmann-6-strong", randomBoltzmann(t, 6, 1.5, 2)},
		{"boltzmann-7", boltz7},
		{"boltzmann-7-plain", plainModel{boltz7}},
		{"rbm-7x3", rbm},
		{"rbm-7x3-plain", plainModel{rbm}},
		{"ising-3x3", ising},
		{"mlp-6", mlp},
		{"potts-5x3", potts},
		{"potts-5x3-plain", plainModel{potts}},
	}
}

// exactSpecs are the specs the generic tests run: every registered
// sampler's examples, and a few non-default options.
func exactSpecs() []string {
	return append(Names(), "gwg-2", "gwg-exact-2", "gwg:tau=1", "dmala:step=0.1", "dmala:step=0.5", "hb-5-2", "hb-3-1", "bg-3")
}

// TestKernelsExact checks every registered sampler on every model it
// accepts: each part of its schedule must be a Markov kernel that leaves π
// invariant and satisfies detailed balance — except for samplers registered
// as Biased, whose fixed point must be seen to differ from π.
func TestKernelsExact(t *testing.T) {
	for _, mc := range exactModels(t) {
		ex, pi := enumerate(t, mc.m)
		for _, spec := range exactSpecs() {
			sp := MustParseSpec(spec)
			k, err := NewKernel(sp, mc.m)
			if err != nil {
				continue // the sampler does not fit the model: one-hot, block too large, …
			}
			if enumerationCost(k)*ex.Len() > maxEnumeration {
				continue // gwg-5 on 9 sites: checked on the smaller models
			}
			t.Run(mc.name+"/"+spec, func(t *testing.T) {
				ks := buildKernels(t, k, ex)
				if sp.reg.Biased {
					checkBiased(t, mix(ks), pi)
					return
				}
				for _, p := range ks {
					checkExact(t, p, pi)
				}
			})
		}
	}
}

// TestEverySamplerCovered: TestKernelsExact skips the specs that do not fit
// a model; every registered sampler must fit at least one.
func TestEverySamplerCovered(t *testing.T) {
	covered := map[string]bool{}
	models := exactModels(t)
	for _, spec := range exactSpecs() {
		sp := MustParseSpec(spec)
		for _, mc := range models {
			k, err := NewKernel(sp, mc.m)
			if err == nil && enumerationCost(k)<<mc.m.Domain().Width() <= maxEnumeration {
				covered[sp.Name()] = true
			}
		}
	}
	for _, r := range Registered() {
		if !covered[r.Name] {
			t.Errorf("sampler %s is checked on no model by TestKernelsExact", r.Name)
		}
	}
}

// maxEnumeration bounds the chain-evaluations that building one kernel's
// matrices may take.
const maxEnumeration = 1 << 20

// enumerationCost is the number of chains the kernel evaluates per state
// when it lists its transitions: one per move of an MH proposal.
func enumerationCost(k Kernel) int {
	if mk, ok := k.(*mhKernel); ok {
		if me, ok := mk.prop.(moveEnumerator); ok {
			return me.Moves()
		}
	}
	return 1
}

func checkExact(t *testing.T, p kernel, pi []float64) {
	t.Helper()
	rowErr, statErr, dbErr := p.check(pi)
	if rowErr > kernelTol || statErr > kernelTol || dbErr > kernelTol {
		t.Errorf("not exact: row sums off by %.2e, πP − π %.2e, detailed balance %.2e", rowErr, statErr, dbErr)
	}
}

// checkBiased: a proper Markov kernel whose fixed point is near π but not π.
func checkBiased(t *testing.T, p kernel, pi []float64) {
	t.Helper()
	rowErr, statErr, _ := p.check(pi)
	tv := totalVariation(p.stationary(pi, 3000), pi)
	t.Logf("biased kernel: row %.1e, πP−π %.1e, TV(stationary, π) %.4f", rowErr, statErr, tv)
	if rowErr > kernelTol {
		t.Errorf("rows sum off by %.2e", rowErr)
	}
	if statErr < 1e-6 {
		t.Errorf("leaves π invariant to %.1e; the test cannot tell a biased kernel", statErr)
	}
}

// TestWrongKernelDetected is a test of the test: every Metropolis–Hastings
// sampler without its proposal ratio must fail the exactness check by a
// wide margin.
func TestWrongKernelDetected(t *testing.T) {
	models := []exactModel{{"boltzmann-8", randomBoltzmann(t, 8, 0.7, 1)}, {"potts-5x3", randomPotts(t, 5, 3, 0.6, 1)}}
	for _, mc := range models {
		ex, pi := enumerate(t, mc.m)
		for _, spec := range Names() {
			k, err := NewKernel(MustParseSpec(spec), mc.m)
			if err != nil {
				continue
			}
			mh, ok := k.(*mhKernel)
			if !ok || !mh.mh || enumerationCost(k)*ex.Len() > maxEnumeration {
				continue
			}
			t.Run(mc.name+"/"+spec, func(t *testing.T) {
				mh.symmetric = true
				_, statErr, dbErr := mix(buildKernels(t, k, ex)).check(pi)
				t.Logf("wrong kernel: πP−π %.1e, detailed balance %.1e", statErr, dbErr)
				if statErr < 1e-4 || dbErr < 1e-4 {
					t.Errorf("the exactness check does not see a kernel without its proposal ratio (πP − π %.2e)", statErr)
				}
			})
		}
	}
}

// TestFastPathsTaken: the exactness models include ones with SiteDeltas and
// FlipSetDeltas, and the heat-bath kernels must really use them there.
func TestFastPathsTaken(t *testing.T) {
	rbm := testRBM(t, 7, 3, 1)
	for _, tc := range []struct {
		spec            string
		m               ebm.Model
		deltas, setDelt bool
	}{
		{"gibbs", rbm, true, false},
		{"gibbs", plainModel{rbm}, false, false},
		{"hb-3-1", rbm, true, true},
		{"bg-2", rbm, true, true},
		{"hb-3-1", plainModel{rbm}, false, false},
	} {
		s := mustKernel(t, tc.spec, tc.m).(*heatBath)
		s.setBlock([]int32{0, 1, 2}[:s.b])
		if s.deltas != tc.deltas || s.setDelta != tc.setDelt {
			t.Errorf("%s on %T: deltas %v, FlipSetDeltas %v; want %v, %v", tc.spec, tc.m, s.deltas, s.setDelta, tc.deltas, tc.setDelt)
		}
	}
}

// TestExactMultiFlipDominates checks the Peskun ordering of the two
// multi-flip acceptance rules: both are exact (TestKernelsExact), and the
// marginal MH ratio of gwg-exact-k moves off the current state at least as
// often as the paper's per-draw ratio, for every pair of states, because
// Σₜ min(aₜ, bₜ) ≤ min(Σₜ aₜ, Σₜ bₜ) over the draws t that flip the same set.
func TestExactMultiFlipDominates(t *testing.T) {
	m := randomBoltzmann(t, 6, 1.5, 2)
	ex, pi := enumerate(t, m)
	ref := buildKernels(t, mustKernel(t, "gwg-3", m), ex)[0]
	exact := buildKernels(t, mustKernel(t, "gwg-exact-3", m), ex)[0]
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
	ref := mustKernel(t, "gwg-3", m).(*mhKernel)
	exact := mustKernel(t, "gwg-exact-3", m).(*mhKernel)
	refP := ref.prop.(*gwgProposal)
	var moves [][maxDraws]int32
	for j := range refP.Moves() {
		var mv [maxDraws]int32
		for t := range 3 {
			mv[t] = int32(j % refP.width)
			j /= refP.width
		}
		if mv[0] == mv[1] || mv[0] == mv[2] || mv[1] == mv[2] {
			moves = append(moves, mv)
		}
	}
	type key struct {
		x    int
		draw [maxDraws]int32
	}
	flux := map[key]float64{}
	dest := map[key]int{}
	var differ int
	w := refP.width
	xs := make([]float32, len(moves)*w)
	var sts [2]State // sts[0].X: ref's proposals
	for x := range ex.Len() {
		for c := range moves {
			ex.State(xs[c*w:(c+1)*w], x)
		}
		for i, k := range []*mhKernel{ref, exact} {
			st := &sts[i]
			if err := st.Reset(m.Domain(), xs); err != nil {
				t.Fatal(err)
			}
			if err := k.Init(st); err != nil {
				t.Fatal(err)
			}
			for c, mv := range moves {
				k.prop.(*gwgProposal).setMove(c, mv[:3], st.X[c*w:(c+1)*w], st.Grad[c*w:(c+1)*w])
			}
			if err := k.evaluate(st); err != nil {
				t.Fatal(err)
			}
		}
		for c, mv := range moves {
			kk := key{x, mv}
			flux[kk] = pi[x] * math.Exp(ref.logFwd[c]) * acceptProb(ref.logAlpha[c])
			y, _ := ex.Index(sts[0].X[c*w : (c+1)*w])
			dest[kk] = y
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

func TestOneHotRejected(t *testing.T) {
	m := randomPotts(t, 5, 3, 0.6, 1)
	for _, name := range []string{"gwg-3", "gwg-exact-2", "dmala", "dula", "bg-2", "hb-3-1", "rbm-gibbs"} {
		if _, err := New(name, m); err == nil {
			t.Errorf("%s accepted a one-hot model", name)
		}
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
