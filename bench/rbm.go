package bench

import (
	"fmt"
	"math/rand/v2"

	"github.com/gwg-go/gwg/ebm"
	"github.com/gwg-go/gwg/gwg"
)

// RBMConfig sets up the MMD benchmark. The zero value of a field means the
// paper's setting, filled in by Defaults.
type RBMConfig struct {
	Samplers []string // default: the paper's samplers and RBM block Gibbs
	Chains   int      // chains per sampler (100)
	Steps    int      // steps per sampler (5,000)
	Every    int      // steps between MMD evaluations (10)
	Block    int      // steps of one sampler per round-robin turn (Every)
	BurnIn   float64  // fraction of chain 0's trace dropped before ESS (0.1)

	TruthSampler string // exact sampler for the ground truth ("rbm-gibbs")
	TruthSteps   int    // its steps (10,000)
	TruthSamples int    // ground-truth samples compared with the chains (500)
	FloorSamples int    // second ground-truth set, for the floor (100)

	Seed uint64
	// Progress, when set, is called after every unit of work with the units
	// done and the total: one unit per ground-truth step and per sampler step.
	Progress func(done, total int)
}

// RBMSamplers are the samplers of the paper's RBM figure plus DMALA, a
// successor, and RBM block Gibbs, the structure-aware reference.
var RBMSamplers = []string{"bg-1", "bg-2", "hb-10-1", "gwg", "gwg-3", "gwg-5", "dmala", "rbm-gibbs"}

// Defaults returns c with every zero field set to the paper's value.
func (c RBMConfig) Defaults() RBMConfig {
	setDefaultList(&c.Samplers, RBMSamplers)
	chainDefaults(&c.Chains, &c.Steps, &c.BurnIn)
	setDefault(&c.Every, 10)
	setDefault(&c.Block, c.Every)
	if c.TruthSampler == "" {
		c.TruthSampler = "rbm-gibbs"
	}
	setDefault(&c.TruthSteps, 10000)
	setDefault(&c.TruthSamples, 500)
	setDefault(&c.FloorSamples, 100)
	return c
}

// setDefault sets *v to d if it is the zero value.
func setDefault[T comparable](v *T, d T) {
	var zero T
	if *v == zero {
		*v = d
	}
}

// setDefaultList sets *v to d if it is empty.
func setDefaultList[T any](v *[]T, d []T) {
	if len(*v) == 0 {
		*v = d
	}
}

// chainDefaults sets the run settings every sampling benchmark has, where
// zero: 100 chains of 5000 steps, ESS after gwg.ESSBurnIn.
func chainDefaults(chains, steps *int, burnIn *float64) {
	setDefault(chains, 100)
	setDefault(steps, 5000)
	setDefault(burnIn, gwg.ESSBurnIn)
}

// latticeDefaults sets the lattice sides and couplings of the ising and
// potts benchmarks, where empty.
func latticeDefaults(sizes *[]int, sigmas *[]float64) {
	setDefaultList(sizes, []int{10, 20, 40})
	setDefaultList(sigmas, []float64{0.1, 0.25})
}

func (c RBMConfig) validate() error {
	switch {
	case c.Chains < 2 || c.Steps < 1 || c.Every < 1 || c.Block < 1:
		return fmt.Errorf("bench: need at least 2 chains and 1 step, MMD interval and block; have %d, %d, %d, %d",
			c.Chains, c.Steps, c.Every, c.Block)
	case c.BurnIn < 0 || c.BurnIn >= 1:
		return fmt.Errorf("bench: burn-in fraction %v is not in [0, 1)", c.BurnIn)
	case c.TruthSteps < 1 || c.TruthSamples < 1 || c.FloorSamples < 1:
		return fmt.Errorf("bench: ground truth needs steps and samples, have %d steps, %d + %d samples",
			c.TruthSteps, c.TruthSamples, c.FloorSamples)
	}
	return nil
}

// MMDCurve is log₁₀ MMD of one sampler's chains to the ground truth after
// Steps[i] steps, which took Seconds[i] at the sampler's median step cost.
type MMDCurve struct {
	Sampler string
	Steps   []int
	Seconds []float64
	LogMMD  []float64
}

// Final is the last log₁₀ MMD of the curve.
func (c MMDCurve) Final() float64 { return c.LogMMD[len(c.LogMMD)-1] }

// RBMResult is the outcome of RunRBM.
type RBMResult struct {
	Config   RBMConfig
	Floor    float64 // log₁₀ MMD between the two ground-truth sets
	TruthSec float64 // seconds the ground truth took
	Curves   []MMDCurve
	Mixing   []Mixing
	Truth    []float32 // the TruthSamples ground-truth states, row-major
}

// RunRBM runs the MMD protocol on model m (in the paper an RBM, but any
// model the ground-truth sampler supports), every chain starting from an
// independent draw of init.
func RunRBM(m ebm.Model, init *ebm.Bernoulli, cfg RBMConfig) (*RBMResult, error) {
	cfg = cfg.Defaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	d := m.Domain()
	if d.OneHot || init.Domain().Sites != d.Sites {
		return nil, fmt.Errorf("bench: model of %d sites (one-hot %v) with an initial distribution of %d sites",
			d.Sites, d.OneHot, init.Domain().Sites)
	}
	w := d.Width()
	rng := rand.New(rand.NewPCG(cfg.Seed, 0))
	total := cfg.TruthSteps + len(cfg.Samplers)*cfg.Steps
	tick := ticker(cfg.Progress, total, 1)

	// Ground truth: one long run of the exact sampler from fresh draws, split
	// into the comparison set and the floor set.
	nTruth := cfg.TruthSamples + cfg.FloorSamples
	x := make([]float32, nTruth*w)
	if err := init.Sample(x, rng); err != nil {
		return nil, err
	}
	truth, err := newLanes([]string{cfg.TruthSampler}, m, x, cfg.Seed^0x7275746874, 0)
	if err != nil {
		return nil, err
	}
	if err := interleave(truth, cfg.TruthSteps, cfg.TruthSteps, nil, tick); err != nil {
		return nil, err
	}
	gt := append([]float32(nil), truth[0].s.State()...)
	ref, floorSet := gt[:cfg.TruthSamples*w], gt[cfg.TruthSamples*w:]
	mmd, err := gwg.NewMMDReference(ref, w)
	if err != nil {
		return nil, err
	}
	res := &RBMResult{Config: cfg, TruthSec: truth[0].wall, Truth: ref}
	if res.Floor, err = mmd.LogMMD(floorSet); err != nil {
		return nil, err
	}

	// The samplers, all from the same initial chains.
	x = make([]float32, cfg.Chains*w)
	if err := init.Sample(x, rng); err != nil {
		return nil, err
	}
	lanes, err := newLanes(cfg.Samplers, m, x, cfg.Seed, cfg.Steps)
	if err != nil {
		return nil, err
	}
	curves := make(map[*lane]*MMDCurve, len(lanes))
	for _, l := range lanes {
		c := &MMDCurve{Sampler: l.name}
		v, err := mmd.LogMMD(x)
		if err != nil {
			return nil, err
		}
		c.Steps, c.LogMMD = append(c.Steps, 0), append(c.LogMMD, v)
		curves[l] = c
	}
	observe := func(l *lane) error {
		if l.steps%cfg.Every != 0 && l.steps != cfg.Steps {
			return nil
		}
		v, err := mmd.LogMMD(l.s.State())
		if err != nil {
			return fmt.Errorf("bench: %s, step %d: %w", l.name, l.steps, err)
		}
		c := curves[l]
		c.Steps, c.LogMMD = append(c.Steps, l.steps), append(c.LogMMD, v)
		return nil
	}
	if err := interleave(lanes, cfg.Steps, cfg.Block, observe, tick); err != nil {
		return nil, err
	}
	for _, l := range lanes {
		c := curves[l]
		cost := l.stepCost()
		for _, s := range c.Steps {
			c.Seconds = append(c.Seconds, cost*float64(s))
		}
		res.Curves = append(res.Curves, *c)
		mx, err := mixing(l, cfg.BurnIn)
		if err != nil {
			return nil, fmt.Errorf("bench: %s: %w", l.name, err)
		}
		res.Mixing = append(res.Mixing, mx)
	}
	return res, nil
}
