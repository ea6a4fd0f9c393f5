package gwg

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gwg-go/gwg/ebm"
)

// checkStates reports whether x holds whole chains of the domain, each a
// valid state: 0/1 values for binary domains, one-hot blocks for categorical
// ones. It returns the number of chains.
func checkStates(dom ebm.Domain, x []float32) (int, error) {
	w := dom.Width()
	if len(x) == 0 || len(x)%w != 0 {
		return 0, fmt.Errorf("state has %d values, not a positive multiple of the width %d", len(x), w)
	}
	n := len(x) / w
	for c := range n {
		row := x[c*w : (c+1)*w]
		if !dom.OneHot {
			for i, v := range row {
				if v != 0 && v != 1 {
					return 0, fmt.Errorf("chain %d, site %d has value %v, want 0 or 1", c, i, v)
				}
			}
			continue
		}
		k := dom.Categories
		for i := range dom.Sites {
			ones := 0
			for _, v := range row[i*k : (i+1)*k] {
				switch v {
				case 1:
					ones++
				case 0:
				default:
					ones = -1 << 30
				}
			}
			if ones != 1 {
				return 0, fmt.Errorf("chain %d, site %d is not a one-hot block", c, i)
			}
		}
	}
	return n, nil
}

// category returns the category of site i of the one-hot row x.
func category(x []float32, i, k int) int {
	for j, v := range x[i*k : (i+1)*k] {
		if v != 0 {
			return j
		}
	}
	return 0
}

// finite reports whether v is neither NaN nor ±Inf.
func finite(v float64) bool { return v-v == 0 }

// checkF returns an error naming the first chain whose f is not finite.
func checkF(name string, step int64, what string, f []float64) error {
	for c, v := range f {
		if !finite(v) {
			return fmt.Errorf("gwg: %s step %d: chain %d: model returned %s = %v", name, step, c, what, v)
		}
	}
	return nil
}

// acceptProb is the Metropolis–Hastings acceptance probability min(1, e^la).
// Step accepts iff u < acceptProb(la) for u ~ U[0, 1), and the exactness
// tests build transition matrices from the same function.
func acceptProb(la float64) float64 {
	if la >= 0 {
		return 1
	}
	return math.Exp(la)
}

// drawIndex returns index i with probability wt[i]/sum, using one uniform
// u ∈ [0, 1). Indices with zero weight are never returned.
func drawIndex(wt []float64, sum, u float64) int {
	t := u * sum
	var acc float64
	last := -1
	for i, w := range wt {
		if w > 0 {
			acc += w
			last = i
			if acc > t {
				return i
			}
		}
	}
	return last // rounding left t at the very top of the range
}

// ensure returns s resized to n elements, reusing its storage when it can.
func ensure[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]T, n)
}

// gradState is what the gradient-based samplers keep of n chains: their
// states and f and ∇ₓf there.
type gradState struct {
	x []float32 // n×width
	f []float64 // n
	g []float32 // n×width, ∇ₓf
}

func (st *gradState) resize(n, width int) {
	st.x = ensure(st.x, n*width)
	st.f = ensure(st.f, n)
	st.g = ensure(st.g, n*width)
}

// eval computes f and ∇ₓf at the chains' states for the sampler name at
// step (0: Init), counts the evaluations in stats and fails on an f that is
// not finite.
func (st *gradState) eval(m ebm.Model, name string, step int64, stats *Stats) error {
	if err := m.LogProbGrad(st.f, st.g, st.x); err != nil {
		if step == 0 {
			return fmt.Errorf("gwg: %s: Init: %w", name, err)
		}
		return fmt.Errorf("gwg: %s step %d: %w", name, step, err)
	}
	stats.GradEvals += int64(len(st.f))
	what := "f(x′)"
	if step == 0 {
		what = "f(x)"
	}
	return checkF(name, step, what, st.f)
}

// settle ends a Metropolis–Hastings step: it accepts chain c's proposal with
// probability min(1, exp logAlpha[c]), drawing one uniform per chain in
// chain order — or always and without drawing if mh is false — lets accept
// make the accepted proposals the chains' states, and records the step, in
// which chain c's proposal changes nflip[c] sites, in stats.
func settle(stats *Stats, rng *rand.Rand, mh bool, logAlpha []float64, nflip []int32, accept func(c int)) {
	var accepted, hops int64
	for c, la := range logAlpha {
		if !mh || rng.Float64() < acceptProb(la) {
			accept(c)
			accepted++
			hops += int64(nflip[c])
		}
	}
	stats.addStep(len(logAlpha), accepted, hops)
}
