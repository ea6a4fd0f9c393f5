package ebm

import (
	"fmt"
	"math/rand/v2"
)

// Boltzmann is a dense binary quadratic model (a fully connected Boltzmann
// machine), f(x) = xᵀWx + b·x with W symmetric. It has no structure to
// exploit, which makes it the generic small test target for samplers: every
// pair of sites interacts, and with couplings of order one it is multimodal.
//
// Its gradient on the relaxed state is ∇ₓf = 2Wx + b. W and b are stored in
// float32 and every sum is accumulated in float64. Evaluation is O(D²) per
// chain with plain loops; the model is meant for D up to a few dozen. It
// keeps no scratch state, so concurrent calls are safe.
type Boltzmann struct {
	d int
	w []float32 // D×D, symmetric, row-major
	b []float32
}

// NewBoltzmann returns the model with couplings w (D×D, row-major) and biases
// b (D). W is replaced by its symmetric part (W + Wᵀ)/2, which leaves f
// unchanged. The slices are copied.
func NewBoltzmann(w, b []float32) (*Boltzmann, error) {
	d := len(b)
	if d == 0 {
		return nil, fmt.Errorf("ebm: Boltzmann machine with no sites")
	}
	if len(w) != d*d {
		return nil, fmt.Errorf("ebm: Boltzmann couplings have %d values, want %d×%d", len(w), d, d)
	}
	m := &Boltzmann{d: d, w: make([]float32, d*d), b: append([]float32(nil), b...)}
	for i := range d {
		for j := range d {
			m.w[i*d+j] = float32((float64(w[i*d+j]) + float64(w[j*d+i])) / 2)
		}
	}
	return m, nil
}

// NewRandomBoltzmann draws a model with D sites: off-diagonal couplings
// Wᵢⱼ = Wⱼᵢ ~ N(0, σ²), a zero diagonal, and biases bᵢ ~ N(0, σ²).
func NewRandomBoltzmann(d int, sigma float64, rng *rand.Rand) (*Boltzmann, error) {
	if d <= 0 {
		return nil, fmt.Errorf("ebm: Boltzmann machine with %d sites", d)
	}
	w := make([]float32, d*d)
	b := make([]float32, d)
	for i := range d {
		b[i] = float32(sigma * rng.NormFloat64())
		for j := i + 1; j < d; j++ {
			v := float32(sigma * rng.NormFloat64())
			w[i*d+j], w[j*d+i] = v, v
		}
	}
	return NewBoltzmann(w, b)
}

// Domain reports D binary sites.
func (m *Boltzmann) Domain() Domain { return Domain{Sites: m.d, Categories: 2} }

// Couplings returns W (D×D, row-major, symmetric) and b. The slices are the
// model's own; do not modify them.
func (m *Boltzmann) Couplings() (w, b []float32) { return m.w, m.b }

// LogProb writes f(x) of each chain into f.
func (m *Boltzmann) LogProb(f []float64, x []float32) error {
	return m.LogProbGrad(f, nil, x)
}

// LogProbGrad writes f(x) into f and, when grad is not nil, 2Wx + b into grad.
func (m *Boltzmann) LogProbGrad(f []float64, grad []float32, x []float32) error {
	n, err := CheckBatch(m.Domain(), f, grad, x)
	if err != nil {
		return err
	}
	d := m.d
	for c := range n {
		row := x[c*d : (c+1)*d]
		var s float64
		for i := range d {
			wx := m.rowDot(i, row)
			s += float64(row[i]) * (wx + float64(m.b[i]))
			if grad != nil {
				grad[c*d+i] = float32(2*wx + float64(m.b[i]))
			}
		}
		f[c] = s
	}
	return nil
}

// FlipDeltas writes f(flipᵢ x) − f(x) = δᵢ(2(Wx)ᵢ + bᵢ) + Wᵢᵢ, δᵢ = 1 − 2xᵢ,
// for every chain and site.
func (m *Boltzmann) FlipDeltas(delta []float64, x []float32) error {
	d := m.d
	if len(delta) != len(x) || len(x)%d != 0 {
		return fmt.Errorf("ebm: flip deltas for %d values of state and %d deltas, want equal multiples of %d sites", len(x), len(delta), d)
	}
	for c := range len(x) / d {
		row := x[c*d : (c+1)*d]
		for i := range d {
			step := 1 - 2*float64(row[i])
			delta[c*d+i] = step*(2*m.rowDot(i, row)+float64(m.b[i])) + float64(m.w[i*d+i])
		}
	}
	return nil
}

// SiteDeltas writes f(x with site sites[c] set to a) − f(x) for a = 0, 1
// into delta[2c+a]. As a function of xᵢ alone f is Wᵢᵢxᵢ² + xᵢ(2rᵢ + bᵢ) +
// const, with rᵢ = Σ_{j≠i} Wᵢⱼxⱼ: O(D) per chain.
func (m *Boltzmann) SiteDeltas(delta []float64, x []float32, sites []int) error {
	if _, err := CheckSites(m.Domain(), delta, x, sites); err != nil {
		return err
	}
	d := m.d
	for c, i := range sites {
		xc := x[c*d : (c+1)*d]
		v, wii := float64(xc[i]), float64(m.w[i*d+i])
		lin := 2*(m.rowDot(i, xc)-wii*v) + float64(m.b[i])
		for a := range 2 {
			fa := float64(a)
			delta[2*c+a] = wii*(fa*fa-v*v) + (fa-v)*lin
		}
	}
	return nil
}

// rowDot is (Wx)ᵢ in float64.
func (m *Boltzmann) rowDot(i int, x []float32) float64 {
	var s float64
	for j, w := range m.w[i*m.d : (i+1)*m.d] {
		s += float64(w) * float64(x[j])
	}
	return s
}
