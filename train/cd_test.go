package train

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gwg-go/gwg/ebm"
)

func randomBinary(n int, rng *rand.Rand) []float32 {
	x := make([]float32, n)
	for i := range x {
		if rng.IntN(2) == 1 {
			x[i] = 1
		}
	}
	return x
}

// TestCDGradient checks the analytic CD gradient against central finite
// differences of L(θ) = mean f(v_k) − mean f(data) with v_k held fixed.
func TestCDGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	m, err := ebm.NewRandomRBM(6, 4, rng)
	if err != nil {
		t.Fatal(err)
	}
	const n = 5
	data, vk := randomBinary(n*6, rng), randomBinary(n*6, rng)
	cd, err := NewCD(m, 1, 1e-3)
	if err != nil {
		t.Fatal(err)
	}
	cd.p0, cd.pk = make([]float32, n*4), make([]float32, n*4)
	if err := m.HiddenProbs(cd.p0, data); err != nil {
		t.Fatal(err)
	}
	if err := cd.gradient(data, vk, n); err != nil {
		t.Fatal(err)
	}
	meanF := func(x []float32) float64 {
		f := make([]float64, n)
		if err := m.LogProb(f, x); err != nil {
			t.Fatal(err)
		}
		var s float64
		for _, v := range f {
			s += v
		}
		return s / n
	}
	loss := func() float64 { return meanF(vk) - meanF(data) }
	const eps = 1e-2
	for _, p := range cd.params {
		for i := range p.Data {
			old := p.Data[i]
			p.Data[i] = old + eps
			up := loss()
			p.Data[i] = old - eps
			down := loss()
			p.Data[i] = old
			num := (up - down) / (float64(p.Data[i]+eps) - float64(p.Data[i]-eps))
			if got := float64(p.Grad[i]); math.Abs(got-num) > 1e-3 {
				t.Errorf("∂L/∂%s[%d] = %.6f, finite difference %.6f", p.Name, i, got, num)
			}
		}
	}
}

// prototypes is a toy data set with strong correlations between pixels:
// noisy copies of three fixed patterns, each pixel flipped with probability
// 0.05.
func prototypes(n, d int, rng *rand.Rand) []float32 {
	protos := [][]float32{randomBinary(d, rng), randomBinary(d, rng), randomBinary(d, rng)}
	x := make([]float32, n*d)
	for r := range n {
		p := protos[rng.IntN(len(protos))]
		for i := range d {
			v := p[i]
			if rng.Float64() < 0.05 {
				v = 1 - v
			}
			x[r*d+i] = v
		}
	}
	return x
}

// meanLogLik is the exact mean log-likelihood of the rows of x.
func meanLogLik(t *testing.T, m *ebm.RBM, x []float32) float64 {
	t.Helper()
	logZ, err := m.LogZ()
	if err != nil {
		t.Fatal(err)
	}
	f := make([]float64, len(x)/m.D)
	if err := m.LogProb(f, x); err != nil {
		t.Fatal(err)
	}
	var s float64
	for _, v := range f {
		s += v - logZ
	}
	return s / float64(len(f))
}

// TestTrainCDLearns fits a small RBM to correlated toy data and checks, with
// the exact likelihood, that it learned more than the pixel marginals it
// starts from, and that the reconstruction error fell.
func TestTrainCDLearns(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const d, h = 20, 8
	data := prototypes(1000, d, rng)
	m, err := ebm.NewRBM(d, h)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := InitRBMFromData(m, PixelMeans(data, d), rng); err != nil {
		t.Fatal(err)
	}
	before := meanLogLik(t, m, data)
	reconBefore, err := ReconstructionError(m, data, rng)
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	epochs, err := TrainCD(m, data, CDConfig{K: 10, Batch: 50, Epochs: 15, LR: 1e-2}, rng,
		func(done, total int) { calls++ })
	if err != nil {
		t.Fatal(err)
	}
	after := meanLogLik(t, m, data)
	reconAfter, err := ReconstructionError(m, data, rng)
	if err != nil {
		t.Fatal(err)
	}
	if reconAfter > reconBefore/2 {
		t.Errorf("reconstruction error of the data fell from %.4f only to %.4f", reconBefore, reconAfter)
	}
	// Three prototypes with 5% noise: the entropy is about log 3 + 20·H(0.05)
	// ≈ 5.1 nats, while the product of marginals needs about 13.
	t.Logf("log-likelihood %.3f → %.3f; reconstruction error %.4f → %.4f",
		before, after, epochs[0].Recon, epochs[len(epochs)-1].Recon)
	if after < before+4 {
		t.Errorf("mean log-likelihood went from %.3f to %.3f, want a gain of at least 4 nats", before, after)
	}
	if last := epochs[len(epochs)-1].Recon; last > epochs[0].Recon/2 {
		t.Errorf("reconstruction error fell from %.4f only to %.4f", epochs[0].Recon, last)
	}
	if calls != 15*20 {
		t.Errorf("progress called %d times, want %d", calls, 15*20)
	}
}

func TestCDErrors(t *testing.T) {
	m, _ := ebm.NewRBM(4, 2)
	if _, err := NewCD(m, 0, 1e-3); err == nil {
		t.Error("CD-0 accepted")
	}
	if _, err := NewCD(m, 1, math.NaN()); err == nil {
		t.Error("NaN learning rate accepted")
	}
	cd, _ := NewCD(m, 1, 1e-3)
	if _, err := cd.Step(make([]float32, 6), rand.New(rand.NewPCG(1, 1))); err == nil {
		t.Error("batch of 1.5 rows accepted")
	}
	if _, err := TrainCD(m, make([]float32, 8), CDConfig{Batch: 3}, rand.New(rand.NewPCG(1, 1)), nil); err == nil {
		t.Error("data smaller than one batch accepted")
	}
}

// BenchmarkCDStep is one CD-10 update of the MNIST-sized RBM (784 × 500) on a
// batch of 100: 2k + 2 = 22 GEMMs of 100×784×500, 1.7 GFLOP.
func BenchmarkCDStep(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	m, err := ebm.NewRandomRBM(784, 500, rng)
	if err != nil {
		b.Fatal(err)
	}
	cd, err := NewCD(m, 10, 1e-3)
	if err != nil {
		b.Fatal(err)
	}
	data := randomBinary(100*784, rng)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := cd.Step(data, rng); err != nil {
			b.Fatal(err)
		}
	}
	flops := float64(22 * 2 * 100 * 784 * 500)
	b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
