package ebm

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gwg-go/gwg/internal/bernoulli"
)

// MeanClamp bounds the means of a Bernoulli: each μᵢ is clamped into
// [MeanClamp, 1 − MeanClamp]. A mean of exactly 0 or 1 (a pixel that is
// never on in the training data) would give log-probability −∞ to states the
// samplers visit, and an infinite gradient log μ − log(1 − μ). 1e-6 keeps the
// logits within ±13.9 and is still distinct from 1 in float32.
const MeanClamp = 1e-6

// Bernoulli is the product of independent Bernoulli distributions,
// p(x) = Πᵢ μᵢ^xᵢ (1 − μᵢ)^(1−xᵢ): the base distribution of the deep EBMs and
// the initial distribution of AIS. Unlike the other models its f is exactly
// normalised, f(x) = log p(x).
//
// On the relaxed state f is linear, f(x) = Σᵢ xᵢ log μᵢ + (1 − xᵢ) log(1 − μᵢ),
// so its gradient is the constant vector of logits log μᵢ − log(1 − μᵢ).
// The model keeps no scratch state, so concurrent calls are safe.
type Bernoulli struct {
	mean  []float32
	logP  []float64 // log μᵢ
	logQ  []float64 // log(1 − μᵢ)
	logit []float32 // log μᵢ − log(1 − μᵢ), the gradient
}

// NewBernoulli returns the product Bernoulli with the given means, clamped
// into [MeanClamp, 1 − MeanClamp]. The slice is copied.
func NewBernoulli(mean []float32) (*Bernoulli, error) {
	if len(mean) == 0 {
		return nil, fmt.Errorf("ebm: Bernoulli with no sites")
	}
	b := &Bernoulli{
		mean:  make([]float32, len(mean)),
		logP:  make([]float64, len(mean)),
		logQ:  make([]float64, len(mean)),
		logit: make([]float32, len(mean)),
	}
	for i, m := range mean {
		if math.IsNaN(float64(m)) {
			return nil, fmt.Errorf("ebm: Bernoulli mean %d is NaN", i)
		}
		mu := min(max(float64(m), MeanClamp), 1-MeanClamp)
		b.mean[i] = float32(mu)
		b.logP[i] = math.Log(mu)
		b.logQ[i] = math.Log1p(-mu)
		b.logit[i] = float32(b.logP[i] - b.logQ[i])
	}
	return b, nil
}

// Domain reports D binary sites.
func (b *Bernoulli) Domain() Domain {
	return Domain{Sites: len(b.mean), Categories: 2}
}

// Mean returns the clamped means. The slice is the model's own; do not
// modify it.
func (b *Bernoulli) Mean() []float32 { return b.mean }

// LogProb writes the normalised log-probability of each chain into f.
func (b *Bernoulli) LogProb(f []float64, x []float32) error {
	return b.LogProbGrad(f, nil, x)
}

// LogProbGrad writes log p(x) into f and, when grad is not nil, the logits
// into every row of grad.
func (b *Bernoulli) LogProbGrad(f []float64, grad []float32, x []float32) error {
	n, err := CheckBatch(b.Domain(), f, grad, x)
	if err != nil {
		return err
	}
	d := len(b.mean)
	for c := range n {
		row := x[c*d : (c+1)*d]
		var s float64
		for i, v := range row {
			xv := float64(v)
			s += xv*b.logP[i] + (1-xv)*b.logQ[i]
		}
		f[c] = s
		if grad != nil {
			copy(grad[c*d:(c+1)*d], b.logit)
		}
	}
	return nil
}

// FlipDeltas writes log p(flipᵢ x) − log p(x) = (1 − 2xᵢ)·logitᵢ for every
// chain and site.
func (b *Bernoulli) FlipDeltas(delta []float64, x []float32) error {
	d := len(b.mean)
	if len(delta) != len(x) || len(x)%d != 0 {
		return fmt.Errorf("ebm: flip deltas for %d values of state and %d deltas, want equal multiples of %d sites", len(x), len(delta), d)
	}
	for k, v := range x {
		i := k % d
		delta[k] = (1 - 2*float64(v)) * (b.logP[i] - b.logQ[i])
	}
	return nil
}

// SiteDeltas writes log p(x with site sites[c] set to a) − log p(x) for
// a = 0, 1 into delta[2c+a].
func (b *Bernoulli) SiteDeltas(delta []float64, x []float32, sites []int) error {
	if _, err := CheckSites(b.Domain(), delta, x, sites); err != nil {
		return err
	}
	d := len(b.mean)
	for c, i := range sites {
		v, logit := float64(x[c*d+i]), b.logP[i]-b.logQ[i]
		delta[2*c], delta[2*c+1] = -v*logit, (1-v)*logit
	}
	return nil
}

// Sample fills dst with len(dst)/D independent draws, one chain per row.
func (b *Bernoulli) Sample(dst []float32, rng *rand.Rand) error {
	d := len(b.mean)
	if len(dst)%d != 0 {
		return fmt.Errorf("ebm: Bernoulli sample buffer has %d values, not a multiple of %d sites", len(dst), d)
	}
	for k := range dst {
		dst[k] = bernoulli.Draw(float64(b.mean[k%d]), rng)
	}
	return nil
}

// BaseMean squeezes a data mean (one value per input value of the domain)
// into the base distribution's parameters as the reference does:
// μ = m·(1 − 0.02) + 0.01 for binary domains; for one-hot ones, where the
// mean is the per-site category frequencies, SmoothFrequencies.
func BaseMean(d Domain, dataMean []float32) []float32 {
	if d.OneHot {
		return SmoothFrequencies(dataMean, d.Categories)
	}
	mu := make([]float32, len(dataMean))
	for i, m := range dataMean {
		mu[i] = m*(1-0.02) + 0.01
	}
	return mu
}
