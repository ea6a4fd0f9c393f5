package nn

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/gwg-go/gwg/internal/cputime"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// BenchmarkConvBlockGrad runs one 3×3 convolution of 64 channels and Swish
// on a batch of 100 7×7 maps, forward and back to the input, for several
// im2col chunk widths.
func BenchmarkConvBlockGrad(b *testing.B) {
	defer func(c int) { chunkColumns = c }(chunkColumns)
	for _, cols := range []int{512, 2048, 8192} {
		b.Run(fmt.Sprint(cols, "cols"), func(b *testing.B) {
			chunkColumns = cols
			const n, c, side = 100, 64, 7
			g := G.NewGraph()
			rng := rand.New(rand.NewPCG(1, 1))
			rnd := func(shape ...int) *tensor.Dense {
				t := tensor.New(tensor.Of(tensor.Float32), tensor.WithShape(shape...))
				for i := range t.Data().([]float32) {
					t.Data().([]float32)[i] = float32(rng.NormFloat64() * 0.1)
				}
				return t
			}
			xn := G.NodeFromAny(g, rnd(n, c, side, side), G.WithName("x"))
			wn := G.NodeFromAny(g, rnd(c, c*9), G.WithName("w"))
			bn := G.NodeFromAny(g, rnd(c), G.WithName("b"))
			net := &Net{index: map[string]int{"c.w": 0, "c.b": 1}}
			bl := &builder{g: g, net: net, batch: n, params: G.Nodes{wn, bn}, sc: &scratch{}}
			y := bl.swish(bl.conv(xn, "c", 3, 1, 1))
			if bl.err != nil {
				b.Fatal(bl.err)
			}
			dx, err := G.Grad(G.Must(G.Sum(y)), xn)
			if err != nil {
				b.Fatal(err)
			}
			p, err := Compile(g, G.Nodes{xn, wn, bn}, G.Nodes{dx[0]})
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
			cpu := (cputime.Now() - cpu0).Seconds()
			b.ReportMetric(cpu*1e3/float64(b.N), "cpu-ms/op")
			b.ReportMetric(2*2*n*c*c*9*side*side*float64(b.N)/cpu/1e9, "GFLOP/cpu-s")
		})
	}
}
