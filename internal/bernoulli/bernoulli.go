// Package bernoulli has the scalar functions of a Bernoulli variable in its
// logit x, computed without overflow for large |x|, and draws from it.
// Exact RBM log Z, annealed importance sampling along the RBM path and the
// models' base distributions all need them.
package bernoulli

import (
	"math"
	"math/rand/v2"
)

// Softplus is log(1 + eˣ), the log-normalizer of a Bernoulli with logit x.
func Softplus(x float64) float64 {
	if x > 0 {
		return x + math.Log1p(math.Exp(-x))
	}
	return math.Log1p(math.Exp(x))
}

// Sigmoid is 1/(1 + e⁻ˣ), the mean of a Bernoulli with logit x.
func Sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

// Draw returns 1 with probability p and 0 otherwise, using one uniform.
func Draw(p float64, rng *rand.Rand) float32 {
	if rng.Float64() < p {
		return 1
	}
	return 0
}

// DrawEach sets dst[k] to 1 with probability p[k] and to 0 otherwise, one
// float32 uniform per value, in order; dst may be p. Dynamic binarisation
// and RBM Gibbs steps use it, and their reproducibility depends on that order.
func DrawEach(dst, p []float32, rng *rand.Rand) {
	for k, pk := range p {
		if rng.Float32() < pk {
			dst[k] = 1
		} else {
			dst[k] = 0
		}
	}
}
