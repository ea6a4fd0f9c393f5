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

// FlipSetDeltaer is implemented by binary models that can give f at states
// a few flips away from x much more cheaply than evaluating f there (the
// RBM: O(H) per state once x's hidden pre-activations are known). Block
// samplers (hb-b-h, bg-b) use it when present.
type FlipSetDeltaer interface {
	// FlipSetDeltas writes f(x′) − f(x) into delta[c·m+j], where x′ is
	// chain c's state with site block[c·b+t] flipped for every bit t set in
	// masks[c·m+j], for the n chains in x, b = len(block)/n ≤ 32 sites per
	// chain and m = len(masks)/n flip sets per chain.
	FlipSetDeltas(delta []float64, x []float32, block []int32, masks []uint32) error
}

// CheckFlipSets validates the arguments of FlipSetDeltas against a domain
// and returns the number of chains n, the block length b and the number of
// flip sets m per chain.
func CheckFlipSets(d Domain, delta []float64, x []float32, block []int32, masks []uint32) (n, b, m int, err error) {
	w := d.Width()
	if d.OneHot || len(x) == 0 || len(x)%w != 0 {
		return 0, 0, 0, fmt.Errorf("ebm: flip sets on %d values of a state of width %d (binary models only)", len(x), w)
	}
	n = len(x) / w
	if len(block)%n != 0 || len(block)/n > 32 || len(masks)%n != 0 || len(delta) != len(masks) {
		return 0, 0, 0, fmt.Errorf("ebm: flip sets for %d chains with %d block sites, %d masks and %d deltas", n, len(block), len(masks), len(delta))
	}
	b, m = len(block)/n, len(masks)/n
	for k, s := range block {
		if s < 0 || int(s) >= d.Sites {
			return 0, 0, 0, fmt.Errorf("ebm: chain %d: block site %d outside %d sites", k/b, s, d.Sites)
		}
	}
	for k, mask := range masks {
		if b < 32 && mask>>b != 0 {
			return 0, 0, 0, fmt.Errorf("ebm: chain %d: flip mask %#x beyond a block of %d sites", k/m, mask, b)
		}
	}
	return n, b, m, nil
}
