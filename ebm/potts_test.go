package ebm

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// pottsRef is Σᵢⱼ Gᵢⱼ xᵢᵀMxⱼ + Σ b·x by explicit loops over site pairs and
// category pairs, with M built entry by entry.
func pottsRef(g [][]float64, k int, sigma float64, bias []float64) refFunc {
	mix := func(a, b int) float64 {
		if a == b {
			return sigma
		}
		return -sigma
	}
	return func(x []float64) float64 {
		var f float64
		for i := range g {
			for a := range k {
				f += bias[i*k+a] * x[i*k+a]
			}
			for j := range g {
				for a := range k {
					for b := range k {
						f += g[i][j] * x[i*k+a] * mix(a, b) * x[j*k+b]
					}
				}
			}
		}
		return f
	}
}

func TestLatticePotts(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 26))
	for _, tc := range []struct {
		l, k        int
		sigma, bias float64
	}{{3, 3, 0.1, 0}, {4, 2, 0.5, 0.25}, {3, 5, -0.3, 0.1}} {
		t.Run(fmt.Sprintf("L=%d K=%d σ=%v", tc.l, tc.k, tc.sigma), func(t *testing.T) {
			m, err := NewLatticePotts(tc.l, tc.k, tc.sigma, tc.bias)
			if err != nil {
				t.Fatal(err)
			}
			d := tc.l * tc.l
			bias := make([]float64, d*tc.k)
			for i := range bias {
				bias[i] = float64(float32(tc.bias))
			}
			ref := pottsRef(latticeDense(tc.l), tc.k, tc.sigma, bias)
			checkModel(t, m, ref, 3, 1e-6, rng)
			checkSiteDeltas(t, m, 3, 1e-9, rng)
			checkShapes(t, m)
		})
	}
}

func TestPottsArbitraryCouplings(t *testing.T) {
	rng := rand.New(rand.NewPCG(27, 28))
	const d, k = 5, 3
	g := make([][]float64, d)
	for i := range g {
		g[i] = make([]float64, d)
	}
	var edges []IsingEdge
	for i := range d {
		for j := i + 1; j < d; j++ {
			w := float32(rng.NormFloat64())
			edges = append(edges, IsingEdge{I: i, J: j, Weight: w})
			g[i][j], g[j][i] = float64(w), float64(w)
		}
	}
	bias := make([]float32, d*k)
	bias64 := make([]float64, d*k)
	for i := range bias {
		bias[i] = float32(rng.NormFloat64())
		bias64[i] = float64(bias[i])
	}
	m, err := NewPotts(d, k, edges, 0.7, bias)
	if err != nil {
		t.Fatal(err)
	}
	checkModel(t, m, pottsRef(g, k, 0.7, bias64), 4, 1e-5, rng)
	checkSiteDeltas(t, m, 4, 1e-9, rng)
}

// TestLatticePottsKnownValue: in a uniform state every one of the 4D ordered
// neighbour pairs agrees and adds σ; in a checkerboard of two categories on
// an even lattice every pair disagrees.
func TestLatticePottsKnownValue(t *testing.T) {
	m, err := NewLatticePotts(4, 3, 0.25, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float32, 2*16*3)
	for r := range 4 {
		for c := range 4 {
			i := r*4 + c
			x[i*3+2] = 1
			x[48+i*3+(r+c)%2] = 1
		}
	}
	f := make([]float64, 2)
	if err := m.LogProb(f, x); err != nil {
		t.Fatal(err)
	}
	if want := 4*0.25*16 + 0.5*16; f[0] != want {
		t.Errorf("uniform state: f = %v, want %v", f[0], want)
	}
	if want := -4*0.25*16 + 0.5*16; f[1] != want {
		t.Errorf("checkerboard: f = %v, want %v", f[1], want)
	}
}

func TestPottsErrors(t *testing.T) {
	if _, err := NewPotts(3, 1, nil, 0.1, make([]float32, 3)); err == nil {
		t.Error("NewPotts accepted one category")
	}
	if _, err := NewPotts(3, 3, nil, 0.1, make([]float32, 8)); err == nil {
		t.Error("NewPotts accepted 8 biases for 3×3")
	}
	if _, err := NewPotts(3, 3, []IsingEdge{{I: 0, J: 0}}, 0.1, make([]float32, 9)); err == nil {
		t.Error("NewPotts accepted a self-edge")
	}
	if _, err := NewLatticePotts(2, 3, 0.1, 0); err == nil {
		t.Error("NewLatticePotts accepted L = 2")
	}
}

func BenchmarkPottsLogProbGrad(b *testing.B) {
	m, err := NewLatticePotts(10, 3, 0.1, 0)
	if err != nil {
		b.Fatal(err)
	}
	benchLogProbGrad(b, m, randomStates(m.Domain(), benchChains, false, rand.New(rand.NewPCG(1, 1))))
}
