package gwg

import (
	"math"
	"math/rand/v2"
)

// logMeanExp is log((1/n) Σ exp vᵢ), shifted by the maximum for stability.
func logMeanExp(v []float64) float64 {
	m := math.Inf(-1)
	for _, a := range v {
		m = max(m, a)
	}
	if math.IsInf(m, 0) || math.IsNaN(m) {
		return m
	}
	var s float64
	for _, a := range v {
		s += math.Exp(a - m)
	}
	return m + math.Log(s/float64(len(v)))
}

// ess is the effective sample size (Σw)²/Σw² of weights given as logs.
func ess(logw []float64) float64 {
	m := math.Inf(-1)
	for _, a := range logw {
		m = max(m, a)
	}
	if math.IsInf(m, 0) || math.IsNaN(m) {
		return 0
	}
	var s, s2 float64
	for _, a := range logw {
		w := math.Exp(a - m)
		s += w
		s2 += w * w
	}
	return s * s / s2
}

// mean is the arithmetic mean of v.
func mean(v []float64) float64 {
	var s float64
	for _, a := range v {
		s += a
	}
	return s / float64(len(v))
}

// stdDev is the sample standard deviation of v (n − 1 in the denominator);
// 0 for fewer than two values.
func stdDev(v []float64) float64 {
	if len(v) < 2 {
		return 0
	}
	mu := mean(v)
	var s float64
	for _, a := range v {
		s += (a - mu) * (a - mu)
	}
	return math.Sqrt(s / float64(len(v)-1))
}

// bootstrapStdErr is the standard deviation of logMeanExp over b resamples
// of logw with replacement.
func bootstrapStdErr(logw []float64, b int, rng *rand.Rand) float64 {
	if len(logw) < 2 || b < 2 {
		return 0
	}
	est := make([]float64, b)
	re := make([]float64, len(logw))
	for k := range est {
		for i := range re {
			re[i] = logw[rng.IntN(len(logw))]
		}
		est[k] = logMeanExp(re)
	}
	return stdDev(est)
}
