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
