package ebm

import (
	"math/rand/v2"
	"testing"
)

// boltzmannRef is xᵀWx + b·x by a plain double loop.
func boltzmannRef(m *Boltzmann) refFunc {
	w, b := m.Couplings()
	return func(x []float64) float64 {
		var s float64
		for i := range x {
			s += float64(b[i]) * x[i]
			for j := range x {
				s += x[i] * float64(w[i*len(x)+j]) * x[j]
			}
		}
		return s
	}
}

func TestBoltzmann(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, d := range []int{1, 5, 12} {
		m, err := NewRandomBoltzmann(d, 0.8, rng)
		if err != nil {
			t.Fatal(err)
		}
		checkModel(t, m, boltzmannRef(m), 4, 1e-5, rng)
		checkFlipDeltas(t, m, 4, 1e-9, rng)
		checkSiteDeltas(t, m, 4, 1e-9, rng)
		checkShapes(t, m)
	}
}

func TestBoltzmannSymmetrises(t *testing.T) {
	// A non-symmetric W with a diagonal gives the same f as its symmetric part.
	w := []float32{0.5, 2, 0, -1}
	m, err := NewBoltzmann(w, []float32{0.25, -0.5})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(9, 10))
	ref := func(x []float64) float64 {
		var s float64 = 0.25*x[0] - 0.5*x[1]
		for i := range 2 {
			for j := range 2 {
				s += x[i] * float64(w[i*2+j]) * x[j]
			}
		}
		return s
	}
	checkModel(t, m, ref, 3, 1e-6, rng)
	checkFlipDeltas(t, m, 3, 1e-9, rng)
	checkSiteDeltas(t, m, 3, 1e-9, rng)
}

func TestBoltzmannErrors(t *testing.T) {
	if _, err := NewBoltzmann(make([]float32, 3), make([]float32, 2)); err == nil {
		t.Error("NewBoltzmann accepted 3 couplings for 2 sites")
	}
	if _, err := NewBoltzmann(nil, nil); err == nil {
		t.Error("NewBoltzmann accepted no sites")
	}
	if _, err := NewRandomBoltzmann(0, 1, rand.New(rand.NewPCG(1, 1))); err == nil {
		t.Error("NewRandomBoltzmann accepted 0 sites")
	}
}
