package train

import (
	"fmt"
	"github.com/gwg-go/gwg/internal/bernoulli"
	"math"
	"math/rand/v2"
	"time"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"

	"github.com/gwg-go/gwg/ebm"
)

// CD fits an RBM by contrastive divergence with k steps of block Gibbs
// (CD-k), as the reference code trains the MNIST RBM of the sampler
// benchmark: each update starts k Gibbs steps at the data batch and
// minimises L = mean f(v_k) − mean f(data) with Adam, v_k held fixed. f is the
// free energy form of ebm.RBM, so
//
//	∂L/∂W = (P_kᵀV_k − P_0ᵀV_0)/n, ∂L/∂b_v = mean(v_k − v_0), ∂L/∂b_h = mean(p_k − p_0),
//
// with P the hidden probabilities σ(Wv + b_h) of each row: two GEMMs per
// update on top of the 2k of the Gibbs steps, all through blas32.
//
// A CD keeps its scratch buffers and Adam moments; it is not safe for
// concurrent use.
type CD struct {
	RBM *ebm.RBM
	K   int     // Gibbs steps per update
	LR  float64 // Adam learning rate

	adam   *Adam
	params []*ebm.Param
	p0, pk []float32 // n×H hidden probabilities at the data and at v_k
	h      []float32 // n×H hidden sample
	v      []float32 // n×D visible state of the Gibbs chain
}

// NewCD returns a CD-k trainer for m with learning rate lr.
func NewCD(m *ebm.RBM, k int, lr float64) (*CD, error) {
	if k < 1 || !(lr > 0) {
		return nil, fmt.Errorf("train: CD-%d with learning rate %v", k, lr)
	}
	if len(m.W) != m.D*m.H || len(m.Bv) != m.D || len(m.Bh) != m.H {
		return nil, fmt.Errorf("train: RBM %d×%d has %d weights, %d and %d biases", m.D, m.H, len(m.W), len(m.Bv), len(m.Bh))
	}
	params := []*ebm.Param{
		{Name: "W", Shape: []int{m.H, m.D}, Data: m.W, Grad: make([]float32, len(m.W))},
		{Name: "b_v", Shape: []int{m.D}, Data: m.Bv, Grad: make([]float32, m.D)},
		{Name: "b_h", Shape: []int{m.H}, Data: m.Bh, Grad: make([]float32, m.H)},
	}
	return &CD{RBM: m, K: k, LR: lr, adam: NewAdam(params), params: params}, nil
}

// Step makes one update from a batch of binary data (n×D) and returns the
// reconstruction error of the batch: the mean over pixels of
// (v − p(v | h))², h ~ p(h | v), from the first Gibbs step.
func (t *CD) Step(data []float32, rng *rand.Rand) (recon float64, err error) {
	m := t.RBM
	d, h := m.D, m.H
	if len(data) == 0 || len(data)%d != 0 {
		return 0, fmt.Errorf("train: CD batch of %d values is not whole rows of %d", len(data), d)
	}
	n := len(data) / d
	t.p0 = resize(t.p0, n*h)
	t.pk = resize(t.pk, n*h)
	t.h = resize(t.h, n*h)
	t.v = resize(t.v, n*d)

	if err := m.HiddenProbs(t.p0, data); err != nil {
		return 0, err
	}
	v := data
	for step := range t.K {
		if step > 0 {
			if err := m.HiddenProbs(t.pk, v); err != nil {
				return 0, err
			}
			bernoulli.DrawEach(t.h, t.pk, rng)
		} else {
			bernoulli.DrawEach(t.h, t.p0, rng)
		}
		if err := m.VisibleProbs(t.v, t.h); err != nil {
			return 0, err
		}
		if step == 0 {
			recon = meanSquaredDiff(data, t.v)
		}
		bernoulli.DrawEach(t.v, t.v, rng)
		v = t.v
	}
	if err := t.gradient(data, v, n); err != nil {
		return 0, err
	}
	if err := t.adam.Step(t.params, t.LR); err != nil {
		return 0, err
	}
	return recon, nil
}

// gradient writes ∂L/∂θ into the parameters' Grad for the data and chain
// states vk (n rows each), given the hidden probabilities of the data in t.p0.
func (t *CD) gradient(data, vk []float32, n int) error {
	d, h := t.RBM.D, t.RBM.H
	if err := t.RBM.HiddenProbs(t.pk, vk); err != nil {
		return err
	}
	gw := blas32.General{Rows: h, Cols: d, Stride: d, Data: t.params[0].Grad}
	scale := float32(1) / float32(n)
	blas32.Gemm(blas.Trans, blas.NoTrans, scale, general(t.pk, n, h), general(vk, n, d), 0, gw)
	blas32.Gemm(blas.Trans, blas.NoTrans, -scale, general(t.p0, n, h), general(data, n, d), 1, gw)
	colMeanDiff(t.params[1].Grad, vk, data, n)
	colMeanDiff(t.params[2].Grad, t.pk, t.p0, n)
	return nil
}

// CDConfig is a CD training run over a data set.
type CDConfig struct {
	K      int     // Gibbs steps per update (10)
	Batch  int     // rows per update (100)
	Epochs int     // passes over the data (1, as the reference)
	LR     float64 // Adam learning rate (1e-3)
}

// Defaults returns c with every zero field set to the reference's value.
func (c CDConfig) Defaults() CDConfig {
	c.K = cmp0(c.K, 10)
	c.Batch = cmp0(c.Batch, 100)
	c.Epochs = cmp0(c.Epochs, 1)
	if c.LR == 0 {
		c.LR = 1e-3
	}
	return c
}

// CDEpoch reports one pass over the data.
type CDEpoch struct {
	Epoch   int
	Recon   float64 // mean reconstruction error over the epoch's batches
	Seconds float64
}

// TrainCD fits m to data (n×D binary rows) by CD-k, visiting the rows in a
// fresh random order each epoch; a last partial batch is dropped. Zero
// fields of cfg take their Defaults. progress, when not nil, is
// called after every update with the updates done and their total.
func TrainCD(m *ebm.RBM, data []float32, cfg CDConfig, rng *rand.Rand, progress func(done, total int)) ([]CDEpoch, error) {
	cfg = cfg.Defaults()
	if cfg.K < 0 || cfg.Batch < 0 || cfg.Epochs < 0 {
		return nil, fmt.Errorf("train: CD settings %+v", cfg)
	}
	t, err := NewCD(m, cfg.K, cfg.LR)
	if err != nil {
		return nil, err
	}
	d := m.D
	if len(data)%d != 0 || len(data)/d < cfg.Batch {
		return nil, fmt.Errorf("train: %d data values are not at least one batch of %d rows of %d", len(data), cfg.Batch, d)
	}
	rows := len(data) / d
	perEpoch := rows / cfg.Batch
	batch := make([]float32, cfg.Batch*d)
	var out []CDEpoch
	for e := range cfg.Epochs {
		start := time.Now()
		order := rng.Perm(rows)
		var sum float64
		for b := range perEpoch {
			for k, r := range order[b*cfg.Batch : (b+1)*cfg.Batch] {
				copy(batch[k*d:(k+1)*d], data[r*d:(r+1)*d])
			}
			recon, err := t.Step(batch, rng)
			if err != nil {
				return out, fmt.Errorf("train: CD epoch %d, batch %d: %w", e+1, b, err)
			}
			if math.IsNaN(recon) {
				return out, fmt.Errorf("train: CD epoch %d, batch %d: reconstruction error is NaN", e+1, b)
			}
			sum += recon
			if progress != nil {
				progress(e*perEpoch+b+1, cfg.Epochs*perEpoch)
			}
		}
		out = append(out, CDEpoch{Epoch: e + 1, Recon: sum / float64(perEpoch), Seconds: time.Since(start).Seconds()})
	}
	return out, nil
}

// InitRBMFromData sets m to the reference's starting point for data with
// pixel means mean: W uniform in ±1/√D (PyTorch's default for a Linear
// layer), b_h = 0, and b_v the logits of the means clamped to [0.01, 0.99],
// so that the untrained model already has the data's marginals. It returns
// the clamped means, the initial distribution of the sampler benchmark.
func InitRBMFromData(m *ebm.RBM, mean []float32, rng *rand.Rand) ([]float32, error) {
	if len(mean) != m.D || len(m.W) != m.D*m.H || len(m.Bh) != m.H || len(m.Bv) != m.D {
		return nil, fmt.Errorf("train: %d pixel means for an RBM with %d visible units", len(mean), m.D)
	}
	bound := 1 / math.Sqrt(float64(m.D))
	for k := range m.W {
		m.W[k] = float32(bound * (2*rng.Float64() - 1))
	}
	clear(m.Bh)
	clamped := make([]float32, m.D)
	for i, mu := range mean {
		p := min(max(float64(mu), 0.01), 0.99)
		clamped[i] = float32(p)
		m.Bv[i] = float32(math.Log(p / (1 - p)))
	}
	return clamped, nil
}

// PixelMeans returns the mean of every column of data (n×d).
func PixelMeans(data []float32, d int) []float32 {
	sum := make([]float64, d)
	n := len(data) / d
	for r := range n {
		for i, v := range data[r*d : (r+1)*d] {
			sum[i] += float64(v)
		}
	}
	out := make([]float32, d)
	for i, s := range sum {
		out[i] = float32(s / float64(max(n, 1)))
	}
	return out
}

func cmp0(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

func resize(buf []float32, n int) []float32 {
	if cap(buf) < n {
		return make([]float32, n)
	}
	return buf[:n]
}

func general(data []float32, rows, cols int) blas32.General {
	return blas32.General{Rows: rows, Cols: cols, Stride: cols, Data: data[:rows*cols]}
}

// colMeanDiff writes the column means of a − b (both n rows) into dst.
func colMeanDiff(dst, a, b []float32, n int) {
	w := len(dst)
	clear(dst)
	for r := range n {
		ar, br := a[r*w:(r+1)*w], b[r*w:(r+1)*w]
		for i := range dst {
			dst[i] += ar[i] - br[i]
		}
	}
	for i := range dst {
		dst[i] /= float32(n)
	}
}

func meanSquaredDiff(a, b []float32) float64 {
	var s float64
	for i, x := range a {
		e := float64(x) - float64(b[i])
		s += e * e
	}
	return s / float64(len(a))
}

// ReconstructionError is the mean over the rows of data (n×D) and their
// pixels of (v − p(v | h))², h ~ p(h | v): the error Step reports, here for
// held-out data. It works through the rows in batches of 500.
func ReconstructionError(m *ebm.RBM, data []float32, rng *rand.Rand) (float64, error) {
	d := m.D
	if len(data) == 0 || len(data)%d != 0 {
		return 0, fmt.Errorf("train: %d values are not whole rows of %d", len(data), d)
	}
	const batch = 500
	h := make([]float32, batch*m.H)
	p := make([]float32, batch*d)
	var sum float64
	for start := 0; start < len(data); start += batch * d {
		v := data[start:min(start+batch*d, len(data))]
		n := len(v) / d
		if err := m.HiddenProbs(h[:n*m.H], v); err != nil {
			return 0, err
		}
		bernoulli.DrawEach(h[:n*m.H], h[:n*m.H], rng)
		if err := m.VisibleProbs(p[:n*d], h[:n*m.H]); err != nil {
			return 0, err
		}
		sum += meanSquaredDiff(v, p[:n*d]) * float64(len(v))
	}
	return sum / float64(len(data)), nil
}
