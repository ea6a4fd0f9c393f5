package datasets

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func graySplit(n int) *Split {
	s := &Split{Dataset: "test", Name: "train", N: n, Shape: ImageShape, Images: make([]float32, n*Dim), Dynamic: true}
	for k := range s.Images {
		s.Images[k] = float32(k%Dim) / Dim // pixel j has probability j/784
	}
	return s
}

func TestBatchStatic(t *testing.T) {
	s := &Split{N: 5, Shape: ImageShape, Images: testImages(5)}
	dst := make([]float32, 2*Dim)
	s.Batch(dst, []int{3, 1}, nil)
	if !slices.Equal(dst[:Dim], s.Image(3)) || !slices.Equal(dst[Dim:], s.Image(1)) {
		t.Error("static batch is not a copy of the images")
	}
}

func TestBatchDynamic(t *testing.T) {
	// Each pixel's frequency of ones over many draws must match its gray
	// value within 5 standard errors.
	s := graySplit(1)
	rng := rand.New(rand.NewPCG(1, 2))
	const draws = 4000
	ones := make([]int, Dim)
	dst := make([]float32, Dim)
	for range draws {
		s.Batch(dst, []int{0}, rng)
		for k, v := range dst {
			if v != 0 && v != 1 {
				t.Fatalf("value %v not binary", v)
			}
			ones[k] += int(v)
		}
	}
	for k, c := range ones {
		p := float64(s.Images[k])
		se := math.Sqrt(p*(1-p)/draws) + 1e-9
		if got := float64(c) / draws; math.Abs(got-p) > 5*se {
			t.Errorf("pixel %d: frequency %.4f, want %.4f ± %.4f", k, got, p, 5*se)
		}
	}
}

func TestBinarized(t *testing.T) {
	s := graySplit(3)
	a := s.Binarized(rand.New(rand.NewPCG(7, 7)))
	b := s.Binarized(rand.New(rand.NewPCG(7, 7)))
	if a.Dynamic || !slices.Equal(a.Images, b.Images) {
		t.Error("Binarized with the same seed must give the same static split")
	}
	static := &Split{N: 1, Shape: ImageShape, Images: testImages(1)}
	if static.Binarized(nil) != static {
		t.Error("Binarized of a static split must return it unchanged")
	}
}

func TestMean(t *testing.T) {
	set := &Set{Train: &Split{N: 2, Shape: ImageShape, Images: append(testImages(1), make([]float32, Dim)...)}}
	m := set.Mean()
	for k, v := range testImages(1) {
		if m[k] != v/2 {
			t.Fatalf("mean[%d] = %v, want %v", k, m[k], v/2)
		}
	}
}

func TestBatcher(t *testing.T) {
	s := &Split{N: 10, Shape: ImageShape, Images: make([]float32, 10*Dim)}
	for i := range 10 {
		s.Image(i)[0] = float32(i)
	}
	b, err := NewBatcher(s, 3, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if b.PerEpoch() != 3 {
		t.Errorf("PerEpoch = %d, want 3", b.PerEpoch())
	}
	dst := make([]float32, 3*Dim)
	for epoch := 1; epoch <= 3; epoch++ {
		seen := map[int]bool{}
		for range b.PerEpoch() {
			idx := b.Next(dst)
			if b.Epoch() != epoch {
				t.Fatalf("Epoch = %d, want %d", b.Epoch(), epoch)
			}
			for k, i := range idx {
				if seen[i] {
					t.Fatalf("image %d twice in epoch %d", i, epoch)
				}
				seen[i] = true
				if dst[k*Dim] != float32(i) {
					t.Fatalf("batch slot %d holds image %v, want %d", k, dst[k*Dim], i)
				}
			}
		}
		if len(seen) != 9 {
			t.Errorf("epoch %d saw %d images, want 9", epoch, len(seen))
		}
	}
	for _, size := range []int{0, 11} {
		if _, err := NewBatcher(s, size, nil); err == nil {
			t.Errorf("batch size %d accepted", size)
		}
	}
}

func ExampleBatcher() {
	// A split of 100 gray images, drawn in batches of 32 with dynamic
	// binarisation; the last 4 images of each epoch's permutation are dropped.
	s := graySplit(100)
	b, err := NewBatcher(s, 32, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		panic(err)
	}
	x := make([]float32, 32*Dim)
	for range 2 * b.PerEpoch() {
		b.Next(x)
	}
	fmt.Println(b.PerEpoch(), "batches per epoch; epoch", b.Epoch())
	// Output: 3 batches per epoch; epoch 2
}

func BenchmarkBatchDynamic(b *testing.B) {
	s := graySplit(100)
	rng := rand.New(rand.NewPCG(1, 2))
	idx := make([]int, 100)
	for i := range idx {
		idx[i] = i
	}
	dst := make([]float32, 100*Dim)
	b.ReportAllocs()
	for b.Loop() {
		s.Batch(dst, idx, rng)
	}
}

// codeSplit is a categorical split of n examples of 3 sites and 4
// categories: site j of example i is (i+j) % 4.
func codeSplit(n int) *Split {
	s := &Split{Dataset: "test", Name: "train", N: n, Shape: Shape{Height: 1, Width: 3, Categories: 4}, Codes: make([]uint16, n*3)}
	for k := range s.Codes {
		s.Codes[k] = uint16((k/3 + k%3) % 4)
	}
	return s
}

func TestBatchCategorical(t *testing.T) {
	s := codeSplit(5)
	dst := make([]float32, 2*12)
	for k := range dst {
		dst[k] = 9 // stale values must be overwritten
	}
	s.Batch(dst, []int{4, 1}, nil)
	want := []float32{
		1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, // example 4: codes 0, 1, 2
		0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, // example 1: codes 1, 2, 3
	}
	if !slices.Equal(dst, want) {
		t.Errorf("one-hot batch\n got %v\nwant %v", dst, want)
	}
	defer func() {
		if recover() == nil {
			t.Error("Batch with a short dst did not panic")
		}
	}()
	s.Batch(dst[:23], []int{4, 1}, nil)
}

func TestMeanCategorical(t *testing.T) {
	set := &Set{Train: codeSplit(4)}
	m := set.Mean()
	if len(m) != 12 {
		t.Fatalf("len(Mean) = %d, want 12 (3 sites × 4 categories)", len(m))
	}
	// Over 4 examples every site takes each category once.
	for k, v := range m {
		if v != 0.25 {
			t.Fatalf("mean[%d] = %v, want 0.25", k, v)
		}
	}
}

func TestBatcherCategorical(t *testing.T) {
	s := codeSplit(6)
	b, err := NewBatcher(s, 4, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	dst := make([]float32, 4*12)
	idx := b.Next(dst)
	for bi, i := range idx {
		for j, c := range s.Code(i) {
			if dst[bi*12+j*4+int(c)] != 1 {
				t.Fatalf("batch row %d (example %d) site %d is not one-hot at %d", bi, i, j, c)
			}
		}
	}
}
