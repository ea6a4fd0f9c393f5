package gwg

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gwg-go/gwg/ebm"
)

// NewBase returns the product distribution over dom with the given mean, one
// value per state value (Domain.Width): ebm.Bernoulli for a binary domain,
// Categorical for a one-hot one. A nil mean gives the uniform distribution.
//
// The closer the base is to the model, the shorter the schedule AIS needs;
// the data mean (squeezed away from 0 and 1 by ebm.BaseMean) is the usual
// choice, and for a deep model its own base, so that only the network term
// is annealed.
func NewBase(dom ebm.Domain, mean []float32) (Base, error) {
	if err := dom.Validate(); err != nil {
		return nil, fmt.Errorf("gwg: base: %w", err)
	}
	if mean == nil {
		mean = make([]float32, dom.Width())
		for k := range mean {
			mean[k] = 1 / float32(dom.Categories)
		}
	}
	if len(mean) != dom.Width() {
		return nil, fmt.Errorf("gwg: base mean has %d values, want %d", len(mean), dom.Width())
	}
	if dom.OneHot {
		return NewCategorical(dom.Sites, dom.Categories, mean)
	}
	b, err := ebm.NewBernoulli(mean)
	if err != nil {
		return nil, fmt.Errorf("gwg: base: %w", err)
	}
	return b, nil
}

// Categorical is a product of independent categorical distributions over a
// one-hot domain, p(x) = Πᵢ Πⱼ pᵢⱼ^xᵢⱼ: the base of AIS for Potts-type
// models. Its f is exactly normalised and linear in the relaxed state.
type Categorical struct {
	dom  ebm.Domain
	logp []float64 // D×K
	grad []float32 // logp rounded, the gradient
	cdf  []float64 // D×K, cumulative within each site
}

// NewCategorical returns the product of categoricals with probabilities
// probs (sites × categories values). Each site's block is renormalised to
// sum to one, and every probability is kept at least ebm.MeanClamp so that
// no state has log-probability −∞.
func NewCategorical(sites, categories int, probs []float32) (*Categorical, error) {
	dom := ebm.Domain{Sites: sites, Categories: categories, OneHot: true}
	if err := dom.Validate(); err != nil {
		return nil, fmt.Errorf("gwg: categorical base: %w", err)
	}
	if len(probs) != dom.Width() {
		return nil, fmt.Errorf("gwg: categorical base has %d probabilities, want %d×%d", len(probs), sites, categories)
	}
	c := &Categorical{
		dom:  dom,
		logp: make([]float64, len(probs)),
		grad: make([]float32, len(probs)),
		cdf:  make([]float64, len(probs)),
	}
	k := categories
	for i := range sites {
		block := probs[i*k : (i+1)*k]
		var sum float64
		for j, p := range block {
			if !(p >= 0) || math.IsInf(float64(p), 0) {
				return nil, fmt.Errorf("gwg: categorical base: probability %d of site %d is %v", j, i, p)
			}
			sum += max(float64(p), ebm.MeanClamp)
		}
		var acc float64
		for j, p := range block {
			q := max(float64(p), ebm.MeanClamp) / sum
			acc += q
			c.logp[i*k+j] = math.Log(q)
			c.grad[i*k+j] = float32(c.logp[i*k+j])
			c.cdf[i*k+j] = acc
		}
	}
	return c, nil
}

// Domain is the one-hot domain.
func (c *Categorical) Domain() ebm.Domain { return c.dom }

// LogProb writes log p(x) of each chain into f.
func (c *Categorical) LogProb(f []float64, x []float32) error {
	return c.LogProbGrad(f, nil, x)
}

// LogProbGrad writes log p(x) into f and, when grad is not nil, the
// log-probabilities (the gradient of the linear form) into every row.
func (c *Categorical) LogProbGrad(f []float64, grad []float32, x []float32) error {
	n, err := ebm.CheckBatch(c.dom, f, grad, x)
	if err != nil {
		return err
	}
	w := c.dom.Width()
	for r := range n {
		var s float64
		for k, v := range x[r*w : (r+1)*w] {
			s += float64(v) * c.logp[k]
		}
		f[r] = s
		if grad != nil {
			copy(grad[r*w:(r+1)*w], c.grad)
		}
	}
	return nil
}

// Sample fills dst with len(dst)/Width independent one-hot draws.
func (c *Categorical) Sample(dst []float32, rng *rand.Rand) error {
	w, k := c.dom.Width(), c.dom.Categories
	if len(dst)%w != 0 {
		return fmt.Errorf("gwg: categorical sample buffer has %d values, not a multiple of %d", len(dst), w)
	}
	clear(dst)
	for r := range len(dst) / w {
		for i := range c.dom.Sites {
			u := rng.Float64()
			j := 0
			for j < k-1 && u >= c.cdf[i*k+j] {
				j++
			}
			dst[r*w+i*k+j] = 1
		}
	}
	return nil
}
