package ckpt

import (
	"bytes"
	"math/rand/v2"
	"path/filepath"
	"testing"
)

// benchCheckpoint is a training checkpoint of a 784-1024-256-1 MLP
// (1,067,521 parameters, with EMA and both Adam moments) and a replay buffer
// of 10,000 × 784 bits.
func benchCheckpoint(b *testing.B) *Checkpoint {
	rng := rand.New(rand.NewPCG(1, 2))
	names := []string{"fc0.w", "fc0.b", "fc1.w", "fc1.b", "out.w", "out.b"}
	shapes := map[string][]int{
		"fc0.w": {784, 1024}, "fc0.b": {1024}, "fc1.w": {1024, 256}, "fc1.b": {256},
		"out.w": {256, 1}, "out.b": {1},
	}
	x := make([]float32, 10000*784)
	for i := range x {
		x[i] = float32(rng.IntN(2))
	}
	buf, err := PackBits(x, 784)
	if err != nil {
		b.Fatal(err)
	}
	return &Checkpoint{
		Model:    ModelSpec{Kind: "deep", Arch: "mlp-1024"},
		Params:   layout(rng, shapes, names),
		EMA:      layout(rng, shapes, names),
		BaseMean: randomFloats(rng, 784),
		Train: &TrainState{
			Iteration: 50000,
			Adam:      Adam{Step: 50000, M: layout(rng, shapes, names), V: layout(rng, shapes, names)},
			Buffer:    buf,
		},
	}
}

// reportSize reports the speed in MB/s of file and the file size. Call it
// after the loop: ResetTimer drops custom metrics.
func reportSize(b *testing.B, n int) {
	b.SetBytes(int64(n))
	b.ReportMetric(float64(n)/1e6, "file-MB")
}

func BenchmarkSave(b *testing.B) {
	c := benchCheckpoint(b)
	path := filepath.Join(b.TempDir(), "bench.ckpt")
	size := len(encodeBytes(b, c))
	b.ResetTimer()
	for range b.N {
		if err := Save(path, c); err != nil {
			b.Fatal(err)
		}
	}
	reportSize(b, size)
}

func BenchmarkLoad(b *testing.B) {
	c := benchCheckpoint(b)
	path := filepath.Join(b.TempDir(), "bench.ckpt")
	if err := Save(path, c); err != nil {
		b.Fatal(err)
	}
	size := len(encodeBytes(b, c))
	b.ResetTimer()
	for range b.N {
		if _, err := Load(path); err != nil {
			b.Fatal(err)
		}
	}
	reportSize(b, size)
}

// BenchmarkEncode and BenchmarkDecode leave out the disk.
func BenchmarkEncode(b *testing.B) {
	c := benchCheckpoint(b)
	var w bytes.Buffer
	size := len(encodeBytes(b, c))
	b.ResetTimer()
	for range b.N {
		w.Reset()
		if err := Encode(&w, c); err != nil {
			b.Fatal(err)
		}
	}
	reportSize(b, size)
}

func BenchmarkDecode(b *testing.B) {
	data := encodeBytes(b, benchCheckpoint(b))
	size := len(data)
	b.ResetTimer()
	for range b.N {
		if _, err := Decode(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
	reportSize(b, size)
}

func BenchmarkPackBits(b *testing.B) {
	x := make([]float32, 10000*784)
	for i := range x {
		x[i] = float32(i % 3 % 2)
	}
	b.SetBytes(int64(len(x)))
	b.ResetTimer()
	for range b.N {
		if _, err := PackBits(x, 784); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUnpackBits(b *testing.B) {
	x := make([]float32, 10000*784)
	bits, err := PackBits(x, 784)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(x)))
	b.ResetTimer()
	for range b.N {
		if err := UnpackBits(x, bits); err != nil {
			b.Fatal(err)
		}
	}
}
