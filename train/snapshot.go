package train

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/gwg-go/gwg/ebm"
)

// Snapshot is the complete state of a run: with the same data and model
// architecture, Restore continues it exactly where Snapshot left it.
type Snapshot struct {
	Config    Config
	Iter      int
	Params    [][]float32 // current weights, in Params() order
	EMA       [][]float32
	AdamSteps int64
	AdamM     [][]float32
	AdamV     [][]float32
	Buffer    []float32 // BufferSize × width values in {0, 1}; nil with Codes
	Codes     []uint8   // the categories of a code buffer (NewCodeBuffer), BufferSize × sites
	RNG       []byte    // the trainer's PCG state (MarshalBinary)
	Metrics   []Record
	Rollbacks int
	BestValid float64   // NaN before the first validation
	BestIter  int       // the iteration of BestValid
	Window    LogWindow // the log record in progress
}

func cloneAll(xs [][]float32) [][]float32 {
	out := make([][]float32, len(xs))
	for i, x := range xs {
		out[i] = slices.Clone(x)
	}
	return out
}

// Snapshot returns a deep copy of the trainer's state.
func (t *Trainer) Snapshot() (*Snapshot, error) {
	rng, err := t.pcg.MarshalBinary()
	if err != nil {
		return nil, fmt.Errorf("train: saving the random state: %w", err)
	}
	params := make([][]float32, len(t.params))
	for i, p := range t.params {
		params[i] = slices.Clone(p.Data)
	}
	return &Snapshot{
		Config: t.cfg, Iter: t.iter, Params: params, EMA: cloneAll(t.ema.Avg),
		AdamSteps: t.opt.Steps, AdamM: cloneAll(t.opt.M), AdamV: cloneAll(t.opt.V),
		Buffer: slices.Clone(t.buf.Data()), Codes: slices.Clone(t.buf.Codes()), RNG: rng,
		Metrics: slices.Clone(t.metrics), Rollbacks: t.rollbacks, BestValid: t.bestValid, BestIter: t.bestIter,
		Window: t.win.LogWindow,
	}, nil
}

// Restore sets the trainer's state to s, which must come from a run of the
// same model architecture and buffer shape. s is copied.
func (t *Trainer) Restore(s *Snapshot) error {
	if err := s.Config.Validate(); err != nil {
		return err
	}
	if err := sameShapes("parameters", s.Params, t.params); err != nil {
		return err
	}
	if err := sameShapes("EMA parameters", s.EMA, t.params); err != nil {
		return err
	}
	if err := sameShapes("Adam first moments", s.AdamM, t.params); err != nil {
		return err
	}
	if err := sameShapes("Adam second moments", s.AdamV, t.params); err != nil {
		return err
	}
	if s.Config.BufferSize != t.buf.Len() || len(s.Buffer) != len(t.buf.Data()) || len(s.Codes) != len(t.buf.Codes()) {
		return fmt.Errorf("train: snapshot buffer has %d values and %d codes, trainer %d chains × %d", len(s.Buffer), len(s.Codes), t.buf.Len(), t.buf.Width())
	}
	if s.Config.Batch != len(t.chainIdx) {
		return fmt.Errorf("train: snapshot batch %d, trainer %d", s.Config.Batch, len(t.chainIdx))
	}
	if s.Iter < 0 {
		return fmt.Errorf("train: snapshot at iteration %d", s.Iter)
	}
	pcg := new(rand.PCG)
	if err := pcg.UnmarshalBinary(s.RNG); err != nil {
		return fmt.Errorf("train: restoring the random state: %w", err)
	}
	for i, p := range t.params {
		copy(p.Data, s.Params[i])
	}
	t.ema.Decay = s.Config.EMADecay
	t.ema.Avg = cloneAll(s.EMA)
	t.opt.Steps, t.opt.M, t.opt.V = s.AdamSteps, cloneAll(s.AdamM), cloneAll(s.AdamV)
	copy(t.buf.Data(), s.Buffer)
	copy(t.buf.Codes(), s.Codes)
	*t.pcg = *pcg
	t.cfg, t.iter = s.Config, s.Iter
	t.metrics, t.rollbacks, t.bestValid, t.bestIter = slices.Clone(s.Metrics), s.Rollbacks, s.BestValid, s.BestIter
	t.win = window{LogWindow: s.Window}
	return nil
}

func sameShapes(what string, xs [][]float32, params []*ebm.Param) error {
	if len(xs) != len(params) {
		return fmt.Errorf("train: snapshot has %d %s, model %d", len(xs), what, len(params))
	}
	for i, p := range params {
		if len(xs[i]) != len(p.Data) {
			return fmt.Errorf("train: snapshot %s %d (%s) has %d values, model %d", what, i, p.Name, len(xs[i]), len(p.Data))
		}
	}
	return nil
}
