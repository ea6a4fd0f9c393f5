package bernoulli

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestSoftplusSigmoid(t *testing.T) {
	tests := []struct{ x, softplus, sigmoid float64 }{
		{0, math.Ln2, 0.5},
		{1, math.Log(1 + math.E), 1 / (1 + 1/math.E)},
		{-1, math.Log(1 + 1/math.E), 1 / (1 + math.E)},
		{800, 800, 1}, // naive log(1 + e⁸⁰⁰) overflows
		{-800, 0, 0},  // and e⁻⁸⁰⁰ underflows harmlessly
		{-40, math.Exp(-40), math.Exp(-40)},
	}
	for _, tt := range tests {
		if got := Softplus(tt.x); math.Abs(got-tt.softplus) > 1e-15*tt.softplus {
			t.Errorf("Softplus(%v) = %v, want %v", tt.x, got, tt.softplus)
		}
		if got := Sigmoid(tt.x); math.Abs(got-tt.sigmoid) > 1e-15*tt.sigmoid {
			t.Errorf("Sigmoid(%v) = %v, want %v", tt.x, got, tt.sigmoid)
		}
	}
}

func TestDraw(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 100_000
	for _, p := range []float64{0, 0.25, 1} {
		var ones float64
		for range n {
			ones += float64(Draw(p, rng))
		}
		// Four standard errors, and exact at the ends.
		if got := ones / n; math.Abs(got-p) > 4*math.Sqrt(p*(1-p)/n) {
			t.Errorf("Draw(%v): mean %v over %d draws", p, got, n)
		}
	}
}

func TestDrawEach(t *testing.T) {
	p := []float32{0, 1, 0.5, 0.5, 0.25}
	dst := make([]float32, len(p))
	counts := make([]int, len(p))
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 20000
	for range n {
		DrawEach(dst, p, rng)
		for k, v := range dst {
			if v != 0 && v != 1 {
				t.Fatalf("DrawEach wrote %v", v)
			}
			counts[k] += int(v)
		}
	}
	for k, pk := range p {
		// Five standard errors of a binomial frequency.
		if got, tol := float64(counts[k])/n, 5*math.Sqrt(float64(pk*(1-pk))/n); math.Abs(got-float64(pk)) > tol+1e-12 {
			t.Errorf("frequency of 1 at p = %v is %v", pk, got)
		}
	}
}
