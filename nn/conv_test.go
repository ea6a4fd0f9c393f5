package nn

import (
	"math"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestConvFiniteDifferences checks the convolution's three gradients, with
// Swish and mean pooling after it, against central differences, for every
// geometry the nets use and for both one and several samples per chunk.
func TestConvFiniteDifferences(t *testing.T) {
	cases := []struct {
		name                        string
		b, cin, h, w, cout, k, s, p int
	}{
		{"3x3 stride 1 pad 1", 3, 2, 5, 4, 3, 3, 1, 1},
		{"3x3 stride 2 pad 1", 3, 2, 5, 6, 2, 3, 2, 1},
		{"1x1 stride 2", 3, 3, 5, 5, 2, 1, 2, 0},
		{"3x3 stride 1 no pad", 2, 1, 4, 4, 2, 3, 1, 0},
	}
	defer func(c int) { chunkColumns = c }(chunkColumns)
	for _, tc := range cases {
		for _, cols := range []int{1, 2048} {
			chunkColumns = cols
			rng := rand.New(rand.NewPCG(uint64(cols), 7))
			rnd := func(n int) []float64 {
				v := make([]float64, n)
				for i := range v {
					v[i] = 2*rng.Float64() - 1
				}
				return v
			}
			x := rnd(tc.b * tc.cin * tc.h * tc.w)
			w := rnd(tc.cout * tc.cin * tc.k * tc.k)
			bias := rnd(tc.cout)
			loss, grads := convLoss(t, tc.b, tc.cin, tc.h, tc.w, tc.cout, tc.k, tc.s, tc.p)
			loss(x, w, bias) // records the gradients at this point
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
						t.Errorf("%s, %d columns: ∂L/∂input%d[%d] = %v, finite difference %v", tc.name, cols, i, j, got, fd)
					}
				}
			}
		}
	}
}

// convLoss builds L = Σ r ⊙ meanpool(swish(conv(x, w) + b)) in float64 and
// returns a function evaluating it, and the gradients at the point of the
// first evaluation.
func convLoss(t *testing.T, b, cin, h, w, cout, k, s, p int) (func(x, wt, bias []float64) float64, *[3][]float64) {
	t.Helper()
	g := G.NewGraph()
	xt := tensor.New(tensor.Of(tensor.Float64), tensor.WithShape(b, cin, h, w))
	wt := tensor.New(tensor.Of(tensor.Float64), tensor.WithShape(cout, cin*k*k))
	bt := tensor.New(tensor.Of(tensor.Float64), tensor.WithShape(cout))
	xn, wn, bn := G.NodeFromAny(g, xt, G.WithName("x")), G.NodeFromAny(g, wt, G.WithName("w")), G.NodeFromAny(g, bt, G.WithName("b"))
	net := &Net{index: map[string]int{"c.w": 0, "c.b": 1}}
	bl := &builder{g: g, net: net, batch: b, params: G.Nodes{wn, bn}, sc: &scratch{}}
	y := bl.meanPool(bl.swish(bl.conv(xn, "c", k, s, p)))
	if bl.err != nil {
		t.Fatal(bl.err)
	}
	rt := tensor.New(tensor.WithShape(y.Shape()...), tensor.WithBacking(make([]float64, y.Shape().TotalSize())))
	for i, v := range rt.Data().([]float64) {
		rt.Data().([]float64)[i] = v + float64(i%5) - 2
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

// TestConvPackedAsUnrolled checks that the float32 forward convolution,
// which packs the unrolled input row by row into the product, gives the bits
// of unrolling it first (the float64 path's way), including an image wider
// than one block of the product.
func TestConvPackedAsUnrolled(t *testing.T) {
	if !packWeights {
		t.Skip("no packed products in this build")
	}
	cases := []struct{ b, cin, h, w, cout, k, s, p int }{
		{30, 5, 7, 7, 7, 3, 1, 1},
		{9, 3, 14, 13, 4, 3, 2, 1},
		{9, 3, 14, 14, 4, 1, 2, 0},
		{2, 2, 40, 41, 3, 3, 1, 1},
	}
	rng := rand.New(rand.NewPCG(8, 9))
	rnd := func(n int) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(rng.NormFloat64())
		}
		return v
	}
	for _, c := range cases {
		g, err := newGeom(tensor.Shape{c.b, c.cin, c.h, c.w}, c.cout, c.k, c.s, c.p)
		if err != nil {
			t.Fatal(err)
		}
		in := [][]float32{rnd(c.b * c.cin * c.h * c.w), rnd(c.cout * g.patch()), rnd(c.cout)}
		got, want := make([]float32, c.b*c.cout*g.positions()), make([]float32, c.b*c.cout*g.positions())
		convForward(g, &scratch{}, got, in)
		packWeights = false
		convForward(g, &scratch{}, want, in)
		packWeights = true
		for i := range got {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Fatalf("%+v: y[%d] = %v packed, %v unrolled", c, i, got[i], want[i])
			}
		}
	}
}
