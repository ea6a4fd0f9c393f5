package datasets_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"

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

// A user's file of category codes: here a .npy of 10 examples × 4 sites,
// uint8 codes 0..2, written by hand (np.save writes the same).
func ExampleOpenFile() {
	dir, err := os.MkdirTemp("", "gwg-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	header := "{'descr': '|u1', 'fortran_order': False, 'shape': (10, 4), }"
	for (10+len(header)+1)%64 != 0 {
		header += " "
	}
	file := append([]byte("\x93NUMPY\x01\x00"), byte(len(header)+1), 0)
	file = append(file, header+"\n"...)
	for i := range 40 {
		file = append(file, byte(i%3))
	}
	path := filepath.Join(dir, "codes.npy")
	if err := os.WriteFile(path, file, 0o644); err != nil {
		fmt.Println(err)
		return
	}

	set, err := datasets.OpenFile(path, datasets.FileOptions{Valid: 2, Test: 0.2, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	s := set.Train.Shape
	fmt.Printf("%d × %d sites, K = %d; %d / %d / %d examples\n", s.Height, s.Width, s.Categories, set.Train.N, set.Valid.N, set.Test.N)
	fmt.Println(set.About)
	// Batches are one-hot: 4 sites × 3 categories per example.
	x := make([]float32, 2*s.ModelWidth())
	set.Train.Batch(x, []int{0, 1}, nil)
	fmt.Println(len(x), "values; frequencies:", len(set.Mean()))
	// Output:
	// 1 × 4 sites, K = 3; 6 / 2 / 2 examples
	// the single array codes; valid (2) and test (2) cut from 10 examples after a shuffle with seed 1; K = largest code 2 + 1
	// 24 values; frequencies: 12
}
