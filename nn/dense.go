package nn

import (
	"sync"
	"unsafe"

	G "gorgonia.org/gorgonia"

	"github.com/gwg-go/gwg/internal/blas"
	"github.com/gwg-go/gwg/internal/sgemm"
)

// packWeights is whether dense layers multiply by weights packed once per
// change of their values (package sgemm) instead of through the BLAS, which
// packs them again in every product: a GWG step of mlp-256 spent about a
// sixth of its time packing weights. OpenBLAS keeps its own products.
var packWeights = sgemm.Available && blas.Name != "openblas"

// weightPack is a float32 dense weight matrix w [in, out] packed as the
// right operand of x·w (fwd) and of dy·wᵀ (bwd), shared by every graph of a
// Net. Optimisers, EMA swaps and checkpoint loads write the parameters in
// place without telling anyone, so a product first compares w with the copy
// it was packed from (a fraction of the cost of packing) and packs again
// when they differ.
type weightPack struct {
	in, out int
	mu      sync.RWMutex
	from    []float32
	fwd     sgemm.Packed
	bwd     sgemm.Packed
}

// read brings the packed copies up to date with w and read-locks them
// against packing by another graph; the caller unlocks p.mu.
func (p *weightPack) read(w []float32) {
	p.mu.RLock()
	if sameBits(p.from, w) {
		return
	}
	p.mu.RUnlock()
	p.mu.Lock()
	if !sameBits(p.from, w) {
		p.from = append(p.from[:0], w...)
		p.fwd.Pack(false, p.in, p.out, w, p.out)
		p.bwd.Pack(true, p.out, p.in, w, p.out)
	}
	p.mu.Unlock()
	p.mu.RLock()
}

// sameBits reports whether a and b hold the same bits (a weight changed
// from 0 to −0 is a change).
func sameBits(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	if len(a) == 0 {
		return true
	}
	return unsafe.String((*byte)(unsafe.Pointer(&a[0])), 4*len(a)) ==
		unsafe.String((*byte)(unsafe.Pointer(&b[0])), 4*len(b))
}

// dense adds y = x·w + b for x [N, in], w [in, out], b [out].
func (b *builder) dense(x, w, bias *G.Node, pack *weightPack) *G.Node {
	if b.err != nil {
		return nil
	}
	if s, ws := x.Shape(), w.Shape(); len(s) != 2 || len(ws) != 2 || s[1] != ws[0] {
		return b.keep(G.Mul(x, w)) // reports the mismatch
	}
	n, in, out := x.Shape()[0], w.Shape()[0], w.Shape()[1]
	op := &denseOp{opBase: newOpBase("dense", []int{n, out}, x, w, bias), n: n, in: in, out: out, pack: pack}
	return b.keep(G.ApplyOp(op, x, w, bias))
}

// denseOp is y = x·w + b. The product is computed first and the bias added
// after, as Gorgonia's Mul and BroadcastAdd did before this operation
// replaced them.
type denseOp struct {
	opBase
	n, in, out int
	pack       *weightPack // nil: products through the BLAS
}

func (o *denseOp) Arity() int { return 3 }

func (o *denseOp) Do(vs ...G.Value) (G.Value, error) {
	return run(&o.opBase, vs,
		func(y []float32, in [][]float32) {
			x, w, bias := in[0], in[1], in[2]
			if o.pack == nil {
				gemm(false, false, o.n, o.out, o.in, x, o.in, w, o.out, 0, y, o.out)
			} else {
				o.pack.read(w)
				sgemm.GemmPacked(false, o.n, 1, x, o.in, &o.pack.fwd, 0, y, o.out)
				o.pack.mu.RUnlock()
			}
			addRows(y, bias)
		},
		func(y []float64, in [][]float64) {
			gemm(false, false, o.n, o.out, o.in, in[0], o.in, in[1], o.out, 0, y, o.out)
			addRows(y, in[2])
		})
}

// addRows adds v to every row of y.
func addRows[T float](y, v []T) {
	for r := 0; r < len(y); r += len(v) {
		row := y[r : r+len(v)]
		for j, b := range v {
			row[j] += b
		}
	}
}

func (o *denseOp) DiffWRT(int) []bool { return []bool{true, true, true} }

func (o *denseOp) SymDiff(in G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	x, w, b := in[0], in[1], in[2]
	dx, err := G.ApplyOp(&denseGradXOp{newOpBase("dense'x", x.Shape().Clone(), w, grad), o}, w, grad)
	if err != nil {
		return nil, err
	}
	dw, err := G.ApplyOp(&denseGradWOp{newOpBase("dense'w", w.Shape().Clone(), x, grad), o}, x, grad)
	if err != nil {
		return nil, err
	}
	db, err := G.ApplyOp(&denseGradBOp{newOpBase("dense'b", b.Shape().Clone(), grad)}, grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{dx, dw, db}, nil
}

// denseGradXOp is dx = dy·wᵀ, from (w, dy).
type denseGradXOp struct {
	opBase
	fwd *denseOp
}

func (o *denseGradXOp) Arity() int { return 2 }

func (o *denseGradXOp) Do(vs ...G.Value) (G.Value, error) {
	f := o.fwd
	return run(&o.opBase, vs,
		func(dx []float32, in [][]float32) {
			w, dy := in[0], in[1]
			if f.pack == nil {
				gemm(false, true, f.n, f.in, f.out, dy, f.out, w, f.out, 0, dx, f.in)
				return
			}
			// The forward product ran earlier in this run and brought
			// the packed weights up to date; nothing writes the weights
			// while programs run.
			f.pack.mu.RLock()
			sgemm.GemmPacked(false, f.n, 1, dy, f.out, &f.pack.bwd, 0, dx, f.in)
			f.pack.mu.RUnlock()
		},
		func(dx []float64, in [][]float64) {
			gemm(false, true, f.n, f.in, f.out, in[1], f.out, in[0], f.out, 0, dx, f.in)
		})
}

// denseGradWOp is dw = xᵀ·dy, from (x, dy).
type denseGradWOp struct {
	opBase
	fwd *denseOp
}

func (o *denseGradWOp) Arity() int { return 2 }

func (o *denseGradWOp) Do(vs ...G.Value) (G.Value, error) {
	f := o.fwd
	return run(&o.opBase, vs,
		func(dw []float32, in [][]float32) {
			gemm(true, false, f.in, f.out, f.n, in[0], f.in, in[1], f.out, 0, dw, f.out)
		},
		func(dw []float64, in [][]float64) {
			gemm(true, false, f.in, f.out, f.n, in[0], f.in, in[1], f.out, 0, dw, f.out)
		})
}

// denseGradBOp is db = Σ over rows of dy.
type denseGradBOp struct{ opBase }

func (o *denseGradBOp) Arity() int { return 1 }

func (o *denseGradBOp) Do(vs ...G.Value) (G.Value, error) {
	return run(&o.opBase, vs,
		func(db []float32, in [][]float32) { sumRows(db, in[0]) },
		func(db []float64, in [][]float64) { sumRows(db, in[0]) })
}

// sumRows sets s to the sum of the rows of y, added in row order.
func sumRows[T float](s, y []T) {
	clear(s)
	for r := 0; r < len(y); r += len(s) {
		for j, v := range y[r : r+len(s)] {
			s[j] += v
		}
	}
}
