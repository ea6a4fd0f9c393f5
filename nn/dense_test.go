package nn

import (
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// denseProgram builds f and ∇ₓf of a batch of n rows of net.
func denseProgram(t *testing.T, net *Net, x []float32) *Program {
	t.Helper()
	g := G.NewGraph()
	n := len(x) / net.Config().InputWidth()
	xt := tensor.New(tensor.WithShape(n, net.Config().InputWidth()), tensor.WithBacking(x))
	xn := G.NodeFromAny(g, xt, G.WithName("x"))
	out, params, err := net.Build(g, xn)
	if err != nil {
		t.Fatal(err)
	}
	dx, err := G.Grad(G.Must(G.Sum(out)), xn)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Compile(g, append(G.Nodes{xn}, params...), G.Nodes{out, dx[0]})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func runOutputs(t *testing.T, p *Program) []float32 {
	t.Helper()
	if err := p.Run(); err != nil {
		t.Fatal(err)
	}
	return slices.Concat(p.Output(0).Data().([]float32), p.Output(1).Data().([]float32))
}

// TestDenseFollowsWeightChanges checks that the packed copies of the dense
// weights, shared by all graphs of a net, follow changes written into the
// parameters in place (as optimisers do), in the forward product and in ∇ₓ,
// also when two graphs run at the same time: every run must give the bits
// of a fresh net holding the same weights.
func TestDenseFollowsWeightChanges(t *testing.T) {
	c, err := Parse("mlp-24x2", 20, 2)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	net, err := New(c, tensor.Float32, rng)
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float32, 7*c.InputWidth())
	for i := range x {
		x[i] = float32(rng.IntN(2))
	}
	progs := []*Program{denseProgram(t, net, slices.Clone(x)), denseProgram(t, net, slices.Clone(x))}
	fresh := func() []float32 {
		ref, err := New(c, tensor.Float32, rand.New(rand.NewPCG(1, 1)))
		if err != nil {
			t.Fatal(err)
		}
		for i, p := range ref.Params() {
			copy(p.Value.Data().([]float32), net.Params()[i].Value.Data().([]float32))
		}
		return runOutputs(t, denseProgram(t, ref, slices.Clone(x)))
	}
	for step := range 4 {
		want := fresh()
		got := make([][]float32, len(progs))
		var wg sync.WaitGroup
		for i, p := range progs {
			wg.Go(func() {
				if err := p.Run(); err != nil {
					t.Error(err)
					return
				}
				got[i] = slices.Concat(p.Output(0).Data().([]float32), p.Output(1).Data().([]float32))
			})
		}
		wg.Wait()
		for i := range progs {
			for j := range want {
				if math.Float32bits(got[i][j]) != math.Float32bits(want[j]) {
					t.Fatalf("step %d, graph %d: output %d = %v, fresh net %v", step, i, j, got[i][j], want[j])
				}
			}
		}
		// An optimiser step on one weight of each layer; the last step
		// turns a weight into −0, which only the bits tell from 0.
		for _, p := range net.Params() {
			w := p.Value.Data().([]float32)
			k := (step * 7) % len(w)
			if step == 2 {
				w[k] = float32(math.Copysign(0, -1))
			} else {
				w[k] += 0.25
			}
		}
	}
}
