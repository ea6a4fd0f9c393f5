package ebm

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

// benchChains is the number of chains in the paper's sampler benchmarks.
const benchChains = 100

var rbmBenchSizes = []struct{ d, h int }{{100, 25}, {784, 500}}

func benchRBM(b *testing.B, d, h int) (*RBM, []float32) {
	rng := rand.New(rand.NewPCG(1, 1))
	m, err := NewRandomRBM(d, h, rng)
	if err != nil {
		b.Fatal(err)
	}
	return m, randomStates(m.Domain(), benchChains, false, rng)
}

// benchLogProbGrad times f and ∇ₓf of m at the chains x.
func benchLogProbGrad(b *testing.B, m Model, x []float32) {
	f := make([]float64, len(x)/m.Domain().Width())
	grad := make([]float32, len(x))
	b.ReportAllocs()
	for b.Loop() {
		if err := m.LogProbGrad(f, grad, x); err != nil {
			b.Fatal(err)
		}
	}
}

// benchFlipDeltas times the single-site flip deltas of m at the chains x.
func benchFlipDeltas(b *testing.B, m FlipDeltaer, x []float32) {
	delta := make([]float64, len(x))
	b.ReportAllocs()
	for b.Loop() {
		if err := m.FlipDeltas(delta, x); err != nil {
			b.Fatal(err)
		}
	}
}

// reportGFLOPs reports the rate of flops floating-point operations per
// iteration.
func reportGFLOPs(b *testing.B, flops float64) {
	b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// BenchmarkRBMLogProbGrad measures f and ∇f for 100 chains: two GEMMs,
// 4·n·D·H flops, plus n·H softplus and sigmoid evaluations.
func BenchmarkRBMLogProbGrad(b *testing.B) {
	for _, sz := range rbmBenchSizes {
		b.Run(fmt.Sprintf("%dx%d", sz.d, sz.h), func(b *testing.B) {
			m, x := benchRBM(b, sz.d, sz.h)
			benchLogProbGrad(b, m, x)
			reportGFLOPs(b, 4*float64(benchChains*sz.d*sz.h))
		})
	}
}

// BenchmarkRBMGemm is the floor for BenchmarkRBMLogProbGrad: the same two
// GEMMs with nothing around them.
func BenchmarkRBMGemm(b *testing.B) {
	benchRBMGemms(b, func(tW blas.Transpose, a, w, c blas32.General) { blas32.Gemm(blas.NoTrans, tW, 1, a, w, 0, c) })
}

// BenchmarkRBMGemmRowBlocks is BenchmarkRBMGemm through the model's gemm,
// which spreads large products over the processors in blocks of rows.
func BenchmarkRBMGemmRowBlocks(b *testing.B) {
	benchRBMGemms(b, (&RBM{}).gemm)
}

// benchRBMGemms times the two products of LogProbGrad, c = a·Wᵀ then
// c = a·W, done by mul(blas.Trans, a, W, c) and mul(blas.NoTrans, a, W, c).
func benchRBMGemms(b *testing.B, mul func(tW blas.Transpose, a, w, c blas32.General)) {
	for _, sz := range rbmBenchSizes {
		b.Run(fmt.Sprintf("%dx%d", sz.d, sz.h), func(b *testing.B) {
			m, x := benchRBM(b, sz.d, sz.h)
			act := make([]float32, benchChains*sz.h)
			grad := make([]float32, len(x))
			b.ReportAllocs()
			for b.Loop() {
				mul(blas.Trans, m.general(x, benchChains, sz.d), m.weights(), m.general(act, benchChains, sz.h))
				mul(blas.NoTrans, m.general(act, benchChains, sz.h), m.weights(), m.general(grad, benchChains, sz.d))
			}
			reportGFLOPs(b, 4*float64(benchChains*sz.d*sz.h))
		})
	}
}

func BenchmarkRBMFlipDeltas(b *testing.B) {
	for _, sz := range rbmBenchSizes {
		b.Run(fmt.Sprintf("%dx%d", sz.d, sz.h), func(b *testing.B) {
			m, x := benchRBM(b, sz.d, sz.h)
			benchFlipDeltas(b, m, x)
		})
	}
}

func BenchmarkRBMBlockGibbs(b *testing.B) {
	for _, sz := range rbmBenchSizes {
		b.Run(fmt.Sprintf("%dx%d", sz.d, sz.h), func(b *testing.B) {
			m, v := benchRBM(b, sz.d, sz.h)
			h := make([]float32, benchChains*sz.h)
			rng := rand.New(rand.NewPCG(2, 2))
			b.ReportAllocs()
			for b.Loop() {
				if err := m.SampleHidden(h, v, rng); err != nil {
					b.Fatal(err)
				}
				if err := m.SampleVisible(v, h, rng); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRBMSiteDeltas is the model's share of one single-site Gibbs step
// of 100 chains.
func BenchmarkRBMSiteDeltas(b *testing.B) {
	for _, sz := range rbmBenchSizes {
		b.Run(fmt.Sprintf("%dx%d", sz.d, sz.h), func(b *testing.B) {
			m, x := benchRBM(b, sz.d, sz.h)
			delta := make([]float64, 2*benchChains)
			sites := make([]int, benchChains)
			for c := range sites {
				sites[c] = (c * 7919) % sz.d
			}
			b.ReportAllocs()
			for b.Loop() {
				if err := m.SiteDeltas(delta, x, sites); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRBMFlipSetDeltas is the model's share of one hb-10-1 step of 100
// chains: a block of 10 sites shared by the chains and, per chain, the
// Hamming ball of radius 1 around a centre one flip away from x.
func BenchmarkRBMFlipSetDeltas(b *testing.B) {
	const bsz = 10
	for _, sz := range rbmBenchSizes {
		b.Run(fmt.Sprintf("%dx%d", sz.d, sz.h), func(b *testing.B) {
			m, x := benchRBM(b, sz.d, sz.h)
			block := make([]int32, benchChains*bsz)
			for k := range block {
				block[k] = int32((k % bsz) * 7 % sz.d)
			}
			masks := make([]uint32, 0, benchChains*(bsz+1))
			for c := range benchChains {
				aux := uint32(1) << (c % bsz)
				masks = append(masks, aux)
				for t := range bsz {
					masks = append(masks, aux^1<<t)
				}
			}
			delta := make([]float64, len(masks))
			b.ReportAllocs()
			for b.Loop() {
				if err := m.FlipSetDeltas(delta, x, block, masks); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
