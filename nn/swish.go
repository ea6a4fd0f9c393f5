package nn

import (
	"math"

	G "gorgonia.org/gorgonia"
)

// swishOp is y = x·σ(x), elementwise. It keeps σ(x) for its gradient, which
// always runs after it in the same program.
type swishOp struct {
	opBase
	sig32 []float32
	sig64 []float64
}

func newSwish(x *G.Node) *swishOp {
	return &swishOp{opBase: newOpBase("swish", x.Shape().Clone(), x)}
}

func (o *swishOp) Arity() int { return 1 }

func (o *swishOp) Do(vs ...G.Value) (G.Value, error) {
	return run(&o.opBase, vs,
		func(y []float32, in [][]float32) { o.sig32 = swish(y, grow(o.sig32, len(y)), in[0]) },
		func(y []float64, in [][]float64) { o.sig64 = swish(y, grow(o.sig64, len(y)), in[0]) })
}

func (o *swishOp) DiffWRT(int) []bool { return []bool{true} }

func (o *swishOp) SymDiff(in G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	op := &swishGradOp{newOpBase("swish'", in[0].Shape().Clone(), in[0], grad), o}
	dx, err := G.ApplyOp(op, in[0], grad)
	return G.Nodes{dx}, err
}

// swishGradOp is dx = dy·σ(x)·(1 + x·(1 − σ(x))), from (x, dy), reading
// σ(x) from the forward operation.
type swishGradOp struct {
	opBase
	fwd *swishOp
}

func (o *swishGradOp) Arity() int { return 2 }

func (o *swishGradOp) Do(vs ...G.Value) (G.Value, error) {
	return run(&o.opBase, vs,
		func(dx []float32, in [][]float32) { swishGrad(dx, o.fwd.sig32, in[0], in[1]) },
		func(dx []float64, in [][]float64) { swishGrad(dx, o.fwd.sig64, in[0], in[1]) })
}

func grow[T float](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// elementGrain is the number of elementwise evaluations worth a goroutine.
const elementGrain = 1 << 14

func swish[T float](y, sig, x []T) []T {
	parallel(len(y), elementGrain, func(lo, hi int) {
		for i, v := range x[lo:hi] {
			s := T(1 / (1 + math.Exp(-float64(v))))
			sig[lo+i], y[lo+i] = s, v*s
		}
	})
	return sig
}

func swishGrad[T float](dx, sig, x, dy []T) {
	parallel(len(dx), elementGrain, func(lo, hi int) {
		for i, v := range x[lo:hi] {
			s := sig[lo+i]
			dx[lo+i] = dy[lo+i] * s * (1 + v*(1-s))
		}
	})
}
