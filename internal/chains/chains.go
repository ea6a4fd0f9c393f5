package chains

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gwg-go/gwg/ckpt"
	"github.com/gwg-go/gwg/datasets"
	"github.com/gwg-go/gwg/ebm"
	"github.com/gwg-go/gwg/gwg"
)

// Where chains start.
const (
	FromBuffer = "buffer" // the first chains of the checkpoint's replay buffer
	FromBase   = "base"   // fresh draws from the base distribution
)

// Start returns n initial chains of dom, the domain of c's model, for
// sampling it: rows of c's replay buffer (from FromBuffer), or draws from
// the base distribution of c's base mean (FromBase; Bernoulli for binary
// domains, categorical for one-hot ones).
func Start(c *ckpt.Checkpoint, dom ebm.Domain, n int, from string, rng *rand.Rand) ([]float32, error) {
	switch from {
	case FromBuffer:
		if c.Train == nil {
			return nil, fmt.Errorf("the checkpoint has no replay buffer to start from")
		}
		if codes := c.Train.Codes; !codes.IsZero() {
			if codes.Width != dom.Sites || codes.Categories != dom.Categories {
				return nil, fmt.Errorf("the replay buffer holds chains of %d sites of %d categories, the model %d of %d",
					codes.Width, codes.Categories, dom.Sites, dom.Categories)
			}
			if n > codes.Rows {
				return nil, fmt.Errorf("%d chains asked for, the replay buffer holds %d", n, codes.Rows)
			}
			k, w := codes.Categories, codes.Width*codes.Categories
			x := make([]float32, n*w)
			for j, v := range codes.Data[:n*codes.Width] {
				x[j*k+int(v)] = 1
			}
			return x, nil
		}
		b := c.Train.Buffer
		if b.Width != dom.Width() {
			return nil, fmt.Errorf("the replay buffer holds chains of %d values, the model %d", b.Width, dom.Width())
		}
		if n > b.Rows {
			return nil, fmt.Errorf("%d chains asked for, the replay buffer holds %d", n, b.Rows)
		}
		all := make([]float32, b.Rows*b.Width)
		if err := ckpt.UnpackBits(all, b); err != nil {
			return nil, fmt.Errorf("replay buffer: %w", err)
		}
		return all[:n*b.Width], nil
	case FromBase:
		base, err := gwg.NewBase(dom, c.BaseMean)
		if err != nil {
			return nil, fmt.Errorf("base distribution of the checkpoint: %w", err)
		}
		x := make([]float32, n*dom.Width())
		if err := base.Sample(x, rng); err != nil {
			return nil, err
		}
		return x, nil
	}
	return nil, fmt.Errorf("unknown chain start %q (want %s or %s)", from, FromBuffer, FromBase)
}

// MeanLogProb is the mean of f over the examples of s as model m reads them
// (one-hot for categorical data), evaluated in batches of batch examples so
// that a categorical split is never expanded whole.
func MeanLogProb(m ebm.Model, s *datasets.Split, batch int) (float64, error) {
	w := m.Domain().Width()
	if dw := s.Shape.ModelWidth(); dw != w {
		return 0, fmt.Errorf("the model reads %d values per state, the %s examples have %d", w, s.Dataset, dw)
	}
	if s.Dynamic {
		return 0, fmt.Errorf("the %s examples are binarised afresh at every draw: binarise them once first", s.Name)
	}
	if s.N == 0 || batch <= 0 {
		return 0, fmt.Errorf("mean log-probability of %d examples in batches of %d", s.N, batch)
	}
	batch = min(batch, s.N)
	x, f, idx := make([]float32, batch*w), make([]float64, batch), make([]int, batch)
	var sum float64
	for lo := 0; lo < s.N; lo += batch {
		n := min(batch, s.N-lo)
		for i := range n {
			idx[i] = lo + i
		}
		s.Batch(x, idx[:n], nil)
		if err := m.LogProb(f[:n], x[:n*w]); err != nil {
			return 0, fmt.Errorf("examples %d–%d: %w", lo, lo+n-1, err)
		}
		for _, v := range f[:n] {
			sum += v
		}
	}
	mean := sum / float64(s.N)
	if math.IsNaN(mean) || math.IsInf(mean, 0) {
		return 0, fmt.Errorf("mean log-probability of the %s examples is %v", s.Name, mean)
	}
	return mean, nil
}

// BufferRows is the number of chains in c's replay buffer, stored as bits
// or as codes; 0 without one.
func BufferRows(c *ckpt.Checkpoint) int {
	switch {
	case c.Train == nil:
		return 0
	case !c.Train.Codes.IsZero():
		return c.Train.Codes.Rows
	}
	return c.Train.Buffer.Rows
}

// Run advances the chains start by steps transitions of the named sampler
// on model and returns the final states (a new slice) and the sampler's
// counts.
func Run(model ebm.Model, sampler string, start []float32, steps int, rng *rand.Rand) ([]float32, gwg.Stats, error) {
	s, err := gwg.New(sampler, model)
	if err != nil {
		return nil, gwg.Stats{}, err
	}
	if err := s.Init(start); err != nil {
		return nil, gwg.Stats{}, fmt.Errorf("sampling: %w", err)
	}
	for i := range steps {
		if err := s.Step(rng); err != nil {
			return nil, gwg.Stats{}, fmt.Errorf("sampling, step %d: %w", i+1, err)
		}
	}
	return append([]float32(nil), s.State()...), s.Stats(), nil
}

// Shape returns the shape of the data of c's model, whose domain is dom:
// the shape c stores, or for a checkpoint written before shapes were
// stored, a square binary image if the sites make one (the built-in image
// sets) and else one row.
func Shape(c *ckpt.Checkpoint, dom ebm.Domain) datasets.Shape {
	if s := c.Shape; s != (ckpt.Shape{}) {
		return datasets.Shape{Height: s.Height, Width: s.Width, Categories: s.Categories}
	}
	side := int(math.Sqrt(float64(dom.Sites)))
	if side*side == dom.Sites {
		return datasets.Shape{Height: side, Width: side, Categories: dom.Categories}
	}
	return datasets.Shape{Height: 1, Width: dom.Sites, Categories: dom.Categories}
}
