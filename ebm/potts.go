package ebm

import (
	"fmt"
	"slices"
)

// Potts is a categorical pairwise model on one-hot states (layout as in the
// package doc: site i is the block x[i·K:(i+1)·K]):
//
//	f(x) = Σᵢⱼ Gᵢⱼ xᵢᵀ M xⱼ + Σᵢ bᵢ·xᵢ,   M = σ(2I − 11ᵀ),
//
// so M is σ on its diagonal and −σ off it: neighbours in the same category
// add σ·Gᵢⱼ, in different ones subtract it. The sum runs over ordered pairs,
// counting each edge twice, as the paper's code does. With yᵢ = Σⱼ Gᵢⱼ xⱼ,
//
//	∇ₓᵢ f = 2σ(2yᵢ − (1ᵀyᵢ)1) + bᵢ.
//
// G is stored sparsely (four neighbours a site on the lattice). Parameters
// are float32; sums accumulate in float64. The model keeps a K-value scratch
// buffer and is not safe for concurrent use.
type Potts struct {
	g     graph
	k     int
	sigma float64
	bias  []float32 // D×K
	y     []float64 // K, scratch
}

// NewPotts returns the Potts model on d sites with K categories, edge
// weights G (each undirected edge listed once), mixing strength sigma and
// biases (d·K values). The slices are copied.
func NewPotts(d, k int, edges []IsingEdge, sigma float64, bias []float32) (*Potts, error) {
	if d <= 0 || k < 2 {
		return nil, fmt.Errorf("ebm: Potts model with %d sites and %d categories", d, k)
	}
	if len(bias) != d*k {
		return nil, fmt.Errorf("ebm: Potts model with %d biases for %d sites × %d categories", len(bias), d, k)
	}
	g, err := newGraph(d, edges)
	if err != nil {
		return nil, err
	}
	return &Potts{g: g, k: k, sigma: sigma, bias: slices.Clone(bias), y: make([]float64, k)}, nil
}

// NewLatticePotts returns the paper's Potts model: a periodic L×L lattice
// (L ≥ 3) with unit edge weights, K categories, strength sigma and the same
// bias for every site and category. The paper's default is L = 10, K = 3,
// sigma = 0.1.
func NewLatticePotts(l, k int, sigma, bias float64) (*Potts, error) {
	edges, err := latticeEdges(l, 1)
	if err != nil {
		return nil, err
	}
	b := make([]float32, l*l*k)
	for i := range b {
		b[i] = float32(bias)
	}
	return NewPotts(l*l, k, edges, sigma, b)
}

// Domain reports D one-hot sites of K categories.
func (m *Potts) Domain() Domain { return Domain{Sites: m.g.sites(), Categories: m.k, OneHot: true} }

// Neighbours returns the sites coupled to site i and the weights Gᵢⱼ. The
// slices are the model's own; do not modify them.
func (m *Potts) Neighbours(i int) (sites []int32, weights []float32) {
	return m.g.neighbours(i)
}

// LogProb writes f(x) of each chain into f.
func (m *Potts) LogProb(f []float64, x []float32) error {
	return m.LogProbGrad(f, nil, x)
}

// LogProbGrad writes f(x) into f and, when grad is not nil, ∇ₓf into grad.
func (m *Potts) LogProbGrad(f []float64, grad []float32, x []float32) error {
	n, err := CheckBatch(m.Domain(), f, grad, x)
	if err != nil {
		return err
	}
	d, k := m.g.sites(), m.k
	w := d * k
	for c := range n {
		xc := x[c*w : (c+1)*w]
		var s float64
		for i := range d {
			m.siteGrad(i, xc)
			for a, g := range m.y {
				// The pairwise part of f is half its gradient's inner product
				// with x, being quadratic.
				s += float64(xc[i*k+a]) * (g/2 + float64(m.bias[i*k+a]))
				if grad != nil {
					grad[c*w+i*k+a] = float32(g + float64(m.bias[i*k+a]))
				}
			}
		}
		f[c] = s
	}
	return nil
}

// SiteDeltas writes f(x with site sites[c] set to category a) − f(x) into
// delta[c·K+a]: the logits of the categorical Gibbs update of that site. f
// is linear in one site's block (there are no self-edges), so this is
// (eₐ − xᵢ)·∇ₓᵢ f, O(degree·K) per chain.
func (m *Potts) SiteDeltas(delta []float64, x []float32, sites []int) error {
	if _, err := CheckSites(m.Domain(), delta, x, sites); err != nil {
		return err
	}
	k := m.k
	w := m.g.sites() * k
	for c, i := range sites {
		xc := x[c*w : (c+1)*w]
		m.siteGrad(i, xc)
		var cur float64
		for a, g := range m.y {
			m.y[a] = g + float64(m.bias[i*k+a])
			cur += float64(xc[i*k+a]) * m.y[a]
		}
		for a, g := range m.y {
			delta[c*k+a] = g - cur
		}
	}
	return nil
}

// siteGrad sets m.y to the pairwise part of ∇ₓᵢ f, 2σ(2yᵢ − (1ᵀyᵢ)1).
func (m *Potts) siteGrad(i int, x []float32) {
	k, y := m.k, m.y
	clear(y)
	var total float64
	nbr, w := m.g.neighbours(i)
	for e, j := range nbr {
		gw := float64(w[e])
		for a, v := range x[int(j)*k : (int(j)+1)*k] {
			y[a] += gw * float64(v)
			total += gw * float64(v)
		}
	}
	scale := 2 * m.sigma
	for a, v := range y {
		y[a] = scale * (2*v - total)
	}
}
