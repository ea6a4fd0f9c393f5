package ebm

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestBernoulliNormalised(t *testing.T) {
	for _, mean := range [][]float32{
		{0.5},
		{0.1, 0.9, 0.3, 0.5, 0.77},
		{0, 1, 0.2}, // clamped, still normalised
	} {
		b, err := NewBernoulli(mean)
		if err != nil {
			t.Fatal(err)
		}
		e, err := Enumerate(b)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(e.LogZ()) > 1e-12 {
			t.Errorf("means %v: log Z = %v, want 0", mean, e.LogZ())
		}
	}
}

func TestBernoulliGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	mean := []float32{0.1, 0.9, 0.3, 0.5, 1e-9}
	b, err := NewBernoulli(mean)
	if err != nil {
		t.Fatal(err)
	}
	ref := func(x []float64) float64 {
		var s float64
		for i, v := range x {
			mu := min(max(float64(mean[i]), MeanClamp), 1-MeanClamp)
			s += v*math.Log(mu) + (1-v)*math.Log(1-mu)
		}
		return s
	}
	checkModel(t, b, ref, 3, 1e-5, rng)
	checkShapes(t, b)
	checkSiteDeltas(t, b, 3, 1e-9, rng)
	checkFlipDeltas(t, b, 3, 1e-9, rng)
	if got := b.Mean()[4]; got != float32(MeanClamp) {
		t.Errorf("mean 1e-9 clamped to %v, want %v", got, float32(MeanClamp))
	}
}

func TestBernoulliSample(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	mean := []float32{0.1, 0.5, 0.95}
	b, err := NewBernoulli(mean)
	if err != nil {
		t.Fatal(err)
	}
	const n = 20000
	x := make([]float32, n*3)
	if err := b.Sample(x, rng); err != nil {
		t.Fatal(err)
	}
	for i, mu := range mean {
		var s float64
		for c := range n {
			s += float64(x[c*3+i])
		}
		sd := math.Sqrt(float64(mu) * (1 - float64(mu)) / n)
		if got := s / n; math.Abs(got-float64(mu)) > 5*sd {
			t.Errorf("site %d: frequency %v, mean %v (σ %v)", i, got, mu, sd)
		}
	}
	if err := b.Sample(x[:4], rng); err == nil {
		t.Error("Sample accepted 4 values for 3 sites")
	}
}

func TestBernoulliErrors(t *testing.T) {
	if _, err := NewBernoulli(nil); err == nil {
		t.Error("NewBernoulli accepted no sites")
	}
	if _, err := NewBernoulli([]float32{float32(math.NaN())}); err == nil {
		t.Error("NewBernoulli accepted NaN")
	}
}
