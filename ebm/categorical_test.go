package ebm

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestCategoricalNormalised(t *testing.T) {
	for _, tc := range []struct {
		sites, k int
		probs    []float32
	}{
		{1, 2, []float32{0.3, 0.7}},
		{3, 3, []float32{0.2, 0.3, 0.5, 1, 0, 0, 2, 2, 4}}, // floored, renormalised
		{2, 5, []float32{0.1, 0.1, 0.1, 0.1, 0.6, 0, 0, 1e-9, 0.5, 0.5}},
	} {
		c, err := NewCategorical(tc.sites, tc.k, tc.probs)
		if err != nil {
			t.Fatal(err)
		}
		e, err := Enumerate(c)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(e.LogZ()) > 1e-12 {
			t.Errorf("probabilities %v: log Z = %v, want 0", tc.probs, e.LogZ())
		}
		for i := range tc.sites {
			var sum float64
			for _, p := range c.Probs()[i*tc.k : (i+1)*tc.k] {
				sum += float64(p)
				if p < MeanClamp/2 {
					t.Errorf("probabilities %v: a category at site %d has probability %v", tc.probs, i, p)
				}
			}
			if math.Abs(sum-1) > 1e-6 {
				t.Errorf("probabilities %v: site %d sums to %v", tc.probs, i, sum)
			}
		}
	}
}

func TestCategoricalGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	probs := []float32{0.1, 0.6, 0.3, 0.25, 0.25, 0.5, 1, 0, 0, 0.2, 0.2, 0.6}
	c, err := NewCategorical(4, 3, probs)
	if err != nil {
		t.Fatal(err)
	}
	ref := func(x []float64) float64 {
		var s float64
		for i := range 4 {
			var sum float64
			for _, p := range probs[i*3 : (i+1)*3] {
				sum += max(float64(p), MeanClamp)
			}
			for j, p := range probs[i*3 : (i+1)*3] {
				s += x[i*3+j] * math.Log(max(float64(p), MeanClamp)/sum)
			}
		}
		return s
	}
	checkModel(t, c, ref, 3, 1e-5, rng)
	checkShapes(t, c)
	checkSiteDeltas(t, c, 5, 1e-9, rng)
}

// TestCategoricalSample checks the frequencies of both samplers' draws
// against the probabilities, and that the two forms draw the same states
// from the same stream.
func TestCategoricalSample(t *testing.T) {
	probs := []float32{0.05, 0.15, 0.8, 0.5, 0, 0.5}
	c, err := NewCategorical(2, 3, probs)
	if err != nil {
		t.Fatal(err)
	}
	const n = 20000
	x := make([]float32, n*6)
	if err := c.Sample(x, rand.New(rand.NewPCG(5, 6))); err != nil {
		t.Fatal(err)
	}
	codes := make([]uint16, n*2)
	if err := c.SampleCodes(codes, rand.New(rand.NewPCG(5, 6))); err != nil {
		t.Fatal(err)
	}
	for r := range n {
		for i := range 2 {
			var ones float32
			for _, v := range x[r*6+i*3 : r*6+(i+1)*3] {
				ones += v
			}
			if ones != 1 || x[r*6+i*3+int(codes[r*2+i])] != 1 {
				t.Fatalf("draw %d site %d: one-hot block %v, code %d", r, i, x[r*6+i*3:r*6+(i+1)*3], codes[r*2+i])
			}
		}
	}
	for k, p := range c.Probs() {
		var s float64
		for r := range n {
			s += float64(x[r*6+k])
		}
		sd := math.Sqrt(float64(p) * (1 - float64(p)) / n)
		if got := s / n; math.Abs(got-float64(p)) > 5*sd+1e-9 {
			t.Errorf("value %d: frequency %v, probability %v (σ %v)", k, got, p, sd)
		}
	}
	if err := c.Sample(x[:4], rand.New(rand.NewPCG(1, 1))); err == nil {
		t.Error("Sample accepted 4 values for a width of 6")
	}
	if err := c.SampleCodes(codes[:3], rand.New(rand.NewPCG(1, 1))); err == nil {
		t.Error("SampleCodes accepted 3 codes for 2 sites")
	}
}

func TestSmoothFrequencies(t *testing.T) {
	freq := []float32{0, 0.25, 0.75, 1, 0, 0}
	got := SmoothFrequencies(freq, 3)
	for k, m := range freq {
		want := (float64(m) + 0.01/3) / 1.01
		if math.Abs(float64(got[k])-want) > 1e-7 {
			t.Errorf("value %d: %v, want %v", k, got[k], want)
		}
	}
	if freq[0] != 0 {
		t.Error("SmoothFrequencies modified its input")
	}
}

func TestCategoricalErrors(t *testing.T) {
	for _, tc := range []struct {
		name     string
		sites, k int
		probs    []float32
	}{
		{"no sites", 0, 3, nil},
		{"one category", 2, 1, []float32{1, 1}},
		{"short", 2, 3, []float32{1, 1, 1, 1, 1}},
		{"NaN", 1, 2, []float32{float32(math.NaN()), 1}},
		{"negative", 1, 2, []float32{-0.5, 1}},
		{"infinite", 1, 2, []float32{float32(math.Inf(1)), 1}},
	} {
		if _, err := NewCategorical(tc.sites, tc.k, tc.probs); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}
