package ebm

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// latticeDense is the adjacency of the periodic L×L lattice as a dense
// matrix, built from coordinates independently of the model's edge list.
func latticeDense(l int) [][]float64 {
	d := l * l
	a := make([][]float64, d)
	for i := range a {
		a[i] = make([]float64, d)
	}
	for r := range l {
		for c := range l {
			for _, nb := range [][2]int{{r - 1, c}, {r + 1, c}, {r, c - 1}, {r, c + 1}} {
				j := (nb[0]+l)%l*l + (nb[1]+l)%l
				a[r*l+c][j] = 1
			}
		}
	}
	return a
}

// isingRef is sᵀJs + b·s by a double loop over a dense J.
func isingRef(j [][]float64, bias []float64) refFunc {
	return func(x []float64) float64 {
		var f float64
		for a := range x {
			sa := 2*x[a] - 1
			f += bias[a] * sa
			for b := range x {
				f += sa * j[a][b] * (2*x[b] - 1)
			}
		}
		return f
	}
}

func TestLatticeIsing(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for _, tc := range []struct {
		l           int
		sigma, bias float64
	}{{3, 0.1, 0}, {4, 0.25, 0.3}, {5, -0.4, -0.2}} {
		t.Run(fmt.Sprintf("L=%d σ=%v b=%v", tc.l, tc.sigma, tc.bias), func(t *testing.T) {
			m, err := NewLatticeIsing(tc.l, tc.sigma, tc.bias)
			if err != nil {
				t.Fatal(err)
			}
			d := tc.l * tc.l
			j := latticeDense(tc.l)
			bias := make([]float64, d)
			for a := range d {
				bias[a] = float64(float32(tc.bias))
				for b := range d {
					j[a][b] *= float64(float32(tc.sigma))
				}
			}
			checkModel(t, m, isingRef(j, bias), 4, 1e-6, rng)
			checkFlipDeltas(t, m, 4, 1e-9, rng)
			checkSiteDeltas(t, m, 4, 1e-9, rng)
			checkShapes(t, m)
			for i := range d {
				if nbr, _ := m.Neighbours(i); len(nbr) != 4 {
					t.Fatalf("site %d has %d neighbours", i, len(nbr))
				}
			}
		})
	}
}

// TestLatticeIsingKnownValue: with every spin up, sᵀJs = 4σD.
func TestLatticeIsingKnownValue(t *testing.T) {
	m, err := NewLatticeIsing(10, 0.125, 0)
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float32, 200)
	for i := range 100 {
		x[i] = 1 // chain 0 all up, chain 1 all down
	}
	f := make([]float64, 2)
	if err := m.LogProb(f, x); err != nil {
		t.Fatal(err)
	}
	if f[0] != 50 || f[1] != 50 {
		t.Errorf("f(all up), f(all down) = %v, want 4·0.125·100 = 50", f)
	}
}

func TestIsingArbitraryCouplings(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	const d = 7
	j := make([][]float64, d)
	for a := range j {
		j[a] = make([]float64, d)
	}
	var edges []IsingEdge
	for range 15 {
		a, b := rng.IntN(d), rng.IntN(d)
		if a == b {
			continue
		}
		w := float32(rng.NormFloat64())
		edges = append(edges, IsingEdge{I: a, J: b, Weight: w})
		j[a][b] += float64(w) // repeated edges add up
		j[b][a] += float64(w)
	}
	bias := make([]float32, d)
	bias64 := make([]float64, d)
	for a := range bias {
		bias[a] = float32(rng.NormFloat64())
		bias64[a] = float64(bias[a])
	}
	m, err := NewIsing(d, edges, bias)
	if err != nil {
		t.Fatal(err)
	}
	checkModel(t, m, isingRef(j, bias64), 5, 1e-5, rng)
	checkFlipDeltas(t, m, 5, 1e-9, rng)
	checkSiteDeltas(t, m, 5, 1e-9, rng)
}

func TestIsingErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		d     int
		edges []IsingEdge
		bias  []float32
	}{
		{"no sites", 0, nil, nil},
		{"bias length", 3, nil, make([]float32, 2)},
		{"edge out of range", 3, []IsingEdge{{I: 0, J: 3}}, make([]float32, 3)},
		{"negative site", 3, []IsingEdge{{I: -1, J: 2}}, make([]float32, 3)},
		{"self-coupling", 3, []IsingEdge{{I: 1, J: 1}}, make([]float32, 3)},
	} {
		if _, err := NewIsing(tc.d, tc.edges, tc.bias); err == nil {
			t.Errorf("%s: NewIsing returned no error", tc.name)
		}
	}
	if _, err := NewLatticeIsing(2, 0.1, 0); err == nil {
		t.Error("NewLatticeIsing accepted L = 2")
	}
	m, _ := NewLatticeIsing(3, 0.1, 0)
	if err := m.FlipDeltas(make([]float64, 9), make([]float32, 18)); err == nil {
		t.Error("FlipDeltas accepted 9 deltas for 2 chains")
	}
}

func benchIsing(b *testing.B, l int) (*Ising, []float32) {
	m, err := NewLatticeIsing(l, 0.1, 0)
	if err != nil {
		b.Fatal(err)
	}
	return m, randomStates(m.Domain(), benchChains, false, rand.New(rand.NewPCG(1, 1)))
}

func BenchmarkIsingLogProbGrad(b *testing.B) {
	for _, l := range []int{10, 40} {
		b.Run(fmt.Sprintf("L=%d", l), func(b *testing.B) {
			m, x := benchIsing(b, l)
			benchLogProbGrad(b, m, x)
		})
	}
}

func BenchmarkIsingFlipDeltas(b *testing.B) {
	for _, l := range []int{10, 40} {
		b.Run(fmt.Sprintf("L=%d", l), func(b *testing.B) {
			m, x := benchIsing(b, l)
			benchFlipDeltas(b, m, x)
		})
	}
}

// BenchmarkIsingSiteDeltas is the cost of one single-site Gibbs update of
// 100 chains: O(degree) per chain, independent of L.
func BenchmarkIsingSiteDeltas(b *testing.B) {
	for _, l := range []int{10, 40} {
		b.Run(fmt.Sprintf("L=%d", l), func(b *testing.B) {
			m, x := benchIsing(b, l)
			delta := make([]float64, 2*benchChains)
			sites := make([]int, benchChains)
			for c := range sites {
				sites[c] = (c * 7919) % (l * l)
			}
			b.ReportAllocs()
			for b.Loop() {
				if err := m.SiteDeltas(delta, x, sites); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
