package fastmath

import (
	"math"
	"testing"
)

func TestExpNonPositive(t *testing.T) {
	var worst float64
	for x := -708.0; x <= 0; x += 0.00731 {
		got, want := ExpNonPositive(x), math.Exp(x)
		worst = max(worst, math.Abs(got-want)/want)
	}
	for _, x := range []float64{0, -1e-300, -0.5 * math.Ln2, -707.9} {
		got, want := ExpNonPositive(x), math.Exp(x)
		worst = max(worst, math.Abs(got-want)/want)
	}
	if worst > 1e-13 {
		t.Errorf("relative error up to %.2e", worst)
	}
	for _, x := range []float64{-709, math.Inf(-1), math.NaN()} {
		if v := ExpNonPositive(x); v != 0 {
			t.Errorf("ExpNonPositive(%v) = %v, want 0", x, v)
		}
	}
}

func BenchmarkExpNonPositive(b *testing.B) {
	var s float64
	x := -3.7
	for b.Loop() {
		s += ExpNonPositive(x)
	}
	_ = s
}

func TestExpNonPositive32(t *testing.T) {
	var worst float64
	for x := -87.0; x <= 0; x += 0.000913 {
		got, want := float64(ExpNonPositive32(x)), math.Exp(x)
		worst = max(worst, math.Abs(got-want)/want)
	}
	if worst > 1e-7 {
		t.Errorf("relative error up to %.2e", worst)
	}
	for x := -104.0; x < -87; x += 0.0137 { // float32 subnormals: absolute error
		if got, want := float64(ExpNonPositive32(x)), math.Exp(x); math.Abs(got-want) > 0x1p-149 {
			t.Fatalf("ExpNonPositive32(%v) = %v, want %v", x, got, want)
		}
	}
	for _, x := range []float64{-104.01, -1e300, math.Inf(-1), math.NaN()} {
		if v := ExpNonPositive32(x); v != 0 {
			t.Errorf("ExpNonPositive32(%v) = %v, want 0", x, v)
		}
	}
}

func BenchmarkExpNonPositive32(b *testing.B) {
	var s float32
	x := -3.7
	for b.Loop() {
		s += ExpNonPositive32(x)
	}
	_ = s
}
