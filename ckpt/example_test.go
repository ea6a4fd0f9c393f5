package ckpt_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/gwg-go/gwg/ckpt"
)

func Example() {
	dir, err := os.MkdirTemp("", "ckpt-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	// Two chains of four binary sites, one bit each in the file.
	buffer, err := ckpt.PackBits([]float32{1, 0, 0, 1, 0, 1, 1, 1}, 4)
	if err != nil {
		log.Fatal(err)
	}
	c := &ckpt.Checkpoint{
		Model:    ckpt.ModelSpec{Kind: "deep", Arch: "mlp-tiny", Ints: map[string]int{"width": 2}},
		Params:   []ckpt.Tensor{{Name: "w", Shape: []int{4, 2}, Data: []float32{1, 2, 3, 4, 5, 6, 7, 8}}},
		BaseMean: []float32{0.1, 0.2, 0.3, 0.4},
		Dataset:  "toy",
		Train:    &ckpt.TrainState{Iteration: 100, Buffer: buffer},
		Created:  time.Now(),
	}
	path := filepath.Join(dir, "toy.ckpt")
	if err := ckpt.Save(path, c); err != nil {
		log.Fatal(err)
	}

	got, err := ckpt.Load(path)
	if err != nil {
		log.Fatal(err)
	}
	x := make([]float32, got.Train.Buffer.Rows*got.Train.Buffer.Width)
	if err := ckpt.UnpackBits(x, got.Train.Buffer); err != nil {
		log.Fatal(err)
	}
	fmt.Println(got.Model.Arch, got.Params[0].Shape, got.NumParams(), "parameters")
	fmt.Println("iteration", got.Train.Iteration, "buffer", x)
	// Output:
	// mlp-tiny [4 2] 8 parameters
	// iteration 100 buffer [1 0 0 1 0 1 1 1]
}
