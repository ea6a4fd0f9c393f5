package ebm

import (
	"fmt"
	"math"
)

// MaxEnumerate is the largest state space Enumerate accepts: 2^20 states,
// that is binary models up to D = 20 or, for example, one-hot models with
// K = 3 up to D = 12. The log-probabilities take 8 bytes per state.
const MaxEnumerate = 1 << 20

// enumerateBatch is how many states Enumerate evaluates per model call.
const enumerateBatch = 4096

// Exact is the exactly normalised distribution of a model over a small state
// space, found by evaluating f at every state.
//
// States are numbered k = 0, …, K^D − 1 by reading the category of each site
// as a digit in base K, site 0 least significant: site i of state k has
// category (k / K^i) mod K. For binary models this is bit i of k, so state 5
// of a D = 3 model is x = (1, 0, 1).
type Exact struct {
	dom  Domain
	logp []float64 // normalised log π(k)
	logZ float64
}

// Enumerate evaluates m at every state of its domain, in batches, and
// normalises. It refuses domains with more than MaxEnumerate states.
func Enumerate(m Model) (*Exact, error) {
	dom := m.Domain()
	if err := dom.Validate(); err != nil {
		return nil, err
	}
	total := 1
	for range dom.Sites {
		total *= dom.Categories
		if total > MaxEnumerate {
			return nil, fmt.Errorf("ebm: enumerating %d sites with %d categories exceeds %d states", dom.Sites, dom.Categories, MaxEnumerate)
		}
	}
	e := &Exact{dom: dom, logp: make([]float64, total)}
	w := dom.Width()
	batch := min(enumerateBatch, total)
	x := make([]float32, batch*w)
	for start := 0; start < total; start += batch {
		n := min(batch, total-start)
		for c := range n {
			e.State(x[c*w:(c+1)*w], start+c)
		}
		if err := m.LogProb(e.logp[start:start+n], x[:n*w]); err != nil {
			return nil, fmt.Errorf("ebm: enumerating states %d–%d: %w", start, start+n-1, err)
		}
	}
	e.logZ = logSumExp(e.logp)
	if math.IsNaN(e.logZ) || math.IsInf(e.logZ, 0) {
		return nil, fmt.Errorf("ebm: enumerated log Z is %v", e.logZ)
	}
	for k := range e.logp {
		e.logp[k] -= e.logZ
	}
	return e, nil
}

// Domain is the domain of the enumerated model.
func (e *Exact) Domain() Domain { return e.dom }

// Len is the number of states, K^D.
func (e *Exact) Len() int { return len(e.logp) }

// LogZ is log Σₓ exp f(x).
func (e *Exact) LogZ() float64 { return e.logZ }

// LogProbs returns log π(k) for every state k, normalised. The slice is the
// Exact's own; do not modify it.
func (e *Exact) LogProbs() []float64 { return e.logp }

// Probs returns a new slice with π(k) for every state k.
func (e *Exact) Probs() []float64 {
	p := make([]float64, len(e.logp))
	for k, l := range e.logp {
		p[k] = math.Exp(l)
	}
	return p
}

// State writes state k into x, which must hold Domain().Width() values.
func (e *Exact) State(x []float32, k int) {
	d := e.dom
	clear(x)
	for i := range d.Sites {
		v := k % d.Categories
		k /= d.Categories
		if d.OneHot {
			x[i*d.Categories+v] = 1
		} else {
			x[i] = float32(v)
		}
	}
}

// States returns a new slice holding every state in order, Len() rows of
// Domain().Width() values: a batch that the model's own methods accept.
func (e *Exact) States() []float32 {
	w := e.dom.Width()
	x := make([]float32, e.Len()*w)
	for k := range e.Len() {
		e.State(x[k*w:(k+1)*w], k)
	}
	return x
}

// Index returns the number of the state x; it is the inverse of State.
func (e *Exact) Index(x []float32) (int, error) {
	d := e.dom
	if len(x) != d.Width() {
		return 0, fmt.Errorf("ebm: state has %d values, want %d", len(x), d.Width())
	}
	k, place := 0, 1
	for i := range d.Sites {
		v := -1
		if d.OneHot {
			for j, b := range x[i*d.Categories : (i+1)*d.Categories] {
				switch {
				case b == 1 && v < 0:
					v = j
				case b != 0:
					return 0, fmt.Errorf("ebm: site %d is not a one-hot block", i)
				}
			}
			if v < 0 {
				return 0, fmt.Errorf("ebm: site %d is not a one-hot block", i)
			}
		} else {
			switch x[i] {
			case 0:
				v = 0
			case 1:
				v = 1
			default:
				return 0, fmt.Errorf("ebm: site %d has value %v, want 0 or 1", i, x[i])
			}
		}
		k += v * place
		place *= d.Categories
	}
	return k, nil
}

// logSumExp is log Σ exp(v), shifted by the maximum for stability.
func logSumExp(v []float64) float64 {
	m := math.Inf(-1)
	for _, a := range v {
		m = max(m, a)
	}
	if math.IsInf(m, 0) {
		return m
	}
	var s float64
	for _, a := range v {
		s += math.Exp(a - m)
	}
	return m + math.Log(s)
}
