package train

import (
	"errors"
	"fmt"
	"math/rand/v2"
)

// Buffer is the replay buffer of persistent chains: Len rows of Width float32
// values, each row one chain's state. A buffer of one-hot chains
// (NewCodeBuffer) stores each site's category in one byte instead of its K
// values: 560 bytes rather than 573 kB per Frey Faces chain.
type Buffer struct {
	width int
	x     []float32 // float rows; nil in a code buffer
	k     int       // categories of a code buffer, 0 otherwise
	codes []uint8   // rows × width/k categories of a code buffer
	row   []float32 // scratch row of a code buffer, for Fill
	taken []bool    // scratch for Pick: which rows the current draw already holds
}

// NewBuffer returns a buffer of rows chains of width values, all zero.
func NewBuffer(rows, width int) (*Buffer, error) {
	if rows <= 0 || width <= 0 {
		return nil, fmt.Errorf("train: buffer of %d rows × %d values", rows, width)
	}
	return &Buffer{width: width, x: make([]float32, rows*width), taken: make([]bool, rows)}, nil
}

// MaxCodeCategories is the most categories a code buffer holds in a byte.
const MaxCodeCategories = 256

// NewCodeBuffer returns a buffer of rows one-hot chains of sites blocks of k
// values, every site in category 0. Rows go in and out one-hot (Width is
// sites·k), but are kept as one byte per site.
func NewCodeBuffer(rows, sites, k int) (*Buffer, error) {
	if rows <= 0 || sites <= 0 || k < 2 || k > MaxCodeCategories {
		return nil, fmt.Errorf("train: code buffer of %d rows × %d sites of %d categories (at most %d)", rows, sites, k, MaxCodeCategories)
	}
	return &Buffer{width: sites * k, k: k, codes: make([]uint8, rows*sites), row: make([]float32, sites*k), taken: make([]bool, rows)}, nil
}

// Len is the number of chains.
func (b *Buffer) Len() int { return len(b.taken) }

// Width is the number of values per chain.
func (b *Buffer) Width() int { return b.width }

// Categories is K of a code buffer, 0 for a buffer of float rows.
func (b *Buffer) Categories() int { return b.k }

// Data returns all rows, row-major, of a buffer of float rows (nil for a
// code buffer). It aliases the buffer.
func (b *Buffer) Data() []float32 { return b.x }

// Codes returns the categories of a code buffer, Len rows of Width/K sites
// (nil for a buffer of float rows). It aliases the buffer.
func (b *Buffer) Codes() []uint8 { return b.codes }

// Rows writes the first n chains into dst (n × Width values), one-hot for a
// code buffer.
func (b *Buffer) Rows(dst []float32, n int) {
	if b.codes == nil {
		copy(dst, b.x[:n*b.width])
		return
	}
	d := b.width / b.k
	for i := range n {
		oneHot(dst[i*b.width:(i+1)*b.width], b.codes[i*d:(i+1)*d], b.k)
	}
}

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
		if b.codes != nil {
			d := w / b.k
			oneHot(dst[k*w:(k+1)*w], b.codes[i*d:(i+1)*d], b.k)
			continue
		}
		copy(dst[k*w:(k+1)*w], b.x[i*w:(i+1)*w])
	}
}

// Scatter writes src (len(idx) × Width values) back to the rows idx. A code
// buffer keeps the category of each one-hot block (of a block that is not
// one-hot, its largest value's).
func (b *Buffer) Scatter(idx []int, src []float32) {
	w := b.width
	for k, i := range idx {
		if b.codes != nil {
			d := w / b.k
			encode(b.codes[i*d:(i+1)*d], src[k*w:(k+1)*w], b.k)
			continue
		}
		copy(b.x[i*w:(i+1)*w], src[k*w:(k+1)*w])
	}
}

// oneHot writes codes as one-hot blocks of k values into dst.
func oneHot(dst []float32, codes []uint8, k int) {
	clear(dst)
	for j, c := range codes {
		dst[j*k+int(c)] = 1
	}
}

// encode writes the category of each block of k values of x into codes.
func encode(codes []uint8, x []float32, k int) {
	for j := range codes {
		codes[j] = uint8(category(x[j*k : (j+1)*k]))
	}
}

// category is the category of a one-hot block: the position of its largest
// value, the first on ties.
func category(block []float32) int {
	best := 0
	for c, v := range block {
		if v > block[best] {
			best = c
		}
	}
	return best
}

// Initializer writes fresh chain states into rows (a multiple of the width),
// for example (*ebm.Bernoulli).Sample.
type Initializer func(rows []float32, rng *rand.Rand) error

// Fill initialises every chain.
func (b *Buffer) Fill(init Initializer, rng *rand.Rand) error {
	if b.codes == nil {
		return init(b.x, rng)
	}
	d := b.width / b.k
	for i := range b.Len() {
		if err := init(b.row, rng); err != nil {
			return err
		}
		encode(b.codes[i*d:(i+1)*d], b.row, b.k)
	}
	return nil
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
