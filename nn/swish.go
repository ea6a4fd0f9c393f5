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

func swish[T float](y, sig, x []T) []T {
	sigmoids(sig, x)
	for i, v := range x {
		y[i] = v * sig[i]
	}
	return sig
}

func swishGrad[T float](dx, sig, x, dy []T) {
	for i, v := range x {
		s := sig[i]
		dx[i] = dy[i] * s * (1 + v*(1-s))
	}
}

// sigmoids sets s[i] = σ(x[i]), in float32 through exp32.
func sigmoids[T float](s, x []T) {
	switch s := any(s).(type) {
	case []float32:
		for i, v := range any(x).([]float32) {
			s[i] = 1 / (1 + exp32(-v))
		}
	case []float64:
		for i, v := range any(x).([]float64) {
			s[i] = 1 / (1 + math.Exp(-v))
		}
	}
}

// exp32 is e^x to about one float32 ulp, several times cheaper than
// math.Exp: x = k·ln 2 + r with |r| ≤ ln 2/2, a degree-7 polynomial for e^r
// (the coefficients of Cephes' expf), and 2^k put in the exponent bits.
func exp32(x float32) float32 {
	switch {
	case x > 88:
		return float32(math.Inf(1))
	case x < -87:
		return 0
	case x != x:
		return x
	}
	const log2e = 1.44269504088896341
	kf := x*log2e + 0.5
	k := int32(kf)
	if float32(k) > kf {
		k-- // floor for negative x
	}
	fk := float32(k)
	r := x - fk*0.693359375 - fk*-2.12194440e-4
	p := float32(1.9875691500e-4)
	p = p*r + 1.3981999507e-3
	p = p*r + 8.3334519073e-3
	p = p*r + 4.1665795894e-2
	p = p*r + 1.6666665459e-1
	p = p*r + 5.0000001201e-1
	p = p*r*r + r + 1
	return p * math.Float32frombits(uint32(k+127)<<23)
}
