package ckpt

import (
	"crypto/sha256"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/vmihailenco/msgpack/v5"
)

// randomFloats returns n float32 values with random bit patterns: every sign,
// exponent (subnormals, ±Inf, ±0 included) and mantissa, but no NaN, which
// reflect.DeepEqual would not consider equal to itself.
func randomFloats(rng *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		v := math.Float32frombits(rng.Uint32())
		for v != v {
			v = math.Float32frombits(rng.Uint32())
		}
		x[i] = v
	}
	return x
}

// layout returns tensors with the names and shapes of a small MLP, filled
// with random bit patterns.
func layout(rng *rand.Rand, shapes map[string][]int, names []string) []Tensor {
	ts := make([]Tensor, len(names))
	for i, name := range names {
		t := Tensor{Name: name, Shape: shapes[name]}
		t.Data = randomFloats(rng, t.Size())
		ts[i] = t
	}
	return ts
}

// fullCheckpoint returns a checkpoint with every field set.
func fullCheckpoint(t testing.TB, seed uint64) *Checkpoint {
	rng := rand.New(rand.NewPCG(seed, 1))
	names := []string{"fc0.w", "fc0.b", "fc1.w", "fc1.b", "out.scale"}
	shapes := map[string][]int{
		"fc0.w": {12, 7}, "fc0.b": {7}, "fc1.w": {7, 3}, "fc1.b": {3}, "out.scale": nil,
	}
	const rows, width = 37, 12
	x := make([]float32, rows*width)
	for i := range x {
		x[i] = float32(rng.IntN(2))
	}
	buf, err := PackBits(x, width)
	if err != nil {
		t.Fatal(err)
	}
	pcg := rand.NewPCG(seed, 2)
	pcg.Uint64()
	rngState, err := pcg.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	c := &Checkpoint{
		FormatVersion: Version,
		Model: ModelSpec{
			Kind:    "deep",
			Arch:    "mlp-small",
			Ints:    map[string]int{"width": 7, "depth": 2, "sites": 12, "big": math.MaxInt64, "neg": -3},
			Floats:  map[string]float64{"init_scale": 0.125, "tiny": 5e-324, "inf": math.Inf(-1)},
			Strings: map[string]string{"activation": "swish", "unicode": "μ≈0.1"},
		},
		Params:   layout(rng, shapes, names),
		EMA:      layout(rng, shapes, names),
		BaseMean: randomFloats(rng, 12),
		Dataset:  "dynamic_mnist",
		Train: &TrainState{
			Iteration: 4321,
			Adam: Adam{
				Step: 4321,
				M:    layout(rng, shapes, names),
				V:    layout(rng, shapes, names),
			},
			Buffer: buf,
			RNG:    rngState,
			Metrics: Metrics{
				Columns: []string{"iter", "f_data", "f_samples", "hops"},
				Rows:    [][]float64{{10, -1.5, -2.25, 3.5}, {20, math.Inf(1), -0.0, 1e-300}},
			},
			Best: &Best{Iteration: 4000, LogLik: -86.25},
		},
		Created: time.Date(2026, 11, 25, 15, 40, 11, 123456789, time.UTC),
		Note:    "gwg train --dataset dynamic_mnist --model mlp-small",
	}
	if err := c.Train.SetConfig(map[string]any{"lr": 1e-4, "steps": 40, "sampler": "gwg"}); err != nil {
		t.Fatal(err)
	}
	return c
}

// frame wraps an arbitrary payload in a valid header, for testing the
// payload checks behind the checksum.
func frame(payload []byte) []byte {
	h := header{version: Version, length: uint64(len(payload)), sum: sha256.Sum256(payload)}
	return append(h.marshal(), payload...)
}

// mustMarshal encodes v with msgpack, bypassing Validate.
func mustMarshal(t testing.TB, v any) []byte {
	t.Helper()
	b, err := msgpack.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func encodeBytes(t testing.TB, c *Checkpoint) []byte {
	t.Helper()
	b, err := marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
