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
			p, err := newGWGProposal(m.Domain(), 1, false, 1, barkerBalance{})
			if err != nil {
				return nil, err
			}
			return NewMH(sp.String(), m, p, true), nil
		},
	})
}

type barkerBalance struct{}

func (barkerBalance) weights(v []float64, m float64) float64 {
	scale := 1 + fastmath.ExpNonPositive(-math.Abs(m))
	var s float64
	for i, d := range v {
		w := barkerWeight(d, m, scale)
		v[i] = w
		s += w
	}
	return s
}

func (barkerBalance) weights32(dst, g []float32, gc, top float32, invTau float64) float64 {
	m := (float64(top) - float64(gc)) * invTau
	scale := 1 + fastmath.ExpNonPositive(-math.Abs(m))
	var s float64
	for j, gj := range g {
		w := float32(barkerWeight((float64(gj)-float64(gc))*invTau, m, scale))
		if dst != nil {
			dst[j] = w
		}
		s += float64(w)
	}
	return s
}

// barkerWeight is σ(d)/σ(m) for a first-order estimate d ≤ m, where
// scale = 1 + e^−|m|, without overflow and with one exponential per site:
//
//	m ≥ 0: σ(d)/σ(m) = σ(d)·(1 + e^−m), σ(d) from e^−|d| ≤ 1;
//	m < 0: σ(d)/σ(m) = e^(d−m)·(1 + e^m)/(1 + e^d), every factor bounded.
//
// Weights are relative to the largest, as GWG's are, so a row whose
// estimates are all very negative does not underflow to nothing.
func barkerWeight(d, m, scale float64) float64 {
	if m >= 0 {
		e := fastmath.ExpNonPositive(-math.Abs(d))
		num := e // σ(d) = e^d/(1 + e^d) for d < 0
		if d >= 0 {
			num = 1 // σ(d) = 1/(1 + e^−d)
		}
		return num / (1 + e) * scale
	}
	return fastmath.ExpNonPositive(d-m) * scale / (1 + fastmath.ExpNonPositive(d))
}
