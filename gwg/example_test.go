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

func ExampleParseSpec() {
	sp, err := ParseSpec("gwg:k=3,tau=1")
	fmt.Println(sp, err)
	_, err = ParseSpec("gwg:temp=1")
	fmt.Println(err)
	// Output:
	// gwg-3:tau=1 <nil>
	// gwg: sampler "gwg:temp=1": unknown option "temp" (valid: k, tau)
}

// A driver can own the chains' State and hand it to a Kernel, reading f and
// ∇ₓf at the states directly.
func ExampleNewKernel() {
	m, _ := ebm.NewRandomBoltzmann(10, 0.5, rand.New(rand.NewPCG(1, 2)))
	k, err := NewKernel(MustParseSpec("gwg-barker"), m)
	if err != nil {
		fmt.Println(err)
		return
	}
	var st State
	if err := st.Reset(m.Domain(), make([]float32, 4*10)); err != nil {
		fmt.Println(err)
		return
	}
	if err := k.Init(&st); err != nil {
		fmt.Println(err)
		return
	}
	rng := rand.New(rand.NewPCG(7, 8))
	for range 100 {
		if err := k.Step(&st, rng); err != nil {
			fmt.Println(err)
			return
		}
	}
	fmt.Println(st.N(), len(st.F), len(st.Grad), st.Keeps == KeepF|KeepGrad, st.Stats.Transitions)
	// Output: 4 4 40 true 400
}
