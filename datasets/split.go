package datasets

import (
	"fmt"
	"github.com/gwg-go/gwg/internal/bernoulli"
	"math/rand/v2"
)

// Side is the height and width of every image; Dim is the pixels per image.
const (
	Side = 28
	Dim  = Side * Side
)

// Shape is the layout of one example of a data set: Height × Width sites,
// row-major, each taking one of Categories values. Data that is not an image
// has Height 1. Categories is 2 for binary data, whose examples are stored as
// values in [0, 1] (Split.Images); categorical data (Categories > 2) is
// stored as integer codes (Split.Codes) and fed to models one-hot.
type Shape struct {
	Height, Width int
	Categories    int
}

// Sites is the number of variables of one example, D = Height × Width.
func (s Shape) Sites() int { return s.Height * s.Width }

// Binary reports whether the examples are binary (Categories = 2).
func (s Shape) Binary() bool { return s.Categories == 2 }

// ModelWidth is the number of float32 values one example takes as a model's
// input: D for binary data, D × K one-hot values for categorical data.
func (s Shape) ModelWidth() int {
	if s.Binary() {
		return s.Sites()
	}
	return s.Sites() * s.Categories
}

// ImageShape is the shape of the built-in binary image sets.
var ImageShape = Shape{Height: Side, Width: Side, Categories: 2}

// Split is N examples of one Shape. The built-in image sets are 28×28
// binary images: 784 float32 values each, row-major (pixel (r, c) of image i
// is Images[i*Dim+r*Side+c]), in [0, 1], with 1 the ink, digit stroke or
// object.
type Split struct {
	Dataset string // "static_mnist", "dynamic_mnist", "omniglot", "caltech", …
	Name    string // "train", "valid" or "test"
	N       int
	// Shape of every example; every constructor sets it (ImageShape for
	// the built-in image sets).
	Shape  Shape
	Images []float32 // N×Sites values in [0, 1], binary data only
	// Codes holds categorical data, N×Sites category indices in
	// [0, Categories); nil for binary data.
	Codes []uint16
	// Dynamic marks gray images that are binarised afresh, each pixel
	// Bernoulli(gray value), at every draw (Batch). Otherwise the images are
	// stored binary and drawn as they are.
	Dynamic bool
}

// Image returns binary example i (a sub-slice of Images, not a copy).
func (s *Split) Image(i int) []float32 {
	d := s.Shape.Sites()
	return s.Images[i*d : (i+1)*d]
}

// Code returns the category codes of categorical example i (a sub-slice of
// Codes, not a copy).
func (s *Split) Code(i int) []uint16 {
	d := s.Shape.Sites()
	return s.Codes[i*d : (i+1)*d]
}

// Batch writes the examples idx into dst as a model reads them, which must
// hold len(idx)×Shape.ModelWidth() values: binary examples as they are
// (a Dynamic split binarised with draws from rng; otherwise rng may be nil),
// categorical ones one-hot, site by site (value k of site j of an example at
// j×K + k). Batch panics if dst is too short or an index is out of range,
// like a slice access.
func (s *Split) Batch(dst []float32, idx []int, rng *rand.Rand) {
	w := s.Shape.ModelWidth()
	if w <= 0 {
		panic(fmt.Sprintf("datasets: Batch: split %s/%s has no Shape", s.Dataset, s.Name))
	}
	if len(dst) < len(idx)*w {
		panic(fmt.Sprintf("datasets: Batch: dst has %d values, want %d", len(dst), len(idx)*w))
	}
	for b, i := range idx {
		out := dst[b*w : (b+1)*w]
		switch {
		case s.Codes != nil:
			OneHot(out, s.Code(i), s.Shape.Categories)
		case s.Dynamic:
			bernoulli.DrawEach(out, s.Image(i), rng)
		default:
			copy(out, s.Image(i))
		}
	}
}

// OneHot writes codes one-hot into dst, len(codes)×k values: value c of
// site j at j×k + c.
func OneHot(dst []float32, codes []uint16, k int) {
	clear(dst[:len(codes)*k])
	for j, c := range codes {
		dst[j*k+int(c)] = 1
	}
}

// Binarized returns a static copy of s with every pixel drawn once as
// Bernoulli(gray value) from rng; it returns s itself if s is not Dynamic.
func (s *Split) Binarized(rng *rand.Rand) *Split {
	if !s.Dynamic {
		return s
	}
	out := &Split{Dataset: s.Dataset, Name: s.Name, N: s.N, Shape: s.Shape, Images: make([]float32, len(s.Images))}
	bernoulli.DrawEach(out.Images, s.Images, rng)
	return out
}

// Set holds the three splits of one data set.
type Set struct {
	Name               string
	Train, Valid, Test *Split
	// About says how the splits were made, where the data set's name does
	// not (a user's file).
	About string
}

// Splits returns the splits in the order train, valid, test.
func (s *Set) Splits() []*Split { return []*Split{s.Train, s.Valid, s.Test} }

// Split returns the split called name ("train", "valid" or "test").
func (s *Set) Split(name string) (*Split, error) {
	for _, sp := range s.Splits() {
		if sp.Name == name {
			return sp, nil
		}
	}
	return nil, fmt.Errorf("datasets: %s has no split %q (want train, valid or test)", s.Name, name)
}

// Mean returns the mean of the training examples as a model reads them
// (Shape.ModelWidth() values): per pixel for binary data, over the gray
// values for a dynamic set (the expected value of its binarised draws); per
// site and category (the frequencies, j×K + k) for categorical data. Models
// use it to initialise their base distribution.
func (s *Set) Mean() []float32 {
	tr := s.Train
	k := tr.Shape.Categories
	sum := make([]float64, tr.Shape.ModelWidth())
	for i := range tr.N {
		if tr.Codes != nil {
			for j, c := range tr.Code(i) {
				sum[j*k+int(c)]++
			}
			continue
		}
		for j, v := range tr.Image(i) {
			sum[j] += float64(v)
		}
	}
	m := make([]float32, len(sum))
	if tr.N == 0 {
		return m
	}
	for k, v := range sum {
		m[k] = float32(v / float64(tr.N))
	}
	return m
}

// Batcher draws training batches epoch by epoch: each epoch is a fresh
// permutation of the split from its rng, cut into full batches; the last
// partial batch of an epoch is dropped so every batch has the same size (a
// different remainder is dropped each epoch, so no image is left out for
// good).
type Batcher struct {
	split *Split
	size  int
	rng   *rand.Rand
	perm  []int
	pos   int
	epoch int
}

// NewBatcher returns a Batcher of batches of size images from s, drawing
// permutations and dynamic binarisations from rng.
func NewBatcher(s *Split, size int, rng *rand.Rand) (*Batcher, error) {
	if size < 1 || size > s.N {
		return nil, fmt.Errorf("datasets: batch size %d out of range [1, %d] for %s/%s", size, s.N, s.Dataset, s.Name)
	}
	b := &Batcher{split: s, size: size, rng: rng, perm: make([]int, s.N)}
	for i := range b.perm {
		b.perm[i] = i
	}
	b.pos = s.N // start a new epoch on the first call
	return b, nil
}

// Next writes the next batch into dst (at least size×ModelWidth values, see
// Split.Batch) and returns
// the indices of its images, valid until the next call.
func (b *Batcher) Next(dst []float32) []int {
	if b.pos+b.size > len(b.perm) {
		b.rng.Shuffle(len(b.perm), func(i, j int) { b.perm[i], b.perm[j] = b.perm[j], b.perm[i] })
		b.pos = 0
		b.epoch++
	}
	idx := b.perm[b.pos : b.pos+b.size]
	b.pos += b.size
	b.split.Batch(dst, idx, b.rng)
	return idx
}

// Epoch returns the number of epochs started: 1 during the first.
func (b *Batcher) Epoch() int { return b.epoch }

// PerEpoch returns the number of batches in one epoch.
func (b *Batcher) PerEpoch() int { return b.split.N / b.size }

// grayscaleSet makes a data set of gray images in [0, 1]: the last holdout
// of the train images become the validation split; training stays gray, to
// be binarised afresh each epoch (Dynamic), while validation and test are
// binarised once with the fixed seeds, so every run evaluates the same bits.
func grayscaleSet(name string, train []float32, holdout int, test []float32, validSeed, testSeed uint64) *Set {
	n := len(train)/Dim - holdout
	valid := &Split{Dataset: name, Name: "valid", N: holdout, Shape: ImageShape, Images: train[n*Dim:], Dynamic: true}
	tst := &Split{Dataset: name, Name: "test", N: len(test) / Dim, Shape: ImageShape, Images: test, Dynamic: true}
	return &Set{
		Name:  name,
		Train: &Split{Dataset: name, Name: "train", N: n, Shape: ImageShape, Images: train[: n*Dim : n*Dim], Dynamic: true},
		Valid: valid.Binarized(rand.New(rand.NewPCG(validSeed, 0))),
		Test:  tst.Binarized(rand.New(rand.NewPCG(testSeed, 0))),
	}
}
