package gwg

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/gwg-go/gwg/ebm"
)

// ReverseResult is the outcome of ReverseAIS.
//
// Each chain starts at a given state v and is annealed from β = 1 down to
// β = 0 with the same transitions as AIS, collecting the reverse log-weight
// log w = Σₖ f_βk−1(xₖ₋₁) − f_βk(xₖ₋₁). Two estimates follow, and which one
// is meaningful depends on where the starts came from:
//
//   - From held-out data, RAISE (Burda, Grosse & Salakhutdinov 2015):
//     f(v) + log w estimates log p(v) with log-mean-exp bias downwards, a
//     conservative log-likelihood that brackets AIS's optimistic one. Strictly
//     the bound is on the likelihood of the annealing chain seen as a
//     generative model, which approaches the EBM as the schedule lengthens.
//   - From exact samples of the model, reverse AIS: −log mean w estimates
//     log Z with bias upwards, the other side of AIS's estimate. Samples from
//     an unconverged sampler (a replay buffer) void the guarantee.
//
// Both need transitions that are reversible with respect to their target,
// as Metropolis–Hastings kernels such as GWG are; a sequential-scan Gibbs
// sweep is only approximately so.
type ReverseResult struct {
	// F holds f(v) of each of the n starts.
	F []float64
	// LogW holds the reverse log-weights, repeat after repeat: start i of
	// repeat r at LogW[r·n + i].
	LogW []float64
	// PerStart holds f(v) + log meanᵣ wᵣ(v) for each start: the RAISE
	// estimate of log p(v).
	PerStart []float64
	// LogLikelihood is the mean of PerStart and LLStdErr its standard error
	// over starts, which includes the spread of log p(v) across examples.
	LogLikelihood, LLStdErr float64
	// LogZ is −log Σ w / (R·n), the reverse AIS estimate; LogZStdErr is its
	// bootstrap standard error over chains and ESS the weights' effective
	// sample size.
	LogZ, LogZStdErr, ESS float64
	// Evals counts model evaluations per chain, as in AISResult.
	Evals, GradEvals int64
	Options          AISOptions
}

// ReverseAIS anneals chains from the n states in start (n × Width values)
// down to the base, opts.Chains at a time (default: all at once), each start
// opts.Repeats times. opts.Temperatures, Schedule, Sampler and Progress mean
// what they do for AIS; the progress total counts every batch.
func ReverseAIS(model ebm.Model, base Base, start []float32, opts AISOptions, rng *rand.Rand) (*ReverseResult, error) {
	if model == nil {
		return nil, fmt.Errorf("gwg: reverse AIS needs a model")
	}
	w := model.Domain().Width()
	if w == 0 || len(start) == 0 || len(start)%w != 0 {
		return nil, fmt.Errorf("gwg: reverse AIS start has %d values, not a positive multiple of the width %d", len(start), w)
	}
	n := len(start) / w
	if opts.Chains == 0 {
		opts.Chains = n
	}
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if _, err := checkStates(model.Domain(), start); err != nil {
		return nil, fmt.Errorf("gwg: reverse AIS start: %w", err)
	}
	betas, err := Betas(opts.Schedule, opts.Temperatures)
	if err != nil {
		return nil, err
	}
	slices.Reverse(betas)
	a, err := newAnnealer(model, base, opts, rng)
	if err != nil {
		return nil, err
	}
	res := &ReverseResult{Options: opts, F: make([]float64, n), LogW: make([]float64, opts.Repeats*n)}
	if err := model.LogProb(res.F, start); err != nil {
		return nil, fmt.Errorf("gwg: reverse AIS: evaluating the starts: %w", err)
	}
	if err := checkF("reverse-ais", 0, "f", res.F); err != nil {
		return nil, err
	}
	a.evals += int64(n)
	batches := (n + opts.Chains - 1) / opts.Chains
	total := opts.Repeats * batches * (opts.Temperatures - 1)
	done := 0
	for r := range opts.Repeats {
		for lo := 0; lo < n; lo += opts.Chains {
			hi := min(lo+opts.Chains, n)
			if err := a.run(betas, start[lo*w:hi*w], true, false, progressFrom(opts.Progress, done, total)); err != nil {
				return nil, fmt.Errorf("gwg: reverse AIS repeat %d, starts %d–%d: %w", r, lo, hi-1, err)
			}
			copy(res.LogW[r*n+lo:], a.logw)
			done += opts.Temperatures - 1
		}
	}

	res.PerStart = make([]float64, n)
	lw := make([]float64, opts.Repeats)
	for i := range n {
		for r := range lw {
			lw[r] = res.LogW[r*n+i]
		}
		res.PerStart[i] = res.F[i] + logMeanExp(lw)
	}
	res.LogLikelihood = mean(res.PerStart)
	res.LLStdErr = stdDev(res.PerStart) / math.Sqrt(float64(n))
	res.LogZ = -logMeanExp(res.LogW)
	res.ESS = ess(res.LogW)
	if opts.Bootstrap > 0 {
		res.LogZStdErr = bootstrapStdErr(res.LogW, opts.Bootstrap, rng)
	}
	res.Evals = a.evals
	st := a.st.Stats
	res.Evals += st.Evals
	res.GradEvals = st.GradEvals
	return res, nil
}

// Gap returns the width of the bracket on the starts: the mean of
// f(v) − logZ (AIS's log-likelihood, given its log Ẑ) minus RAISE's, and its
// standard error over starts. The difference is paired example by example,
// so the spread of log p(v) across examples cancels and the error is that
// of the reverse weights alone (logZ's own error is not included). A gap
// that is large against its error says the schedule is too short for either
// number to be trusted.
func (r *ReverseResult) Gap(logZ float64) (gap, se float64) {
	d := make([]float64, len(r.PerStart))
	for i, p := range r.PerStart {
		d[i] = r.F[i] - logZ - p
	}
	return mean(d), stdDev(d) / math.Sqrt(float64(len(d)))
}
