package gwg

import (
	"fmt"

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

// drawIndex returns index i with probability wt[i]/sum, using one uniform
// u ∈ [0, 1). Indices with zero weight are never returned.
func drawIndex[T float32 | float64](wt []T, sum, u float64) int {
	t := u * sum
	var acc float64
	last := -1
	for i, w := range wt {
		if w > 0 {
			acc += float64(w)
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
