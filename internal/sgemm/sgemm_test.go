package sgemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gwg-go/gwg/internal/cputime"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// naive is the defining triple loop, in float64.
func naive(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) []float64 {
	out := make([]float64, len(c))
	for i := range c {
		out[i] = float64(c[i])
	}
	for i := range m {
		for j := range n {
			s := 0.0
			for l := range k {
				ai, bi := i*lda+l, l*ldb+j
				if transA {
					ai = l*lda + i
				}
				if transB {
					bi = j*ldb + l
				}
				av, bv := a[ai], b[bi]
				s += float64(av) * float64(bv)
			}
			out[i*ldc+j] = float64(alpha)*s + float64(beta)*float64(c[i*ldc+j])
		}
	}
	return out
}

func TestGemm(t *testing.T) {
	if !Available {
		t.Skip("no AVX2/FMA kernel on this processor")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	sizes := [][3]int{{1, 1, 1}, {6, 16, 1}, {7, 17, 3}, {5, 15, 300}, {64, 40, 520}, {97, 1030, 5}, {97, 33, 0}, {3, 2100, 600}}
	for _, s := range sizes {
		m, n, k := s[0], s[1], s[2]
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				for _, ab := range [][2]float32{{1, 0}, {1, 1}, {-0.5, 2}} {
					name := fmt.Sprintf("%dx%dx%d ta=%v tb=%v alpha=%v beta=%v", m, n, k, ta, tb, ab[0], ab[1])
					// Leading dimensions larger than needed catch stride mistakes.
					lda, ldb, ldc := k+3, n+2, n+5
					ar, br := m, k
					if ta {
						lda, ar = m+3, k
					}
					if tb {
						ldb, br = k+2, n
					}
					a, b, c := rnd(rng, ar*lda), rnd(rng, br*ldb), rnd(rng, m*ldc)
					want := naive(ta, tb, m, n, k, ab[0], a, lda, b, ldb, ab[1], c, ldc)
					cp := append([]float32(nil), c...)
					Gemm(ta, tb, m, n, k, ab[0], a, lda, b, ldb, ab[1], c, ldc)
					var p Packed
					p.Pack(tb, k, n, b, ldb)
					GemmPacked(ta, m, ab[0], a, lda, &p, ab[1], cp, ldc)
					for i := range c {
						if math.Float32bits(c[i]) != math.Float32bits(cp[i]) {
							t.Fatalf("%s: packed c[%d] = %v, Gemm %v", name, i, cp[i], c[i])
						}
					}
					for i := range c {
						tol := 1e-5 * (1 + math.Sqrt(float64(k))) * (1 + math.Abs(want[i]))
						if i%ldc >= n && float64(c[i]) != want[i] {
							t.Fatalf("%s: wrote outside the matrix at %d", name, i)
						}
						if math.Abs(float64(c[i])-want[i]) > tol {
							t.Fatalf("%s: c[%d] = %v, want %v", name, i, c[i], want[i])
						}
					}
				}
			}
		}
	}
}

func rnd(rng *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(rng.NormFloat64())
	}
	return v
}

func BenchmarkGemm(b *testing.B) {
	if !Available {
		b.Skip("no AVX2/FMA kernel on this processor")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	// The forward product of a 64-channel 3×3 convolution over 2048 positions.
	const m, n, k = 64, 2048, 576
	a, bm, c := rnd(rng, m*k), rnd(rng, k*n), make([]float32, m*n)
	impls := map[string]func(){
		"kernel": func() { Gemm(false, false, m, n, k, 1, a, k, bm, n, 0, c, n) },
		"gonum": func() {
			gonum.Implementation{}.Sgemm(blas.NoTrans, blas.NoTrans, m, n, k, 1, a, k, bm, n, 0, c, n)
		},
	}
	for name, f := range impls {
		b.Run(name, func(b *testing.B) {
			cpu0 := cputime.Now()
			for b.Loop() {
				f()
			}
			b.ReportMetric(2*m*n*k*float64(b.N)/(cputime.Now()-cpu0).Seconds()/1e9, "GFLOP/cpu-s")
		})
	}
}

// TestGemmFunc checks that a product whose right operand is written row by
// row with PutRow gives Gemm's bits.
func TestGemmFunc(t *testing.T) {
	if !Available {
		t.Skip("no AVX2/FMA kernel on this processor")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, s := range [][3]int{{1, 1, 1}, {7, 17, 3}, {64, 40, 520}, {13, 2100, 300}} {
		m, n, k := s[0], s[1], s[2]
		a, b, c := rnd(rng, m*k), rnd(rng, k*n), rnd(rng, m*n)
		want := append([]float32(nil), c...)
		Gemm(false, false, m, n, k, 1, a, k, b, n, 0.5, want, n)
		GemmFunc(false, m, n, k, 1, a, k, func(dst []float32, pc, kb, jc, nb int) {
			for l := range kb {
				PutRow(dst, kb, l, b[(pc+l)*n+jc:][:nb])
			}
		}, 0.5, c, n)
		for i := range c {
			if math.Float32bits(c[i]) != math.Float32bits(want[i]) {
				t.Fatalf("%v: c[%d] = %v, Gemm %v", s, i, c[i], want[i])
			}
		}
	}
}
