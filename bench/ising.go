package bench

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gwg-go/gwg/ebm"
)

// IsingConfig sets up the lattice Ising benchmark. Zero fields take the
// values of Defaults.
type IsingConfig struct {
	Sizes    []int     // lattice sides L, D = L² (10, 20, 40)
	Sigmas   []float64 // coupling strengths σ (0.1, 0.25)
	Samplers []string  // default IsingSamplers
	Chains   int       // 100
	Steps    int       // 5,000
	Block    int       // steps per round-robin turn (10)
	BurnIn   float64   // fraction of chain 0's trace dropped before ESS (0.1)
	Seed     uint64
	// Progress, when set, is called after every sampler step with the steps
	// done and the total over all models and samplers.
	Progress func(done, total int)
}

// IsingSamplers are GWG and the local samplers it is compared with.
var IsingSamplers = []string{"gwg", "gwg-3", "dmala", "gibbs", "rand-gibbs", "bg-1", "hb-10-1"}

// Defaults returns c with every zero field set to its default.
func (c IsingConfig) Defaults() IsingConfig {
	latticeDefaults(&c.Sizes, &c.Sigmas)
	setDefaultList(&c.Samplers, IsingSamplers)
	chainDefaults(&c.Chains, &c.Steps, &c.BurnIn)
	setDefault(&c.Block, 10)
	return c
}

// IsingRow is the outcome of one sampler on one lattice.
type IsingRow struct {
	L     int
	Sigma float64
	Mixing
	// LogMSE is the median over chains of log₁₀ of the mean over sites of
	// (m̂ᵢ − mᵢ)², where m̂ᵢ is the chain's running average of the spin
	// sᵢ = 2xᵢ − 1 over all its steps and mᵢ = E sᵢ = 0, exact by the
	// model's symmetry under flipping every spin (no bias field).
	LogMSE float64
}

// IsingResult is the outcome of RunIsing.
type IsingResult struct {
	Config IsingConfig
	Rows   []IsingRow
}

// RunIsing runs every sampler on the zero-field periodic lattice Ising model
// of every size and coupling, 100 chains from uniform random spins.
func RunIsing(cfg IsingConfig) (*IsingResult, error) {
	cfg = cfg.Defaults()
	if cfg.Chains < 1 || cfg.Steps < 1 || cfg.Block < 1 || cfg.BurnIn < 0 || cfg.BurnIn >= 1 {
		return nil, fmt.Errorf("bench: bad Ising settings: %d chains, %d steps, block %d, burn-in %v",
			cfg.Chains, cfg.Steps, cfg.Block, cfg.BurnIn)
	}
	total := len(cfg.Sizes) * len(cfg.Sigmas) * len(cfg.Samplers) * cfg.Steps
	tick := ticker(cfg.Progress, total, 1)
	res := &IsingResult{Config: cfg}
	for k, l := range cfg.Sizes {
		for j, sigma := range cfg.Sigmas {
			rows, err := runIsing(l, sigma, cfg, cfg.Seed+uint64(k*len(cfg.Sigmas)+j), tick)
			if err != nil {
				return nil, err
			}
			res.Rows = append(res.Rows, rows...)
		}
	}
	return res, nil
}

func runIsing(side int, sigma float64, cfg IsingConfig, seed uint64, tick func()) ([]IsingRow, error) {
	m, err := ebm.NewLatticeIsing(side, sigma, 0)
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	d := m.Domain().Sites
	half := make([]float32, d)
	for i := range half {
		half[i] = 0.5
	}
	init, err := ebm.NewBernoulli(half)
	if err != nil {
		return nil, err
	}
	x := make([]float32, cfg.Chains*d)
	if err := init.Sample(x, rand.New(rand.NewPCG(seed, 0))); err != nil {
		return nil, err
	}
	lanes, err := newLanes(cfg.Samplers, m, x, seed, cfg.Steps)
	if err != nil {
		return nil, fmt.Errorf("bench: Ising L=%d σ=%v: %w", side, sigma, err)
	}
	sums, err := interleaveSums(lanes, cfg.Chains*d, cfg.Steps, cfg.Block, tick)
	if err != nil {
		return nil, fmt.Errorf("bench: Ising L=%d σ=%v: %w", side, sigma, err)
	}
	rows := make([]IsingRow, 0, len(lanes))
	for _, l := range lanes {
		mx, err := mixing(l, cfg.BurnIn)
		if err != nil {
			return nil, fmt.Errorf("bench: Ising L=%d σ=%v, %s: %w", side, sigma, l.name, err)
		}
		rows = append(rows, IsingRow{L: side, Sigma: sigma, Mixing: mx,
			LogMSE: magnetisationLogMSE(sums[l], cfg.Chains, d, l.steps)})
	}
	return rows, nil
}

// magnetisationLogMSE turns per-chain, per-site sums of x over steps into the
// median over chains of log₁₀ mean over sites of the squared spin average,
// the error against the exact mean spin 0.
func magnetisationLogMSE(sums []float64, chains, d, steps int) float64 {
	logs := make([]float64, chains)
	for c := range chains {
		var se float64
		for _, s := range sums[c*d : (c+1)*d] {
			m := 2*s/float64(steps) - 1
			se += m * m
		}
		logs[c] = math.Log10(se / float64(d))
	}
	return median(logs)
}
