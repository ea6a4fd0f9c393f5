package parallel

import (
	"sync/atomic"
	"testing"
)

func TestForCoversOnce(t *testing.T) {
	for _, c := range []struct{ n, grain int }{{0, 1}, {1, 1}, {7, 1}, {100, 3}, {1000, 1000}, {5, 0}} {
		var hits [1000]atomic.Int32
		For(c.n, c.grain, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				hits[i].Add(1)
			}
		})
		for i := range c.n {
			if h := hits[i].Load(); h != 1 {
				t.Fatalf("n=%d grain=%d: element %d visited %d times", c.n, c.grain, i, h)
			}
		}
	}
}
