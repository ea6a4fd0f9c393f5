package train

import (
	"fmt"
	"math"

	"github.com/gwg-go/gwg/ebm"
)

// Adam is the Adam optimiser (Kingma & Ba 2015) with PyTorch's bias
// correction, over a fixed list of parameters. Moments are float32 like the
// parameters, so a checkpoint stores them exactly.
type Adam struct {
	Beta1, Beta2, Eps float64
	Steps             int64       // updates done, for the bias correction
	M, V              [][]float32 // first and second moments, one slice per parameter
}

// NewAdam returns Adam with β = (0.9, 0.999), ε = 1e-8 and zero moments shaped
// like params.
func NewAdam(params []*ebm.Param) *Adam {
	a := &Adam{Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
	for _, p := range params {
		a.M = append(a.M, make([]float32, len(p.Data)))
		a.V = append(a.V, make([]float32, len(p.Data)))
	}
	return a
}

// Step applies one update with learning rate lr from each Param.Grad.
func (a *Adam) Step(params []*ebm.Param, lr float64) error {
	if len(params) != len(a.M) {
		return fmt.Errorf("train: Adam holds moments for %d parameters, model has %d", len(a.M), len(params))
	}
	for k, p := range params {
		if len(p.Grad) != len(p.Data) || len(a.M[k]) != len(p.Data) {
			return fmt.Errorf("train: parameter %s has %d values, %d gradients, %d moments",
				p.Name, len(p.Data), len(p.Grad), len(a.M[k]))
		}
	}
	a.Steps++
	t := float64(a.Steps)
	b1, b2 := a.Beta1, a.Beta2
	step := lr / (1 - math.Pow(b1, t))
	sqrtBC2 := math.Sqrt(1 - math.Pow(b2, t))
	for k, p := range params {
		m, v := a.M[k], a.V[k]
		for i, g32 := range p.Grad {
			g := float64(g32)
			mi := b1*float64(m[i]) + (1-b1)*g
			vi := b2*float64(v[i]) + (1-b2)*g*g
			m[i], v[i] = float32(mi), float32(vi)
			p.Data[i] -= float32(step * mi / (math.Sqrt(vi)/sqrtBC2 + a.Eps))
		}
	}
	return nil
}

// LearningRate is the schedule: linear warm-up from lr/warmup at iteration 0
// to lr at iteration warmup−1, then constant. Iterations count from 0.
func LearningRate(lr float64, warmup, iter int) float64 {
	if iter < warmup {
		return lr * float64(iter+1) / float64(warmup)
	}
	return lr
}

// EMA keeps an exponential moving average of parameters:
// avg ← decay·avg + (1 − decay)·θ after every optimiser step.
type EMA struct {
	Decay float64
	Avg   [][]float32
}

// NewEMA starts the average at the current parameters.
func NewEMA(params []*ebm.Param, decay float64) *EMA {
	e := &EMA{Decay: decay}
	for _, p := range params {
		e.Avg = append(e.Avg, append([]float32(nil), p.Data...))
	}
	return e
}

// Update folds the current parameters into the average.
func (e *EMA) Update(params []*ebm.Param) {
	d := float32(e.Decay)
	for k, p := range params {
		avg := e.Avg[k]
		for i, x := range p.Data {
			avg[i] = d*avg[i] + (1-d)*x
		}
	}
}

// CopyTo writes the average into params, for example the parameters of a
// second model used for sampling.
func (e *EMA) CopyTo(params []*ebm.Param) error {
	if len(params) != len(e.Avg) {
		return fmt.Errorf("train: EMA holds %d parameters, model has %d", len(e.Avg), len(params))
	}
	for k, p := range params {
		if len(p.Data) != len(e.Avg[k]) {
			return fmt.Errorf("train: EMA parameter %s has %d values, model %d", p.Name, len(e.Avg[k]), len(p.Data))
		}
	}
	for k, p := range params {
		copy(p.Data, e.Avg[k])
	}
	return nil
}
