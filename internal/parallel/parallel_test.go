package parallel

import (
	"runtime"
	"sync/atomic"
	"testing"
)

func TestEachRunsEveryBlockOnce(t *testing.T) {
	for _, procs := range []int{1, 2, 5} {
		old := runtime.GOMAXPROCS(procs)
		for _, n := range []int{0, 1, 3, 100} {
			var hits [100]atomic.Int32
			var busy [8]atomic.Int32
			Each(n, func(w, i int) {
				if w < 0 || w >= Workers(n) {
					t.Errorf("procs=%d n=%d: worker %d out of range", procs, n, w)
					return
				}
				if busy[w].Add(1) != 1 {
					t.Errorf("procs=%d n=%d: worker %d runs two blocks at once", procs, n, w)
				}
				hits[i].Add(1)
				busy[w].Add(-1)
			})
			for i := range n {
				if h := hits[i].Load(); h != 1 {
					t.Errorf("procs=%d n=%d: block %d ran %d times", procs, n, i, h)
				}
			}
		}
		runtime.GOMAXPROCS(old)
	}
}

func TestSplitCovers(t *testing.T) {
	for _, c := range []struct{ n, parts int }{{0, 1}, {7, 3}, {100, 8}, {3, 5}} {
		next := 0
		for i := range c.parts {
			lo, hi := Split(c.n, c.parts, i)
			if lo != next || hi < lo || hi-lo > c.n/c.parts+1 {
				t.Fatalf("Split(%d, %d, %d) = [%d, %d) after %d", c.n, c.parts, i, lo, hi, next)
			}
			next = hi
		}
		if next != c.n {
			t.Fatalf("Split(%d, %d, ·) ends at %d", c.n, c.parts, next)
		}
	}
}

func TestEachOfOneRunsInOrderOnTheCaller(t *testing.T) {
	old := runtime.GOMAXPROCS(4)
	defer runtime.GOMAXPROCS(old)
	var got []int
	EachOf(1, 5, func(w, i int) {
		if w != 0 {
			t.Errorf("block %d on worker %d", i, w)
		}
		got = append(got, i) // no lock: one worker means the calling goroutine
	})
	if len(got) != 5 || got[0] != 0 || got[4] != 4 {
		t.Fatalf("EachOf(1, 5) ran blocks %v", got)
	}
	if w := WorkersOf(3, 10); w != 3 {
		t.Fatalf("WorkersOf(3, 10) = %d", w)
	}
	if w := WorkersOf(0, 10); w != 4 {
		t.Fatalf("WorkersOf(0, 10) = %d at GOMAXPROCS 4", w)
	}
}
