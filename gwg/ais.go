package gwg

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gwg-go/gwg/ebm"
)

// AISOptions configures annealed importance sampling. The zero value of every
// field but Temperatures and Chains means its documented default.
type AISOptions struct {
	// Temperatures is T, the number of points of the schedule, β₀ = 0 to
	// β_{T−1} = 1; a run makes T − 1 transitions per chain. At least 2.
	Temperatures int
	// Chains is N, the number of chains of one repeat.
	Chains int
	// Block is the number of chains annealed together in one batch
	// (default min(Chains, DefaultAISBlock)). Each repeat's chains are cut
	// into ⌈Chains/Block⌉ near-equal blocks, and every block of the run
	// draws its base samples and transitions from its own random stream, so
	// blocks can run anywhere: side by side on the processors (see
	// AISShard), or AISShard runs some of them and MergeAIS puts them
	// together into the same result as AIS. Blocks are the unit of
	// parallelism: smaller blocks use more processors, larger ones cost a
	// little less per chain.
	Block int
	// Repeats is the number of independent runs of N chains (default 1).
	// With 2 or more the standard error comes from their spread.
	Repeats int
	// Schedule names the spacing of β (see Betas); default ScheduleLinear.
	Schedule string
	// Sampler is the spec of the transition kernel (see ParseSpec), one
	// step per temperature; default "gwg", as the literature uses for every
	// model. The estimate is unbiased only if every step leaves its
	// temperature's distribution invariant: Metropolis–Hastings and Gibbs
	// kernels do, dula (Langevin without the MH correction) does not.
	Sampler string
	// Bootstrap is the number of resamples of the chains' weights behind
	// BootstrapStdErr; default 200, negative to skip.
	Bootstrap int
	// Progress, when set, is called after every transition with the number
	// of temperature steps done and the total, summed over blocks. Blocks
	// running side by side call it from their goroutines, one call at a time.
	Progress func(done, total int) `json:"-"`
}

// Defaults of AISOptions.
const (
	DefaultAISSampler   = "gwg"
	DefaultAISBootstrap = 200
	// DefaultAISBlock cuts the reference's 100 validation chains into two
	// blocks and the paper's 500 into ten, which keeps 2 and 10 processors
	// busy. Since dense weights are packed once per change rather than per
	// product, a block of 50 costs no more per chain than one of 100.
	DefaultAISBlock = 50
)

func (o AISOptions) withDefaults() (AISOptions, error) {
	if o.Temperatures < 2 {
		return o, fmt.Errorf("gwg: AIS needs at least 2 temperatures, got %d", o.Temperatures)
	}
	if o.Chains < 1 {
		return o, fmt.Errorf("gwg: AIS needs at least 1 chain, got %d", o.Chains)
	}
	if o.Repeats < 0 {
		return o, fmt.Errorf("gwg: AIS repeats %d is negative", o.Repeats)
	}
	if o.Repeats == 0 {
		o.Repeats = 1
	}
	if o.Block < 0 {
		return o, fmt.Errorf("gwg: AIS block of %d chains", o.Block)
	}
	if o.Block == 0 {
		o.Block = DefaultAISBlock
	}
	o.Block = min(o.Block, o.Chains)
	if o.Schedule == "" {
		o.Schedule = ScheduleLinear
	}
	if o.Sampler == "" {
		o.Sampler = DefaultAISSampler
	}
	if o.Bootstrap == 0 {
		o.Bootstrap = DefaultAISBootstrap
	}
	return o, nil
}

// AISResult is the outcome of AIS.
//
// AIS estimates Z without bias, so log Ẑ is biased low (Jensen): a short
// schedule underestimates log Z and therefore overestimates every
// log-likelihood computed from it. Compare against a reverse bound
// (ReverseAIS) or a longer schedule before trusting a small gap.
type AISResult struct {
	// LogZ is log Ẑ = logsumexp(log w) − log(R·N), pooled over every chain
	// of every repeat.
	LogZ float64
	// StdErr is the standard error of LogZ: the standard deviation of the
	// repeats' own estimates over √R when Repeats ≥ 2, otherwise
	// BootstrapStdErr. StdErrMethod says which ("repeats" or "bootstrap").
	StdErr       float64
	StdErrMethod string
	// BootstrapStdErr is the standard deviation of LogZ over resamples of
	// the R·N weights with replacement (0 when Bootstrap < 0).
	BootstrapStdErr float64
	// RepeatLogZ holds each repeat's own log Ẑ over its N chains.
	RepeatLogZ []float64
	// ESS is the effective sample size (Σw)²/Σw² of the pooled weights,
	// between 1 and R·N. A value near 1 means one chain carries the whole
	// estimate and the error bars are not to be believed.
	ESS float64
	// LogW holds the log-weight of each chain, repeat after repeat.
	LogW []float64
	// Samples holds the final states of the last repeat's chains (N rows),
	// samples at β = 1 to be weighted by the last N entries of LogW.
	Samples []float32
	// Evals counts model evaluations per chain, f alone and f with ∇ₓf,
	// summed over chains, by AIS and its sampler together.
	Evals, GradEvals int64
	// Settings, after defaults were applied.
	Options AISOptions
}

// LogLikelihood returns the mean log-likelihood of data whose mean f is
// meanF (see MeanLogProb): meanF − log Ẑ. Its standard error is StdErr; the
// mean itself is exact for the given data.
func (r *AISResult) LogLikelihood(meanF float64) float64 { return meanF - r.LogZ }

// MeanLogProb returns the mean of f over the n states in x (n × Width
// values), evaluating batch states per model call (all at once for batch ≤ 0).
func MeanLogProb(m ebm.Model, x []float32, batch int) (float64, error) {
	w := m.Domain().Width()
	if w == 0 || len(x) == 0 || len(x)%w != 0 {
		return 0, fmt.Errorf("gwg: mean log-probability of %d values, not a positive multiple of the width %d", len(x), w)
	}
	n := len(x) / w
	if batch <= 0 || batch > n {
		batch = n
	}
	f := make([]float64, batch)
	var sum float64
	for lo := 0; lo < n; lo += batch {
		hi := min(lo+batch, n)
		if err := m.LogProb(f[:hi-lo], x[lo*w:hi*w]); err != nil {
			return 0, fmt.Errorf("gwg: evaluating states %d–%d: %w", lo, hi-1, err)
		}
		for _, v := range f[:hi-lo] {
			sum += v
		}
	}
	if mu := sum / float64(n); finite(mu) {
		return mu, nil
	}
	return 0, fmt.Errorf("gwg: mean log-probability is not finite")
}

// AIS estimates log Z of model by annealed importance sampling from base
// along the Tempered path (Neal 2001): each chain starts from an exact draw
// of the base, and for k = 1 … T−1 adds f_βk(x) − f_βk−1(x) to its log-weight
// before one transition of the sampler targeting f_βk.
//
// The chains run in blocks (see AISOptions.Block) whose random streams are
// seeded from one draw of rng; the bootstrap then draws from rng. The result
// is the same, bit for bit, as AISShard's parts merged by MergeAIS.
func AIS(model ebm.Model, base Base, opts AISOptions, rng *rand.Rand) (*AISResult, error) {
	part, err := AISShard(model, base, opts, rng, 0, 1)
	if err != nil {
		return nil, err
	}
	return mergeAIS([]*AISPart{part}, rng)
}

// summarize fills the estimate, its errors and the ESS from LogW and
// RepeatLogZ.
func (r *AISResult) summarize(rng *rand.Rand) error {
	r.LogZ = logMeanExp(r.LogW)
	if !finite(r.LogZ) {
		return fmt.Errorf("log Ẑ is %v", r.LogZ)
	}
	r.ESS = ess(r.LogW)
	if r.Options.Bootstrap > 0 {
		r.BootstrapStdErr = bootstrapStdErr(r.LogW, r.Options.Bootstrap, rng)
	}
	r.StdErr, r.StdErrMethod = r.BootstrapStdErr, "bootstrap"
	if n := len(r.RepeatLogZ); n >= 2 {
		r.StdErr, r.StdErrMethod = stdDev(r.RepeatLogZ)/math.Sqrt(float64(n)), "repeats"
	}
	return nil
}

// progressFrom adapts a Progress callback to one run that starts at offset.
func progressFrom(p func(done, total int), offset, total int) func(done int) {
	if p == nil {
		return nil
	}
	return func(done int) { p(offset+done, total) }
}

// errNoChains is returned for an empty starting batch.
var errNoChains = errors.New("no chains")
