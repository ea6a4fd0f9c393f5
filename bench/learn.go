package bench

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/gwg-go/gwg/ebm"
	"github.com/gwg-go/gwg/gwg"
	"github.com/gwg-go/gwg/internal/cputime"
)

// LearnConfig sets up parameter inference by persistent contrastive
// divergence: the reference code's pcd.py protocol. Zero fields take the
// values of Defaults.
type LearnConfig struct {
	Samplers []string // sampler specs; default gibbs, gwg, gwg-3, dmala (binary) or gibbs, gwg (one-hot)
	Steps    []int    // sampler steps K per iteration (1, 5, 10, 25, 50)
	Iters    int      // iterations per run (2,000; the reference runs 10,000)
	Batch    int      // data rows per iteration (256)
	Buffer   int      // persistent chains (256)
	LR       float64  // Adam learning rate (0.001)
	L1       float64  // coefficient of Σ|J| in the loss (0.01); negative means none
	// LearnBias fits the biases too. The reference fixes them at the truth
	// (zero) for Ising and lattice Potts; contact prediction learns them.
	LearnBias bool
	Every     int // iterations between evaluations (Iters/50)
	Block     int // iterations per run per round-robin turn (10)
	Seed      uint64
	// Progress, when set, is called after every iteration of every run with
	// the iterations done and the total.
	Progress func(done, total int)
}

// Defaults returns c with every zero field set to its default for a domain.
func (c LearnConfig) Defaults(dom ebm.Domain) LearnConfig {
	if len(c.Samplers) == 0 {
		c.Samplers = []string{"gibbs", "gwg", "gwg-3", "dmala"}
		if dom.OneHot {
			c.Samplers = []string{"gibbs", "gwg"}
		}
	}
	if len(c.Steps) == 0 {
		c.Steps = []int{1, 5, 10, 25, 50}
	}
	setDefault(&c.Iters, 2000)
	setDefault(&c.Batch, 256)
	setDefault(&c.Buffer, 256)
	if c.LR == 0 {
		c.LR = 1e-3
	}
	if c.L1 == 0 {
		c.L1 = 0.01
	}
	setDefault(&c.Every, max(1, c.Iters/50))
	setDefault(&c.Block, 10)
	return c
}

// LearnCurve is how one PCD run's error fell.
type LearnCurve struct {
	Sampler string
	K       int       // sampler steps per iteration
	Iter    []int     // iterations done at each evaluation
	Seconds []float64 // median seconds per iteration × iterations
	CPU     float64   // CPU seconds of the whole run (load-independent)
	LogRMSE []float64 // log₁₀ RMSE of the learned J against the truth
	Sigma   []float64 // σ read off the learned J (lattice models), else nil
	// Precision is the precision of the top-L contacts (contact problems),
	// else nil.
	Precision []float64
	Accept    float64 // the sampler's acceptance rate over the run
	Model     *ebm.Pairwise
}

// Final is the last log₁₀ RMSE.
func (c LearnCurve) Final() float64 { return c.LogRMSE[len(c.LogRMSE)-1] }

// Steps returns the total sampler steps at each evaluation.
func (c LearnCurve) Steps() []float64 {
	s := make([]float64, len(c.Iter))
	for i, it := range c.Iter {
		s[i] = float64(it * c.K)
	}
	return s
}

// LearnResult is the outcome of Learn.
type LearnResult struct {
	Problem *Problem
	Config  LearnConfig
	Curves  []LearnCurve
	// InitLogRMSE is the error of the initial couplings (all runs start
	// from the same ones).
	InitLogRMSE float64
}

// Learn fits the couplings of a fully connected model to data (n×W states
// drawn from p.Truth) by PCD, once per sampler and steps per iteration, and
// scores every run against p's true couplings. Runs advance in round-robin
// blocks of iterations so that machine load hits them alike.
func Learn(p *Problem, data []float32, cfg LearnConfig) (*LearnResult, error) {
	cfg = cfg.Defaults(p.Dom)
	w := p.Dom.Width()
	switch {
	case len(data) == 0 || len(data)%w != 0:
		return nil, fmt.Errorf("bench: %d data values, not a multiple of the width %d", len(data), w)
	case cfg.Iters < 1 || cfg.Batch < 1 || cfg.Buffer < 1 || !(cfg.LR > 0) || cfg.Every < 1 || cfg.Block < 1:
		return nil, fmt.Errorf("bench: bad PCD settings: %d iterations, batch %d, buffer %d, learning rate %v, every %d",
			cfg.Iters, cfg.Batch, cfg.Buffer, cfg.LR, cfg.Every)
	}
	for _, k := range cfg.Steps {
		if k < 1 {
			return nil, fmt.Errorf("bench: %d sampler steps per iteration", k)
		}
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x1ea))
	j0 := make([]float32, w*w)
	for i := range j0 {
		j0[i] = float32(0.01 * rng.NormFloat64())
	}
	buf0 := uniformStates(p.Dom, cfg.Buffer, rng)
	var runs []*pcdRun
	for si, name := range cfg.Samplers {
		for ki, k := range cfg.Steps {
			r, err := newPCDRun(p, data, name, k, j0, buf0, cfg, cfg.Seed+uint64(1000*si+ki)+1)
			if err != nil {
				return nil, err
			}
			runs = append(runs, r)
		}
	}
	res := &LearnResult{Problem: p, Config: cfg, InitLogRMSE: math.Log10(couplingRMSE(p, runs[0].jNow()))}
	total, done := len(runs)*cfg.Iters, 0
	for start := 0; start < cfg.Iters; start += cfg.Block {
		n := min(cfg.Block, cfg.Iters-start)
		for j := range runs {
			r := runs[(start/cfg.Block+j)%len(runs)]
			if err := r.iterate(n); err != nil {
				return nil, err
			}
			done += n
			if cfg.Progress != nil {
				cfg.Progress(done, total)
			}
		}
	}
	for _, r := range runs {
		r.finish()
		res.Curves = append(res.Curves, r.curve)
	}
	return res, nil
}

// pcdRun is one PCD fit: a model, its sampler with the persistent buffer,
// Adam's state and the curve so far.
type pcdRun struct {
	p     *Problem
	cfg   LearnConfig
	model *ebm.Pairwise
	s     gwg.Sampler
	rng   *rand.Rand
	k     int
	w     int

	data    []float32 // v of the data, n×W
	order   []int     // shuffled data rows
	next    int       // position in order
	batch   []float32 // v of this iteration's data rows
	state   []float32 // copy of the buffer
	vs      []float32 // v of the buffer
	cData   []float32 // W×W data moments
	cModel  []float32 // W×W buffer moments
	adamJ   adam
	adamB   adam
	gradB   []float32
	gradJ   []float32
	iter    int
	perIter []float64
	cpu     time.Duration
	start   gwg.Stats
	curve   LearnCurve
}

func newPCDRun(p *Problem, data []float32, name string, k int, j0, buf0 []float32, cfg LearnConfig, seed uint64) (*pcdRun, error) {
	w := p.Dom.Width()
	var m *ebm.Pairwise
	var err error
	if p.Dom.OneHot {
		m, err = ebm.NewPairwisePotts(p.Dom.Sites, p.Dom.Categories, j0, make([]float32, w))
	} else {
		m, err = ebm.NewPairwiseIsing(p.Dom.Sites, j0, make([]float32, w))
	}
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	if !cfg.LearnBias {
		_, b := m.Couplings()
		copy(b, p.Bias)
		m.Changed()
	}
	s, err := gwg.New(name, m)
	if err != nil {
		return nil, fmt.Errorf("bench: PCD with %q: %w", name, err)
	}
	if err := s.Init(buf0); err != nil {
		return nil, fmt.Errorf("bench: PCD with %q: %w", name, err)
	}
	n := len(data) / w
	r := &pcdRun{
		p: p, cfg: cfg, model: m, s: s, rng: rand.New(rand.NewPCG(seed, 0x9cd)), k: k, w: w,
		data: spinValues(p.Dom, data), order: make([]int, n), next: n,
		batch: make([]float32, min(cfg.Batch, n)*w), state: make([]float32, len(buf0)), vs: make([]float32, len(buf0)),
		cData: make([]float32, w*w), cModel: make([]float32, w*w),
		adamJ: newAdam(w*w, cfg.LR), adamB: newAdam(w, cfg.LR), gradJ: make([]float32, w*w), gradB: make([]float32, w),
		start: s.Stats(),
		curve: LearnCurve{Sampler: name, K: k, Model: m},
	}
	for i := range r.order {
		r.order[i] = i
	}
	return r, nil
}

func (r *pcdRun) jNow() []float32 { j, _ := r.model.Couplings(); return j }

// iterate runs n PCD iterations, timing them (evaluations excluded), and
// evaluates the model at every multiple of Every.
func (r *pcdRun) iterate(n int) error {
	var wall, cpu time.Duration
	for range n {
		t0, c0 := time.Now(), cputime.Now()
		if err := r.once(); err != nil {
			return err
		}
		wall += time.Since(t0)
		cpu += cputime.Now() - c0
		r.iter++
		if r.iter%r.cfg.Every == 0 || r.iter == r.cfg.Iters {
			r.evaluate()
		}
	}
	r.cpu += cpu
	r.perIter = append(r.perIter, wall.Seconds()/float64(n))
	return nil
}

// evaluate appends the model's scores to the curve.
func (r *pcdRun) evaluate() {
	c := &r.curve
	c.Iter = append(c.Iter, r.iter)
	j := r.jNow()
	c.LogRMSE = append(c.LogRMSE, math.Log10(couplingRMSE(r.p, j)))
	if r.p.Edges != nil {
		c.Sigma = append(c.Sigma, latticeSigma(r.p, j))
	}
	if r.p.Contacts != nil {
		c.Precision = append(c.Precision, ContactPrecision(ContactScores(j, r.p.Dom.Sites, blockOf(r.p.Dom)), r.p.Contacts, r.p.Dom.Sites, contactMinSep))
	}
}

// finish fills in the run's times and acceptance rate.
func (r *pcdRun) finish() {
	c := &r.curve
	cost := median(r.perIter)
	c.Seconds = make([]float64, len(c.Iter))
	for i, it := range c.Iter {
		c.Seconds[i] = cost * float64(it)
	}
	c.CPU = r.cpu.Seconds()
	c.Accept = r.s.Stats().Sub(r.start).AcceptRate()
}

// once is one PCD iteration: K sampler steps on the buffer, the moments of
// a data batch and of the buffer, one Adam step on J (and b).
func (r *pcdRun) once() error {
	for range r.k {
		if err := r.s.Step(r.rng); err != nil {
			return fmt.Errorf("bench: PCD with %s: %w", r.curve.Sampler, err)
		}
	}
	w := r.w
	copy(r.state, r.s.State())
	r.model.SpinValues(r.vs, r.state)
	nb := len(r.batch) / w
	for row := range nb {
		if r.next == len(r.order) {
			r.rng.Shuffle(len(r.order), func(a, b int) { r.order[a], r.order[b] = r.order[b], r.order[a] })
			r.next = 0
		}
		src := r.order[r.next]
		r.next++
		copy(r.batch[row*w:(row+1)*w], r.data[src*w:(src+1)*w])
	}
	nm := len(r.vs) / w
	gram(r.cData, r.batch, nb, w)
	gram(r.cModel, r.vs, nm, w)
	j, b := r.model.Couplings()
	couplingGrad(r.gradJ, r.cData, r.cModel, j, blockOf(r.p.Dom), r.cfg.L1)
	r.adamJ.step(j, r.gradJ)
	if r.cfg.LearnBias {
		clear(r.gradB)
		for row := range nb {
			for p, v := range r.batch[row*w : (row+1)*w] {
				r.gradB[p] -= v / float32(nb)
			}
		}
		for row := range nm {
			for p, v := range r.vs[row*w : (row+1)*w] {
				r.gradB[p] += v / float32(nm)
			}
		}
		r.adamB.step(b, r.gradB)
	}
	r.model.Changed()
	// The sampler caches f and ∇ₓf at its chains; they changed with the
	// model, so restart it where it stands.
	if err := r.s.Init(r.state); err != nil {
		return fmt.Errorf("bench: PCD with %s: %w", r.curve.Sampler, err)
	}
	return nil
}

// couplingGrad writes into grad the gradient with respect to J (W×W) of
//
//	−mean f(data) + mean f(model) + l1·Σ|J|,
//
// given the moments ⟨vvᵀ⟩ of the data and of the model: the PCD estimate of
// the negative log-likelihood's gradient when the model moments come from
// samples. It is symmetrised, and zero on the self-couplings (blocks of blk
// values), which stay zero.
func couplingGrad(grad, cData, cModel, j []float32, blk int, l1 float64) {
	w := int(math.Sqrt(float64(len(grad))))
	for p := range w {
		for q := p; q < w; q++ {
			var g float32
			if p/blk != q/blk {
				g = -(cData[p*w+q] + cData[q*w+p] - cModel[p*w+q] - cModel[q*w+p]) / 2
				if l1 > 0 {
					g += float32(l1) * sign32(j[p*w+q])
				}
			}
			grad[p*w+q], grad[q*w+p] = g, g
		}
	}
}

func sign32(v float32) float32 {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

// adam is the Adam optimiser (β₁ = 0.9, β₂ = 0.999, ε = 10⁻⁸) over one
// parameter slice.
type adam struct {
	lr   float64
	m, v []float32
	t    int
}

func newAdam(n int, lr float64) adam {
	return adam{lr: lr, m: make([]float32, n), v: make([]float32, n)}
}

func (a *adam) step(theta, grad []float32) {
	const b1, b2, eps = 0.9, 0.999, 1e-8
	a.t++
	c1 := 1 - math.Pow(b1, float64(a.t))
	c2 := 1 - math.Pow(b2, float64(a.t))
	step := float32(a.lr * math.Sqrt(c2) / c1)
	for i, g := range grad {
		a.m[i] = b1*a.m[i] + (1-b1)*g
		a.v[i] = b2*a.v[i] + (1-b2)*g*g
		theta[i] -= step * a.m[i] / (float32(math.Sqrt(float64(a.v[i]))) + eps*float32(math.Sqrt(c2)))
	}
}

// gram sets c (w×w) to XᵀX/n for the n rows of width w in x.
func gram(c, x []float32, n, w int) { gramPair(c, x, x, n, w) }

// couplingRMSE is the root mean square over all W² entries of J − J*; for
// Potts models both are first brought to the zero-sum gauge, in which the
// couplings are identifiable. It is NaN when p has no true couplings.
func couplingRMSE(p *Problem, j []float32) float64 {
	if p.J == nil {
		return math.NaN() // no truth to compare with (a real alignment)
	}
	w, blk := p.Dom.Width(), blockOf(p.Dom)
	if blk == 1 {
		var s float64
		for i, v := range j {
			d := float64(v) - float64(p.J[i])
			s += d * d
		}
		return math.Sqrt(s / float64(w*w))
	}
	a, b := zeroSumGauge(j, p.Dom.Sites, blk), zeroSumGauge(p.J, p.Dom.Sites, blk)
	var s float64
	for i := range a {
		d := a[i] - b[i]
		s += d * d
	}
	return math.Sqrt(s / float64(w*w))
}

// zeroSumGauge returns J with every K×K block Jᵢⱼ double-centred (rows and
// columns summing to zero). Potts f is unchanged by the shift up to
// single-site terms, which is why only this part of J can be learned.
func zeroSumGauge(j []float32, d, k int) []float64 {
	w := d * k
	out := make([]float64, w*w)
	rows, cols := make([]float64, k), make([]float64, k)
	for i := range d {
		for jj := range d {
			clear(rows)
			clear(cols)
			var all float64
			for a := range k {
				for c := range k {
					v := float64(j[(i*k+a)*w+jj*k+c])
					rows[a] += v / float64(k)
					cols[c] += v / float64(k)
					all += v / float64(k*k)
				}
			}
			for a := range k {
				for c := range k {
					out[(i*k+a)*w+jj*k+c] = float64(j[(i*k+a)*w+jj*k+c]) - rows[a] - cols[c] + all
				}
			}
		}
	}
	return out
}

// latticeSigma reads σ off learned couplings as the mean over the lattice's
// edges: Jᵢⱼ itself for Ising; for Potts, half the difference between the
// mean diagonal and the mean off-diagonal entry of the block (2σ in the
// truth σ(2I − 11ᵀ), in any gauge).
func latticeSigma(p *Problem, j []float32) float64 {
	w, k := p.Dom.Width(), blockOf(p.Dom)
	var s float64
	for _, e := range p.Edges {
		if k == 1 {
			s += float64(j[e.I*w+e.J]) / float64(e.Weight)
			continue
		}
		var diag, off float64
		for a := range k {
			for c := range k {
				v := float64(j[(e.I*k+a)*w+e.J*k+c])
				if a == c {
					diag += v / float64(k)
				} else {
					off += v / float64(k*(k-1))
				}
			}
		}
		s += (diag - off) / 2 / float64(e.Weight)
	}
	return s / float64(len(p.Edges))
}
