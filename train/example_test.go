package train_test

import (
	"fmt"

	"github.com/gwg-go/gwg/train"
)

func ExamplePreset() {
	c, err := train.Preset("paper", "dynamic_mnist", "resnet-64")
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s on %s: %s with K = %d, %d iterations of batch %d, lr %g warmed up over %d, buffer %d (%s)\n",
		c.Model, c.Dataset, c.Sampler, c.Steps, c.Iters, c.Batch, c.LR, c.Warmup, c.BufferSize, c.BufferInit)
	// Output:
	// resnet-64 on dynamic_mnist: gwg with K = 40, 50000 iterations of batch 100, lr 0.0001 warmed up over 10000, buffer 10000 (base)
}

func ExampleLearningRate() {
	for _, it := range []int{0, 4, 9, 100} {
		fmt.Printf("iteration %d: %.2g\n", it, train.LearningRate(1e-4, 10, it))
	}
	// Output:
	// iteration 0: 1e-05
	// iteration 4: 5e-05
	// iteration 9: 0.0001
	// iteration 100: 0.0001
}
