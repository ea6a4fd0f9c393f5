package fastmath

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gwg-go/gwg/internal/cputime"
)

// specials are inputs at and around Exp32's limits.
var specials = []float32{0, float32(math.Copysign(0, -1)), 1, -1, 1e-30, -1e-30, expLo,
	math.Nextafter32(expLo, 0), math.Nextafter32(expLo, -100), -87, -88, -103, -1e30,
	expHi, math.Nextafter32(expHi, 0), math.Nextafter32(expHi, 100), 88.8, 1e30,
	float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), 0.5 * math.Ln2, -0.5 * math.Ln2}

// withGeneric runs f with the Go versions of the vector functions.
func withGeneric(t testing.TB, f func()) {
	old := useAVX2
	useAVX2 = false
	t.Cleanup(func() { useAVX2 = old })
	f()
	useAVX2 = old
}

func TestExp32Accuracy(t *testing.T) {
	// The specials and every 1117th float32 of [−88, 89]: two million values.
	x := append([]float32(nil), specials...)
	for b := uint32(0); b < math.Float32bits(89); b += 1117 {
		x = append(x, math.Float32frombits(b), -math.Float32frombits(b))
	}
	got := make([]float32, len(x))
	Exp32(got, x)
	var worst float64
	for i, x := range x {
		switch {
		case math.IsNaN(float64(x)):
			if !math.IsNaN(float64(got[i])) {
				t.Fatalf("Exp32(NaN) = %v", got[i])
			}
		case x < expLo:
			if got[i] != 0 {
				t.Fatalf("Exp32(%v) = %v, want 0", x, got[i])
			}
		case x > expHi:
			if !math.IsInf(float64(got[i]), 1) {
				t.Fatalf("Exp32(%v) = %v, want +Inf", x, got[i])
			}
		default:
			want := math.Exp(float64(x))
			e := math.Abs(float64(got[i])-want) / want
			if e > 1.5e-7 {
				t.Fatalf("Exp32(%v) = %v, want %v: relative error %.2e", x, got[i], want, e)
			}
			worst = max(worst, e)
		}
	}
	t.Logf("%d values, relative error up to %.2e", len(x), worst)
}

// TestExpSum32SameBits compares the assembly with the Go versions: results,
// sums and maxima must agree to the bit, for every length up to 69, lengths
// around the sums' flushes every 256 elements, and three alignments.
func TestExpSum32SameBits(t *testing.T) {
	if !useAVX2 {
		t.Skip("no AVX2: the Go versions are the only ones")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	lengths := []int{255, 256, 257, 263, 511, 512, 520, 1000}
	for n := range 70 {
		lengths = append(lengths, n)
	}
	for _, n := range lengths {
		for _, off := range []int{0, 1, 5} {
			// Offset 1 takes the limits and specials, where the sums are
			// mostly ±Inf or NaN; the others softmax-like finite sums.
			x := make([]float32, n+off)[off:]
			for i := range x {
				switch {
				case off == 1 && rng.IntN(6) == 0:
					x[i] = specials[rng.IntN(len(specials))]
				case off == 1:
					x[i] = float32(rng.NormFloat64() * 30)
				default:
					x[i] = float32(rng.NormFloat64() * 3)
				}
			}
			m, s := float32(rng.NormFloat64()), float32(rng.Float64()*2)
			// The sentinel after dst shows a store beyond n.
			asm, gen := make([]float32, n+1), make([]float32, n+1)
			asm[n], gen[n] = 7, 7
			sa := ExpSum32(asm[:n], x, m, s)
			ma, fa := Max32(x)
			var sg float64
			var mg float32
			var fg bool
			withGeneric(t, func() {
				sg = ExpSum32(gen[:n], x, m, s)
				mg, fg = Max32(x)
			})
			for i := range asm {
				if math.Float32bits(asm[i]) != math.Float32bits(gen[i]) {
					t.Fatalf("n=%d off=%d: element %d of ExpSum32((%v − %v)·%v): %v, Go %v", n, off, i, x[i], m, s, asm[i], gen[i])
				}
			}
			if math.Float64bits(sa) != math.Float64bits(sg) && !(math.IsNaN(sa) && math.IsNaN(sg)) {
				t.Fatalf("n=%d off=%d: sum %v, Go %v", n, off, sa, sg)
			}
			if s := SumExp32(x, m, s); math.Float64bits(s) != math.Float64bits(sa) && !(math.IsNaN(s) && math.IsNaN(sa)) {
				t.Fatalf("n=%d off=%d: SumExp32 %v, ExpSum32 %v", n, off, s, sa)
			}
			if fa != fg || fg && ma != mg {
				t.Fatalf("n=%d off=%d: Max32 = %v, %v; Go %v, %v", n, off, ma, fa, mg, fg)
			}
		}
	}
}

func TestMax32(t *testing.T) {
	inf := float32(math.Inf(1))
	for _, tc := range []struct {
		x      []float32
		m      float32
		finite bool
	}{
		{nil, -inf, true},
		{[]float32{-3}, -3, true},
		{[]float32{1, 2, 3, 4, 5, 6, 7, 8, 9, -1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1}, 10, true},
		{[]float32{1, 2, 3, 4, 5, 6, 7, 8, 9, -1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 11, true},
		{[]float32{-5, -4, -3, -2, -1, -1, -1, -1, -2}, -1, true},
		{[]float32{1, inf, 0}, inf, false},
		{[]float32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, -inf}, 17, false},
		{[]float32{1, float32(math.NaN())}, 0, false},
	} {
		for _, gen := range []bool{false, true} {
			m, finite := Max32(tc.x)
			if gen {
				withGeneric(t, func() { m, finite = Max32(tc.x) })
			}
			if finite != tc.finite || finite && m != tc.m || tc.m == inf && m != inf {
				t.Errorf("Max32(%v) (Go %v) = %v, %v; want %v, %v", tc.x, gen, m, finite, tc.m, tc.finite)
			}
		}
	}
}

func TestExpSum32(t *testing.T) {
	x := []float32{0, -1, -2, 3}
	dst := make([]float32, 4)
	s := ExpSum32(dst, x, 3, 0.5)
	var want float64
	for i, v := range x {
		e := math.Exp((float64(v) - 3) * 0.5)
		want += e
		if math.Abs(float64(dst[i])-e) > 3e-7*e {
			t.Errorf("element %d: %v, want %v", i, dst[i], e)
		}
	}
	if math.Abs(s-want) > 3e-7*want {
		t.Errorf("sum %v, want %v", s, want)
	}
}

func BenchmarkExpSum32(b *testing.B) {
	for _, n := range []int{256, 143360} {
		x, dst := make([]float32, n), make([]float32, n)
		for i := range x {
			x[i] = float32(i%97) * -0.3
		}
		for _, gen := range []bool{false, true} {
			name := fmt.Sprintf("n=%d/asm", n)
			if gen {
				name = fmt.Sprintf("n=%d/go", n)
			}
			b.Run(name, func(b *testing.B) {
				if gen {
					withGeneric(b, func() {})
					useAVX2 = false
				}
				cpu0 := cputime.Now()
				for b.Loop() {
					ExpSum32(dst, x, 0, 0.5)
				}
				b.ReportMetric(float64(cputime.Now()-cpu0)/float64(b.N*n), "cpu-ns/element")
			})
		}
	}
}

func BenchmarkMax32(b *testing.B) {
	x := make([]float32, 256)
	for i := range x {
		x[i] = float32(i%97) * -0.3
	}
	cpu0 := cputime.Now()
	for b.Loop() {
		Max32(x)
	}
	b.ReportMetric(float64(cputime.Now()-cpu0)/float64(b.N*len(x)), "cpu-ns/element")
}

func BenchmarkSumExp32(b *testing.B) {
	x := make([]float32, 256)
	for i := range x {
		x[i] = float32(i%97) * -0.3
	}
	cpu0 := cputime.Now()
	for b.Loop() {
		SumExp32(x, 0, 0.5)
	}
	b.ReportMetric(float64(cputime.Now()-cpu0)/float64(b.N*len(x)), "cpu-ns/element")
}
