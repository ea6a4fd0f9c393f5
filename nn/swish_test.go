package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSwishKernels checks the elementwise kernels against the definition
// and finite differences.
func TestSwishKernels(t *testing.T) {
	const n = 1000
	rng := rand.New(rand.NewPCG(1, 1))
	x, dy := make([]float64, n), make([]float64, n)
	for i := range x {
		x[i], dy[i] = 8*rng.Float64()-4, rng.NormFloat64()
	}
	y, sig, dx := make([]float64, n), make([]float64, n), make([]float64, n)
	swish(y, sig, x)
	swishGrad(dx, sig, x, dy)
	for i, v := range x {
		const h = 1e-6
		f := func(v float64) float64 { return v / (1 + math.Exp(-v)) }
		if math.Abs(y[i]-f(v)) > 1e-15*(1+math.Abs(f(v))) {
			t.Fatalf("swish(%v) = %v, want %v", v, y[i], f(v))
		}
		if fd := dy[i] * (f(v+h) - f(v-h)) / (2 * h); math.Abs(dx[i]-fd) > 1e-8*(1+math.Abs(fd)) {
			t.Fatalf("swish'(%v)·%v = %v, finite difference %v", v, dy[i], dx[i], fd)
		}
	}
}

// TestSigmoids32 checks the float32 sigmoid against float64 over the range
// where it is neither 0 nor 1 and at the extremes.
func TestSigmoids32(t *testing.T) {
	var x []float32
	for v := -90.0; v <= 90; v += 0.00173 {
		x = append(x, float32(v))
	}
	inf := float32(math.Inf(1))
	x = append(x, -inf, inf, 0, float32(math.NaN()))
	s := make([]float32, len(x))
	sigmoids(s, x)
	worst := 0.0
	for i, v := range x[:len(x)-4] {
		want := 1 / (1 + math.Exp(-float64(v)))
		if want < 0x1p-126 { // float32's normal range
			continue
		}
		worst = max(worst, math.Abs(float64(s[i])-want)/want)
	}
	if worst > 3e-7 {
		t.Errorf("relative error up to %g", worst)
	}
	if got := s[len(s)-4:]; got[0] != 0 || got[1] != 1 || got[2] != 0.5 || got[3] == got[3] {
		t.Errorf("σ(−Inf, +Inf, 0, NaN) = %v", got)
	}
}
