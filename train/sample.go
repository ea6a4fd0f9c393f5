package train

import (
	"fmt"
	"math/rand/v2"

	"github.com/gwg-go/gwg/ckpt"
	"github.com/gwg-go/gwg/ebm"
	"github.com/gwg-go/gwg/gwg"
)

// LoadModel rebuilds the model of a checkpoint for sampling: a deep model
// with its EMA weights, or an RBM.
func LoadModel(c *ckpt.Checkpoint) (ebm.Model, error) {
	switch c.Model.Kind {
	case KindDeep:
		return LoadDeep(c, true)
	case "rbm":
		m, _, err := RBMFromCheckpoint(c)
		return m, err
	}
	return nil, fmt.Errorf("train: cannot sample a %q model", c.Model.Kind)
}

// Chain starts for StartChains.
const (
	StartBuffer = "buffer" // the first chains of the checkpoint's replay buffer
	StartBase   = "base"   // fresh draws from the base distribution
)

// StartChains returns n initial chains for sampling the model of c: rows of
// its replay buffer, or draws from the Bernoulli of its base mean.
func StartChains(c *ckpt.Checkpoint, n int, from string, rng *rand.Rand) ([]float32, error) {
	switch from {
	case StartBuffer:
		if c.Train == nil {
			return nil, fmt.Errorf("train: the checkpoint has no replay buffer to start from")
		}
		b := c.Train.Buffer
		if n > b.Rows {
			return nil, fmt.Errorf("train: %d chains asked for, the replay buffer holds %d", n, b.Rows)
		}
		all := make([]float32, b.Rows*b.Width)
		if err := ckpt.UnpackBits(all, b); err != nil {
			return nil, fmt.Errorf("train: replay buffer: %w", err)
		}
		return all[:n*b.Width], nil
	case StartBase:
		base, err := ebm.NewBernoulli(c.BaseMean)
		if err != nil {
			return nil, fmt.Errorf("train: base distribution of the checkpoint: %w", err)
		}
		x := make([]float32, n*len(c.BaseMean))
		if err := base.Sample(x, rng); err != nil {
			return nil, err
		}
		return x, nil
	}
	return nil, fmt.Errorf("train: unknown chain start %q (want %s or %s)", from, StartBuffer, StartBase)
}

// Sample runs steps transitions of the named sampler on model from the
// chains start and returns the final states (a new slice) and the sampler's
// counts.
func Sample(model ebm.Model, sampler string, start []float32, steps int, rng *rand.Rand) ([]float32, gwg.Stats, error) {
	s, err := gwg.New(sampler, model, gwg.Options{})
	if err != nil {
		return nil, gwg.Stats{}, err
	}
	if err := s.Init(start); err != nil {
		return nil, gwg.Stats{}, fmt.Errorf("train: sampling: %w", err)
	}
	for i := range steps {
		if err := s.Step(rng); err != nil {
			return nil, gwg.Stats{}, fmt.Errorf("train: sampling, step %d: %w", i+1, err)
		}
	}
	return append([]float32(nil), s.State()...), s.Stats(), nil
}
