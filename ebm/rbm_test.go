package ebm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// rbmRef is f(v) by plain loops in float64.
func rbmRef(m *RBM) refFunc {
	return func(v []float64) float64 {
		var s float64
		for i := range m.D {
			s += v[i] * float64(m.Bv[i])
		}
		for j := range m.H {
			a := float64(m.Bh[j])
			for i := range m.D {
				a += float64(m.W[j*m.D+i]) * v[i]
			}
			s += math.Log1p(math.Exp(a))
		}
		return s
	}
}

var rbmSizes = []struct{ d, h int }{{1, 1}, {5, 3}, {12, 7}, {30, 40}}

func TestRBMGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, sz := range rbmSizes {
		t.Run(fmt.Sprintf("%dx%d", sz.d, sz.h), func(t *testing.T) {
			m, err := NewRandomRBM(sz.d, sz.h, rng)
			if err != nil {
				t.Fatal(err)
			}
			checkModel(t, m, rbmRef(m), 5, 1e-4, rng)
			checkFlipDeltas(t, m, 5, 1e-4, rng)
			checkSiteDeltas(t, m, 5, 1e-4, rng)
			checkShapes(t, m)
		})
	}
}

// TestRBMFlipDeltasLargeWeights forces one-factor chunks in FlipDeltas.
func TestRBMFlipDeltasLargeWeights(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	m, err := NewRandomRBM(6, 5, rng)
	if err != nil {
		t.Fatal(err)
	}
	for k := range m.W {
		m.W[k] *= 3000
	}
	m.W[0] = 700
	checkFlipDeltas(t, m, 3, 1e-4, rng)
	checkSiteDeltas(t, m, 3, 1e-4, rng)
	checkFlipSetDeltas(t, m, 3, false, 1e-4, rng)
	// Weights around the switch between the two forms, and many units whose
	// product must be renormalised.
	m, err = NewRandomRBM(4, 3000, rng)
	if err != nil {
		t.Fatal(err)
	}
	for k := range m.W {
		m.W[k] *= 80
	}
	checkFlipDeltas(t, m, 3, 1e-4, rng)
	checkSiteDeltas(t, m, 3, 1e-4, rng)
	checkFlipSetDeltas(t, m, 3, false, 1e-4, rng)
}

// TestRBMWide crosses the 512-unit chunks in which the softplus sums take
// their logarithms: f with 1100 hidden units, log Z with 1100 visible ones.
func TestRBMWide(t *testing.T) {
	rng := rand.New(rand.NewPCG(33, 34))
	m, err := NewRandomRBM(7, 1100, rng)
	if err != nil {
		t.Fatal(err)
	}
	x := randomStates(m.Domain(), 3, false, rng)
	f := make([]float64, 3)
	if err := m.LogProb(f, x); err != nil {
		t.Fatal(err)
	}
	for c := range 3 {
		if want := rbmRef(m)(widen(x[c*7 : (c+1)*7])); !near(f[c], want, 1e-6) {
			t.Errorf("chain %d: f = %v, want %v", c, f[c], want)
		}
	}
	m, err = NewRandomRBM(1100, 3, rng)
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.LogZ()
	if err != nil {
		t.Fatal(err)
	}
	terms := make([]float64, 8)
	for k := range terms {
		for j := range 3 {
			terms[k] += float64(k>>j&1) * float64(m.Bh[j])
		}
		for i := range m.D {
			a := float64(m.Bv[i])
			for j := range 3 {
				a += float64(k>>j&1) * float64(m.W[j*m.D+i])
			}
			terms[k] += math.Log1p(math.Exp(a))
		}
	}
	if want := logSumExp(terms); !near(got, want, 1e-12) {
		t.Errorf("log Z = %v, want %v", got, want)
	}
}

func TestRBMLogZ(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	for _, sz := range []struct{ d, h int }{{1, 1}, {4, 1}, {8, 5}, {10, 9}} {
		m, err := NewRandomRBM(sz.d, sz.h, rng)
		if err != nil {
			t.Fatal(err)
		}
		for k := range m.W {
			m.W[k] *= 4 // stronger couplings than the paper's, a harder test
		}
		got, err := m.LogZ()
		if err != nil {
			t.Fatal(err)
		}
		e, err := Enumerate(m)
		if err != nil {
			t.Fatal(err)
		}
		if !near(got, e.LogZ(), 1e-6) {
			t.Errorf("%d×%d: LogZ %v, enumeration over visibles %v", sz.d, sz.h, got, e.LogZ())
		}
	}
	big, _ := NewRBM(3, MaxExactHidden+1)
	if _, err := big.LogZ(); err == nil {
		t.Errorf("LogZ accepted %d hidden units", MaxExactHidden+1)
	}
}

// TestRBMConditionals checks the block Gibbs halves against exact
// conditional probabilities: HiddenProbs and VisibleProbs against plain
// loops, and the empirical frequencies of SampleHidden and SampleVisible over
// many copies of one conditioning state within 5σ.
func TestRBMConditionals(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	m, err := NewRandomRBM(7, 4, rng)
	if err != nil {
		t.Fatal(err)
	}
	for k := range m.W {
		m.W[k] *= 5
	}
	v := randomStates(m.Domain(), 1, false, rng)
	h := []float32{1, 0, 1, 1}
	wantH := make([]float64, m.H)
	for j := range m.H {
		a := float64(m.Bh[j])
		for i := range m.D {
			a += float64(m.W[j*m.D+i]) * float64(v[i])
		}
		wantH[j] = 1 / (1 + math.Exp(-a))
	}
	wantV := make([]float64, m.D)
	for i := range m.D {
		a := float64(m.Bv[i])
		for j := range m.H {
			a += float64(m.W[j*m.D+i]) * float64(h[j])
		}
		wantV[i] = 1 / (1 + math.Exp(-a))
	}
	const n = 20000
	vs := make([]float32, n*m.D)
	hs := make([]float32, n*m.H)
	for c := range n {
		copy(vs[c*m.D:], v)
		copy(hs[c*m.H:], h)
	}
	cases := []struct {
		name   string
		want   []float64
		probs  func(p []float32) error
		sample func(out []float32) error
		out    []float32
	}{
		{"hidden", wantH,
			func(p []float32) error { return m.HiddenProbs(p, v) },
			func(out []float32) error { return m.SampleHidden(out, vs, rng) },
			make([]float32, n*m.H)},
		{"visible", wantV,
			func(p []float32) error { return m.VisibleProbs(p, h) },
			func(out []float32) error { return m.SampleVisible(out, hs, rng) },
			make([]float32, n*m.D)},
	}
	for _, tc := range cases {
		w := len(tc.want)
		p := make([]float32, w)
		if err := tc.probs(p); err != nil {
			t.Fatal(err)
		}
		if err := tc.sample(tc.out); err != nil {
			t.Fatal(err)
		}
		for k, want := range tc.want {
			if !near(float64(p[k]), want, 1e-6) {
				t.Errorf("%s unit %d: probability %v, want %v", tc.name, k, p[k], want)
			}
			var s float64
			for c := range n {
				s += float64(tc.out[c*w+k])
			}
			sd := math.Sqrt(want*(1-want)/n) + 1e-12
			if got := s / n; math.Abs(got-want) > 5*sd {
				t.Errorf("%s unit %d: frequency %v, probability %v (σ %v)", tc.name, k, got, want, sd)
			}
		}
	}
	if err := m.SampleHidden(make([]float32, 5), v, rng); err == nil {
		t.Error("SampleHidden accepted 5 hidden values for one chain of 4")
	}
	if err := m.SampleVisible(v, make([]float32, 3), rng); err == nil {
		t.Error("SampleVisible accepted 3 hidden values")
	}
}

// TestRBMBlockGibbsStationary runs block Gibbs on a tiny RBM and compares
// the visited visible states with the enumerated distribution.
func TestRBMBlockGibbsStationary(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 20))
	m, err := NewRandomRBM(5, 3, rng)
	if err != nil {
		t.Fatal(err)
	}
	e, err := Enumerate(m)
	if err != nil {
		t.Fatal(err)
	}
	const chains, steps = 200, 200
	v := randomStates(m.Domain(), chains, false, rng)
	h := make([]float32, chains*m.H)
	counts := make([]float64, e.Len())
	for s := range steps {
		if err := m.SampleHidden(h, v, rng); err != nil {
			t.Fatal(err)
		}
		if err := m.SampleVisible(v, h, rng); err != nil {
			t.Fatal(err)
		}
		if s < 20 {
			continue
		}
		for c := range chains {
			k, err := e.Index(v[c*m.D : (c+1)*m.D])
			if err != nil {
				t.Fatal(err)
			}
			counts[k]++
		}
	}
	total := float64(chains * (steps - 20))
	var tv float64
	for k, p := range e.Probs() {
		tv += math.Abs(counts[k]/total-p) / 2
	}
	// 36,000 nearly independent draws over 32 states: the expected total
	// variation is about 0.01.
	if tv > 0.03 {
		t.Errorf("total variation between block Gibbs and the exact distribution is %v", tv)
	}
}

func TestRBMErrors(t *testing.T) {
	if _, err := NewRBM(0, 3); err == nil {
		t.Error("NewRBM accepted 0 visible units")
	}
	m, _ := NewRBM(3, 2)
	m.W = m.W[:5]
	if err := m.LogProb(make([]float64, 1), make([]float32, 3)); err == nil {
		t.Error("LogProb accepted a weight matrix of the wrong size")
	}
	if err := m.FlipDeltas(make([]float64, 3), make([]float32, 3)); err == nil {
		t.Error("FlipDeltas accepted a weight matrix of the wrong size")
	}
}

func ExampleNewRandomRBM() {
	rng := rand.New(rand.NewPCG(1, 2))
	m, err := NewRandomRBM(10, 4, rng)
	if err != nil {
		fmt.Println(err)
		return
	}
	logZ, err := m.LogZ() // a sum over the 2^4 hidden states
	if err != nil {
		fmt.Println(err)
		return
	}
	e, err := Enumerate(m) // a sum over the 2^10 visible states
	if err != nil {
		fmt.Println(err)
		return
	}
	x := make([]float32, m.D)
	e.State(x, 1023)
	fmt.Printf("log Z over hidden %.4f, over visible %.4f\n", logZ, e.LogZ())
	fmt.Printf("states %d, all-ones state %v, its probability %.2e\n", e.Len(), x, math.Exp(e.LogProbs()[1023]))
	// Output:
	// log Z over hidden 10.4427, over visible 10.4427
	// states 1024, all-ones state [1 1 1 1 1 1 1 1 1 1], its probability 1.72e-04
}

// checkFlipSetDeltas compares FlipSetDeltas, for a random block per chain
// (the same for the first two chains) and every subset of it, with
// differences of LogProb, at binary or relaxed states (a flip maps v to
// 1 − v).
func checkFlipSetDeltas(t *testing.T, m *RBM, n int, relaxed bool, tol float64, rng *rand.Rand) {
	t.Helper()
	b := min(m.D, 5)
	x := randomStates(m.Domain(), n, relaxed, rng)
	block := make([]int32, n*b)
	for c := range n {
		for t, i := range rng.Perm(m.D)[:b] {
			block[c*b+t] = int32(i)
		}
	}
	copy(block[b:2*b], block[:b])
	nm := 1 << b
	masks := make([]uint32, n*nm)
	for k := range masks {
		masks[k] = uint32(k % nm)
	}
	delta := make([]float64, len(masks))
	if err := m.FlipSetDeltas(delta, x, block, masks); err != nil {
		t.Fatal(err)
	}
	f0, f1 := make([]float64, n), make([]float64, n)
	logProb := m.LogProb
	if tol < 1e-9 { // beyond LogProb's float32 exponential: the float64 reference
		ref := rbmRef(m)
		logProb = func(f []float64, x []float32) error {
			for c := range f {
				f[c] = ref(widen(x[c*m.D : (c+1)*m.D]))
			}
			return nil
		}
	}
	if err := logProb(f0, x); err != nil {
		t.Fatal(err)
	}
	for mask := range nm {
		y := append([]float32(nil), x...)
		for c := range n {
			for t := range b {
				if mask&(1<<t) != 0 {
					i := c*m.D + int(block[c*b+t])
					y[i] = 1 - y[i]
				}
			}
		}
		if err := logProb(f1, y); err != nil {
			t.Fatal(err)
		}
		for c := range n {
			if got, want := delta[c*nm+mask], f1[c]-f0[c]; !near(got, want, tol) {
				t.Fatalf("chain %d mask %#x: delta %v, LogProb difference %v", c, mask, got, want)
			}
		}
	}
	for _, bad := range []func(){
		func() { block[0] = int32(m.D) },
		func() { masks[1] = 1 << b },
	} {
		blk, msk := append([]int32(nil), block...), append([]uint32(nil), masks...)
		bad()
		if err := m.FlipSetDeltas(delta, x, block, masks); err == nil {
			t.Error("FlipSetDeltas accepted a bad block or mask")
		}
		block, masks = blk, msk
	}
	if err := m.FlipSetDeltas(delta[1:], x, block, masks[1:]); err == nil {
		t.Error("FlipSetDeltas accepted masks that are not whole chains")
	}
}

// TestRBMFlipSetDeltas checks the flip-set deltas on random RBMs against
// LogProb, and to 1e-12 on one whose parameters are multiples of 2⁻¹⁰,
// where the pre-activations are exact in float32 and the deltas must agree
// with the float64 reference.
func TestRBMFlipSetDeltas(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	for _, sz := range rbmSizes {
		t.Run(fmt.Sprintf("%dx%d", sz.d, sz.h), func(t *testing.T) {
			m, err := NewRandomRBM(sz.d, sz.h, rng)
			if err != nil {
				t.Fatal(err)
			}
			checkFlipSetDeltas(t, m, 4, false, 1e-5, rng)
			checkFlipSetDeltas(t, m, 4, true, 1e-5, rng)
			quantize(m, 4)
			checkFlipSetDeltas(t, m, 4, false, 1e-12, rng)
		})
	}
}

// quantize scales the weights of m by scale and rounds every parameter to a
// multiple of 2⁻¹⁰, so that sums of a few of them are exact in float32.
func quantize(m *RBM, scale float32) {
	round := func(p []float32, s float32) {
		for k, v := range p {
			p[k] = float32(math.Round(float64(v*s)*1024) / 1024)
		}
	}
	round(m.W, scale)
	round(m.Bv, 1)
	round(m.Bh, 1)
}
