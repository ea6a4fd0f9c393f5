package deep

import (
	"fmt"

	"github.com/gwg-go/gwg/ebm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Clone implements ebm.Cloner. The clone shares the net's parameter tensors
// (and in Float64 mode reads them as they are now: it does not copy Param.Data
// into them again) and builds compiled graphs of its own on first use, which
// is what lets it run beside the original: a graph's registers and the
// tensor headers Gorgonia transposes in place are per graph. Its evaluations
// run on the calling goroutine, one block of rows after another.
func (d *Model) Clone() ebm.Model {
	d.syncParams()
	return &Model{
		net: d.net, dom: d.dom, mu: d.mu, coef: d.coef, coef32: d.coef32, offset: d.offset,
		params: d.params, f64: d.f64, clone: true,
	}
}

// init hashes Gorgonia's shared constant nodes (the 1 that G.Grad seeds
// backpropagation with) once, before any goroutine builds graphs: a node
// caches its hash on first use, which would otherwise be a write raced by
// clones and workers building their first graphs side by side.
func init() {
	for _, dt := range []tensor.Dtype{tensor.Float32, tensor.Float64} {
		g := G.NewGraph()
		x := G.NewScalar(g, dt, G.WithName("x"))
		if _, err := G.Grad(x, x); err != nil {
			panic(fmt.Sprintf("deep: differentiating a scalar: %v", err))
		}
	}
}
