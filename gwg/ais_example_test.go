package gwg_test

import (
	"fmt"
	"log"
	"math/rand/v2"

	"github.com/gwg-go/gwg/ebm"
	"github.com/gwg-go/gwg/gwg"
)

// Estimate log Z of a small Boltzmann machine, whose exact value is known
// by enumeration, and the mean log-likelihood of some states.
func ExampleAIS() {
	rng := rand.New(rand.NewPCG(1, 2))
	model, err := ebm.NewRandomBoltzmann(10, 0.5, rng)
	if err != nil {
		log.Fatal(err)
	}
	base, err := gwg.NewBase(model.Domain(), nil) // uniform over {0, 1}^10
	if err != nil {
		log.Fatal(err)
	}
	res, err := gwg.AIS(model, base, gwg.AISOptions{Temperatures: 500, Chains: 100, Repeats: 4}, rng)
	if err != nil {
		log.Fatal(err)
	}
	exact, err := ebm.Enumerate(model)
	if err != nil {
		log.Fatal(err)
	}
	// The estimate itself varies with the seed; its error does not exceed
	// 0.1 nat at this length.
	fmt.Printf("exact log Z = %.2f, AIS within 0.1: %v\n", exact.LogZ(), abs(res.LogZ-exact.LogZ()) < 0.1)

	data := make([]float32, 3*10) // three states: all off, all on, alternating
	for i := range 10 {
		data[10+i] = 1
		data[20+i] = float32(i % 2)
	}
	meanF, err := gwg.MeanLogProb(model, data, 0)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("mean log-likelihood within 0.1 of exact: %v\n", abs(res.LogLikelihood(meanF)-(meanF-exact.LogZ())) < 0.1)
	// Output:
	// exact log Z = 10.09, AIS within 0.1: true
	// mean log-likelihood within 0.1 of exact: true
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
