package datasets_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/gwg-go/gwg/datasets"
)

// Dynamic MNIST needs no data directory: it is read from the Go module cache.
func ExampleOpen() {
	set, err := datasets.Open("dynamic_mnist", datasets.DataDir(""))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, sp := range set.Splits() {
		fmt.Printf("%s: %d images, dynamic %v\n", sp.Name, sp.N, sp.Dynamic)
	}
	// A training batch of 16, binarised afresh.
	b, err := datasets.NewBatcher(set.Train, 16, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		fmt.Println(err)
		return
	}
	x := make([]float32, 16*datasets.Dim)
	b.Next(x)
	fmt.Println(len(x), "values in the batch; base-distribution mean has", len(set.Mean()))
	// Output:
	// train: 50000 images, dynamic true
	// valid: 10000 images, dynamic false
	// test: 10000 images, dynamic false
	// 12544 values in the batch; base-distribution mean has 784
}
