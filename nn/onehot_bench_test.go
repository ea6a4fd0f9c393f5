package nn

import (
	"math/rand/v2"
	"testing"

	"github.com/gwg-go/gwg/internal/cputime"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// BenchmarkOneHotGradX measures f and ∇ₓf of mlp-256 on a batch of 100
// Frey-Faces-sized chains (560 sites): binary, one-hot with 256 categories
// through the projection op, and one-hot through the dense product over K
// that the op replaces. Run with -count to interleave the three.
func BenchmarkOneHotGradX(b *testing.B) {
	const batch, sites = 100, 560
	for _, bc := range []struct {
		name  string
		k     int
		dense bool
	}{{"binary", 2, false}, {"onehot256", 256, false}, {"onehot256-dense", 256, true}} {
		b.Run(bc.name, func(b *testing.B) {
			c, err := Parse("mlp-256", sites, bc.k)
			if err != nil {
				b.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(1, 2))
			n, err := New(c, tensor.Float32, rng)
			if err != nil {
				b.Fatal(err)
			}
			xt := tensor.New(tensor.Of(tensor.Float32), tensor.WithShape(batch, c.InputWidth()))
			x := xt.Data().([]float32)
			if bc.k == 2 {
				for i := range x {
					x[i] = float32(rng.IntN(2))
				}
			} else {
				for r := range batch * sites {
					x[r*bc.k+rng.IntN(bc.k)] = 1
				}
			}
			g := G.NewGraph()
			xn := G.NodeFromAny(g, xt, G.WithName("x"))
			var out *G.Node
			var params G.Nodes
			if bc.dense {
				out, params = denseOneHotMLP(b, n, g, xn)
			} else if out, params, err = n.Build(g, xn); err != nil {
				b.Fatal(err)
			}
			dx, err := G.Grad(G.Must(G.Sum(out)), xn)
			if err != nil {
				b.Fatal(err)
			}
			p, err := Compile(g, append(G.Nodes{xn}, params...), G.Nodes{out, dx[0]})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			cpu0 := cputime.Now()
			for b.Loop() {
				if err := p.Run(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric((cputime.Now()-cpu0).Seconds()*1e3/float64(b.N), "cpu-ms/op")
		})
	}
}

// denseOneHotMLP builds the one-hot mlp with its projection as the dense
// product of each [K] block by W, the way the op is not computed.
func denseOneHotMLP(b *testing.B, n *Net, g *G.ExprGraph, x *G.Node) (*G.Node, G.Nodes) {
	c := n.Config()
	bl := &builder{g: g, net: n, batch: x.Shape()[0]}
	for _, p := range n.params {
		bl.params = append(bl.params, G.NodeFromAny(g, p.Value, G.WithName(p.Name)))
	}
	h := bl.reshape(x, bl.batch*c.Sites, c.Categories)
	h = bl.reshape(bl.linear(h, "proj"), bl.batch, c.Sites*c.Proj)
	for i := range c.Depth {
		h = bl.swish(bl.linear(h, "fc"+string(rune('0'+i))))
	}
	h = bl.reshape(bl.linear(h, "out"), bl.batch)
	if bl.err != nil {
		b.Fatal(bl.err)
	}
	return h, bl.params
}
