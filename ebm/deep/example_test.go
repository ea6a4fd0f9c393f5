package deep_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/gwg-go/gwg/ebm"
	"github.com/gwg-go/gwg/ebm/deep"
	"github.com/gwg-go/gwg/nn"
)

// A tiny deep model over 6 binary sites: an mlp of two hidden layers of 8
// units over a Bernoulli base, cheap enough for exact enumeration.
func ExampleNew() {
	c, err := nn.Parse("mlp-8x2", 6, 2)
	if err != nil {
		panic(err)
	}
	dom := ebm.Domain{Sites: 6, Categories: 2}
	dataMean := []float32{0.1, 0.5, 0.9, 0.5, 0.5, 0.2}
	rng := rand.New(rand.NewPCG(1, 2))
	d, err := deep.New(c, ebm.BaseMean(dom, dataMean), rng)
	if err != nil {
		panic(err)
	}
	x := []float32{ // two chains
		1, 0, 1, 1, 0, 0,
		0, 1, 1, 0, 1, 1,
	}
	f, grad := make([]float64, 2), make([]float32, len(x))
	if err := d.LogProbGrad(f, grad, x); err != nil {
		panic(err)
	}
	fmt.Println(c, len(d.Params()), "parameter tensors")
	fmt.Println(f[0] != f[1], len(grad))
	// Output:
	// mlp-8x2 6 parameter tensors
	// true 12
}
