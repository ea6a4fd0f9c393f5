package train

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gwg-go/gwg/datasets"
	"github.com/gwg-go/gwg/ebm"
	"github.com/gwg-go/gwg/gwg"
)

// SamplerFactory makes the sampler that advances the chains of a model.
type SamplerFactory func(m ebm.Model) (gwg.Sampler, error)

// ErrDiverged marks a training step whose loss, f values, gradients or
// parameters are not finite, or whose gap between f(data) and f(samples) ran
// away.
var ErrDiverged = errors.New("training diverged")

// pcgStream is the second word of the trainer's PCG seed; the first is
// Config.Seed. The other streams of a run use other second words: the
// model's initial weights modelStream, the data order of epoch e the number
// e, validation validStream.
const pcgStream = 0x7261696e // "rain"

// Trainer holds the state of a PCD run in memory and advances it one
// iteration at a time. Run adds checkpoints, logs and the divergence guard.
type Trainer struct {
	cfg     Config
	model   ebm.Trainable
	params  []*ebm.Param
	data    *datasets.Split
	init    Initializer
	sampler gwg.Sampler

	opt  *Adam
	ema  *EMA
	buf  *Buffer
	pcg  *rand.PCG
	rng  *rand.Rand
	iter int // iterations completed

	// The history that checkpoints carry along.
	metrics   []Record
	rollbacks int
	bestValid float64 // best validation log-likelihood; NaN before the first
	bestIter  int

	win window // running sums since the last log record

	// Scratch, reused every iteration.
	dataIdx, chainIdx []int
	dataX, chainX     []float32
	perm              []int // the data order of epoch permEpoch
	permEpoch         int
}

// New returns a trainer at iteration 0 on the training split data: the
// buffer filled as cfg.BufferInit says, Adam's moments zero, the EMA equal to
// the model's parameters. mean is the base distribution's mean, used when the
// buffer starts from it.
func New(cfg Config, model ebm.Trainable, data *datasets.Split, mean []float32, newSampler SamplerFactory) (*Trainer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	dom := model.Domain()
	w := dom.Width()
	if dw := data.Shape.ModelWidth(); w != dw {
		return nil, fmt.Errorf("train: model reads %d values per chain, the %s examples have %d", w, data.Dataset, dw)
	}
	if data.N < cfg.Batch {
		return nil, fmt.Errorf("train: %d training images, fewer than the batch %d", data.N, cfg.Batch)
	}
	init, err := initializer(cfg.BufferInit, data, mean, dom)
	if err != nil {
		return nil, err
	}
	sampler, err := newSampler(model)
	if err != nil {
		return nil, fmt.Errorf("train: sampler %s: %w", cfg.Sampler, err)
	}
	buf, err := newBuffer(cfg.BufferSize, dom)
	if err != nil {
		return nil, err
	}
	params := model.Params()
	t := &Trainer{
		cfg: cfg, model: model, params: params, data: data, init: init, sampler: sampler,
		opt: NewAdam(params), ema: NewEMA(params, cfg.EMADecay), buf: buf,
		pcg:       rand.NewPCG(cfg.Seed, pcgStream),
		bestValid: math.NaN(),
		dataIdx:   make([]int, cfg.Batch), chainIdx: make([]int, cfg.Batch),
		dataX: make([]float32, cfg.Batch*w), chainX: make([]float32, cfg.Batch*w),
		permEpoch: -1,
	}
	t.rng = rand.New(t.pcg)
	if err := buf.Fill(init, t.rng); err != nil {
		return nil, fmt.Errorf("train: initialising the buffer: %w", err)
	}
	return t, nil
}

// newBuffer returns the replay buffer for chains of dom: one byte per site
// for one-hot chains of up to MaxCodeCategories categories.
func newBuffer(rows int, dom ebm.Domain) (*Buffer, error) {
	if dom.OneHot && dom.Categories <= MaxCodeCategories {
		return NewCodeBuffer(rows, dom.Sites, dom.Categories)
	}
	return NewBuffer(rows, dom.Width())
}

// initializer returns the buffer initialisation named by kind for chains of
// dom: draws from the base distribution of mean (Bernoulli or categorical),
// from the uniform one, or random training examples.
func initializer(kind string, data *datasets.Split, mean []float32, dom ebm.Domain) (Initializer, error) {
	switch kind {
	case InitBase, InitUniform:
		m := mean
		if kind == InitUniform {
			m = nil
		}
		b, err := gwg.NewBase(dom, m)
		if err != nil {
			return nil, fmt.Errorf("train: base distribution: %w", err)
		}
		return b.Sample, nil
	case InitData:
		width := dom.Width()
		idx := make([]int, 1)
		return func(rows []float32, rng *rand.Rand) error {
			for k := 0; k < len(rows)/width; k++ {
				idx[0] = rng.IntN(data.N)
				data.Batch(rows[k*width:(k+1)*width], idx, rng)
			}
			return nil
		}, nil
	}
	return nil, fmt.Errorf("train: unknown buffer initialisation %q", kind)
}

// Config returns the run's configuration as given; rollbacks cut the
// learning rate without changing it.
func (t *Trainer) Config() Config { return t.cfg }

// Iter is the number of iterations completed.
func (t *Trainer) Iter() int { return t.iter }

// Model returns the model being trained (current, not EMA, weights).
func (t *Trainer) Model() ebm.Trainable { return t.model }

// Buffer returns the replay buffer.
func (t *Trainer) Buffer() *Buffer { return t.buf }

// EMA returns the moving average of the weights.
func (t *Trainer) EMA() *EMA { return t.ema }

// Metrics returns the log records so far. The slice is the trainer's own.
func (t *Trainer) Metrics() []Record { return t.metrics }

// StepResult describes one iteration.
type StepResult struct {
	LR              float64
	FData, FSamples float64   // mean f over the data and the chain batches
	Sampler         gwg.Stats // the sampler's work during the iteration
}

// Step runs one iteration. An error wrapping ErrDiverged means the state is
// unusable and must be restored (Run does so); other errors are failures of
// the data or the model.
func (t *Trainer) Step() (StepResult, error) {
	cfg := &t.cfg
	res := StepResult{LR: LearningRate(t.peakLR(), cfg.Warmup, t.iter)}
	t.dataBatch()
	if err := t.buf.Pick(t.chainIdx, t.rng); err != nil {
		return res, err
	}
	t.buf.Gather(t.chainX, t.chainIdx)
	if _, err := t.buf.Reinit(t.chainX, cfg.ReinitFreq, t.init, t.rng); err != nil {
		return res, fmt.Errorf("train: re-initialising chains: %w", err)
	}
	before := t.sampler.Stats()
	if err := t.sampler.Init(t.chainX); err != nil {
		return res, t.samplerError("starting", err)
	}
	for range cfg.Steps {
		if err := t.sampler.Step(t.rng); err != nil {
			return res, t.samplerError("stepping", err)
		}
	}
	res.Sampler = t.sampler.Stats().Sub(before)
	copy(t.chainX, t.sampler.State())
	t.buf.Scatter(t.chainIdx, t.chainX)

	fd, fs, err := t.model.ContrastiveGrad(t.dataX, t.chainX, cfg.L2)
	res.FData, res.FSamples = fd, fs
	if err != nil {
		return res, fmt.Errorf("train: iteration %d: %w", t.iter+1, err)
	}
	if !finite(fd) || !finite(fs) {
		return res, fmt.Errorf("train: iteration %d: mean f(data) = %g, mean f(samples) = %g: %w", t.iter+1, fd, fs, ErrDiverged)
	}
	if gap := math.Abs(fd - fs); gap > cfg.MaxGap {
		return res, fmt.Errorf("train: iteration %d: |f(data) − f(samples)| = %.4g exceeds %.4g: %w", t.iter+1, gap, cfg.MaxGap, ErrDiverged)
	}
	for _, p := range t.params {
		if i := nonFinite(p.Grad); i >= 0 {
			return res, fmt.Errorf("train: iteration %d: gradient of %s[%d] = %g: %w", t.iter+1, p.Name, i, p.Grad[i], ErrDiverged)
		}
	}
	if err := t.opt.Step(t.params, res.LR); err != nil {
		return res, err
	}
	for _, p := range t.params {
		if i := nonFinite(p.Data); i >= 0 {
			return res, fmt.Errorf("train: iteration %d: parameter %s[%d] = %g after the update: %w", t.iter+1, p.Name, i, p.Data[i], ErrDiverged)
		}
	}
	t.ema.Update(t.params)
	t.iter++
	t.win.add(res)
	return res, nil
}

// peakLR is the learning rate after warm-up: Config.LR, cut by
// Config.RollbackFactor for every rollback so far. Keeping the cuts out of
// the Config lets a resumed run be checked against the command line that
// started it.
func (t *Trainer) peakLR() float64 {
	return t.cfg.LR * math.Pow(t.cfg.RollbackFactor, float64(t.rollbacks))
}

// samplerError classifies a sampler failure. Samplers refuse non-finite f
// and gradients; with a model that trained fine so far that means the
// weights have gone bad, so every sampler error counts as divergence and
// Run's bounded retries stop a genuinely broken setup.
func (t *Trainer) samplerError(what string, err error) error {
	return fmt.Errorf("train: iteration %d: %s the chains: %w (%w)", t.iter+1, what, err, ErrDiverged)
}

// dataBatch fills dataX with the next batch of the data order. The order is
// a fresh permutation per epoch, a function of the seed and the epoch alone,
// so that it needs no saving; the last partial batch of an epoch is dropped.
func (t *Trainer) dataBatch() {
	n, b := t.data.N, t.cfg.Batch
	perEpoch := n / b
	epoch, k := t.iter/perEpoch, t.iter%perEpoch
	if epoch != t.permEpoch {
		if t.perm == nil {
			t.perm = make([]int, n)
		}
		for i := range t.perm {
			t.perm[i] = i
		}
		r := rand.New(rand.NewPCG(t.cfg.Seed, uint64(epoch)))
		r.Shuffle(n, func(i, j int) { t.perm[i], t.perm[j] = t.perm[j], t.perm[i] })
		t.permEpoch = epoch
	}
	copy(t.dataIdx, t.perm[k*b:(k+1)*b])
	t.data.Batch(t.dataX, t.dataIdx, t.rng)
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// nonFinite returns the index of the first NaN or infinity in x, or −1.
func nonFinite(x []float32) int {
	for i, v := range x {
		if v != v || v > math.MaxFloat32 || v < -math.MaxFloat32 {
			return i
		}
	}
	return -1
}
