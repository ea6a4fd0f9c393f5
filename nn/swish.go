package nn

import (
	"math"

	G "gorgonia.org/gorgonia"

	"github.com/gwg-go/gwg/internal/fastmath"
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

func swish[T float](y, sig, x []T) []T {
	y, sig = y[:len(x)], sig[:len(x)] // no bounds checks in the loops
	sigmoids(sig, x)
	for i, v := range x {
		y[i] = v * sig[i]
	}
	return sig
}

func swishGrad[T float](dx, sig, x, dy []T) {
	dx, sig, dy = dx[:len(x)], sig[:len(x)], dy[:len(x)]
	for i, v := range x {
		s := sig[i]
		dx[i] = dy[i] * s * (1 + v*(1-s))
	}
}

// sigmoids sets s[i] = σ(x[i]); in float32 through the vectorised
// exponential, a sixth of a GWG step of mlp-256 with a scalar one.
func sigmoids[T float](s, x []T) {
	switch s := any(s).(type) {
	case []float32:
		fastmath.ExpSum32(s, any(x).([]float32), 0, -1) // e^−x
		for i, e := range s {
			s[i] = 1 / (1 + e)
		}
	case []float64:
		for i, v := range any(x).([]float64) {
			s[i] = 1 / (1 + math.Exp(-v))
		}
	}
}
