package gwg

import (
	"fmt"
	"math/rand/v2"

	"github.com/gwg-go/gwg/ebm"
)

func ExampleNew() {
	m, _ := ebm.NewRandomBoltzmann(10, 0.5, rand.New(rand.NewPCG(1, 2)))
	s, err := New("gwg", m)
	if err != nil {
		fmt.Println(err)
		return
	}
	x := make([]float32, 4*10) // four chains, all sites 0
	if err := s.Init(x); err != nil {
		fmt.Println(err)
		return
	}
	rng := rand.New(rand.NewPCG(7, 8))
	for range 100 {
		if err := s.Step(rng); err != nil {
			fmt.Println(err)
			return
		}
	}
	st := s.Stats()
	fmt.Println(st.Steps, st.Transitions, st.GradEvals)
	// Output: 100 400 404
}

func ExampleESS() {
	// Two dimensions, six samples: one alternates (its lag-1 autocorrelation
	// is negative, so the sum stops at once and ESS = N), one never moves.
	trace := []float64{
		0, 1,
		1, 1,
		0, 1,
		1, 1,
		0, 1,
		1, 1,
	}
	ess, _ := ESS(trace, 2)
	fmt.Println(ess)
	// Output: [6 1]
}

func ExampleMMDReference() {
	truth := []float32{0, 0, 0, 0, 1, 1, 1, 1} // two reference rows of width 4
	ref, _ := NewMMDReference(truth, 4)
	same, _ := ref.MMD2(truth)
	// Each row of x is at Hamming distance 2 from each reference row:
	// MMD² = 2·(2 + 2e^{−1})/4 − 2e^{−1/2} ≈ 0.155.
	off, _ := ref.LogMMD([]float32{0, 1, 0, 1, 1, 0, 1, 0})
	fmt.Printf("%.3g %.3f\n", same, off)
	// Output: 0 -0.810
}
