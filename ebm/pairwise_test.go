package ebm

import (
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	"github.com/gwg-go/gwg/ckpt"
)

// pairwiseRef is vᵀJv + b·v by a plain double loop, v the spins (Ising) or
// the state itself (Potts).
func pairwiseRef(m *Pairwise) refFunc {
	j, b := m.Couplings()
	return func(x []float64) float64 {
		v := slices.Clone(x)
		if !m.Domain().OneHot {
			for i := range v {
				v[i] = 2*v[i] - 1
			}
		}
		var s float64
		for p := range v {
			s += float64(b[p]) * v[p]
			for q := range v {
				s += v[p] * float64(j[p*len(v)+q]) * v[q]
			}
		}
		return s
	}
}

func randomPairwise(t *testing.T, d, k int, rng *rand.Rand) *Pairwise {
	t.Helper()
	w := d
	if k > 2 {
		w = d * k
	}
	j := make([]float32, w*w)
	b := make([]float32, w)
	for i := range j {
		j[i] = float32(0.5 * rng.NormFloat64())
	}
	for i := range b {
		b[i] = float32(rng.NormFloat64())
	}
	var m *Pairwise
	var err error
	if k > 2 {
		m, err = NewPairwisePotts(d, k, j, b)
	} else {
		m, err = NewPairwiseIsing(d, j, b)
	}
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestPairwise(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct{ d, k int }{{1, 2}, {6, 2}, {13, 2}, {2, 3}, {5, 4}} {
		m := randomPairwise(t, tc.d, tc.k, rng)
		checkModel(t, m, pairwiseRef(m), 4, 1e-5, rng)
		checkSiteDeltas(t, m, 4, 1e-9, rng)
		checkShapes(t, m)
		j, _ := m.Couplings()
		w, blk := m.Domain().Width(), m.block()
		for p := range w {
			for q := range w {
				if j[p*w+q] != j[q*w+p] || (p/blk == q/blk && j[p*w+q] != 0) {
					t.Fatalf("d=%d k=%d: J[%d,%d] = %v, J[%d,%d] = %v: not symmetric with zero self-couplings", tc.d, tc.k, p, q, j[p*w+q], q, p, j[q*w+p])
				}
			}
		}
	}
}

// TestPairwiseCache walks chains by single-site moves and a few large jumps,
// as samplers do, and compares the cached evaluations with the reference;
// then it changes J and checks that Changed drops the cache.
func TestPairwiseCache(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, k := range []int{2, 3} {
		m := randomPairwise(t, 12, k, rng)
		dom := m.Domain()
		w, n := dom.Width(), 3
		x := randomStates(dom, n, false, rng)
		f := make([]float64, n)
		grad := make([]float32, n*w)
		check := func(step int) {
			t.Helper()
			if err := m.LogProbGrad(f, grad, x); err != nil {
				t.Fatal(err)
			}
			ref := pairwiseRef(m)
			for c := range n {
				if want := ref(widen(x[c*w : (c+1)*w])); !near(f[c], want, 1e-9) {
					t.Fatalf("K=%d step %d chain %d: cached f %v, reference %v", k, step, c, f[c], want)
				}
			}
		}
		for step := range 3000 {
			for c := range n {
				moves := 1
				if step%500 == 499 {
					moves = dom.Sites // a jump past the incremental limit
				}
				for range moves {
					i := rng.IntN(dom.Sites)
					if dom.OneHot {
						clear(x[c*w+i*k : c*w+(i+1)*k])
						x[c*w+i*k+rng.IntN(k)] = 1
					} else {
						x[c*w+i] = 1 - x[c*w+i]
					}
				}
			}
			check(step)
		}
		j, b := m.Couplings()
		j[1] += 0.75
		j[w] += 0.75
		b[0] -= 1
		m.Changed()
		check(-1)
	}
}

func TestPairwiseErrors(t *testing.T) {
	if _, err := NewPairwiseIsing(3, make([]float32, 8), make([]float32, 3)); err == nil {
		t.Error("NewPairwiseIsing accepted 8 couplings for 3 sites")
	}
	if _, err := NewPairwisePotts(2, 3, make([]float32, 36), make([]float32, 5)); err == nil {
		t.Error("NewPairwisePotts accepted 5 biases for 2 sites × 3 categories")
	}
	if _, err := NewPairwisePotts(2, 1, make([]float32, 4), make([]float32, 2)); err == nil {
		t.Error("NewPairwisePotts accepted 1 category")
	}
}

// BenchmarkPairwiseFlip measures a gradient evaluation after one flip per
// chain, the cost a GWG step pays: O(W), not O(W²).
func BenchmarkPairwiseFlip(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	d, n := 400, 64
	j := make([]float32, d*d)
	for i := range j {
		j[i] = float32(0.01 * rng.NormFloat64())
	}
	m, err := NewPairwiseIsing(d, j, make([]float32, d))
	if err != nil {
		b.Fatal(err)
	}
	x := randomStates(m.Domain(), n, false, rng)
	f := make([]float64, n)
	grad := make([]float32, n*d)
	b.ReportAllocs()
	for b.Loop() {
		for c := range n {
			i := c*d + rng.IntN(d)
			x[i] = 1 - x[i]
		}
		if err := m.LogProbGrad(f, grad, x); err != nil {
			b.Fatal(err)
		}
	}
}

// TestPairwiseCheckpoint saves Ising and Potts pairwise models in
// checkpoint files and loads them back through the registry.
func TestPairwiseCheckpoint(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, k := range []int{2, 4} {
		m := randomPairwise(t, 5, k, rng)
		c, err := NewCheckpoint(m, nil, "toy", ckpt.Shape{Height: 1, Width: 5, Categories: k}, "test")
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "m.gwg")
		if err := ckpt.Save(path, c); err != nil {
			t.Fatal(err)
		}
		if c, err = ckpt.Load(path); err != nil {
			t.Fatal(err)
		}
		got, err := Load(c, false)
		if err != nil {
			t.Fatal(err)
		}
		x := randomStates(m.Domain(), 10, false, rng)
		f, g := make([]float64, 10), make([]float64, 10)
		if err := m.LogProb(f, x); err != nil {
			t.Fatal(err)
		}
		if err := got.LogProb(g, x); err != nil {
			t.Fatal(err)
		}
		if got.Domain() != m.Domain() || !slices.Equal(f, g) {
			t.Errorf("K=%d: round trip changed the model: f %v, want %v", k, g[:2], f[:2])
		}
	}
}
