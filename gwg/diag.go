package gwg

import (
	"fmt"
	"math"
	"math/bits"

	"gonum.org/v1/gonum/dsp/fourier"
)

// ESSBurnIn is the fraction of a trace the paper's benchmarks discard before
// computing the effective sample size.
const ESSBurnIn = 0.1

// ESS returns the effective sample size of every dimension of a chain's
// trace: trace holds N samples of dims values each, sample after sample.
// Callers drop the burn-in (ESSBurnIn of the trace in the paper) first.
//
// It is TensorFlow Probability's effective_sample_size with its defaults,
// as the paper's code calls it:
//
//	ESS = N / (1 + 2 Σ_{k≥1} (1 − k/N) ρ_k),
//
// with ρ_k the lag-k autocorrelation estimated by
// (Σₙ wₙwₙ₊ₖ / (N − k)) / (Σₙ wₙ² / N) on the centred trace w, and the sum
// truncated before the first lag whose ρ_k is negative. A dimension that
// never changes has no defined autocorrelation; it counts as 1, as in the
// paper's code. Autocovariances come from one real FFT per dimension, so a
// trace costs O(dims · N log N).
func ESS[T float32 | float64](trace []T, dims int) ([]float64, error) {
	if dims <= 0 || len(trace) == 0 || len(trace)%dims != 0 {
		return nil, fmt.Errorf("gwg: ESS of a trace of %d values with %d dimensions", len(trace), dims)
	}
	n := len(trace) / dims
	size := 1
	for size < 2*n {
		size <<= 1 // zero padding to ≥ 2N makes the circular correlation linear
	}
	fft := fourier.NewFFT(size)
	seq := make([]float64, size)
	coef := make([]complex128, size/2+1)
	out := make([]float64, dims)
	for d := range dims {
		first, constant := trace[d], true
		var mean float64
		for t := range n {
			v := trace[t*dims+d]
			constant = constant && v == first
			mean += float64(v)
		}
		if constant {
			out[d] = 1
			continue
		}
		mean /= float64(n)
		clear(seq)
		for t := range n {
			seq[t] = float64(trace[t*dims+d]) - mean
		}
		coef = fft.Coefficients(coef, seq)
		for k, c := range coef {
			coef[k] = complex(real(c)*real(c)+imag(c)*imag(c), 0)
		}
		seq = fft.Sequence(seq, coef) // seq[k] = size · Σₙ wₙwₙ₊ₖ
		// (1 − k/N)ρ_k = S_k/S_0, and ρ_k < 0 exactly when S_k < 0.
		sum := 0.0
		for k := range n {
			if seq[k] < 0 {
				break
			}
			sum += seq[k] / seq[0]
		}
		out[d] = float64(n) / (2*sum - 1)
	}
	return out, nil
}

// MMDReference holds a fixed reference sample (the ground truth of the
// paper's RBM benchmark) against which MMD² of other samples is computed
// repeatedly. It keeps a scratch buffer and is not safe for concurrent use.
//
// The kernel is k(x, y) = exp(−Hamming(x, y)/w) on rows of width w, and the
// estimate is the V-statistic
//
//	MMD² = mean k(xᵢ, xⱼ) + mean k(yᵢ, yⱼ) − 2 mean k(xᵢ, yⱼ),
//
// the diagonal included, as in the paper's code. What the paper plots as
// "log MMD" is log₁₀ of this squared quantity; LogMMD returns the same.
type MMDReference struct {
	width, words int
	y            []uint64 // rows packed 64 sites to a word
	m            int
	kyy          float64
	kernel       []float64 // exp(−h/width) for h = 0…width
	x            []uint64  // scratch for the packed sample
}

// NewMMDReference packs the m rows of y (m × width values, each 0 or 1).
func NewMMDReference(y []float32, width int) (*MMDReference, error) {
	if width <= 0 || len(y) == 0 || len(y)%width != 0 {
		return nil, fmt.Errorf("gwg: MMD reference of %d values with width %d", len(y), width)
	}
	r := &MMDReference{width: width, words: (width + 63) / 64, m: len(y) / width}
	r.kernel = make([]float64, width+1)
	for h := range r.kernel {
		r.kernel[h] = math.Exp(-float64(h) / float64(width))
	}
	var err error
	if r.y, err = r.pack(nil, y); err != nil {
		return nil, fmt.Errorf("gwg: MMD reference: %w", err)
	}
	r.kyy = r.meanKernel(r.y, r.m, r.y, r.m)
	return r, nil
}

// MMD2 returns the V-statistic MMD² between the rows of x and the
// reference sample.
func (r *MMDReference) MMD2(x []float32) (float64, error) {
	if len(x) == 0 || len(x)%r.width != 0 {
		return 0, fmt.Errorf("gwg: MMD of %d values against a reference of width %d", len(x), r.width)
	}
	var err error
	if r.x, err = r.pack(r.x[:0], x); err != nil {
		return 0, fmt.Errorf("gwg: MMD: %w", err)
	}
	n := len(x) / r.width
	kxx := r.meanKernel(r.x, n, r.x, n)
	kxy := r.meanKernel(r.x, n, r.y, r.m)
	return max(kxx+r.kyy-2*kxy, 0), nil
}

// LogMMD returns log₁₀ MMD² (−Inf when the samples coincide).
func (r *MMDReference) LogMMD(x []float32) (float64, error) {
	v, err := r.MMD2(x)
	return math.Log10(v), err
}

// MMD2 is the V-statistic MMD² between the rows of x and y (see
// MMDReference) for a single comparison.
func MMD2(x, y []float32, width int) (float64, error) {
	r, err := NewMMDReference(y, width)
	if err != nil {
		return 0, err
	}
	return r.MMD2(x)
}

// pack appends the rows of x, 0/1 values, to dst as bit-packed words.
func (r *MMDReference) pack(dst []uint64, x []float32) ([]uint64, error) {
	for row := range len(x) / r.width {
		for w := range r.words {
			var word uint64
			for b := range min(64, r.width-64*w) {
				switch x[row*r.width+64*w+b] {
				case 1:
					word |= 1 << b
				case 0:
				default:
					return nil, fmt.Errorf("row %d, site %d is not 0 or 1", row, 64*w+b)
				}
			}
			dst = append(dst, word)
		}
	}
	return dst, nil
}

// meanKernel is the mean of k over all pairs of rows of a (n rows) and b
// (m rows), both packed.
func (r *MMDReference) meanKernel(a []uint64, n int, b []uint64, m int) float64 {
	var s float64
	nw := r.words
	for i := range n {
		ra := a[i*nw : (i+1)*nw]
		for j := range m {
			rb := b[j*nw : (j+1)*nw]
			h := 0
			for w, v := range ra {
				h += bits.OnesCount64(v ^ rb[w])
			}
			s += r.kernel[h]
		}
	}
	return s / float64(n*m)
}
