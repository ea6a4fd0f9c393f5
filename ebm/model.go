package ebm

import "fmt"

// Domain describes the state space of one chain.
type Domain struct {
	Sites      int  // D, the number of variables
	Categories int  // K, the number of values a site takes; 2 for binary models
	OneHot     bool // states are D×K one-hot blocks; false means one 0/1 value per site
}

// Width is the number of float32 values that hold one chain's state.
func (d Domain) Width() int {
	if d.OneHot {
		return d.Sites * d.Categories
	}
	return d.Sites
}

// Validate reports whether the domain is well formed.
func (d Domain) Validate() error {
	switch {
	case d.Sites <= 0:
		return fmt.Errorf("ebm: domain has %d sites", d.Sites)
	case d.OneHot && d.Categories < 2:
		return fmt.Errorf("ebm: one-hot domain with %d categories", d.Categories)
	case !d.OneHot && d.Categories != 2:
		return fmt.Errorf("ebm: binary domain must have 2 categories, has %d", d.Categories)
	}
	return nil
}

// Model is what every sampler needs: f(x) = log p̃(x) for a batch of chains,
// and its gradient with respect to the (relaxed, real-valued) state.
//
// The number of chains n is len(f); x holds n·Width() values and grad, when
// present, the same. Implementations write into the caller's slices and must
// not keep them. A model need not be safe for concurrent use.
type Model interface {
	Domain() Domain
	// LogProb writes f(x) of each chain into f.
	LogProb(f []float64, x []float32) error
	// LogProbGrad writes f(x) into f and ∇ₓf(x) into grad.
	LogProbGrad(f []float64, grad []float32, x []float32) error
}

// FlipDeltaer is implemented by binary models that can give the exact change
// of f for every single-site flip more cheaply than D separate evaluations
// (RBM, Ising). Gibbs-type samplers use it when present.
type FlipDeltaer interface {
	// FlipDeltas writes f(flipᵢ x) − f(x) for chain c and site i into
	// delta[c·D+i], for the n = len(delta)/D chains in x.
	FlipDeltas(delta []float64, x []float32) error
}

// CheckBatch validates slice lengths against a model's domain and returns the
// number of chains. Models call it at the top of LogProb and LogProbGrad so
// that a shape mistake is an error, never a silent out-of-range read.
func CheckBatch(d Domain, f []float64, grad []float32, x []float32) (int, error) {
	n, w := len(f), d.Width()
	if len(x) != n*w {
		return 0, fmt.Errorf("ebm: state has %d values, want %d chains × %d", len(x), n, w)
	}
	if grad != nil && len(grad) != n*w {
		return 0, fmt.Errorf("ebm: gradient buffer has %d values, want %d chains × %d", len(grad), n, w)
	}
	return n, nil
}

// SiteDeltaer is implemented by models that can give the exact change of f
// for every value of one chosen site per chain much more cheaply than
// evaluating f at each: O(degree) rather than O(D) for lattice models.
// Single-site Gibbs samplers use it when present.
type SiteDeltaer interface {
	// SiteDeltas writes f(x with site sites[c] of chain c set to value a)
	// − f(x) into delta[c·K+a], for the n = len(sites) chains in x and
	// a = 0, …, K−1 (K = 2 for binary models: the values 0 and 1; for
	// one-hot models, category a). The entry of the current value is 0.
	SiteDeltas(delta []float64, x []float32, sites []int) error
}

// CheckSites validates the arguments of SiteDeltas against a domain and
// returns the number of chains.
func CheckSites(d Domain, delta []float64, x []float32, sites []int) (int, error) {
	n, w := len(sites), d.Width()
	if len(x) != n*w {
		return 0, fmt.Errorf("ebm: state has %d values, want %d chains × %d", len(x), n, w)
	}
	if len(delta) != n*d.Categories {
		return 0, fmt.Errorf("ebm: site delta buffer has %d values, want %d chains × %d", len(delta), n, d.Categories)
	}
	for c, s := range sites {
		if s < 0 || s >= d.Sites {
			return 0, fmt.Errorf("ebm: chain %d: site %d outside %d sites", c, s, d.Sites)
		}
	}
	return n, nil
}
