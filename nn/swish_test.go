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

func TestExp32(t *testing.T) {
	worst := 0.0
	for x := -87.0; x <= 88; x += 0.00173 {
		got, want := float64(exp32(float32(x))), math.Exp(float64(float32(x)))
		worst = max(worst, math.Abs(got-want)/want)
	}
	if worst > 3e-7 {
		t.Errorf("exp32 relative error up to %g", worst)
	}
	for _, c := range []struct{ x, want float32 }{{-100, 0}, {0, 1}, {100, float32(math.Inf(1))}} {
		if got := exp32(c.x); got != c.want {
			t.Errorf("exp32(%v) = %v, want %v", c.x, got, c.want)
		}
	}
	if got := exp32(float32(math.NaN())); got == got {
		t.Errorf("exp32(NaN) = %v", got)
	}
}
