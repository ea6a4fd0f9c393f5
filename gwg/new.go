package gwg

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/gwg-go/gwg/ebm"
)

// Options tune the samplers that New builds. The zero value gives the
// settings of the papers.
type Options struct {
	// Temperature τ divides the gradient-based logits of gwg, gwg-k,
	// gwg-exact-k, dula and dmala. Zero means 2, the value of both papers.
	Temperature float64
	// StepSize α of dula and dmala: a site flips with probability
	// σ(d̃ᵢ/τ − 1/(2α)). Zero means 0.1 for dula and 0.2 for dmala, the
	// values of Zhang et al.'s RBM sampling experiments (their EBM training
	// script also uses 0.1 for dula).
	StepSize float64
}

// Default step sizes of DULA and DMALA; see Options.StepSize.
const (
	DefaultDULAStepSize  = 0.1
	DefaultDMALAStepSize = 0.2
)

// maxCandidates bounds the states a block sampler weighs per chain and step
// (2^b for bg-b, the Hamming ball size for hb-b-h).
const maxCandidates = 4096

// Names lists the sampler names New accepts, in the order a report would
// show them. The families gwg-k, gwg-exact-k (k = 2…8), bg-b and hb-b-h take
// other parameters than the ones listed too.
func Names() []string {
	return []string{
		"gwg", "gwg-3", "gwg-5", "gwg-exact-3", "gwg-exact-5",
		"dula", "dmala",
		"gibbs", "rand-gibbs", "bg-1", "bg-2", "hb-10-1",
		"rbm-gibbs",
	}
}

// New returns the sampler called name for model m:
//
//	gwg           Gibbs-with-Gradients, one flip (binary) or one site change (one-hot)
//	gwg-k         k draws with replacement, union flipped, the paper's acceptance (binary)
//	gwg-exact-k   the same proposal, MH with the probability of the flipped set (binary)
//	dula, dmala   discrete Langevin: every site flips independently; dmala adds MH (binary)
//	gibbs         one site per step, sequential scan, exact conditional (binary or one-hot)
//	rand-gibbs    one uniformly chosen site per chain and step (binary or one-hot)
//	bg-b          block Gibbs over the next b sites of a random permutation (binary)
//	hb-b-h        Hamming-ball sampler, blocks of b sites, radius h (binary)
//	rbm-gibbs     alternating h | v, v | h of an RBM (models with RBMConditionals)
//
// gibbs and rand-gibbs weigh a site's values with the model's SiteDeltas
// when it is an ebm.SiteDeltaer, and otherwise by evaluating f there (f at
// the current state is cached); bg-b and hb-b-h weigh their candidates
// with FlipSetDeltas when the model is an ebm.FlipSetDeltaer. New fails for
// an unknown name, bad parameters, or a sampler that does not fit the
// model's domain.
func New(name string, m ebm.Model, opt Options) (Sampler, error) {
	if m == nil {
		return nil, fmt.Errorf("gwg: %s: nil model", name)
	}
	dom := m.Domain()
	if err := dom.Validate(); err != nil {
		return nil, fmt.Errorf("gwg: %s: %w", name, err)
	}
	tau := opt.Temperature
	if tau == 0 {
		tau = 2
	}
	if !(tau > 0) || math.IsInf(tau, 0) {
		return nil, fmt.Errorf("gwg: %s: temperature %v, want a positive finite number", name, opt.Temperature)
	}
	alpha := func(def float64) float64 {
		if opt.StepSize == 0 {
			return def
		}
		return opt.StepSize
	}
	switch {
	case name == "dula":
		return newLangevin(name, m, false, tau, alpha(DefaultDULAStepSize))
	case name == "dmala":
		return newLangevin(name, m, true, tau, alpha(DefaultDMALAStepSize))
	case name == "gibbs":
		return newHeatBath(name, m, sequentialScan, 1, 1)
	case name == "rand-gibbs":
		return newHeatBath(name, m, randomScan, 1, 1)
	case name == "rbm-gibbs":
		return newRBMGibbs(name, m)
	case strings.HasPrefix(name, "bg-"):
		p, err := parseParams(name, "bg-", 1)
		if err != nil {
			return nil, err
		}
		return newHeatBath(name, m, permutedBlocks, p[0], p[0])
	case strings.HasPrefix(name, "hb-"):
		p, err := parseParams(name, "hb-", 2)
		if err != nil {
			return nil, err
		}
		return newHeatBath(name, m, permutedBlocks, p[0], p[1])
	case name == "gwg":
		return newGWG(name, m, 1, false, tau)
	case strings.HasPrefix(name, "gwg-exact-"):
		k, err := parseParams(name, "gwg-exact-", 1)
		if err != nil {
			return nil, err
		}
		return newGWG(name, m, k[0], true, tau)
	case strings.HasPrefix(name, "gwg-"):
		k, err := parseParams(name, "gwg-", 1)
		if err != nil {
			return nil, err
		}
		return newGWG(name, m, k[0], false, tau)
	}
	return nil, fmt.Errorf("gwg: unknown sampler %q (known: %s)", name, strings.Join(Names(), ", "))
}

// parseParams reads the count dash-separated positive integers after prefix.
func parseParams(name, prefix string, count int) ([]int, error) {
	parts := strings.Split(strings.TrimPrefix(name, prefix), "-")
	if len(parts) != count {
		return nil, fmt.Errorf("gwg: sampler %q: want %d numeric parameter(s) after %q", name, count, prefix)
	}
	v := make([]int, count)
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("gwg: sampler %q: parameter %q is not a positive integer", name, p)
		}
		v[i] = n
	}
	return v, nil
}
