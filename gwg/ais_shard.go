package gwg

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/gwg-go/gwg/ebm"
	"github.com/gwg-go/gwg/internal/parallel"
)

// AISPart is the outcome of blocks [Lo, Hi) of the Blocks blocks of an AIS
// run (see AISOptions.Block): what AISShard returns and MergeAIS combines.
// Its exported fields are what a shard file needs to carry.
type AISPart struct {
	Options AISOptions // after defaults
	// Seed is the run's stream seed, drawn from the caller's rng; block k
	// draws from PCG(Seed, k).
	Seed           uint64
	Lo, Hi, Blocks int
	// LogW holds the log-weights of each block's chains, block by block.
	LogW [][]float64
	// Samples holds the final states of this part's blocks of the last
	// repeat, in block order.
	Samples          []float32 `json:"-"`
	Evals, GradEvals int64
}

// blocksPerRepeat is the number of blocks of one repeat.
func (o AISOptions) blocksPerRepeat() int { return (o.Chains + o.Block - 1) / o.Block }

// AISBlocks is the number of blocks of an AIS run with options o, the most
// shards it can be cut into.
func AISBlocks(o AISOptions) (int, error) {
	o, err := o.withDefaults()
	if err != nil {
		return 0, err
	}
	return o.Repeats * o.blocksPerRepeat(), nil
}

// AISShard runs shard i of n of the AIS run AIS(model, base, opts, rng) would
// make: its blocks [i·K/n, (i+1)·K/n) of K (see AISBlocks). It draws the
// run's stream seed from rng as AIS does, so shards started from the same
// seed belong to one run. n must not exceed K.
//
// When the model is an ebm.Cloner, the blocks run side by side, one per
// processor, each on a clone of its own that evaluates on one processor
// (the base is then called concurrently: ebm.Bernoulli and ebm.Categorical
// allow it). Otherwise they run one after another on the model. A block's
// weights depend only on its stream, so the result is the same either way.
func AISShard(model ebm.Model, base Base, opts AISOptions, rng *rand.Rand, i, n int) (*AISPart, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	per := opts.blocksPerRepeat()
	blocks := opts.Repeats * per
	if n < 1 || i < 0 || i >= n || n > blocks {
		return nil, fmt.Errorf("gwg: AIS shard %d/%d of a run of %d blocks (%d repeats of %d chains in blocks of %d): want 0 ≤ shard < count ≤ %[3]d",
			i, n, blocks, opts.Repeats, opts.Chains, opts.Block)
	}
	betas, err := Betas(opts.Schedule, opts.Temperatures)
	if err != nil {
		return nil, err
	}
	part := &AISPart{Options: opts, Seed: rng.Uint64(), Lo: i * blocks / n, Hi: (i + 1) * blocks / n, Blocks: blocks}
	nb := part.Hi - part.Lo
	models := []ebm.Model{model}
	if c, ok := model.(ebm.Cloner); ok && parallel.Workers(nb) > 1 {
		models = make([]ebm.Model, parallel.Workers(nb))
		for w := range models {
			models[w] = c.Clone()
		}
	}
	workers := make([]*annealer, len(models))
	for w, m := range models {
		if workers[w], err = newAnnealer(m, base, opts, nil); err != nil {
			return nil, err
		}
		if l, ok := workers[w].k.(procsLimiter); ok && len(models) > 1 {
			l.limitProcs(1)
		}
	}
	progress := newSharedProgress(opts.Progress, nb*(opts.Temperatures-1))
	part.LogW = make([][]float64, nb)
	samples := make([][]float32, nb)
	errs := make([]error, nb)
	var failed atomic.Bool
	parallel.EachOf(len(workers), nb, func(w, b int) {
		if failed.Load() {
			return
		}
		k := part.Lo + b
		if part.LogW[b], samples[b], errs[b] = workers[w].aisBlock(betas, part.Seed, k, progress); errs[b] != nil {
			failed.Store(true)
		}
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	for b := range nb {
		part.Samples = append(part.Samples, samples[b]...)
	}
	for _, a := range workers {
		part.Evals += a.evals + a.st.Stats.Evals
		part.GradEvals += a.st.Stats.GradEvals
	}
	return part, nil
}

// aisBlock anneals block k of a run from its own stream, PCG(seed, k), and
// returns its chains' log-weights and, in the last repeat, their final states.
func (a *annealer) aisBlock(betas []float64, seed uint64, k int, progress *sharedProgress) (logw []float64, samples []float32, err error) {
	opts := a.opts
	per := opts.blocksPerRepeat()
	r, j := k/per, k%per
	lo, hi := j*opts.Chains/per, (j+1)*opts.Chains/per
	a.rng = rand.New(rand.NewPCG(seed, uint64(k)))
	a.start = ensure(a.start, (hi-lo)*a.dom.Width())
	x := a.start
	if err := a.base.Sample(x, a.rng); err != nil {
		return nil, nil, fmt.Errorf("gwg: AIS: sampling the base: %w", err)
	}
	if err := a.run(betas, x, false, true, progress.step); err != nil {
		return nil, nil, fmt.Errorf("gwg: AIS repeat %d, chains %d–%d: %w", r, lo, hi-1, err)
	}
	if r == opts.Repeats-1 {
		samples = slices.Clone(a.st.X)
	}
	return slices.Clone(a.logw), samples, nil
}

// sharedProgress counts the transitions of blocks running side by side and
// reports the running total to a Progress callback, one call at a time.
type sharedProgress struct {
	mu          sync.Mutex
	done, total int
	report      func(done, total int)
}

func newSharedProgress(report func(done, total int), total int) *sharedProgress {
	return &sharedProgress{total: total, report: report}
}

// step counts one transition; its argument (the block's own count) is
// ignored.
func (p *sharedProgress) step(int) {
	if p.report == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	p.report(p.done, p.total)
}

// MergeAIS combines the parts of one run, which must together cover its
// blocks exactly once, into the result AIS would have returned. rng must be
// in the state the shards' rng was in: MergeAIS draws the stream seed from it
// to check that the parts come from this run, then the bootstrap, as AIS.
func MergeAIS(parts []*AISPart, rng *rand.Rand) (*AISResult, error) {
	if len(parts) == 0 {
		return nil, fmt.Errorf("gwg: merging AIS: no parts")
	}
	if seed := rng.Uint64(); parts[0].Seed != seed {
		return nil, fmt.Errorf("gwg: merging AIS: the parts' stream seed %#x is not this seed's %#x", parts[0].Seed, seed)
	}
	return mergeAIS(parts, rng)
}

func mergeAIS(parts []*AISPart, rng *rand.Rand) (*AISResult, error) {
	first := parts[0]
	opts := first.Options
	parts = slices.Clone(parts)
	slices.SortFunc(parts, func(a, b *AISPart) int { return a.Lo - b.Lo })
	next := 0
	for _, p := range parts {
		switch {
		case !sameRun(p.Options, opts) || p.Blocks != first.Blocks || p.Seed != first.Seed:
			return nil, fmt.Errorf("gwg: merging AIS: parts of different runs (%s vs %s)", describeRun(p), describeRun(first))
		case p.Lo < next:
			return nil, fmt.Errorf("gwg: merging AIS: blocks %d–%d given twice", p.Lo, min(next, p.Hi)-1)
		case p.Lo > next:
			return nil, fmt.Errorf("gwg: merging AIS: blocks %d–%d of %d missing", next, p.Lo-1, p.Blocks)
		case len(p.LogW) != p.Hi-p.Lo:
			return nil, fmt.Errorf("gwg: merging AIS: part of blocks %d–%d holds %d blocks' weights", p.Lo, p.Hi-1, len(p.LogW))
		}
		next = p.Hi
	}
	if next != first.Blocks {
		return nil, fmt.Errorf("gwg: merging AIS: blocks %d–%d of %d missing", next, first.Blocks-1, first.Blocks)
	}
	per := opts.blocksPerRepeat()
	res := &AISResult{Options: opts, RepeatLogZ: make([]float64, opts.Repeats)}
	res.LogW = make([]float64, 0, opts.Repeats*opts.Chains)
	for _, p := range parts {
		for b, lw := range p.LogW {
			k := p.Lo + b
			lo, hi := (k%per)*opts.Chains/per, (k%per+1)*opts.Chains/per
			if len(lw) != hi-lo {
				return nil, fmt.Errorf("gwg: merging AIS: block %d holds %d weights, want %d", k, len(lw), hi-lo)
			}
			res.LogW = append(res.LogW, lw...)
			if k%per == per-1 {
				r := k / per
				res.RepeatLogZ[r] = logMeanExp(res.LogW[r*opts.Chains:])
			}
		}
		res.Samples = append(res.Samples, p.Samples...)
		res.Evals += p.Evals
		res.GradEvals += p.GradEvals
	}
	if err := res.summarize(rng); err != nil {
		return nil, fmt.Errorf("gwg: AIS: %w", err)
	}
	return res, nil
}

// sameRun reports whether two runs' settings give the same blocks.
func sameRun(a, b AISOptions) bool {
	return a.Temperatures == b.Temperatures && a.Chains == b.Chains && a.Repeats == b.Repeats &&
		a.Block == b.Block && a.Schedule == b.Schedule && a.Sampler == b.Sampler && a.Bootstrap == b.Bootstrap
}

func describeRun(p *AISPart) string {
	o := p.Options
	return fmt.Sprintf("%d temperatures %s, %d×%d chains in blocks of %d, sampler %s, bootstrap %d, seed %#x",
		o.Temperatures, o.Schedule, o.Repeats, o.Chains, o.Block, o.Sampler, o.Bootstrap, p.Seed)
}
