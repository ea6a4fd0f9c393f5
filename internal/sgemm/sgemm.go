package sgemm

import "sync"

// Block sizes: a kc×nc block of B (1 MB) stays in the last-level cache, an
// mc×kc block of A (96 kB) in L2, one 16-column panel of B (16 kB) in L1.
const (
	mr, nr = 6, 16
	kc     = 256
	mc     = 96
	nc     = 1024
)

var (
	aPool = sync.Pool{New: func() any { s := make([]float32, mc*kc); return &s }}
	bPool = sync.Pool{New: func() any { s := make([]float32, kc*nc); return &s }}
)

// Gemm computes c = alpha·op(a)·op(b) + beta·c for row-major matrices, where
// op(a) is m×k (a itself, or its transpose when transA), op(b) is k×n, and
// lda, ldb, ldc are the distances between rows. It needs Available and does
// not check its arguments beyond Go's bounds checks.
func Gemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	GemmFunc(transA, m, n, k, alpha, a, lda, func(dst []float32, pc, kb, jc, nb int) {
		packB(dst, b, ldb, transB, pc, kb, jc, nb)
	}, beta, c, ldc)
}

// BlockColumns is the widest block of op(b) that GemmFunc asks for: a
// product with n ≤ BlockColumns asks for whole rows (jc = 0, nb = n).
const BlockColumns = nc

// GemmFunc is Gemm with op(b) written by pack rather than read from a
// matrix, for a right operand that is cheaper to compute than to store
// and pack (a convolution's unrolled input): pack(dst, pc, kb, jc, nb) must
// put rows pc:pc+kb, columns jc:jc+nb of op(b) into dst with PutRow.
func GemmFunc(transA bool, m, n, k int, alpha float32, a []float32, lda int, pack func(dst []float32, pc, kb, jc, nb int), beta float32, c []float32, ldc int) {
	scale(m, n, beta, c, ldc)
	if k == 0 || alpha == 0 {
		return
	}
	ap, bp := aPool.Get().(*[]float32), bPool.Get().(*[]float32)
	defer aPool.Put(ap)
	defer bPool.Put(bp)
	for jc := 0; jc < n; jc += nc {
		nb := min(nc, n-jc)
		for pc := 0; pc < k; pc += kc {
			kb := min(kc, k-pc)
			pack(*bp, pc, kb, jc, nb)
			rows(*ap, *bp, transA, m, nb, kb, jc, pc, alpha, a, lda, c, ldc)
		}
	}
}

// PutRow writes row (the nb values of row l of a kb-row block of op(b))
// into the packed block dst: panels of nr columns, each stored row by row,
// the last one zero-padded.
func PutRow(dst []float32, kb, l int, row []float32) {
	q := 0
	for ; q+nr <= len(row); q += nr {
		copy(dst[q*kb+l*nr:][:nr], row[q:q+nr])
	}
	if q < len(row) {
		tail := dst[q*kb+l*nr:][:nr]
		copy(tail, row[q:])
		clear(tail[len(row)-q:])
	}
}

// Packed is a k×n matrix packed as Gemm packs its right operand, for
// products that multiply many left operands by the same matrix (a net's
// weights, unchanged between optimiser steps).
type Packed struct {
	k, n int
	data []float32 // the kc×nc blocks in the order Gemm visits them
}

// Pack packs op(b) (k×n: b itself, or its transpose when trans), reusing
// p's memory.
func (p *Packed) Pack(trans bool, k, n int, b []float32, ldb int) {
	p.k, p.n = k, n
	size := (n + nr - 1) / nr * nr * k // the last block column may be narrower
	if cap(p.data) < size {
		p.data = make([]float32, size)
	}
	p.data = p.data[:size]
	off := 0
	for jc := 0; jc < n; jc += nc {
		nb := min(nc, n-jc)
		for pc := 0; pc < k; pc += kc {
			kb := min(kc, k-pc)
			packB(p.data[off:], b, ldb, trans, pc, kb, jc, nb)
			off += (nb + nr - 1) / nr * nr * kb
		}
	}
}

// GemmPacked computes c = alpha·op(a)·b + beta·c for an m×k op(a) and b
// packed by Pack. Every element of c gets the same operations in the same
// order as from Gemm with the unpacked matrix.
func GemmPacked(transA bool, m int, alpha float32, a []float32, lda int, b *Packed, beta float32, c []float32, ldc int) {
	n, k := b.n, b.k
	scale(m, n, beta, c, ldc)
	if k == 0 || alpha == 0 {
		return
	}
	ap := aPool.Get().(*[]float32)
	defer aPool.Put(ap)
	off := 0
	for jc := 0; jc < n; jc += nc {
		nb := min(nc, n-jc)
		for pc := 0; pc < k; pc += kc {
			kb := min(kc, k-pc)
			size := (nb + nr - 1) / nr * nr * kb
			rows(*ap, b.data[off:off+size], transA, m, nb, kb, jc, pc, alpha, a, lda, c, ldc)
			off += size
		}
	}
}

// scale sets the m×n matrix c to beta·c.
func scale(m, n int, beta float32, c []float32, ldc int) {
	if beta == 1 {
		return
	}
	for i := range m {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}

// rows adds alpha·op(a)[:, pc:pc+kb] times the packed block bp to the
// columns jc:jc+nb of c, mc rows at a time.
func rows(ap, bp []float32, transA bool, m, nb, kb, jc, pc int, alpha float32, a []float32, lda int, c []float32, ldc int) {
	for ic := 0; ic < m; ic += mc {
		mb := min(mc, m-ic)
		packA(ap, a, lda, transA, ic, mb, pc, kb, alpha)
		block(ap, bp, mb, nb, kb, c[ic*ldc+jc:], ldc)
	}
}

// packA copies alpha·op(a)[ic:ic+mb, pc:pc+kb] into panels of mr rows, each
// stored column by column, zero-padding the last panel.
func packA(ap, a []float32, lda int, trans bool, ic, mb, pc, kb int, alpha float32) {
	for p := 0; p < mb; p += mr {
		panel := ap[p*kb : (p+mr)*kb]
		h := min(mr, mb-p)
		if h < mr {
			clear(panel)
		}
		if trans {
			// Row l of op(a)ᵀ holds the panel's column l contiguously.
			for l := range kb {
				src, dst := a[(pc+l)*lda+ic+p:][:h], panel[l*mr:][:h]
				if alpha == 1 {
					copy(dst, src)
					continue
				}
				for r, v := range src {
					dst[r] = alpha * v
				}
			}
			continue
		}
		for r := range h {
			src := a[(ic+p+r)*lda+pc:][:kb]
			if alpha == 1 {
				for l, v := range src {
					panel[l*mr+r] = v
				}
				continue
			}
			for l, v := range src {
				panel[l*mr+r] = alpha * v
			}
		}
	}
}

// packB copies op(b)[pc:pc+kb, jc:jc+nb] into panels of nr columns, each
// stored row by row, zero-padding the last panel.
func packB(bp, b []float32, ldb int, trans bool, pc, kb, jc, nb int) {
	for q := 0; q < nb; q += nr {
		panel := bp[q*kb : (q+nr)*kb]
		w := min(nr, nb-q)
		if trans {
			// Row j of the panel is a contiguous run of b: read it in
			// order and scatter into the (L1-sized) panel.
			for j := range w {
				src := b[(jc+q+j)*ldb+pc:][:kb]
				for l, v := range src {
					panel[l*nr+j] = v
				}
			}
			for l := range kb {
				clear(panel[l*nr+w : (l+1)*nr])
			}
			continue
		}
		for l := range kb {
			dst := panel[l*nr : (l+1)*nr]
			copy(dst, b[(pc+l)*ldb+jc+q:][:w])
			clear(dst[w:])
		}
	}
}

// block adds the product of packed blocks ap (mb×kb) and bp (kb×nb) to c.
// It runs on the calling goroutine: callers parallelise over independent
// products, which the small matrices of the deep models need (splitting one
// product made two processors slower than one).
func block(ap, bp []float32, mb, nb, kb int, c []float32, ldc int) {
	var tile [mr * nr]float32
	for jr := 0; jr < nb; jr += nr {
		w := min(nr, nb-jr)
		for ir := 0; ir < mb; ir += mr {
			h := min(mr, mb-ir)
			a, b := &ap[ir*kb], &bp[jr*kb]
			if h == mr && w == nr {
				kernel(kb, a, b, &c[ir*ldc+jr], ldc)
				continue
			}
			// An edge tile goes through a full-size scratch tile.
			clear(tile[:])
			kernel(kb, a, b, &tile[0], nr)
			for r := range h {
				row := c[(ir+r)*ldc+jr:][:w]
				for j := range row {
					row[j] += tile[r*nr+j]
				}
			}
		}
	}
}
