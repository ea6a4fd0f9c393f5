package nn

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/gwg-go/gwg/internal/sgemm"
)

// geom is the geometry of one convolution over a batch in NCHW layout:
// input [B, Cin, H, W], weights [Cout, Cin·K·K], output [B, Cout, Ho, Wo].
type geom struct {
	B, Cin, H, W, Cout, K, Stride, Pad, Ho, Wo int
}

func newGeom(x tensor.Shape, cout, k, stride, pad int) (geom, error) {
	if len(x) != 4 {
		return geom{}, fmt.Errorf("convolution input has shape %v, want [B C H W]", x)
	}
	g := geom{B: x[0], Cin: x[1], H: x[2], W: x[3], Cout: cout, K: k, Stride: stride, Pad: pad}
	g.Ho = (g.H+2*pad-k)/stride + 1
	g.Wo = (g.W+2*pad-k)/stride + 1
	if g.Ho <= 0 || g.Wo <= 0 {
		return geom{}, fmt.Errorf("convolution %d×%d stride %d pad %d of a %d×%d image", k, k, stride, pad, g.H, g.W)
	}
	return g, nil
}

func (g geom) positions() int { return g.Ho * g.Wo }
func (g geom) patch() int     { return g.Cin * g.K * g.K }

// chunkColumns is the target width of the im2col matrix of one chunk of
// samples: large enough for an efficient GEMM, small enough to stay in cache.
var chunkColumns = 2048

// chunk is the number of samples whose columns are unrolled at once.
func (g geom) chunk() int {
	return max(1, min(g.B, chunkColumns/g.positions()))
}

// scratch is working memory shared by all convolutions of a graph: the
// operations of a program run one after another, so one buffer suffices.
type scratch struct {
	f32 []float32
	f64 []float64
}

// buffers returns two slices of n and m elements from the scratch space.
func buffers[T float](s *scratch, n, m int) ([]T, []T) {
	var buf []T
	switch any(buf).(type) {
	case []float32:
		if len(s.f32) < n+m {
			s.f32 = make([]float32, n+m)
		}
		buf = any(s.f32).([]T)
	case []float64:
		if len(s.f64) < n+m {
			s.f64 = make([]float64, n+m)
		}
		buf = any(s.f64).([]T)
	}
	return buf[:n], buf[n : n+m]
}

func trans(t bool) blas.Transpose {
	if t {
		return blas.Trans
	}
	return blas.NoTrans
}

// gemm is c = alpha·op(a)·op(b) + beta·c on row-major matrices, through the
// BLAS implementation currently registered with gonum.
func gemm[T float](ta, tb bool, m, n, k int, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	switch a := any(a).(type) {
	case []float32:
		blas32.Implementation().Sgemm(trans(ta), trans(tb), m, n, k, 1, a, lda, any(b).([]float32), ldb, float32(beta), any(c).([]float32), ldc)
	case []float64:
		blas64.Implementation().Dgemm(trans(ta), trans(tb), m, n, k, 1, a, lda, any(b).([]float64), ldb, float64(beta), any(c).([]float64), ldc)
	}
}

// span returns the range [lo, hi) of output columns ox whose input column
// ox·stride − pad + kx lies inside [0, w).
func span(wo, w, stride, pad, kx int) (lo, hi int) {
	lo = max(0, (pad-kx+stride-1)/stride)
	hi = min(wo, (w-1+pad-kx)/stride+1)
	return lo, max(lo, hi)
}

// im2col unrolls samples [b0, b0+bc) of x into col, a [patch, bc·positions]
// matrix: row (ci, ky, kx), column (sample, oy, ox).
func im2col[T float](g geom, x []T, b0, bc int, col []T) {
	n := bc * g.positions()
	for r := range g.patch() {
		im2colRow(g, x, b0, bc, r, col[r*n:][:n])
	}
}

// im2colRow writes row r of im2col's matrix into row.
func im2colRow[T float](g geom, x []T, b0, bc, r int, row []T) {
	p := g.positions()
	ci, ky, kx := r/(g.K*g.K), r/g.K%g.K, r%g.K
	x0, x1 := span(g.Wo, g.W, g.Stride, g.Pad, kx)
	for bi := range bc {
		img := x[((b0+bi)*g.Cin+ci)*g.H*g.W:][:g.H*g.W]
		if g.samePlane() {
			shiftPlane(g, row[bi*p:][:p], img, ky, kx, x0, x1)
			continue
		}
		for oy := range g.Ho {
			out := row[bi*p+oy*g.Wo:][:g.Wo]
			iy := oy*g.Stride - g.Pad + ky
			if iy < 0 || iy >= g.H || x0 == x1 {
				clear(out)
				continue
			}
			clear(out[:x0])
			clear(out[x1:])
			// Input column of output column ox: base + ox·stride.
			base := iy*g.W - g.Pad + kx
			if g.Stride == 1 {
				copy(out[x0:x1], img[base+x0:base+x1])
				continue
			}
			for ox := x0; ox < x1; ox++ {
				out[ox] = img[base+ox*g.Stride]
			}
		}
	}
}

// samePlane reports whether output and input maps have the same size and
// stride 1, so that one im2col row of a sample is the input plane shifted.
func (g geom) samePlane() bool { return g.Stride == 1 && g.Ho == g.H && g.Wo == g.W }

// shiftPlane writes the im2col row (ky, kx) of one input plane img into out
// when samePlane holds: out[oy·W + ox] = img[(oy + ky − pad)·W + ox + kx − pad],
// zero outside the image. Valid output columns are [x0, x1).
func shiftPlane[T float](g geom, out, img []T, ky, kx, x0, x1 int) {
	y0, y1 := span(g.Ho, g.H, 1, g.Pad, ky)
	clear(out[:y0*g.W])
	clear(out[y1*g.W:])
	if y0 == y1 {
		return
	}
	// One copy of the valid rows; the elements it takes from across the
	// image's side edges land in invalid columns, cleared below.
	a, b := y0*g.W, y1*g.W
	off := (ky-g.Pad)*g.W + kx - g.Pad
	sa, sb := a+off, b+off
	if sa < 0 {
		a, sa = a-sa, 0
	}
	if sb > len(img) {
		b, sb = b-(sb-len(img)), len(img)
	}
	copy(out[a:b], img[sa:sb])
	if x0 > 0 || x1 < g.W {
		for oy := y0; oy < y1; oy++ {
			clear(out[oy*g.W : oy*g.W+x0])
			clear(out[oy*g.W+x1 : (oy+1)*g.W])
		}
	}
}

// col2im is the adjoint of im2col: it adds col back into samples
// [b0, b0+bc) of dx.
func col2im[T float](g geom, col []T, b0, bc int, dx []T) {
	p, n := g.positions(), bc*g.positions()
	for r := range g.patch() {
		ci, ky, kx := r/(g.K*g.K), r/g.K%g.K, r%g.K
		row := col[r*n:][:n]
		x0, x1 := span(g.Wo, g.W, g.Stride, g.Pad, kx)
		if x0 == x1 {
			continue
		}
		for bi := range bc {
			img := dx[((b0+bi)*g.Cin+ci)*g.H*g.W:][:g.H*g.W]
			for oy := range g.Ho {
				iy := oy*g.Stride - g.Pad + ky
				if iy < 0 || iy >= g.H {
					continue
				}
				src := row[bi*p+oy*g.Wo:][x0:x1]
				out := img[iy*g.W-g.Pad+kx+x0*g.Stride:]
				for i, v := range src {
					out[i*g.Stride] += v
				}
			}
		}
	}
}

// gatherGrad copies samples [b0, b0+bc) of dy ([B, Cout, positions]) into
// the [Cout, bc·positions] layout of a chunk's output columns.
func gatherGrad[T float](g geom, dy []T, b0, bc int, cols []T) {
	p, n := g.positions(), bc*g.positions()
	for bi := range bc {
		for co := range g.Cout {
			copy(cols[co*n+bi*p:][:p], dy[((b0+bi)*g.Cout+co)*p:][:p])
		}
	}
}

// convOp is y = conv(x, w) + b.
type convOp struct {
	opBase
	g  geom
	sc *scratch
}

func (o *convOp) Arity() int { return 3 }

func (o *convOp) Do(vs ...G.Value) (G.Value, error) {
	return run(&o.opBase, vs,
		func(y []float32, in [][]float32) { convForward(o.g, o.sc, y, in) },
		func(y []float64, in [][]float64) { convForward(o.g, o.sc, y, in) })
}

func convForward[T float](g geom, sc *scratch, y []T, in [][]T) {
	x, w, bias := in[0], in[1], in[2]
	p, bc := g.positions(), g.chunk()
	_, fused := any(x).([]float32)
	fused = fused && packWeights
	colSize := g.patch() * bc * p
	if fused {
		// The product packs each row of the unrolled input as it is
		// made, in chunks it takes whole: the matrix is never stored
		// (which cost as much as the product's packing).
		bc = max(1, min(g.B, sgemm.BlockColumns/p))
		colSize = bc * p
	}
	col, ycol := buffers[T](sc, colSize, g.Cout*bc*p)
	for b0 := 0; b0 < g.B; b0 += bc {
		bc := min(bc, g.B-b0)
		n := bc * p
		if fused {
			x, row := any(x).([]float32), any(col).([]float32)[:n]
			sgemm.GemmFunc(false, g.Cout, n, g.patch(), 1, any(w).([]float32), g.patch(), func(dst []float32, pc, kb, jc, nb int) {
				for l := range kb {
					im2colRow(g, x, b0, bc, pc+l, row)
					sgemm.PutRow(dst, kb, l, row[jc:jc+nb])
				}
			}, 0, any(ycol).([]float32), n)
		} else {
			im2col(g, x, b0, bc, col)
			gemm(false, false, g.Cout, n, g.patch(), w, g.patch(), col, n, 0, ycol, n)
		}
		for bi := range bc {
			for co := range g.Cout {
				src, b := ycol[co*n+bi*p:][:p], bias[co]
				dst := y[((b0+bi)*g.Cout+co)*p:][:len(src)]
				for i, v := range src {
					dst[i] = v + b
				}
			}
		}
	}
}

func (o *convOp) DiffWRT(int) []bool { return []bool{true, true, true} }

func (o *convOp) SymDiff(in G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	x, w, b := in[0], in[1], in[2]
	dx, err := G.ApplyOp(&convGradXOp{opBase: newOpBase("conv'x", x.Shape().Clone(), w, grad), g: o.g, sc: o.sc}, w, grad)
	if err != nil {
		return nil, err
	}
	dw, err := G.ApplyOp(&convGradWOp{newOpBase("conv'w", w.Shape().Clone(), x, grad), o.g, o.sc}, x, grad)
	if err != nil {
		return nil, err
	}
	db, err := G.ApplyOp(&convGradBOp{newOpBase("conv'b", b.Shape().Clone(), grad), o.g}, grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{dx, dw, db}, nil
}

// convGradXOp is dx = ∂⟨dy, conv(x, w)⟩/∂x, from (w, dy).
type convGradXOp struct {
	opBase
	g  geom
	sc *scratch
	// For stride 1, dx is the convolution of dy with the flipped,
	// transposed weights wt; zero is its (absent) bias.
	wt32, zero32 []float32
	wt64, zero64 []float64
}

func (o *convGradXOp) Arity() int { return 2 }

func (o *convGradXOp) Do(vs ...G.Value) (G.Value, error) {
	return run(&o.opBase, vs,
		func(dx []float32, in [][]float32) { o.wt32, o.zero32 = convGradX(o.g, o.sc, dx, in, o.wt32, o.zero32) },
		func(dx []float64, in [][]float64) { o.wt64, o.zero64 = convGradX(o.g, o.sc, dx, in, o.wt64, o.zero64) })
}

// flipped is the geometry of the convolution that computes dx for a stride-1
// convolution: dy [B, Cout, Ho, Wo] with k×k weights [Cin, Cout·k·k] and
// padding k−1−pad gives [B, Cin, H, W].
func (g geom) flipped() geom {
	return geom{B: g.B, Cin: g.Cout, H: g.Ho, W: g.Wo, Cout: g.Cin, K: g.K, Stride: 1, Pad: g.K - 1 - g.Pad, Ho: g.H, Wo: g.W}
}

func convGradX[T float](g geom, sc *scratch, dx []T, in [][]T, wt, zero []T) ([]T, []T) {
	w, dy := in[0], in[1]
	if g.Stride == 1 && g.Pad <= g.K-1 {
		// wt[ci, (co, ky, kx)] = w[co, (ci, K−1−ky, K−1−kx)].
		kk := g.K * g.K
		wt, zero = grow(wt, len(w)), grow(zero, g.Cin)
		for co := range g.Cout {
			for ci := range g.Cin {
				src := w[(co*g.Cin+ci)*kk:][:kk]
				dst := wt[(ci*g.Cout+co)*kk:][:kk]
				for i, v := range src {
					dst[kk-1-i] = v
				}
			}
		}
		convForward(g.flipped(), sc, dx, [][]T{dy, wt, zero})
		return wt, zero
	}
	p, bc := g.positions(), g.chunk()
	dcol, dycol := buffers[T](sc, g.patch()*bc*p, g.Cout*bc*p)
	clear(dx)
	for b0 := 0; b0 < g.B; b0 += bc {
		bc := min(bc, g.B-b0)
		n := bc * p
		gatherGrad(g, dy, b0, bc, dycol)
		gemm(true, false, g.patch(), n, g.Cout, w, g.patch(), dycol, n, 0, dcol, n)
		col2im(g, dcol, b0, bc, dx)
	}
	return wt, zero
}

// convGradWOp is dw = ∂⟨dy, conv(x, w)⟩/∂w, from (x, dy).
type convGradWOp struct {
	opBase
	g  geom
	sc *scratch
}

func (o *convGradWOp) Arity() int { return 2 }

func (o *convGradWOp) Do(vs ...G.Value) (G.Value, error) {
	return run(&o.opBase, vs,
		func(dw []float32, in [][]float32) { convGradW(o.g, o.sc, dw, in) },
		func(dw []float64, in [][]float64) { convGradW(o.g, o.sc, dw, in) })
}

func convGradW[T float](g geom, sc *scratch, dw []T, in [][]T) {
	x, dy := in[0], in[1]
	p, bc := g.positions(), g.chunk()
	col, dycol := buffers[T](sc, g.patch()*bc*p, g.Cout*bc*p)
	for b0 := 0; b0 < g.B; b0 += bc {
		bc := min(bc, g.B-b0)
		n := bc * p
		im2col(g, x, b0, bc, col)
		gatherGrad(g, dy, b0, bc, dycol)
		beta := T(1)
		if b0 == 0 {
			beta = 0
		}
		gemm(false, true, g.Cout, g.patch(), n, dycol, n, col, n, beta, dw, g.patch())
	}
}

// convGradBOp is db = ∂⟨dy, conv(x, w) + b⟩/∂b, from dy.
type convGradBOp struct {
	opBase
	g geom
}

func (o *convGradBOp) Arity() int { return 1 }

func (o *convGradBOp) Do(vs ...G.Value) (G.Value, error) {
	return run(&o.opBase, vs,
		func(db []float32, in [][]float32) { convGradB(o.g, db, in[0]) },
		func(db []float64, in [][]float64) { convGradB(o.g, db, in[0]) })
}

func convGradB[T float](g geom, db []T, dy []T) {
	clear(db)
	p := g.positions()
	for b := range g.B {
		for co := range g.Cout {
			s := T(0)
			for _, v := range dy[(b*g.Cout+co)*p:][:p] {
				s += v
			}
			db[co] += s
		}
	}
}
