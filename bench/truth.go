package bench

import (
	"encoding/gob"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/gwg-go/gwg/ebm"
	"github.com/gwg-go/gwg/gwg"
	"github.com/gwg-go/gwg/internal/atomicfile"
)

// Problem is a parameter-inference task: a model with known couplings to
// draw training data from, and those couplings in the dense layout of
// ebm.Pairwise, against which a learned model is scored.
type Problem struct {
	Name  string
	Truth ebm.Model // the model the data come from (sparse, with exact local updates)
	Dom   ebm.Domain
	J     []float32 // W×W true couplings, symmetric, zero self-couplings
	Bias  []float32 // W true biases
	// Edges, for lattice models, are the lattice's couplings; the learned σ
	// is read off the learned J on them. Nil otherwise.
	Edges []ebm.IsingEdge
	Sigma float64 // the lattice's σ (NaN for other models)
	// Contacts, for contact prediction, marks the site pairs i < j that
	// interact (D×D, row-major); nil otherwise.
	Contacts []bool
}

// LatticeIsingProblem is the paper's lattice Ising model: a periodic L×L
// lattice with coupling σ on every edge and no field.
func LatticeIsingProblem(l int, sigma float64) (*Problem, error) {
	m, err := ebm.NewLatticeIsing(l, sigma, 0)
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	p := isingProblem(fmt.Sprintf("lattice Ising L=%d σ=%g", l, sigma), m)
	for i := range l * l {
		nbr, _ := m.Neighbours(i)
		for _, j := range nbr {
			if int(j) > i {
				// Unit weight: the lattice's adjacency, which σ multiplies.
				p.Edges = append(p.Edges, ebm.IsingEdge{I: i, J: int(j), Weight: 1})
			}
		}
	}
	p.Sigma = sigma
	return p, nil
}

// ERIsingProblem is the reference code's Erdős–Rényi Ising model: each pair
// of the n nodes is an edge with probability degree/n, its coupling drawn
// from N(0, 1/degree); no field.
func ERIsingProblem(n int, degree float64, seed uint64) (*Problem, error) {
	if n < 2 || !(degree > 0) || degree > float64(n-1) {
		return nil, fmt.Errorf("bench: Erdős–Rényi graph with %d nodes and mean degree %v", n, degree)
	}
	rng := rand.New(rand.NewPCG(seed, 0xe7))
	var edges []ebm.IsingEdge
	for i := range n {
		for j := i + 1; j < n; j++ {
			if rng.Float64() < degree/float64(n) {
				edges = append(edges, ebm.IsingEdge{I: i, J: j, Weight: float32(rng.NormFloat64() / math.Sqrt(degree))})
			}
		}
	}
	m, err := ebm.NewIsing(n, edges, make([]float32, n))
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	p := isingProblem(fmt.Sprintf("Erdős–Rényi Ising n=%d degree=%g seed=%d", n, degree, seed), m)
	p.Sigma = math.NaN()
	return p, nil
}

func isingProblem(name string, m *ebm.Ising) *Problem {
	d := m.Domain().Sites
	j := make([]float32, d*d)
	for i := range d {
		nbr, w := m.Neighbours(i)
		for k, q := range nbr {
			j[i*d+int(q)] += w[k]
		}
	}
	return &Problem{Name: name, Truth: m, Dom: m.Domain(), J: j, Bias: append([]float32(nil), m.Bias()...)}
}

// LatticePottsProblem is the paper's lattice Potts model: a periodic L×L
// lattice with K categories, strength σ and no field. Its couplings in the
// dense layout are Jᵢⱼ = σ(2I − 11ᵀ) on every edge.
func LatticePottsProblem(l, k int, sigma float64) (*Problem, error) {
	m, err := ebm.NewLatticePotts(l, k, sigma, 0)
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	d := l * l
	w := d * k
	p := &Problem{Name: fmt.Sprintf("lattice Potts L=%d K=%d σ=%g", l, k, sigma), Truth: m, Dom: m.Domain(),
		J: make([]float32, w*w), Bias: make([]float32, w), Sigma: sigma}
	for i := range d {
		nbr, g := m.Neighbours(i)
		for e, j := range nbr {
			if int(j) > i {
				p.Edges = append(p.Edges, ebm.IsingEdge{I: i, J: int(j), Weight: g[e]})
			}
			for a := range k {
				for c := range k {
					v := -sigma
					if a == c {
						v = sigma
					}
					p.J[(i*k+a)*w+int(j)*k+c] += float32(v) * g[e]
				}
			}
		}
	}
	return p, nil
}

// Convergence compares two independent ground-truth runs. Each z is the root
// mean square over statistics of the difference between the runs divided by
// its standard error under independent sampling: about 1 when both runs
// sample the same distribution, well above 1 when they do not.
type Convergence struct {
	Sweeps  int     // sweeps of sequential Gibbs per chain
	Samples int     // chains per run, one sample each
	ZMag    float64 // site means of v (magnetisation, category frequencies)
	ZPair   float64 // pair correlations ⟨vₚv_q⟩, p < q in different sites
	// ZHalf compares run A at half the sweeps with run B at the end: a
	// drift that both runs share shows here.
	ZHalf float64
}

// OK reports whether every z is below 1.5.
func (c Convergence) OK() bool { return c.ZMag < 1.5 && c.ZPair < 1.5 && c.ZHalf < 1.5 }

func (c Convergence) String() string {
	verdict := "converged"
	if !c.OK() {
		verdict = "NOT converged"
	}
	return fmt.Sprintf("%d samples × %d sweeps of sequential Gibbs, two independent runs: z(magnetisation) %.2f, z(pair correlations) %.2f, z(half vs end) %.2f: %s",
		c.Samples, c.Sweeps, c.ZMag, c.ZPair, c.ZHalf, verdict)
}

// truthFile is what GenerateData caches.
type truthFile struct {
	Name    string
	Sweeps  int
	Samples int
	Seed    uint64
	X       []float32
	Check   Convergence
}

// GenerateData draws n samples from p.Truth: n chains from uniformly random
// states, each run for sweeps sweeps of sequential-scan Gibbs (exact
// conditionals from the model's SiteDeltas), the last state of each chain
// one sample. A second, independent run checks convergence. With cacheDir
// set the result is kept there and reused by later calls with the same
// problem and settings.
func GenerateData(p *Problem, n, sweeps int, seed uint64, cacheDir string, progress func(done, total int)) ([]float32, Convergence, error) {
	if n < 2 || sweeps < 2 {
		return nil, Convergence{}, fmt.Errorf("bench: ground truth with %d samples × %d sweeps", n, sweeps)
	}
	var path string
	if cacheDir != "" {
		path = filepath.Join(cacheDir, fmt.Sprintf("truth-%s-n%d-sweeps%d-seed%d.gob", fileSafe(p.Name), n, sweeps, seed))
		if t, err := readTruth(path); err == nil && t.Name == p.Name && len(t.X) == n*p.Dom.Width() {
			return t.X, t.Check, nil
		} else if err != nil && !os.IsNotExist(err) {
			return nil, Convergence{}, fmt.Errorf("bench: ground-truth cache %s: %w (delete it to regenerate)", path, err)
		}
	}
	total := 2 * sweeps * p.Dom.Sites
	tick := ticker(progress, total, p.Dom.Sites)
	a, aHalf, err := gibbsRun(p.Truth, n, sweeps, seed, tick)
	if err != nil {
		return nil, Convergence{}, err
	}
	b, _, err := gibbsRun(p.Truth, n, sweeps, seed+0x9e3779b9, tick)
	if err != nil {
		return nil, Convergence{}, err
	}
	w := p.Dom.Width()
	va, vb, vh := spinValues(p.Dom, a), spinValues(p.Dom, b), spinValues(p.Dom, aHalf)
	check := Convergence{Sweeps: sweeps, Samples: n}
	check.ZMag, check.ZPair = compareMoments(va, vb, n, w, blockOf(p.Dom))
	_, check.ZHalf = compareMoments(vh, vb, n, w, blockOf(p.Dom))
	if path != "" {
		t := truthFile{Name: p.Name, Sweeps: sweeps, Samples: n, Seed: seed, X: a, Check: check}
		if err := atomicfile.Write(path, func(w io.Writer) error { return gob.NewEncoder(w).Encode(t) }); err != nil {
			return nil, Convergence{}, fmt.Errorf("bench: caching ground truth: %w", err)
		}
	}
	return a, check, nil
}

func readTruth(path string) (truthFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return truthFile{}, err
	}
	defer f.Close()
	var t truthFile
	if err := gob.NewDecoder(f).Decode(&t); err != nil {
		return truthFile{}, err
	}
	return t, nil
}

// gibbsRun returns n chains after sweeps sweeps of sequential Gibbs from
// uniformly random states, and their states after half the sweeps.
func gibbsRun(m ebm.Model, n, sweeps int, seed uint64, tick func()) (end, half []float32, err error) {
	dom := m.Domain()
	rng := rand.New(rand.NewPCG(seed, 0x7a))
	x := uniformStates(dom, n, rng)
	s, err := gwg.New("gibbs", m)
	if err != nil {
		return nil, nil, fmt.Errorf("bench: ground truth: %w", err)
	}
	if err := s.Init(x); err != nil {
		return nil, nil, fmt.Errorf("bench: ground truth: %w", err)
	}
	for sweep := range sweeps {
		if sweep == sweeps/2 {
			half = append([]float32(nil), s.State()...)
		}
		for range dom.Sites {
			if err := s.Step(rng); err != nil {
				return nil, nil, fmt.Errorf("bench: ground truth: %w", err)
			}
			tick()
		}
	}
	return append([]float32(nil), s.State()...), half, nil
}

// uniformStates draws n states with every site uniform over its values.
func uniformStates(dom ebm.Domain, n int, rng *rand.Rand) []float32 {
	w := dom.Width()
	x := make([]float32, n*w)
	for c := range n {
		for i := range dom.Sites {
			if dom.OneHot {
				x[c*w+i*dom.Categories+rng.IntN(dom.Categories)] = 1
			} else {
				x[c*w+i] = float32(rng.IntN(2))
			}
		}
	}
	return x
}

// spinValues is v of ebm.Pairwise for states x: 2x − 1 (binary) or x.
func spinValues(dom ebm.Domain, x []float32) []float32 {
	v := make([]float32, len(x))
	for i, xv := range x {
		if dom.OneHot {
			v[i] = xv
		} else {
			v[i] = 2*xv - 1
		}
	}
	return v
}

// blockOf is the number of values per site.
func blockOf(dom ebm.Domain) int {
	if dom.OneHot {
		return dom.Categories
	}
	return 1
}

// compareMoments returns the z scores (see Convergence) of the site means
// and of the pair correlations between two sets of n rows of width w.
func compareMoments(a, b []float32, n, w, block int) (zMag, zPair float64) {
	ma, mb := columnMeans(a, n, w), columnMeans(b, n, w)
	ca, cb := make([]float32, w*w), make([]float32, w*w)
	gram(ca, a, n, w)
	gram(cb, b, n, w)
	var s float64
	var cnt int
	for p := range w {
		v := zTerm(ma[p], mb[p], n, block > 1)
		if !math.IsNaN(v) {
			s += v
			cnt++
		}
	}
	zMag = math.Sqrt(s / float64(max(cnt, 1)))
	s, cnt = 0, 0
	for p := range w {
		for q := p + 1; q < w; q++ {
			if p/block == q/block {
				continue
			}
			v := zTerm(float64(ca[p*w+q]), float64(cb[p*w+q]), n, block > 1)
			if !math.IsNaN(v) {
				s += v
				cnt++
			}
		}
	}
	zPair = math.Sqrt(s / float64(max(cnt, 1)))
	return zMag, zPair
}

// zTerm is the squared difference of two means of n products of ±1 values
// (or of 0/1 values when indicators), over its variance under independent
// sampling; NaN when the statistic is constant in both sets.
func zTerm(a, b float64, n int, indicators bool) float64 {
	va, vb := momentVar(a, indicators), momentVar(b, indicators)
	if va+vb < 1e-12 {
		return math.NaN()
	}
	d := a - b
	return d * d / ((va + vb) / float64(n))
}

// momentVar is the variance of a ±1 variable with mean m, or of a 0/1 one.
func momentVar(m float64, indicator bool) float64 {
	if indicator {
		return m * (1 - m)
	}
	return 1 - m*m
}

func columnMeans(x []float32, n, w int) []float64 {
	m := make([]float64, w)
	for c := range n {
		for p, v := range x[c*w : (c+1)*w] {
			m[p] += float64(v)
		}
	}
	for p := range m {
		m[p] /= float64(n)
	}
	return m
}

func fileSafe(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-':
			out = append(out, r)
		case r == 'σ':
			out = append(out, 's')
		default:
			out = append(out, '_')
		}
	}
	return string(out)
}
