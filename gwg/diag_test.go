package gwg

import (
	"math"
	"math/rand/v2"
	"testing"
)

// essDirect is the spec's formula evaluated literally, O(N²).
func essDirect(x []float64) float64 {
	n := len(x)
	var mean float64
	for _, v := range x {
		mean += v
	}
	mean /= float64(n)
	acov := func(k int) float64 {
		var s float64
		for i := 0; i+k < n; i++ {
			s += (x[i] - mean) * (x[i+k] - mean)
		}
		return s / float64(n-k)
	}
	c0 := acov(0)
	sum := 0.0
	for k := 1; k < n; k++ {
		rho := acov(k) / c0
		if rho < 0 {
			break
		}
		sum += (1 - float64(k)/float64(n)) * rho
	}
	return float64(n) / (1 + 2*sum)
}

func ar1(rng *rand.Rand, n int, phi float64) []float64 {
	x := make([]float64, n)
	v := rng.NormFloat64() / math.Sqrt(1-phi*phi)
	for i := range x {
		v = phi*v + rng.NormFloat64()
		x[i] = v
	}
	return x
}

func TestESSMatchesDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, phi := range []float64{0, 0.3, 0.8, -0.4} {
		x := ar1(rng, 777, phi)
		got, err := ESS(x, 1)
		if err != nil {
			t.Fatal(err)
		}
		if want := essDirect(x); math.Abs(got[0]-want) > 1e-9*want {
			t.Errorf("φ=%v: ESS %v, direct formula %v", phi, got[0], want)
		}
	}
}

// For an AR(1) process xₜ = φxₜ₋₁ + εₜ, ρ_k = φ^k and the ESS of N samples
// tends to N(1 − φ)/(1 + φ).
func TestESSAR1(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	const n = 40000
	phis := []float64{0, 0.5, 0.9}
	dims := len(phis) + 1
	trace := make([]float32, n*dims)
	for d, phi := range phis {
		for i, v := range ar1(rng, n, phi) {
			trace[i*dims+d] = float32(v)
		}
	}
	for i := range n {
		trace[i*dims+len(phis)] = 1 // a constant dimension counts as ESS 1
	}
	ess, err := ESS(trace, dims)
	if err != nil {
		t.Fatal(err)
	}
	for d, phi := range phis {
		want := n * (1 - phi) / (1 + phi)
		if math.Abs(ess[d]-want) > 0.08*want {
			t.Errorf("φ=%v: ESS %.0f, want ≈ %.0f", phi, ess[d], want)
		}
	}
	if ess[len(phis)] != 1 {
		t.Errorf("constant dimension: ESS %v, want 1", ess[len(phis)])
	}
	if _, err := ESS([]float64{1, 2, 3}, 2); err == nil {
		t.Error("ESS accepted a trace that is not a whole number of samples")
	}
}

func TestMMD(t *testing.T) {
	// Two single rows of width 4 at Hamming distance 1:
	// MMD² = 1 + 1 − 2e^{−1/4}.
	got, err := MMD2([]float32{0, 0, 0, 0}, []float32{1, 0, 0, 0}, 4)
	if err != nil {
		t.Fatal(err)
	}
	if want := 2 - 2*math.Exp(-0.25); math.Abs(got-want) > 1e-15 {
		t.Errorf("single rows: MMD² %v, want %v", got, want)
	}
	// x = {000, 111}, y = {000}: kxx = (1 + 1 + 2e^{−1})/4, kyy = 1,
	// kxy = (1 + e^{−1})/2.
	got, _ = MMD2([]float32{0, 0, 0, 1, 1, 1}, []float32{0, 0, 0}, 3)
	e := math.Exp(-1)
	if want := (2+2*e)/4 + 1 - (1 + e); math.Abs(got-want) > 1e-15 {
		t.Errorf("two against one: MMD² %v, want %v", got, want)
	}
	// Identical sets give 0; rows wider than a word pack correctly.
	rng := rand.New(rand.NewPCG(3, 3))
	x := make([]float32, 5*130)
	for i := range x {
		x[i] = float32(rng.IntN(2))
	}
	if got, _ := MMD2(x, x, 130); got != 0 {
		t.Errorf("identical samples: MMD² %v, want 0", got)
	}
	ref, err := NewMMDReference(x, 130)
	if err != nil {
		t.Fatal(err)
	}
	y := append([]float32(nil), x...)
	y[129] = 1 - y[129] // the last site of the first row, in the third word
	got, _ = ref.MMD2(y[:130])
	var want float64
	for j := range 5 {
		h := 0
		for i := range 130 {
			if y[i] != x[j*130+i] {
				h++
			}
		}
		want += math.Exp(-float64(h) / 130)
	}
	var kyy float64
	for a := range 5 {
		for b := range 5 {
			h := 0
			for i := range 130 {
				if x[a*130+i] != x[b*130+i] {
					h++
				}
			}
			kyy += math.Exp(-float64(h) / 130)
		}
	}
	want = 1 + kyy/25 - 2*want/5
	if math.Abs(got-want) > 1e-12 {
		t.Errorf("packed rows: MMD² %v, want %v", got, want)
	}
	if l, _ := ref.LogMMD(y[:130]); math.Abs(l-math.Log10(want)) > 1e-9 {
		t.Errorf("LogMMD %v, want %v", l, math.Log10(want))
	}
	if _, err := MMD2([]float32{0.5}, []float32{0}, 1); err == nil {
		t.Error("MMD2 accepted a value that is not 0 or 1")
	}
}
