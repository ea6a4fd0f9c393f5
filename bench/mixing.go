package bench

import (
	"math"

	"github.com/gwg-go/gwg/gwg"
)

// Mixing summarises how well and how fast one sampler mixed.
type Mixing struct {
	Sampler string
	// ESS of chain 0 per dimension after burn-in, summarised over the
	// dimensions (the paper plots its distribution and quotes the mean).
	ESSMean, ESSMedian float64
	// ESSPerSec is ESSMean over the seconds of the post-burn-in steps;
	// ESSPerEval is ESSMean over the evaluations one chain made in them, an
	// evaluation of f and one of f with ∇ₓf each counting as one. It is NaN
	// for a sampler that evaluates no f (RBM block Gibbs).
	ESSPerSec, ESSPerEval float64
	StepSec               float64 // median seconds per step of all the chains together
	WallSec               float64 // total seconds spent stepping, not robust to load spikes
	EvalsPerStep          float64 // evaluations per chain per step
	AcceptRate            float64
	MeanHops              float64
}

// mixing computes the Mixing of a lane whose run is over, discarding the
// first fraction burnIn of its trace.
func mixing(l *lane, burnIn float64) (Mixing, error) {
	first := int(burnIn * float64(l.steps))
	kept := l.steps - first
	ess, err := gwg.ESS(l.trace[first*l.width:], l.width)
	if err != nil {
		return Mixing{}, err
	}
	st := l.stats()
	m := Mixing{
		Sampler:    l.name,
		ESSMean:    mean(ess),
		ESSMedian:  median(ess),
		StepSec:    l.stepCost(),
		WallSec:    l.wall,
		AcceptRate: st.AcceptRate(),
		MeanHops:   st.MeanHops(),
	}
	if st.Transitions > 0 {
		m.EvalsPerStep = float64(st.Evals+st.GradEvals) / float64(st.Transitions)
	}
	if sec := m.StepSec * float64(kept); sec > 0 {
		m.ESSPerSec = m.ESSMean / sec
	}
	m.ESSPerEval = math.NaN()
	if ev := m.EvalsPerStep * float64(kept); ev > 0 {
		m.ESSPerEval = m.ESSMean / ev
	}
	return m, nil
}

func mean(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}
