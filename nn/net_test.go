package nn

import (
	"math"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

func TestNewInitialisation(t *testing.T) {
	c, err := Parse("resnet-8x1", 36, 2)
	if err != nil {
		t.Fatal(err)
	}
	n, err := New(c, tensor.Float32, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	again, _ := New(c, tensor.Float32, rand.New(rand.NewPCG(1, 2)))
	specs := layout(c)
	if len(n.Params()) != len(specs) {
		t.Fatalf("%d parameters, layout lists %d", len(n.Params()), len(specs))
	}
	for i, p := range n.Params() {
		s := specs[i]
		bound := 1 / math.Sqrt(float64(s.fanIn))
		top := 0.0
		for j, v := range p.Value.Data().([]float32) {
			top = max(top, math.Abs(float64(v)))
			if v != again.Params()[i].Value.Data().([]float32)[j] {
				t.Fatalf("%s differs between two nets from the same seed", p.Name)
			}
		}
		// Uniform on ±bound: nothing outside, and the largest of many
		// draws close to the bound.
		if top > bound || (p.Value.Shape().TotalSize() >= 64 && top < 0.9*bound) {
			t.Errorf("%s: largest |value| %v for bound %v", p.Name, top, bound)
		}
	}
}

func TestNewAndBuildErrors(t *testing.T) {
	c, _ := Parse("mlp-4x1", 6, 2)
	if _, err := New(c, tensor.Int, rand.New(rand.NewPCG(1, 1))); err == nil {
		t.Error("integer dtype: no error")
	}
	if _, err := New(c, tensor.Float32, nil); err == nil {
		t.Error("nil random source: no error")
	}
	if _, err := New(Config{Arch: MLP, Sites: 6, Categories: 2, Width: 4}, tensor.Float32, rand.New(rand.NewPCG(1, 1))); err == nil {
		t.Error("mlp without hidden layers: no error")
	}
	n, err := New(c, tensor.Float32, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []struct {
		dt    tensor.Dtype
		shape []int
	}{{tensor.Float32, []int{3, 5}}, {tensor.Float64, []int{3, 6}}, {tensor.Float32, []int{18}}} {
		g := G.NewGraph()
		x := G.NodeFromAny(g, tensor.New(tensor.Of(in.dt), tensor.WithShape(in.shape...)), G.WithName("x"))
		if _, _, err := n.Build(g, x); err == nil {
			t.Errorf("input %v %v: no error", in.dt, in.shape)
		}
	}
}
