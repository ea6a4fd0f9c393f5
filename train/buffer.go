package train

import (
	"errors"
	"fmt"
	"math/rand/v2"
)

// Buffer is the replay buffer of persistent chains: Len rows of Width float32
// values, each row one chain's state.
type Buffer struct {
	width int
	x     []float32
	taken []bool // scratch for Pick: which rows the current draw already holds
}

// NewBuffer returns a buffer of rows chains of width values, all zero.
func NewBuffer(rows, width int) (*Buffer, error) {
	if rows <= 0 || width <= 0 {
		return nil, fmt.Errorf("train: buffer of %d rows × %d values", rows, width)
	}
	return &Buffer{width: width, x: make([]float32, rows*width), taken: make([]bool, rows)}, nil
}

// Len is the number of chains.
func (b *Buffer) Len() int { return len(b.taken) }

// Width is the number of values per chain.
func (b *Buffer) Width() int { return b.width }

// Data returns all rows, row-major. It aliases the buffer.
func (b *Buffer) Data() []float32 { return b.x }

// Row returns chain i. It aliases the buffer.
func (b *Buffer) Row(i int) []float32 { return b.x[i*b.width : (i+1)*b.width] }

// Pick fills idx with distinct row indices drawn uniformly at random.
func (b *Buffer) Pick(idx []int, rng *rand.Rand) error {
	n := len(b.taken)
	if len(idx) > n {
		return fmt.Errorf("train: cannot pick %d distinct rows of a buffer of %d", len(idx), n)
	}
	// Rejection is cheap when the batch is a small part of the buffer, the
	// usual case (100 of 10,000); a full permutation would cost O(Len) per
	// draw. For a batch close to Len, fall back to a partial shuffle.
	if 2*len(idx) > n {
		perm := rng.Perm(n)
		copy(idx, perm)
		return nil
	}
	for k := range idx {
		for {
			i := rng.IntN(n)
			if !b.taken[i] {
				b.taken[i] = true
				idx[k] = i
				break
			}
		}
	}
	for _, i := range idx {
		b.taken[i] = false
	}
	return nil
}

// Gather copies the rows idx into dst (len(idx) × Width values).
func (b *Buffer) Gather(dst []float32, idx []int) {
	w := b.width
	for k, i := range idx {
		copy(dst[k*w:(k+1)*w], b.x[i*w:(i+1)*w])
	}
}

// Scatter writes src (len(idx) × Width values) back to the rows idx.
func (b *Buffer) Scatter(idx []int, src []float32) {
	w := b.width
	for k, i := range idx {
		copy(b.x[i*w:(i+1)*w], src[k*w:(k+1)*w])
	}
}

// Initializer writes fresh chain states into rows (a multiple of the width),
// for example (*ebm.Bernoulli).Sample.
type Initializer func(rows []float32, rng *rand.Rand) error

// Fill initialises every chain.
func (b *Buffer) Fill(init Initializer, rng *rand.Rand) error {
	return init(b.x, rng)
}

// Reinit replaces each row of batch (n × Width values) with a fresh state
// with probability p, as Du & Mordatch's replay buffer does to keep some
// chains young. It returns the number of rows replaced.
func (b *Buffer) Reinit(batch []float32, p float64, init Initializer, rng *rand.Rand) (int, error) {
	if p <= 0 {
		return 0, nil
	}
	if init == nil {
		return 0, errors.New("train: re-initialisation without an initializer")
	}
	w, n := b.width, 0
	for k := 0; k < len(batch)/w; k++ {
		if rng.Float64() < p {
			if err := init(batch[k*w:(k+1)*w], rng); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}
