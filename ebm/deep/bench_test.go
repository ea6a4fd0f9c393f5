package deep

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/gwg-go/gwg/ebm"
	"github.com/gwg-go/gwg/internal/cputime"
	"github.com/gwg-go/gwg/nn"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

// forwardMACs counts the multiply-adds of one forward pass of one sample
// through the dense and convolution layers of c.
func forwardMACs(c nn.Config) float64 {
	macs := 0
	switch c.Arch {
	case nn.MLP:
		in := c.Sites
		for range c.Depth {
			macs += in * c.Width
			in = c.Width
		}
		macs += in
	case nn.ResNet:
		side, conv := c.Side, func(cin, cout, k, side int) int { return cin * cout * k * k * side * side }
		macs += conv(1, c.Width, 3, side)
		for i := range c.Down + c.Blocks {
			if i < c.Down {
				side = (side + 1) / 2
				macs += conv(c.Width, c.Width, 1, side)
			}
			macs += 2 * conv(c.Width, c.Width, 3, side)
		}
		macs += c.Width
	}
	return float64(macs)
}

func benchDeep(b *testing.B, arch string) (*Model, []float32) {
	c, err := nn.Parse(arch, 784, 2)
	if err != nil {
		b.Fatal(err)
	}
	dom := ebm.Domain{Sites: 784, Categories: 2}
	rng := rand.New(rand.NewPCG(1, 2))
	mean := make([]float32, 784)
	for i := range mean {
		mean[i] = 0.3
	}
	d, err := New(c, ebm.BaseMean(dom, mean), rng)
	if err != nil {
		b.Fatal(err)
	}
	x := make([]float32, 100*784)
	for i := range x {
		if rng.Float64() < 0.3 {
			x[i] = 1
		}
	}
	return d, x
}

// BenchmarkDeepGradX measures one ∇ₓf of a batch of 100 chains, what a
// sampler pays per gradient evaluation (a GWG step makes one).
func BenchmarkDeepGradX(b *testing.B) {
	for _, arch := range []string{"mlp-256", "resnet-64"} {
		b.Run(arch, func(b *testing.B) {
			d, x := benchDeep(b, arch)
			f, grad := make([]float64, 100), make([]float32, len(x))
			if err := d.LogProbGrad(f, grad, x); err != nil { // builds the graph
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := cputime.Now()
			for range b.N {
				if err := d.LogProbGrad(f, grad, x); err != nil {
					b.Fatal(err)
				}
			}
			// Forward and input gradient: two multiply-adds per weight use.
			flops := 2 * 2 * 100 * forwardMACs(d.Config())
			reportRates(b, flops, cpu0)
		})
	}
}

// BenchmarkDeepContrastiveGrad measures one training gradient on 100 data
// and 100 sampler states.
func BenchmarkDeepContrastiveGrad(b *testing.B) {
	for _, arch := range []string{"mlp-256", "resnet-64"} {
		b.Run(arch, func(b *testing.B) {
			d, x := benchDeep(b, arch)
			data, samples := x, append([]float32(nil), x...)
			if _, _, err := d.ContrastiveGrad(data, samples, 0); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := cputime.Now()
			for range b.N {
				if _, _, err := d.ContrastiveGrad(data, samples, 0); err != nil {
					b.Fatal(err)
				}
			}
			// Forward, input gradient and weight gradient on 200 states.
			flops := 3 * 2 * 200 * forwardMACs(d.Config())
			reportRates(b, flops, cpu0)
		})
	}
}

// BenchmarkPlainMLPGradX is the ∇ₓf of mlp-256 at batch 100 written directly
// with blas32 and preallocated buffers: the speed the graph could reach.
func BenchmarkPlainMLPGradX(b *testing.B) {
	d, x := benchDeep(b, "mlp-256")
	ps := d.Params()
	const n = 100
	sizes := []int{784, 256, 256, 256, 1}
	pre := make([][]float32, 4)  // pre-activations
	post := make([][]float32, 5) // layer inputs
	post[0] = x
	for l := range 4 {
		pre[l] = make([]float32, n*sizes[l+1])
		post[l+1] = make([]float32, n*sizes[l+1])
	}
	bufA, bufB := make([]float32, n*784), make([]float32, n*784)
	gemm := func(tb blas.Transpose, m, k, nn int, a, w, c []float32) {
		lda, ldw := k, nn
		if tb == blas.Trans {
			ldw = k
		}
		blas32.Implementation().Sgemm(blas.NoTrans, tb, m, nn, k, 1, a, lda, w, ldw, 0, c, nn)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cputime.Now()
	for range b.N {
		for l := range 4 {
			in, out := sizes[l], sizes[l+1]
			gemm(blas.NoTrans, n, in, out, post[l], ps[2*l].Data, pre[l])
			bias := ps[2*l+1].Data
			for i := range pre[l] {
				v := pre[l][i] + bias[i%out]
				pre[l][i] = v
				if l < 3 {
					post[l+1][i] = v * sigmoid32(v)
				}
			}
		}
		// Backward to the input: dh starts as the output weight per chain.
		dh, dnext := bufA[:n*256], bufB
		for i := range n {
			copy(dh[i*256:(i+1)*256], ps[6].Data)
		}
		for l := 2; l >= 0; l-- {
			in := sizes[l]
			for i, v := range pre[l] {
				s := sigmoid32(v)
				dh[i] *= s * (1 + v*(1-s))
			}
			gemm(blas.Trans, n, 256, in, dh, ps[2*l].Data, dnext[:n*in])
			dh, dnext = dnext[:n*in], dh[:cap(dh)]
		}
	}
	flops := 2 * 2 * n * forwardMACs(d.Config())
	reportRates(b, flops, cpu0)
}

func sigmoid32(v float32) float32 { return float32(1 / (1 + math.Exp(-float64(v)))) }

// reportRates adds the CPU time per operation and the arithmetic rates, by
// wall time and by CPU time, of b.N operations of flops each that began at
// CPU time cpu0.
func reportRates(b *testing.B, flops float64, cpu0 time.Duration) {
	cpu := (cputime.Now() - cpu0).Seconds()
	b.ReportMetric(cpu*1e3/float64(b.N), "cpu-ms/op")
	b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	b.ReportMetric(flops*float64(b.N)/cpu/1e9, "GFLOP/cpu-s")
}
