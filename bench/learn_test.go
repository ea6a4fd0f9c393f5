package bench

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/gwg-go/gwg/ckpt"
	"github.com/gwg-go/gwg/ebm"
	"github.com/gwg-go/gwg/gwg"
)

// exactMoments returns ⟨vvᵀ⟩ (W×W) and log Z of a pairwise model by
// enumerating its states.
func exactMoments(t *testing.T, m *ebm.Pairwise) ([]float32, float64) {
	t.Helper()
	e, err := ebm.Enumerate(m)
	if err != nil {
		t.Fatal(err)
	}
	w := m.Domain().Width()
	x := make([]float32, w)
	v := make([]float32, w)
	c := make([]float64, w*w)
	for k, p := range e.Probs() {
		e.State(x, k)
		m.SpinValues(v, x)
		for a := range w {
			for b := range w {
				c[a*w+b] += p * float64(v[a]) * float64(v[b])
			}
		}
	}
	out := make([]float32, w*w)
	for i, s := range c {
		out[i] = float32(s)
	}
	return out, e.LogZ()
}

func randomCouplings(w int, sigma float64, rng *rand.Rand) []float32 {
	j := make([]float32, w*w)
	for i := range j {
		j[i] = float32(sigma * rng.NormFloat64())
	}
	return j
}

func newPairwise(t *testing.T, d, k int, j, b []float32) *ebm.Pairwise {
	t.Helper()
	var m *ebm.Pairwise
	var err error
	if k > 2 {
		m, err = ebm.NewPairwisePotts(d, k, j, b)
	} else {
		m, err = ebm.NewPairwiseIsing(d, j, b)
	}
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestCouplingGradient checks the PCD gradient, fed the exact model
// moments, against central finite differences of the exact negative mean
// log-likelihood −mean f(data) + log Z, for Ising and Potts.
func TestCouplingGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct{ d, k int }{{4, 2}, {3, 3}} {
		w := tc.d
		if tc.k > 2 {
			w = tc.d * tc.k
		}
		j := randomCouplings(w, 0.4, rng)
		b := make([]float32, w)
		m := newPairwise(t, tc.d, tc.k, j, b)
		j, _ = m.Couplings()
		data := uniformStates(m.Domain(), 40, rng)
		vd := make([]float32, len(data))
		m.SpinValues(vd, data)
		cData := make([]float32, w*w)
		gram(cData, vd, 40, w)
		cModel, _ := exactMoments(t, m)
		grad := make([]float32, w*w)
		couplingGrad(grad, cData, cModel, j, blockOf(m.Domain()), 0)
		nll := func(j []float32) float64 {
			mm := newPairwise(t, tc.d, tc.k, j, b)
			f := make([]float64, 40)
			if err := mm.LogProb(f, data); err != nil {
				t.Fatal(err)
			}
			_, logZ := exactMoments(t, mm)
			return logZ - mean(f)
		}
		const h = 1e-3
		blk := blockOf(m.Domain())
		for p := range w {
			for q := p + 1; q < w; q++ {
				if p/blk == q/blk {
					if grad[p*w+q] != 0 {
						t.Fatalf("d=%d k=%d: gradient %v on the self-coupling (%d, %d)", tc.d, tc.k, grad[p*w+q], p, q)
					}
					continue
				}
				jp := append([]float32(nil), j...)
				jp[p*w+q] += h
				jp[q*w+p] += h
				up := nll(jp)
				jp[p*w+q] -= 2 * h
				jp[q*w+p] -= 2 * h
				down := nll(jp)
				// Moving both entries moves f by twice the per-entry gradient.
				fd := (up - down) / (2 * h) / 2
				if math.Abs(float64(grad[p*w+q])-fd) > 2e-3 {
					t.Fatalf("d=%d k=%d (%d, %d): gradient %v, finite difference %v", tc.d, tc.k, p, q, grad[p*w+q], fd)
				}
			}
		}
	}
}

// TestLearnRecoversExact runs the learner's update (couplingGrad and Adam)
// with exact expectations on both sides: it must converge to the true
// couplings (in the zero-sum gauge for Potts).
func TestLearnRecoversExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct{ d, k int }{{5, 2}, {3, 3}} {
		w := tc.d
		if tc.k > 2 {
			w = tc.d * tc.k
		}
		bias := randomCouplings(w, 0.3, rng)[:w]
		truth := newPairwise(t, tc.d, tc.k, randomCouplings(w, 0.3, rng), bias)
		jt, _ := truth.Couplings()
		p := &Problem{Dom: truth.Domain(), J: jt}
		cData, _ := exactMoments(t, truth)
		m := newPairwise(t, tc.d, tc.k, make([]float32, w*w), bias)
		j, _ := m.Couplings()
		opt := newAdam(w*w, 0.02)
		grad := make([]float32, w*w)
		start := couplingRMSE(p, j)
		for range 1500 {
			cModel, _ := exactMoments(t, m)
			couplingGrad(grad, cData, cModel, j, blockOf(m.Domain()), 0)
			opt.step(j, grad)
			m.Changed()
		}
		if got := couplingRMSE(p, j); got > 0.01 || got > start/10 {
			t.Errorf("d=%d k=%d: RMSE %v after learning with exact expectations (start %v)", tc.d, tc.k, got, start)
		}
	}
}

// TestLearnPCD is a short PCD run on a small lattice with sampled data: the
// error must fall well below that of the initial couplings, for Ising and
// Potts.
func TestLearnPCD(t *testing.T) {
	if testing.Short() {
		t.Skip("long empirical run: skipped under -short (make test runs it)")
	}
	ising, err := LatticeIsingProblem(3, 0.2)
	if err != nil {
		t.Fatal(err)
	}
	potts, err := LatticePottsProblem(3, 3, 0.2)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, p := range []*Problem{ising, potts} {
		data, check, err := GenerateData(p, 1000, 100, 1, dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !check.OK() {
			t.Errorf("%s: %v", p.Name, check)
		}
		again, _, err := GenerateData(p, 1000, 100, 1, dir, nil)
		if err != nil || !equalFloats(again, data) {
			t.Fatalf("%s: cached ground truth differs (err %v)", p.Name, err)
		}
		res, err := Learn(p, data, LearnConfig{Samplers: []string{"gibbs", "gwg"}, Steps: []int{5}, Iters: 400, LR: 0.01, L1: -1, Seed: 2})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range res.Curves {
			if c.Final() > res.InitLogRMSE-0.3 {
				t.Errorf("%s, %s: log10 RMSE %v, initial %v", p.Name, c.Sampler, c.Final(), res.InitLogRMSE)
			}
			if s := c.Sigma[len(c.Sigma)-1]; math.Abs(s-0.2) > 0.05 {
				t.Errorf("%s, %s: learned σ %v, true 0.2", p.Name, c.Sampler, s)
			}
		}
		if err := res.WriteFiles(dir, "learn-test"); err != nil {
			t.Fatal(err)
		}
		checkCSV(t, filepath.Join(dir, "learn-test-curves.csv"), 1+2*len(res.Curves[0].Iter))
		checkPNG(t, filepath.Join(dir, "learn-test-rmse-k.png"))
		paths, err := res.SaveModels(dir, "learn-test")
		if err != nil || len(paths) != 2 {
			t.Fatalf("saved %v: %v", paths, err)
		}
		c, err := ckpt.Load(paths[1])
		if err != nil {
			t.Fatal(err)
		}
		m, err := ebm.Load(c, false)
		if err != nil || m.Domain() != p.Dom {
			t.Fatalf("loading a learned model: %v", err)
		}
		// AIS works on a learned model: against the exact log Z.
		exact, err := ebm.Enumerate(m)
		if err != nil {
			t.Fatal(err)
		}
		base, err := gwg.NewBase(p.Dom, nil)
		if err != nil {
			t.Fatal(err)
		}
		ais, err := gwg.AIS(m, base, gwg.AISOptions{Temperatures: 500, Chains: 100, Repeats: 2}, rand.New(rand.NewPCG(1, 1)))
		if err != nil {
			t.Fatal(err)
		}
		if d := math.Abs(ais.LogZ - exact.LogZ()); d > 0.05+4*ais.StdErr {
			t.Errorf("%s: AIS log Z %v ± %v, exact %v", p.Name, ais.LogZ, ais.StdErr, exact.LogZ())
		}
		checkPNG(t, filepath.Join(dir, "learn-test-rmse-steps-K5.png"))
	}
}

func equalFloats(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestCompareMoments feeds the convergence check two samples of the same
// distribution, then of different ones: it must tell them apart.
func TestCompareMoments(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	n, w := 2000, 6
	a := make([]float32, n*w)
	b := make([]float32, n*w)
	for i := range a {
		a[i] = float32(2*rng.IntN(2) - 1)
		b[i] = float32(2*rng.IntN(2) - 1)
	}
	zm, zp := compareMoments(a, b, n, w, 1)
	if zm > 1.6 || zp > 1.6 {
		t.Errorf("same distribution: z %v, %v; want about 1", zm, zp)
	}
	for i := range b {
		if rng.Float64() < 0.2 {
			b[i] = 1
		}
	}
	if zm, _ := compareMoments(a, b, n, w, 1); zm < 3 {
		t.Errorf("biased second run: z(magnetisation) %v; want large", zm)
	}
}

// TestContactScore works one example by hand: three sites with two states,
// only the pair (0, 1) coupled by the block [[1, 0], [0, 0]], whose
// zero-sum form is ±¼ with Frobenius norm ½; APC then gives
// ½ − ¼·¼/(1/6) = ⅛ for (0, 1) and 0 elsewhere.
func TestContactScore(t *testing.T) {
	d, k := 3, 2
	w := d * k
	j := make([]float32, w*w)
	j[0*w+1*k+0] = 1
	j[(1*k+0)*w+0] = 1
	s := ContactScores(j, d, k)
	want := []float64{0, 0.125, 0, 0.125, 0, 0, 0, 0, 0}
	for i := range want {
		if math.Abs(s[i]-want[i]) > 1e-12 {
			t.Fatalf("scores %v, want %v", s, want)
		}
	}
	// Precision of the top-d pairs with |i − j| ≥ 2 among d = 5 sites.
	d = 5
	scores := make([]float64, d*d)
	set := func(i, j int, v float64) { scores[i*d+j], scores[j*d+i] = v, v }
	set(0, 2, 5)
	set(0, 3, 4)
	set(1, 4, 3)
	set(2, 4, 2)
	set(0, 4, 1)
	set(1, 3, 0.5)
	contacts := make([]bool, d*d)
	contacts[0*d+2], contacts[1*d+4], contacts[1*d+3] = true, true, true
	top := TopContacts(scores, d, 2, 5)
	if top[0] != (Contact{0, 2, 5}) || top[4] != (Contact{0, 4, 1}) {
		t.Errorf("top contacts %v", top)
	}
	if got := ContactPrecision(scores, contacts, d, 2); got != 2.0/5 {
		t.Errorf("precision %v, want 2/5", got)
	}
}

// TestPLMGradient checks the pseudo-likelihood gradient against central
// finite differences of its objective.
func TestPLMGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	d, k, n := 3, 3, 30
	w := d * k
	m := newPairwise(t, d, k, randomCouplings(w, 0.5, rng), make([]float32, w))
	j, _ := m.Couplings()
	b := randomCouplings(w, 1, rng)[:w]
	data := uniformStates(m.Domain(), n, rng)
	logits, resid := make([]float32, n*w), make([]float32, n*w)
	gj, gb := make([]float32, w*w), make([]float32, w)
	obj := func(j, b []float32) float64 {
		return plmGrad(make([]float32, w*w), make([]float32, w), j, b, data, make([]float32, n*w), make([]float32, n*w), d, k, 0.1, 0.05)
	}
	plmGrad(gj, gb, j, b, data, logits, resid, d, k, 0.1, 0.05)
	const h = 1e-3
	for p := range w {
		for q := p + k - p%k; q < w; q++ {
			jp := append([]float32(nil), j...)
			jp[p*w+q] += h
			jp[q*w+p] += h
			up := obj(jp, b)
			jp[p*w+q] -= 2 * h
			jp[q*w+p] -= 2 * h
			fd := (up - obj(jp, b)) / (2 * h) / 2
			if math.Abs(float64(gj[p*w+q])-fd) > 1e-3 {
				t.Fatalf("J(%d, %d): gradient %v, finite difference %v", p, q, gj[p*w+q], fd)
			}
		}
		bp := append([]float32(nil), b...)
		bp[p] += h
		up := obj(j, bp)
		bp[p] -= 2 * h
		if fd := (up - obj(j, bp)) / (2 * h); math.Abs(float64(gb[p])-fd) > 1e-3 {
			t.Fatalf("b(%d): gradient %v, finite difference %v", p, gb[p], fd)
		}
	}
}
