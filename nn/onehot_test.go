package nn

import (
	"math"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// projCase is a small projection: B samples of D = h·w sites with K
// categories projected to P features, in either layout.
type projCase struct {
	name          string
	b, h, w, k, p int
	channelsFirst bool
}

var projCases = []projCase{
	{"sites-major", 3, 1, 4, 5, 3, false},
	{"channels-first", 2, 2, 3, 4, 2, true},
	{"one sample, one feature", 1, 2, 2, 3, 1, true},
	{"many categories", 2, 1, 3, 19, 2, false},
}

// projLoss builds L = Σ r ⊙ swish(project(x)) in float64 and returns a
// function evaluating it at (x, W, bias), and the gradients at the point of
// the first evaluation.
func projLoss(t *testing.T, c projCase) (func(x, w, bias []float64) float64, *[3][]float64) {
	t.Helper()
	d := c.h * c.w
	g := G.NewGraph()
	xt := tensor.New(tensor.Of(tensor.Float64), tensor.WithShape(c.b, d*c.k))
	wt := tensor.New(tensor.Of(tensor.Float64), tensor.WithShape(c.k, c.p))
	bt := tensor.New(tensor.Of(tensor.Float64), tensor.WithShape(c.p))
	xn, wn, bn := G.NodeFromAny(g, xt, G.WithName("x")), G.NodeFromAny(g, wt, G.WithName("w")), G.NodeFromAny(g, bt, G.WithName("b"))
	net := &Net{
		config: Config{Sites: d, Categories: c.k, Proj: c.p, Height: c.h, Side: c.w},
		index:  map[string]int{"p.w": 0, "p.b": 1},
	}
	bl := &builder{g: g, net: net, batch: c.b, params: G.Nodes{wn, bn}, sc: &scratch{}}
	y := bl.swish(bl.project(xn, "p", c.channelsFirst))
	if bl.err != nil {
		t.Fatal(bl.err)
	}
	rt := tensor.New(tensor.WithShape(y.Shape()...), tensor.WithBacking(make([]float64, y.Shape().TotalSize())))
	for i := range rt.Data().([]float64) {
		rt.Data().([]float64)[i] = float64(i%7) - 3
	}
	rn := G.NodeFromAny(g, rt, G.WithName("r"))
	l := G.Must(G.Sum(G.Must(G.HadamardProd(y, rn))))
	gr, err := G.Grad(l, xn, wn, bn)
	if err != nil {
		t.Fatal(err)
	}
	prog, err := Compile(g, G.Nodes{xn, wn, bn, rn}, G.Nodes{G.Must(G.Reshape(l, tensor.Shape{1})), gr[0], gr[1], gr[2]})
	if err != nil {
		t.Fatal(err)
	}
	grads := new([3][]float64)
	eval := func(x, wv, bias []float64) float64 {
		copy(xt.Data().([]float64), x)
		copy(wt.Data().([]float64), wv)
		copy(bt.Data().([]float64), bias)
		if err := prog.Run(); err != nil {
			t.Fatal(err)
		}
		if grads[0] == nil {
			for i := range grads {
				grads[i] = append([]float64(nil), prog.Output(i+1).Data().([]float64)...)
			}
		}
		return prog.Output(0).Data().([]float64)[0]
	}
	return eval, grads
}

// oneHot returns b·d one-hot blocks of k values, with the blocks listed in
// zero (all zeros) and dense (several nonzero values) changed accordingly.
func oneHot(rng *rand.Rand, b, d, k int, zero, dense []int) []float64 {
	x := make([]float64, b*d*k)
	for r := range b * d {
		x[r*k+rng.IntN(k)] = 1
	}
	for _, r := range zero {
		clear(x[r*k : (r+1)*k])
	}
	for _, r := range dense {
		for j := range k {
			x[r*k+j] = rng.Float64() - 0.5
		}
	}
	return x
}

// TestProjectionFiniteDifferences checks the three gradients of the one-hot
// projection against central differences. The gradient with respect to x is
// checked at every category, active or not: it is what categorical GWG
// reads. Perturbing an entry of a one-hot block makes it a block of two
// nonzero values, so the dense fallback is checked on the way.
func TestProjectionFiniteDifferences(t *testing.T) {
	for _, c := range projCases {
		rng := rand.New(rand.NewPCG(uint64(c.k), 3))
		rnd := func(n int) []float64 {
			v := make([]float64, n)
			for i := range v {
				v[i] = 2*rng.Float64() - 1
			}
			return v
		}
		d := c.h * c.w
		for _, special := range [][2][]int{{nil, nil}, {{0}, {1}}} {
			x := oneHot(rng, c.b, d, c.k, special[0], special[1])
			w, bias := rnd(c.k*c.p), rnd(c.p)
			loss, grads := projLoss(t, c)
			loss(x, w, bias)
			for i, v := range [][]float64{x, w, bias} {
				for j := range v {
					const h = 1e-6
					old := v[j]
					v[j] = old + h
					up := loss(x, w, bias)
					v[j] = old - h
					down := loss(x, w, bias)
					v[j] = old
					fd := (up - down) / (2 * h)
					if got := grads[i][j]; math.Abs(got-fd) > 1e-6*(1+math.Abs(fd)) {
						t.Errorf("%s, zero/dense blocks %v: ∂L/∂input%d[%d] = %v, finite difference %v", c.name, special, i, j, got, fd)
					}
				}
			}
		}
	}
}

// TestProjectionIsTheDenseLayer checks the forward pass against the dense
// product it replaces, x·W + bias blockwise, in both layouts.
func TestProjectionIsTheDenseLayer(t *testing.T) {
	for _, c := range projCases {
		rng := rand.New(rand.NewPCG(uint64(c.p), 9))
		d := c.h * c.w
		x := oneHot(rng, c.b, d, c.k, []int{1}, []int{2})
		w, bias := make([]float32, c.k*c.p), make([]float32, c.p)
		for i := range w {
			w[i] = float32(rng.NormFloat64())
		}
		for i := range bias {
			bias[i] = float32(rng.NormFloat64())
		}
		x32 := make([]float32, len(x))
		for i, v := range x {
			x32[i] = float32(v)
		}
		g := projGeom{B: c.b, D: d, K: c.k, P: c.p, channelsFirst: c.channelsFirst}
		out := make([]float32, c.b*d*c.p)
		projForward(g, out, [][]float32{x32, w, bias}, make([]int32, g.rows()), make([]float32, g.rows()))
		for bi := range c.b {
			for i := range d {
				for p := range c.p {
					want := float64(bias[p])
					for j := range c.k {
						want += float64(x32[(bi*d+i)*c.k+j]) * float64(w[j*c.p+p])
					}
					if got := out[g.at(bi*d+i, p)]; math.Abs(float64(got)-want) > 1e-5 {
						t.Errorf("%s: h[%d, %d, %d] = %v, want %v", c.name, bi, i, p, got, want)
					}
				}
			}
		}
	}
}
