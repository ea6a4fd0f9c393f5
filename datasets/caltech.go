package datasets

import (
	"fmt"
	"math/rand/v2"
	"os"
)

// Caltech-101 Silhouettes files: the canonical split (what Download fetches)
// and the whole set, which we split ourselves when the former is absent.
const (
	caltechSplitFile = "caltech101_silhouettes_28_split1.mat"
	caltechAllFile   = "caltech101_silhouettes_28.mat"
)

// caltechSizes are the canonical split sizes; our seeded split of the whole
// set uses the same.
var caltechSizes = [3]int{4100, 2264, 2307}

// readCaltechSplit1 reads the canonical split file: variables train_data,
// val_data and test_data, each N×784.
func readCaltechSplit1(path string, sizes [3]int) (*Set, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	names := [3]string{"train_data", "val_data", "test_data"}
	vars, err := parseMAT(b, names[:]...)
	if err != nil {
		return nil, fmt.Errorf("datasets: reading %s: %w", path, err)
	}
	var splits [3][]float32
	for i, name := range names {
		splits[i], err = caltechImages(vars[name], sizes[i])
		if err != nil {
			return nil, fmt.Errorf("datasets: reading %s: %w", path, err)
		}
	}
	return caltechSet(splits), nil
}

// readCaltechAll reads the whole-set file (variable X, 8,671×784) and splits
// it with a fixed seed into sizes (which must add up to the image count).
// This is not the canonical split.
func readCaltechAll(path string, sizes [3]int) (*Set, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	vars, err := parseMAT(b, "X")
	if err != nil {
		return nil, fmt.Errorf("datasets: reading %s: %w", path, err)
	}
	total := sizes[0] + sizes[1] + sizes[2]
	all, err := caltechImages(vars["X"], total)
	if err != nil {
		return nil, fmt.Errorf("datasets: reading %s: %w", path, err)
	}
	perm := rand.New(rand.NewPCG(seedCaltechSplit, 0)).Perm(total)
	var splits [3][]float32
	start := 0
	for i, n := range sizes {
		splits[i] = make([]float32, n*Dim)
		for k, p := range perm[start : start+n] {
			copy(splits[i][k*Dim:(k+1)*Dim], all[p*Dim:(p+1)*Dim])
		}
		start += n
	}
	return caltechSet(splits), nil
}

// caltechImages converts a want×784 Caltech variable to row-major images
// with object = 1. The files store 1 = background, and each image's pixels
// column-major: pixel (r, c) is column r + 28c of the variable.
func caltechImages(x *matArray, want int) ([]float32, error) {
	n, cols, err := x.matrix2()
	if err != nil {
		return nil, err
	}
	if n != want || cols != Dim {
		return nil, fmt.Errorf("variable %q is %d×%d, want %d×%d", x.name, n, cols, want, Dim)
	}
	// Column r + 28c holds pixel (r, c); the file's 1 is background.
	return x.binaryRows(func(j int) int { return (j%Side)*Side + j/Side }, true)
}

func caltechSet(splits [3][]float32) *Set {
	const ds = "caltech"
	set := &Set{Name: ds}
	for i, p := range []**Split{&set.Train, &set.Valid, &set.Test} {
		*p = &Split{Dataset: ds, Name: splitNames[i], N: len(splits[i]) / Dim, Shape: ImageShape, Images: splits[i]}
	}
	return set
}

var splitNames = [3]string{"train", "valid", "test"}
