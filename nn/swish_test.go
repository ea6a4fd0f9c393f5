package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSwishKernels checks the elementwise kernels on a slice long enough to
// be split between goroutines.
func TestSwishKernels(t *testing.T) {
	const n = 5*elementGrain + 3
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
