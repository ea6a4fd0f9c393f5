package nn

import (
	"fmt"
	"unsafe"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// projGeom is the geometry of the one-hot projection: x is [B, D·K], one
// block of K values per site; W is [K, P], shared by all sites; h holds P
// features per site, sites-major ([B, D, P], for the mlp) or channels-major
// ([B, P, D], the NCHW layout the resnet's first convolution reads).
type projGeom struct {
	B, D, K, P    int
	channelsFirst bool
}

// rows is the number of one-hot blocks in a batch.
func (g projGeom) rows() int { return g.B * g.D }

// at is the index in h of feature p of block r = b·D + i.
func (g projGeom) at(r, p int) int {
	if g.channelsFirst {
		b, i := r/g.D, r%g.D
		return (b*g.P+p)*g.D + i
	}
	return r*g.P + p
}

// projOp is h = x·W + bias, blockwise: h[b, i] = bias + Σⱼ x[b, i, j]·W[j].
// It is the dense layer it replaces, exactly, for any x, but it reads only
// the nonzero entries of each block: on a one-hot x, one row of W per site,
// so a 256-category input costs about what a binary one does. The forward
// pass records each block's single nonzero entry (or that it has several),
// which the weight gradient reuses; it always runs before its gradients in
// the same program.
type projOp struct {
	opBase
	g projGeom
	// For block r: the category of its only nonzero value, and that value;
	// idx[r] = −1 if the block has several nonzero values (then the block
	// is read densely). A block of zeros has value 0.
	idx   []int32
	val32 []float32
	val64 []float64
}

// project adds the projection of the one-hot input x ([B, Sites·K]) by the
// parameters name.w ([K, P]) and name.b ([P]) to the graph, as a [B, Sites·P]
// matrix, or as [B, P, Height, Side] images when channelsFirst.
func (b *builder) project(x *G.Node, name string, channelsFirst bool) *G.Node {
	w, bias := b.param(name+".w"), b.param(name+".b")
	if b.err != nil {
		return nil
	}
	c := b.net.config
	g := projGeom{B: b.batch, D: c.Sites, K: c.Categories, P: c.Proj, channelsFirst: channelsFirst}
	if s := w.Shape(); len(s) != 2 || s[0] != g.K || s[1] != g.P {
		b.err = fmt.Errorf("%s: weights %v, want [%d %d]", name, s, g.K, g.P)
		return nil
	}
	shape := tensor.Shape{g.B, g.D * g.P}
	if channelsFirst {
		shape = tensor.Shape{g.B, g.P, c.Height, c.Side}
	}
	op := &projOp{opBase: newOpBase("onehot-proj", shape, x, w, bias), g: g, idx: make([]int32, g.rows())}
	return b.keep(G.ApplyOp(op, x, w, bias))
}

func (o *projOp) Arity() int { return 3 }

func (o *projOp) Do(vs ...G.Value) (G.Value, error) {
	return run(&o.opBase, vs,
		func(h []float32, in [][]float32) { o.val32 = projForward(o.g, h, in, o.idx, grow(o.val32, len(o.idx))) },
		func(h []float64, in [][]float64) { o.val64 = projForward(o.g, h, in, o.idx, grow(o.val64, len(o.idx))) })
}

func projForward[T float](g projGeom, h []T, in [][]T, idx []int32, val []T) []T {
	x, w, bias := in[0], in[1], in[2]
	// Finding the nonzero entry is most of the work; on float32 it reads
	// the bits eight values at a time.
	var bits []uint32
	if x32, ok := any(x).([]float32); ok && len(x32) > 0 {
		bits = unsafe.Slice((*uint32)(unsafe.Pointer(&x32[0])), len(x32))
	}
	for r := range g.rows() {
		block := x[r*g.K:][:g.K]
		var j int32
		var v T
		if bits != nil {
			if j = nonzero(bits[r*g.K:][:g.K]); j >= 0 {
				v = block[j]
			}
		} else {
			j, v = sparse(block)
		}
		idx[r], val[r] = j, v
		for p := range g.P {
			s := bias[p]
			if j >= 0 {
				s += v * w[int(j)*g.P+p]
			} else {
				for k, xv := range block {
					s += xv * w[k*g.P+p]
				}
			}
			h[g.at(r, p)] = s
		}
	}
	return val
}

// sparse returns the position and value of the only nonzero entry of block,
// (0, 0) if there is none, and (−1, 0) if there are several.
func sparse[T float](block []T) (int32, T) {
	j := -1
	for k, v := range block {
		if v != 0 {
			if j >= 0 {
				return -1, 0
			}
			j = k
		}
	}
	if j < 0 {
		return 0, 0
	}
	return int32(j), block[j]
}

// nonzero is sparse on the bits of float32 values: the position of the
// only nonzero word, 0 if there is none, −1 if there are several. A −0 counts
// as nonzero, which only sends its block down the dense path.
func nonzero(block []uint32) int32 {
	j := -1
	k := 0
	for ; k+8 <= len(block); k += 8 {
		b := block[k : k+8 : k+8]
		if b[0]|b[1]|b[2]|b[3]|b[4]|b[5]|b[6]|b[7] == 0 {
			continue
		}
		for m, u := range b {
			if u != 0 {
				if j >= 0 {
					return -1
				}
				j = k + m
			}
		}
	}
	for ; k < len(block); k++ {
		if block[k] != 0 {
			if j >= 0 {
				return -1
			}
			j = k
		}
	}
	return int32(max(j, 0))
}

func (o *projOp) DiffWRT(int) []bool { return []bool{true, true, true} }

// SymDiff returns the three gradients. The one with respect to x is what
// categorical GWG needs: ∂f/∂x[b, i, j] = ⟨∂f/∂h[b, i], W[j]⟩ for every
// category j, not only the active one.
func (o *projOp) SymDiff(in G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	x, w, b := in[0], in[1], in[2]
	dx, err := G.ApplyOp(&projGradXOp{newOpBase("onehot-proj'x", x.Shape().Clone(), w, grad), o.g}, w, grad)
	if err != nil {
		return nil, err
	}
	dw, err := G.ApplyOp(&projGradWOp{newOpBase("onehot-proj'w", w.Shape().Clone(), x, grad), o}, x, grad)
	if err != nil {
		return nil, err
	}
	db, err := G.ApplyOp(&projGradBOp{newOpBase("onehot-proj'b", b.Shape().Clone(), grad), o.g}, grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{dx, dw, db}, nil
}

// projGradXOp is dx[b, i] = W·dh[b, i], from (W, dh): one [D, P]×[P, K]
// product per sample. The output is B·D·K values with only P terms each, so
// its memory traffic is the cost: a sample's [D, K] block is small enough
// for the cache, which keeps the product's clearing and accumulating of its
// output there.
type projGradXOp struct {
	opBase
	g projGeom
}

func (o *projGradXOp) Arity() int { return 2 }

func (o *projGradXOp) Do(vs ...G.Value) (G.Value, error) {
	return run(&o.opBase, vs,
		func(dx []float32, in [][]float32) { projGradX(o.g, dx, in[0], in[1]) },
		func(dx []float64, in [][]float64) { projGradX(o.g, dx, in[0], in[1]) })
}

func projGradX[T float](g projGeom, dx, w, dh []T) {
	for b := range g.B {
		a, lda := dh[b*g.D*g.P:], g.P
		if g.channelsFirst {
			lda = g.D
		}
		gemm(g.channelsFirst, true, g.D, g.K, g.P, a, lda, w, g.P, 0, dx[b*g.D*g.K:], g.K)
	}
}

// projGradWOp is dW[j] = Σ_{b,i} x[b, i, j]·dh[b, i], from (x, dh), a
// scatter-add of each block's nonzero entry as the forward pass found it.
type projGradWOp struct {
	opBase
	fwd *projOp
}

func (o *projGradWOp) Arity() int { return 2 }

func (o *projGradWOp) Do(vs ...G.Value) (G.Value, error) {
	f := o.fwd
	return run(&o.opBase, vs,
		func(dw []float32, in [][]float32) { projGradW(f.g, dw, in[0], in[1], f.idx, f.val32) },
		func(dw []float64, in [][]float64) { projGradW(f.g, dw, in[0], in[1], f.idx, f.val64) })
}

func projGradW[T float](g projGeom, dw, x, dh []T, idx []int32, val []T) {
	clear(dw)
	for r, j := range idx {
		for p := range g.P {
			d := dh[g.at(r, p)]
			if j >= 0 {
				dw[int(j)*g.P+p] += val[r] * d
				continue
			}
			for k, xv := range x[r*g.K:][:g.K] {
				dw[k*g.P+p] += xv * d
			}
		}
	}
}

// projGradBOp is db = Σ_{b,i} dh[b, i], from dh.
type projGradBOp struct {
	opBase
	g projGeom
}

func (o *projGradBOp) Arity() int { return 1 }

func (o *projGradBOp) Do(vs ...G.Value) (G.Value, error) {
	return run(&o.opBase, vs,
		func(db []float32, in [][]float32) { projGradB(o.g, db, in[0]) },
		func(db []float64, in [][]float64) { projGradB(o.g, db, in[0]) })
}

func projGradB[T float](g projGeom, db, dh []T) {
	clear(db)
	for r := range g.rows() {
		for p := range g.P {
			db[p] += dh[g.at(r, p)]
		}
	}
}
