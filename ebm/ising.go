package ebm

import (
	"fmt"
	"slices"
)

// IsingEdge is one undirected coupling of an Ising or Potts model: sites I
// and J interact with strength Weight.
type IsingEdge struct {
	I, J   int
	Weight float32
}

// graph is a sparse symmetric coupling matrix in compressed rows: the
// neighbours of site i are nbr[start[i]:start[i+1]], with weights w.
type graph struct {
	start []int32
	nbr   []int32
	w     []float32
}

// newGraph builds the symmetric matrix with A[i][j] = A[j][i] = Weight for
// each edge; repeated edges add up.
func newGraph(d int, edges []IsingEdge) (graph, error) {
	deg := make([]int32, d+1)
	for _, e := range edges {
		switch {
		case e.I < 0 || e.I >= d || e.J < 0 || e.J >= d:
			return graph{}, fmt.Errorf("ebm: edge (%d, %d) outside %d sites", e.I, e.J, d)
		case e.I == e.J:
			return graph{}, fmt.Errorf("ebm: self-coupling of site %d", e.I)
		}
		deg[e.I+1]++
		deg[e.J+1]++
	}
	for i := range d {
		deg[i+1] += deg[i]
	}
	g := graph{start: deg, nbr: make([]int32, deg[d]), w: make([]float32, deg[d])}
	next := slices.Clone(deg[:d])
	for _, e := range edges {
		for _, p := range [2][2]int{{e.I, e.J}, {e.J, e.I}} {
			g.nbr[next[p[0]]], g.w[next[p[0]]] = int32(p[1]), e.Weight
			next[p[0]]++
		}
	}
	return g, nil
}

// latticeEdges lists the 2L² edges of the periodic L×L lattice, each with
// weight w; site (r, c) is r·L + c. L ≥ 3 keeps the four neighbours of every
// site distinct.
func latticeEdges(l int, w float32) ([]IsingEdge, error) {
	if l < 3 {
		return nil, fmt.Errorf("ebm: periodic lattice of side %d; need at least 3", l)
	}
	edges := make([]IsingEdge, 0, 2*l*l)
	for r := range l {
		for c := range l {
			i := r*l + c
			edges = append(edges,
				IsingEdge{I: i, J: r*l + (c+1)%l, Weight: w},
				IsingEdge{I: i, J: (r+1)%l*l + c, Weight: w})
		}
	}
	return edges, nil
}

func (g graph) sites() int { return len(g.start) - 1 }

// neighbours returns the neighbours of site i and their couplings.
func (g graph) neighbours(i int) ([]int32, []float32) {
	a, b := g.start[i], g.start[i+1]
	return g.nbr[a:b], g.w[a:b]
}

// spinFields calls each(i, Σⱼ Aᵢⱼ(2xⱼ − 1)) for every site i in order,
// walking the compressed rows once.
func (g graph) spinFields(x []float32, each func(i int, field float64)) {
	w := g.w[:len(g.nbr)]
	k := 0
	for i, end := range g.start[1:] {
		var field float64
		for ; k < int(end); k++ {
			field += float64(w[k]) * (2*float64(x[g.nbr[k]]) - 1)
		}
		each(i, field)
	}
}

// Ising is a binary pairwise model with sparse symmetric couplings J and
// biases b over spins s = 2x − 1:
//
//	f(x) = sᵀJs + b·s,   ∇ₓf = 2(2Js + b),
//
// where sᵀJs counts each edge twice, as the paper's code does. The paper's
// lattice model (NewLatticeIsing) has J = σA for the adjacency A of a
// periodic L×L lattice. Couplings are stored sparsely, so the cost per chain
// is O(edges): four neighbours a site on the lattice, never a dense D×D
// matrix. Parameters are float32; sums accumulate in float64. The model
// keeps no scratch state, so concurrent calls on disjoint chains are safe.
type Ising struct {
	g    graph
	bias []float32
}

// NewIsing returns the Ising model on d sites with the given couplings (each
// undirected edge listed once) and biases (d values). The slices are copied.
func NewIsing(d int, edges []IsingEdge, bias []float32) (*Ising, error) {
	if d <= 0 {
		return nil, fmt.Errorf("ebm: Ising model with %d sites", d)
	}
	if len(bias) != d {
		return nil, fmt.Errorf("ebm: Ising model with %d biases for %d sites", len(bias), d)
	}
	g, err := newGraph(d, edges)
	if err != nil {
		return nil, err
	}
	return &Ising{g: g, bias: slices.Clone(bias)}, nil
}

// NewLatticeIsing returns the paper's Ising model: a periodic L×L lattice
// (D = L², L ≥ 3) with coupling sigma on every edge and the same bias at
// every site. The paper's default is L = 10, sigma = 0.1, bias = 0.
func NewLatticeIsing(l int, sigma, bias float64) (*Ising, error) {
	edges, err := latticeEdges(l, float32(sigma))
	if err != nil {
		return nil, err
	}
	b := make([]float32, l*l)
	for i := range b {
		b[i] = float32(bias)
	}
	return NewIsing(l*l, edges, b)
}

// Domain reports D binary sites.
func (m *Ising) Domain() Domain { return Domain{Sites: m.g.sites(), Categories: 2} }

// Neighbours returns the sites coupled to site i and the couplings Jᵢⱼ. The
// slices are the model's own; do not modify them.
func (m *Ising) Neighbours(i int) (sites []int32, couplings []float32) {
	return m.g.neighbours(i)
}

// Bias returns b. The slice is the model's own; do not modify it.
func (m *Ising) Bias() []float32 { return m.bias }

// LogProb writes f(x) of each chain into f.
func (m *Ising) LogProb(f []float64, x []float32) error {
	return m.LogProbGrad(f, nil, x)
}

// LogProbGrad writes f(x) into f and, when grad is not nil, ∇ₓf into grad.
func (m *Ising) LogProbGrad(f []float64, grad []float32, x []float32) error {
	n, err := CheckBatch(m.Domain(), f, grad, x)
	if err != nil {
		return err
	}
	d := m.g.sites()
	for c := range n {
		xc := x[c*d : (c+1)*d]
		var s float64
		m.g.spinFields(xc, func(i int, field float64) {
			s += (2*float64(xc[i]) - 1) * (field + float64(m.bias[i]))
			if grad != nil {
				grad[c*d+i] = float32(2 * (2*field + float64(m.bias[i])))
			}
		})
		f[c] = s
	}
	return nil
}

// FlipDeltas writes f(flipᵢ x) − f(x) = −2sᵢ(2(Js)ᵢ + bᵢ) for every chain and
// site: O(degree) per site.
func (m *Ising) FlipDeltas(delta []float64, x []float32) error {
	d := m.g.sites()
	if len(delta) != len(x) || len(x)%d != 0 {
		return fmt.Errorf("ebm: flip deltas for %d values of state and %d deltas, want equal multiples of %d sites", len(x), len(delta), d)
	}
	for c := range len(x) / d {
		xc := x[c*d : (c+1)*d]
		m.g.spinFields(xc, func(i int, field float64) {
			delta[c*d+i] = -2 * (2*float64(xc[i]) - 1) * (2*field + float64(m.bias[i]))
		})
	}
	return nil
}

// SiteDeltas writes f(x with site sites[c] set to a) − f(x) for a = 0, 1
// into delta[2c+a]: f is linear in each xᵢ (there are no self-couplings), so
// this is (a − xᵢ)·∂f/∂xᵢ, O(degree) per chain.
func (m *Ising) SiteDeltas(delta []float64, x []float32, sites []int) error {
	if _, err := CheckSites(m.Domain(), delta, x, sites); err != nil {
		return err
	}
	d := m.g.sites()
	for c, i := range sites {
		xc := x[c*d : (c+1)*d]
		g := 2 * (2*m.field(i, xc) + float64(m.bias[i]))
		v := float64(xc[i])
		delta[2*c], delta[2*c+1] = -v*g, (1-v)*g
	}
	return nil
}

// field is (Js)ᵢ in float64.
func (m *Ising) field(i int, x []float32) float64 {
	nbr, w := m.g.neighbours(i)
	var s float64
	for k, j := range nbr {
		s += float64(w[k]) * (2*float64(x[j]) - 1)
	}
	return s
}
