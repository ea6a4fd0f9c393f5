package ebm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
)

// FrequencySmoothing is the probability mass SmoothFrequencies adds to each
// site, spread evenly over its K categories before renormalising: the
// reference's categorical base adds 1e-2/256 to each of 256 gray levels.
const FrequencySmoothing = 1e-2

// SmoothFrequencies turns per-site category frequencies of training data
// (sites × categories values, each site's block summing to one, as
// datasets.Set.Mean gives them) into the probabilities of a categorical base
// distribution as the reference does: p = (m + 0.01/K) / (1 + 0.01), so that
// no category has probability 0. The input is not modified.
func SmoothFrequencies(freq []float32, categories int) []float32 {
	add := FrequencySmoothing / float64(categories)
	out := make([]float32, len(freq))
	for i := 0; i+categories <= len(freq); i += categories {
		var sum float64
		for _, m := range freq[i : i+categories] {
			sum += float64(m) + add
		}
		for j, m := range freq[i : i+categories] {
			out[i+j] = float32((float64(m) + add) / sum)
		}
	}
	return out
}

// Categorical is the product of independent categorical distributions over
// a one-hot domain, p(x) = Πᵢ pᵢ(xᵢ): the base distribution of categorical
// deep EBMs and the initial distribution of AIS on one-hot models. It is the
// one-hot counterpart of Bernoulli, and like it exactly normalised:
// f(x) = log p(x).
//
// On the relaxed state f is linear, f(x) = Σᵢⱼ xᵢⱼ log pᵢⱼ, so its gradient
// is the constant vector of log-probabilities. The model keeps no scratch
// state, so concurrent calls are safe.
type Categorical struct {
	dom   Domain
	probs []float32 // D×K, as used (floored and renormalised)
	logp  []float64 // D×K
	grad  []float32 // logp rounded, the gradient
	cdf   []float64 // D×K, cumulative within each site
}

// NewCategorical returns the product of categoricals over sites × categories
// one-hot values with probabilities probs (one block of categories values
// per site; see SmoothFrequencies). Each probability is raised to at least
// MeanClamp, so that no state has log-probability −∞, and each block is
// renormalised to sum to one. The slice is copied.
func NewCategorical(sites, categories int, probs []float32) (*Categorical, error) {
	dom := Domain{Sites: sites, Categories: categories, OneHot: true}
	if err := dom.Validate(); err != nil {
		return nil, fmt.Errorf("ebm: categorical: %w", err)
	}
	if len(probs) != dom.Width() {
		return nil, fmt.Errorf("ebm: categorical has %d probabilities, want %d sites × %d categories", len(probs), sites, categories)
	}
	c := &Categorical{
		dom:   dom,
		probs: make([]float32, len(probs)),
		logp:  make([]float64, len(probs)),
		grad:  make([]float32, len(probs)),
		cdf:   make([]float64, len(probs)),
	}
	k := categories
	for i := range sites {
		block := probs[i*k : (i+1)*k]
		var sum float64
		for j, p := range block {
			if !(p >= 0) || math.IsInf(float64(p), 0) {
				return nil, fmt.Errorf("ebm: categorical: probability of category %d at site %d is %v", j, i, p)
			}
			sum += max(float64(p), MeanClamp)
		}
		var acc float64
		for j, p := range block {
			q := max(float64(p), MeanClamp) / sum
			acc += q
			c.probs[i*k+j] = float32(q)
			c.logp[i*k+j] = math.Log(q)
			c.grad[i*k+j] = float32(c.logp[i*k+j])
			c.cdf[i*k+j] = acc
		}
	}
	return c, nil
}

// Domain reports the one-hot domain.
func (c *Categorical) Domain() Domain { return c.dom }

// Probs returns the probabilities as used, floored and renormalised. The
// slice is the model's own; do not modify it.
func (c *Categorical) Probs() []float32 { return c.probs }

// LogProb writes the normalised log-probability of each chain into f.
func (c *Categorical) LogProb(f []float64, x []float32) error {
	return c.LogProbGrad(f, nil, x)
}

// LogProbGrad writes log p(x) into f and, when grad is not nil, the
// log-probabilities (the gradient of the linear form) into every row.
func (c *Categorical) LogProbGrad(f []float64, grad []float32, x []float32) error {
	n, err := CheckBatch(c.dom, f, grad, x)
	if err != nil {
		return err
	}
	w := c.dom.Width()
	for r := range n {
		var s float64
		for k, v := range x[r*w : (r+1)*w] {
			if v != 0 {
				s += float64(v) * c.logp[k]
			}
		}
		f[r] = s
		if grad != nil {
			copy(grad[r*w:(r+1)*w], c.grad)
		}
	}
	return nil
}

// SiteDeltas writes log p(x with site sites[c] set to category a) − log p(x)
// into delta[c·K+a].
func (c *Categorical) SiteDeltas(delta []float64, x []float32, sites []int) error {
	if _, err := CheckSites(c.dom, delta, x, sites); err != nil {
		return err
	}
	w, k := c.dom.Width(), c.dom.Categories
	for r, i := range sites {
		logp := c.logp[i*k : (i+1)*k]
		var cur float64
		for a, v := range x[r*w+i*k : r*w+(i+1)*k] {
			cur += float64(v) * logp[a]
		}
		for a, lp := range logp {
			delta[r*k+a] = lp - cur
		}
	}
	return nil
}

// Sample fills dst with len(dst)/Width independent one-hot draws.
func (c *Categorical) Sample(dst []float32, rng *rand.Rand) error {
	w, k := c.dom.Width(), c.dom.Categories
	if len(dst)%w != 0 {
		return fmt.Errorf("ebm: categorical sample buffer has %d values, not a multiple of %d", len(dst), w)
	}
	clear(dst)
	for r := range len(dst) / w {
		for i := range c.dom.Sites {
			dst[r*w+i*k+c.draw(i, rng)] = 1
		}
	}
	return nil
}

// SampleCodes fills dst with len(dst)/Sites independent draws as category
// codes, one per site: the compact form of Sample.
func (c *Categorical) SampleCodes(dst []uint16, rng *rand.Rand) error {
	d := c.dom.Sites
	if len(dst)%d != 0 {
		return fmt.Errorf("ebm: categorical code buffer has %d values, not a multiple of %d sites", len(dst), d)
	}
	if c.dom.Categories > math.MaxUint16+1 {
		return fmt.Errorf("ebm: %d categories do not fit 16-bit codes", c.dom.Categories)
	}
	for r := range len(dst) / d {
		for i := range d {
			dst[r*d+i] = uint16(c.draw(i, rng))
		}
	}
	return nil
}

// draw returns a category of site i by inverting its cumulative
// distribution at one uniform; the last category takes what rounding leaves.
func (c *Categorical) draw(i int, rng *rand.Rand) int {
	k := c.dom.Categories
	cdf := c.cdf[i*k : (i+1)*k-1]
	u := rng.Float64()
	return sort.Search(len(cdf), func(j int) bool { return u < cdf[j] })
}
