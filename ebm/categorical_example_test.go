package ebm_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/gwg-go/gwg/ebm"
)

// A categorical base from the category frequencies of training data: two
// sites of three categories, smoothed as the reference does so that no
// category has probability 0.
func ExampleNewCategorical() {
	freq := []float32{
		0.5, 0.5, 0, // site 0: never category 2
		0, 0, 1, // site 1: always category 2
	}
	base, err := ebm.NewCategorical(2, 3, ebm.SmoothFrequencies(freq, 3))
	if err != nil {
		panic(err)
	}
	fmt.Printf("p(site 0) = %.4f\n", base.Probs()[:3])
	// log p of the state (category 0, category 2), one-hot.
	f := make([]float64, 1)
	if err := base.LogProb(f, []float32{1, 0, 0, 0, 0, 1}); err != nil {
		panic(err)
	}
	fmt.Printf("log p(0, 2) = %.4f\n", f[0])
	codes := make([]uint16, 2*4) // four chains, as category codes
	if err := base.SampleCodes(codes, rand.New(rand.NewPCG(3, 4))); err != nil {
		panic(err)
	}
	fmt.Println("draws:", codes)
	// Output:
	// p(site 0) = [0.4983 0.4983 0.0033]
	// log p(0, 2) = -0.7031
	// draws: [0 2 1 2 0 2 0 2]
}
