//go:build !openblas

package blas

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/gonum"
	G "gorgonia.org/gorgonia"

	"github.com/gwg-go/gwg/internal/sgemm"
)

// Name is the BLAS implementation in use: gonum's, with its single-precision
// matrix product replaced by package sgemm's on processors with AVX2 and FMA.
var Name = "gonum"

func init() {
	if sgemm.Available {
		Name = "gonum+sgemm"
		blas32.Use(pureGo{})
		G.Use(pureGo{}) // also tensor.Use
	}
}

// pureGo is gonum's BLAS with a faster Sgemm.
type pureGo struct{ gonum.Implementation }

// Sgemm computes c = alpha·op(a)·op(b) + beta·c. Malformed calls go to gonum,
// which reports the errors. Every other call, however small, goes to the
// assembly kernel: an element of c is then computed by the same operations
// in the same order whatever the sizes of the product it is part of, which
// lets the deep models cut a batch into blocks (whose products are narrower
// or shorter) without changing any chain's numbers.
func (impl pureGo) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	ta, tb := tA != blas.NoTrans, tB != blas.NoTrans
	ar, ac, br, bc := m, k, k, n
	if ta {
		ar, ac = k, m
	}
	if tb {
		br, bc = n, k
	}
	if !transpose(tA) || !transpose(tB) ||
		!fits(ar, ac, lda, len(a)) || !fits(br, bc, ldb, len(b)) || !fits(m, n, ldc, len(c)) {
		impl.Implementation.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	sgemm.Gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

func transpose(t blas.Transpose) bool {
	return t == blas.NoTrans || t == blas.Trans || t == blas.ConjTrans
}

// fits reports whether a rows×cols matrix with rows ld apart fits in n values.
func fits(rows, cols, ld, n int) bool {
	return rows >= 0 && cols >= 0 && ld >= max(1, cols) && (rows == 0 || n >= (rows-1)*ld+cols)
}
