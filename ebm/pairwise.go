package ebm

import (
	"fmt"
	"slices"
)

// Pairwise is a fully connected pairwise model whose every coupling is a
// free parameter: the model that parameter inference (PCD, pseudo-likelihood)
// fits. With v the state written as spins or one-hot values,
//
//	f(x) = vᵀJv + b·v,
//
// the sum over ordered pairs counting each coupling twice, as the paper's
// code and Ising do. Two kinds share the code:
//
//   - Ising (binary domain): v = s = 2x − 1, J is D×D with a zero diagonal;
//   - Potts (one-hot domain, K categories): v = x, J is DK×DK made of K×K
//     blocks Jᵢⱼ, the diagonal blocks Jᵢᵢ zero.
//
// J is symmetric and dense (W×W floats for a state of width W), so f costs
// O(W²) per chain from scratch. Samplers evaluate f and ∇ₓf at states that
// differ from the previous call's in a site or two, so the model keeps, for
// each chain of the last batch it saw, the state and the field h = Jv, and
// updates h by one column of J per changed value: O(W) per flip instead of
// O(W²). That cache makes the model unsafe for concurrent use, and it
// assumes J and b do not change behind its back: call Changed after writing
// to the slices that Couplings returns.
type Pairwise struct {
	dom  Domain
	w    int       // width of a state
	j    []float32 // W×W, symmetric
	bias []float32 // W

	// The cache: the states of the last batch and their fields, in float64
	// so that long runs of incremental updates do not drift.
	cx      []float32
	ch      []float64
	updates []int // incremental updates of each cached row since its last full evaluation
	valid   bool
	active  []int32 // scratch: the nonzero values of one Potts state
}

// refreshEvery bounds how many incremental updates a cached field takes
// before it is recomputed from scratch, which bounds rounding drift.
const refreshEvery = 1024

// NewPairwiseIsing returns the fully connected Ising model on d sites with
// couplings j (d×d, row-major; replaced by its symmetric part, diagonal
// zeroed) and biases b (d values). The slices are copied.
func NewPairwiseIsing(d int, j, b []float32) (*Pairwise, error) {
	return newPairwise(Domain{Sites: d, Categories: 2}, j, b)
}

// NewPairwisePotts returns the fully connected Potts model on d sites with k
// categories, couplings j (dk×dk, row-major, entry (i·k+a, j·k+c) the
// coupling of site i in category a with site j in category c; replaced by
// its symmetric part, diagonal blocks zeroed) and biases b (d·k values). The
// slices are copied.
func NewPairwisePotts(d, k int, j, b []float32) (*Pairwise, error) {
	return newPairwise(Domain{Sites: d, Categories: k, OneHot: true}, j, b)
}

func newPairwise(dom Domain, j, b []float32) (*Pairwise, error) {
	if err := dom.Validate(); err != nil {
		return nil, err
	}
	w := dom.Width()
	if len(j) != w*w || len(b) != w {
		return nil, fmt.Errorf("ebm: pairwise model of width %d with %d couplings and %d biases, want %d and %d", w, len(j), len(b), w*w, w)
	}
	m := &Pairwise{dom: dom, w: w, j: slices.Clone(j), bias: slices.Clone(b), active: make([]int32, 0, dom.Sites)}
	m.Symmetrize()
	return m, nil
}

// Domain reports the model's sites and categories.
func (m *Pairwise) Domain() Domain { return m.dom }

// Couplings returns J (W×W, row-major) and b (W). The slices are the
// model's own: a learner may write to them, and must call Changed (or
// Symmetrize) before the model is evaluated again.
func (m *Pairwise) Couplings() (j, b []float32) { return m.j, m.bias }

// Changed tells the model that J or b were modified, dropping its cache.
func (m *Pairwise) Changed() { m.valid = false }

// Symmetrize replaces J by its symmetric part and zeroes the couplings of a
// site with itself, then calls Changed.
func (m *Pairwise) Symmetrize() {
	w, k := m.w, m.block()
	for p := range w {
		for q := p; q < w; q++ {
			v := (m.j[p*w+q] + m.j[q*w+p]) / 2
			if p/k == q/k {
				v = 0
			}
			m.j[p*w+q], m.j[q*w+p] = v, v
		}
	}
	m.Changed()
}

// block is the width of one site's values: 1 for Ising, K for Potts.
func (m *Pairwise) block() int {
	if m.dom.OneHot {
		return m.dom.Categories
	}
	return 1
}

// SpinValues writes v, the values f is quadratic in, for the n chains in x
// into dst (n×W): 2x − 1 for Ising, x itself for Potts. Learners take the
// moments of v.
func (m *Pairwise) SpinValues(dst, x []float32) {
	if m.dom.OneHot {
		copy(dst, x)
		return
	}
	for i, v := range x {
		dst[i] = 2*v - 1
	}
}

// LogProb writes f(x) of each chain into f.
func (m *Pairwise) LogProb(f []float64, x []float32) error {
	return m.LogProbGrad(f, nil, x)
}

// LogProbGrad writes f(x) into f and, when grad is not nil, ∇ₓf into grad:
// 2(2h + b) for Ising (v = 2x − 1), 2h + b for Potts.
func (m *Pairwise) LogProbGrad(f []float64, grad []float32, x []float32) error {
	n, err := CheckBatch(m.dom, f, grad, x)
	if err != nil {
		return err
	}
	w := m.w
	if !m.valid || len(m.cx) != n*w {
		m.cx = ensureLen(m.cx, n*w)
		m.ch = ensureLen(m.ch, n*w)
		m.updates = ensureLen(m.updates, n)
		for c := range n {
			m.fullField(c, x[c*w:(c+1)*w])
		}
		m.valid = true
	}
	scale := 1.0 // ∂v/∂x
	if !m.dom.OneHot {
		scale = 2
	}
	for c := range n {
		xc := x[c*w : (c+1)*w]
		m.updateField(c, xc)
		h := m.ch[c*w : (c+1)*w]
		var s float64
		for p, xv := range xc {
			v := m.value(xv)
			s += v * (h[p] + float64(m.bias[p]))
			if grad != nil {
				grad[c*w+p] = float32(scale * (2*h[p] + float64(m.bias[p])))
			}
		}
		f[c] = s
	}
	return nil
}

func (m *Pairwise) value(x float32) float64 {
	if m.dom.OneHot {
		return float64(x)
	}
	return 2*float64(x) - 1
}

// fullField recomputes the cached field of chain c at state x, summing only
// over the nonzero values of v (D of the DK for Potts).
func (m *Pairwise) fullField(c int, x []float32) {
	w := m.w
	h := m.ch[c*w : (c+1)*w]
	clear(h)
	for q, xv := range x {
		v := m.value(xv)
		if v == 0 {
			continue
		}
		// J is symmetric, so column q is row q: a contiguous read.
		for p, jv := range m.j[q*w : (q+1)*w] {
			h[p] += v * float64(jv)
		}
	}
	copy(m.cx[c*w:(c+1)*w], x)
	m.updates[c] = 0
}

// updateField brings the cached field of chain c to state x, by columns of J
// when few values changed and from scratch otherwise.
func (m *Pairwise) updateField(c int, x []float32) {
	w := m.w
	old := m.cx[c*w : (c+1)*w]
	changed := 0
	for p, xv := range x {
		if xv != old[p] {
			changed++
		}
	}
	if changed == 0 {
		return
	}
	if changed > m.dom.Sites/4+2 || m.updates[c]+changed > refreshEvery {
		m.fullField(c, x)
		return
	}
	h := m.ch[c*w : (c+1)*w]
	for q, xv := range x {
		if xv == old[q] {
			continue
		}
		dv := m.value(xv) - m.value(old[q])
		for p, jv := range m.j[q*w : (q+1)*w] {
			h[p] += dv * float64(jv)
		}
		old[q] = xv
	}
	m.updates[c] += changed
}

// SiteDeltas writes f(x with site sites[c] set to a) − f(x) into
// delta[c·K+a]. f is linear in one site's values (its self-couplings are
// zero), so this is (eₐ − xᵢ)·∇ₓᵢf, with the field of the site computed
// from the nonzero values of v: O(W) per chain, no cache involved.
func (m *Pairwise) SiteDeltas(delta []float64, x []float32, sites []int) error {
	if _, err := CheckSites(m.dom, delta, x, sites); err != nil {
		return err
	}
	w, k := m.w, m.block()
	for c, i := range sites {
		xc := x[c*w : (c+1)*w]
		if !m.dom.OneHot {
			g := 2 * (2*m.rowDot(i, xc) + float64(m.bias[i]))
			v := float64(xc[i])
			delta[2*c], delta[2*c+1] = -v*g, (1-v)*g
			continue
		}
		m.active = m.active[:0]
		for q, xv := range xc {
			if xv != 0 {
				m.active = append(m.active, int32(q))
			}
		}
		var cur float64
		out := delta[c*k : (c+1)*k]
		for a := range k {
			p := i*k + a
			row := m.j[p*w : (p+1)*w]
			var h float64
			for _, q := range m.active {
				h += float64(row[q]) * float64(xc[q])
			}
			out[a] = 2*h + float64(m.bias[p])
			cur += float64(xc[p]) * out[a]
		}
		for a := range out {
			out[a] -= cur
		}
	}
	return nil
}

// rowDot is (Js)ᵢ for one chain's binary state x.
func (m *Pairwise) rowDot(i int, x []float32) float64 {
	var s float64
	row := m.j[i*m.w : (i+1)*m.w]
	for q, xv := range x {
		s += float64(row[q]) * (2*float64(xv) - 1)
	}
	return s
}

func ensureLen[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
