package nn

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestProgramKeepsOutputs is the case that made the sink necessary: with a
// plain CompileFunction, the gradient of y⊙y is computed in place into y's
// register, so y reads back as 2y. Inputs must not change either.
func TestProgramKeepsOutputs(t *testing.T) {
	g := G.NewGraph()
	xt := tensor.New(tensor.WithShape(2, 3), tensor.WithBacking([]float64{1, 2, 3, 4, 5, 6}))
	bt := tensor.New(tensor.WithShape(3), tensor.WithBacking([]float64{10, 20, 30}))
	x := G.NodeFromAny(g, xt, G.WithName("x"))
	b := G.NodeFromAny(g, bt, G.WithName("b"))
	y := G.Must(G.BroadcastAdd(x, b, nil, []byte{0}))
	grads, err := G.Grad(G.Must(G.Sum(G.Must(G.HadamardProd(y, y)))), x, b)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Compile(g, G.Nodes{x, b}, G.Nodes{y, grads[0], grads[1]})
	if err != nil {
		t.Fatal(err)
	}
	for run := range 2 {
		if err := p.Run(); err != nil {
			t.Fatal(err)
		}
		want := []string{"[11 22 33 14 25 36]", "[22 44 66 28 50 72]", "[50 94 138]"}
		for i, w := range want {
			if got := fmt.Sprint(p.Output(i).Data()); got != w {
				t.Errorf("run %d: output %d = %s, want %s", run, i, got, w)
			}
		}
		if got := fmt.Sprint(xt.Data(), bt.Data()); got != "[1 2 3 4 5 6] [10 20 30]" {
			t.Errorf("run %d: inputs changed to %s", run, got)
		}
	}
}

// failOp fails every run.
type failOp struct{ opBase }

func (o *failOp) Arity() int                     { return 1 }
func (o *failOp) Do(...G.Value) (G.Value, error) { return nil, errors.New("boom") }

// TestProgramReportsErrors: a failing operation's error comes back from
// every Run (the instruction loop runs on the caller's goroutine).
func TestProgramReportsErrors(t *testing.T) {
	g := G.NewGraph()
	x := G.NodeFromAny(g, tensor.New(tensor.WithShape(2), tensor.WithBacking([]float64{1, 2})), G.WithName("x"))
	y := G.Must(G.ApplyOp(&failOp{newOpBase("fail", tensor.Shape{2}, x)}, x))
	p, err := Compile(g, G.Nodes{x}, G.Nodes{y})
	if err != nil {
		t.Fatal(err)
	}
	for run := range 2 {
		if err := p.Run(); err == nil || !strings.Contains(err.Error(), "boom") {
			t.Errorf("run %d: error %v, want boom", run, err)
		}
	}
}
