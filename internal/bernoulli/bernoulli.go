// Package bernoulli has the scalar functions of a Bernoulli variable in its
// logit x, computed without overflow for large |x|, and a draw of one.
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
