package gwg

import (
	"math"

	"github.com/gwg-go/gwg/ebm"
	"github.com/gwg-go/gwg/internal/fastmath"
)

// gwg-barker is Gibbs-with-Gradients with the Barker balancing function
// g(t) = t/(1 + t) of Zanella's locally balanced proposals, in place of the
// g(t) = √t that GWG's temperature τ = 2 amounts to: site i (binary), or
// site i changed to category j (one-hot), is proposed with probability
// proportional to σ(d̃) = e^d̃/(1 + e^d̃), where d̃ is the first-order estimate
// of the change of f. Where √t keeps growing, σ saturates: moves that look
// much better than the rest share the proposal instead of one of them
// taking it all, which can help when the first-order estimates overshoot.
//
// It is the GWG proposal with another weight function, driven by the same
// Metropolis–Hastings kernel, so its exactness is tested like every other
// sampler's.
func init() {
	Register(Registration{
		Name: "gwg-barker",
		Doc:  "GWG with the Barker balancing function: weights σ(d̃) instead of exp(d̃/2) (binary or one-hot)",
		New: func(m ebm.Model, sp Spec) (Kernel, error) {
			p, err := newGWGProposal(m.Domain(), 1, false, 1, barkerShift)
			if err != nil {
				return nil, err
			}
			return NewMH(sp.String(), m, p, true), nil
		},
	})
}

// barkerShift replaces every first-order estimate d of a row, whose maximum
// is m, by σ(d)/σ(m) and returns their sum. The weights are computed as
// exp(log σ(d) − log σ(m)) so that a very negative d gives a tiny weight, not
// a zero that would make its move impossible to reverse; −∞ (a site's
// current category) gives 0.
func barkerShift(v []float64, m float64) float64 {
	lm := logSigmoid(m)
	var s float64
	for i, d := range v {
		e := fastmath.ExpNonPositive(min(logSigmoid(d)-lm, 0))
		v[i] = e
		s += e
	}
	return s
}

// logSigmoid is log σ(d) = −log(1 + e^−d), without overflow for either sign.
func logSigmoid(d float64) float64 {
	if d >= 0 {
		return -math.Log1p(math.Exp(-d))
	}
	return d - math.Log1p(math.Exp(d))
}
