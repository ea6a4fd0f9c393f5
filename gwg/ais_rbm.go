package gwg

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gwg-go/gwg/ebm"
	"github.com/gwg-go/gwg/internal/bernoulli"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

// RBMAIS estimates log Z of an RBM along the classic path of Salakhutdinov &
// Murray (2008), an independent check of AIS on RBMs. The intermediate
// distributions keep the hidden layer and scale the weights,
//
//	p_β(v, h) ∝ exp((1 − β)·v·b_A + β·(v·b_v + hᵀWv + h·b_h)),
//
// so p₀ is a bias-only RBM, Bernoulli(σ(b_A)) on v with log Z₀ =
// H·log 2 + Σᵢ softplus(b_A,ᵢ), and the transitions are exact block Gibbs
// sweeps h | v, v | h at each β. b_A = logit(baseMean), or 0 for a nil mean.
//
// opts.Sampler is ignored (the path brings its own
// kernel); the rest mean what they do for AIS. The result's Samples are the
// final visible states and its Evals count one evaluation of f per chain and
// temperature; block Gibbs needs no gradients.
func RBMAIS(m *ebm.RBM, baseMean []float32, opts AISOptions, rng *rand.Rand) (*AISResult, error) {
	if m == nil {
		return nil, fmt.Errorf("gwg: RBM AIS needs a model")
	}
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	opts.Sampler = "rbm-block-gibbs"
	betas, err := Betas(opts.Schedule, opts.Temperatures)
	if err != nil {
		return nil, err
	}
	d, h, n := m.D, m.H, opts.Chains
	if len(m.W) != h*d || len(m.Bv) != d || len(m.Bh) != h {
		return nil, fmt.Errorf("gwg: RBM AIS: parameters do not match %d×%d units", d, h)
	}
	bA := make([]float64, d)
	if baseMean != nil {
		if len(baseMean) != d {
			return nil, fmt.Errorf("gwg: RBM AIS: base mean has %d values, want %d", len(baseMean), d)
		}
		for i, p := range baseMean {
			q := min(max(float64(p), ebm.MeanClamp), 1-ebm.MeanClamp)
			bA[i] = math.Log(q) - math.Log1p(-q)
		}
	}
	logZ0 := float64(h) * math.Ln2
	for _, b := range bA {
		logZ0 += bernoulli.Softplus(b)
	}

	r := &rbmPath{m: m, bA: bA, n: n,
		v:    make([]float32, n*d),
		hid:  make([]float32, n*h),
		act:  make([]float32, n*h),
		pre:  make([]float32, n*d),
		logw: make([]float64, n),
	}
	res := &AISResult{Options: opts, RepeatLogZ: make([]float64, opts.Repeats)}
	total := opts.Repeats * (opts.Temperatures - 1)
	for rep := range opts.Repeats {
		r.start(rng)
		for k := 1; k < len(betas); k++ {
			r.advance(betas[k-1], betas[k], rng)
			if opts.Progress != nil {
				opts.Progress(rep*(opts.Temperatures-1)+k, total)
			}
		}
		for c := range r.logw {
			r.logw[c] += logZ0
		}
		res.RepeatLogZ[rep] = logMeanExp(r.logw)
		res.LogW = append(res.LogW, r.logw...)
	}
	res.Samples = r.v
	res.Evals = int64(total) * int64(n)
	if err := res.summarize(rng); err != nil {
		return nil, fmt.Errorf("gwg: RBM AIS: %w", err)
	}
	return res, nil
}

// rbmPath holds the chains of RBMAIS: visible and hidden states and the
// scratch of the two GEMMs of a temperature step.
type rbmPath struct {
	m    *ebm.RBM
	bA   []float64
	n    int
	v    []float32 // n×D
	hid  []float32 // n×H
	act  []float32 // n×H, Wv + b_h
	pre  []float32 // n×D, Wᵀh
	logw []float64
}

// start draws v from the bias-only RBM and zeroes the weights.
func (r *rbmPath) start(rng *rand.Rand) {
	d := r.m.D
	for k := range r.v {
		r.v[k] = bernoulli.Draw(bernoulli.Sigmoid(r.bA[k%d]), rng)
	}
	clear(r.logw)
}

// advance adds log p̃_b(v) − log p̃_a(v) to every chain's weight and then
// makes one block Gibbs sweep at b.
func (r *rbmPath) advance(a, b float64, rng *rand.Rand) {
	m, d, h := r.m, r.m.D, r.m.H
	for c := range r.n {
		copy(r.act[c*h:(c+1)*h], m.Bh)
	}
	blas32.Gemm(blas.NoTrans, blas.Trans, 1,
		blas32.General{Rows: r.n, Cols: d, Stride: d, Data: r.v},
		blas32.General{Rows: h, Cols: d, Stride: d, Data: m.W}, 1,
		blas32.General{Rows: r.n, Cols: h, Stride: h, Data: r.act})
	for c := range r.n {
		var lin float64
		for i, x := range r.v[c*d : (c+1)*d] {
			lin += float64(x) * (float64(m.Bv[i]) - r.bA[i])
		}
		s := (b - a) * lin
		for j, x := range r.act[c*h : (c+1)*h] {
			s += bernoulli.Softplus(b*float64(x)) - bernoulli.Softplus(a*float64(x))
			r.hid[c*h+j] = bernoulli.Draw(bernoulli.Sigmoid(b*float64(x)), rng)
		}
		r.logw[c] += s
	}
	clear(r.pre)
	blas32.Gemm(blas.NoTrans, blas.NoTrans, 1,
		blas32.General{Rows: r.n, Cols: h, Stride: h, Data: r.hid},
		blas32.General{Rows: h, Cols: d, Stride: d, Data: m.W}, 0,
		blas32.General{Rows: r.n, Cols: d, Stride: d, Data: r.pre})
	for k, x := range r.pre {
		i := k % d
		z := (1-b)*r.bA[i] + b*(float64(m.Bv[i])+float64(x))
		r.v[k] = bernoulli.Draw(bernoulli.Sigmoid(z), rng)
	}
}
