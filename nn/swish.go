package nn

import (
	"math"

	G "gorgonia.org/gorgonia"
)

// swishOp is y = x·sigmoid(x), elementwise.
type swishOp struct{ opBase }

func newSwish(x *G.Node) *swishOp {
	return &swishOp{newOpBase("swish", x.Shape().Clone(), x)}
}

func (o *swishOp) Arity() int { return 1 }

func (o *swishOp) Do(vs ...G.Value) (G.Value, error) {
	return run(&o.opBase, vs, swish[float32], swish[float64])
}

func (o *swishOp) DiffWRT(int) []bool { return []bool{true} }

func (o *swishOp) SymDiff(in G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	op := &swishGradOp{newOpBase("swish'", in[0].Shape().Clone(), in[0], grad)}
	dx, err := G.ApplyOp(op, in[0], grad)
	return G.Nodes{dx}, err
}

// swishGradOp is dx = dy·d swish(x)/dx = dy·σ(x)·(1 + x·(1 − σ(x))).
type swishGradOp struct{ opBase }

func (o *swishGradOp) Arity() int { return 2 }

func (o *swishGradOp) Do(vs ...G.Value) (G.Value, error) {
	return run(&o.opBase, vs, swishGrad[float32], swishGrad[float64])
}

func sigmoid[T float](x T) T { return T(1 / (1 + math.Exp(-float64(x)))) }

func swish[T float](y []T, in [][]T) {
	for i, x := range in[0][:len(y)] {
		y[i] = x * sigmoid(x)
	}
}

func swishGrad[T float](dx []T, in [][]T) {
	x, dy := in[0][:len(dx)], in[1][:len(dx)]
	for i, v := range x {
		s := sigmoid(v)
		dx[i] = dy[i] * s * (1 + v*(1-s))
	}
}
