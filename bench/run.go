package bench

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/gwg-go/gwg/ebm"
	"github.com/gwg-go/gwg/gwg"
)

// lane is one sampler under test and what the runner records about it.
type lane struct {
	name  string
	s     gwg.Sampler
	rng   *rand.Rand
	width int

	steps    int       // steps taken
	trace    []float32 // chain 0's state after every step, steps × width
	keep     bool      // whether to record the trace
	perStep  []float64 // seconds per step of each timed block
	wall     float64   // seconds spent in Step, all blocks
	startSts gwg.Stats // counters when the run began
}

// newLanes builds one sampler per name on model m, every one starting from
// the same n chains in x0 and drawing from its own generator seeded from seed
// and its position, so that adding a sampler does not change the others.
// With steps > 0 the lanes record chain 0's trace for that many steps.
func newLanes(names []string, m ebm.Model, x0 []float32, seed uint64, steps int) ([]*lane, error) {
	if len(names) == 0 {
		return nil, fmt.Errorf("bench: no samplers")
	}
	w := m.Domain().Width()
	lanes := make([]*lane, len(names))
	for k, name := range names {
		s, err := gwg.New(name, m)
		if err != nil {
			return nil, fmt.Errorf("bench: sampler %q: %w", name, err)
		}
		if err := s.Init(x0); err != nil {
			return nil, fmt.Errorf("bench: sampler %q: %w", name, err)
		}
		lanes[k] = &lane{
			name:     name,
			s:        s,
			rng:      rand.New(rand.NewPCG(seed, uint64(k)+1)),
			width:    w,
			trace:    make([]float32, 0, steps*w),
			keep:     steps > 0,
			startSts: s.Stats(),
		}
	}
	return lanes, nil
}

// interleave advances every lane by steps steps in round-robin blocks of
// block steps, rotating which lane goes first each round. After every step
// of a lane, outside the timed region, it records chain 0 in the trace (if
// the lane keeps one) and
// calls observe (which may be nil) with the number of steps the lane has
// taken; tick (which may be nil) is called once per lane-step.
func interleave(lanes []*lane, steps, block int, observe func(l *lane) error, tick func()) error {
	for round := 0; round*block < steps; round++ {
		n := min(block, steps-round*block)
		for j := range lanes {
			l := lanes[(round+j)%len(lanes)]
			var spent time.Duration
			for range n {
				start := time.Now()
				if err := l.s.Step(l.rng); err != nil {
					return fmt.Errorf("bench: %s, step %d: %w", l.name, l.steps+1, err)
				}
				spent += time.Since(start)
				l.steps++
				if l.keep {
					l.trace = append(l.trace, l.s.State()[:l.width]...)
				}
				if observe != nil {
					if err := observe(l); err != nil {
						return err
					}
				}
				if tick != nil {
					tick()
				}
			}
			sec := spent.Seconds()
			l.wall += sec
			l.perStep = append(l.perStep, sec/float64(n))
		}
	}
	return nil
}

// stepCost is the median over blocks of the seconds per step.
func (l *lane) stepCost() float64 { return median(l.perStep) }

// stats is what the sampler did during the run.
func (l *lane) stats() gwg.Stats { return l.s.Stats().Sub(l.startSts) }

// median of v, without modifying it; 0 for an empty slice.
func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if n := len(s); n%2 == 1 {
		return s[n/2]
	} else {
		return (s[n/2-1] + s[n/2]) / 2
	}
}

// interleaveSums runs the lanes like interleave and returns, per lane, the
// sum over its steps of its chains' states (width values).
func interleaveSums(lanes []*lane, width, steps, block int, tick func()) (map[*lane][]float64, error) {
	sums := make(map[*lane][]float64, len(lanes))
	for _, l := range lanes {
		sums[l] = make([]float64, width)
	}
	observe := func(l *lane) error {
		s := sums[l]
		for i, v := range l.s.State() {
			s[i] += float64(v)
		}
		return nil
	}
	return sums, interleave(lanes, steps, block, observe, tick)
}

// ticker returns a callback that counts units of work towards total and
// reports every every-th and the last to progress, which may be nil.
func ticker(progress func(done, total int), total, every int) func() {
	done := 0
	return func() {
		done++
		if progress != nil && (done%every == 0 || done == total) {
			progress(done, total)
		}
	}
}
