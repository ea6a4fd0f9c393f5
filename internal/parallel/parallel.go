// Package parallel runs independent blocks of work on the available
// processors.
//
// The blocks are the unit of determinism: callers choose block boundaries
// that do not depend on the number of processors (or work whose results do
// not depend on the boundaries), give each worker its own scratch, and
// combine per-block results in block order. Which worker runs which block is
// then irrelevant to the results, so it is decided at run time, which keeps
// every processor busy when blocks take unequal times.
package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Workers is the number of workers Each uses for n blocks: the number of
// processors Go may use, at most n, at least one.
func Workers(n int) int { return WorkersOf(0, n) }

// WorkersOf is the number of workers EachOf(procs, n, ·) uses: procs (all
// the processors Go may use when procs ≤ 0), at most n, at least one.
func WorkersOf(procs, n int) int {
	if procs <= 0 {
		procs = runtime.GOMAXPROCS(0)
	}
	return max(1, min(procs, n))
}

// Each calls f(w, i) once for every block i in [0, n), where w in
// [0, Workers(n)) identifies the worker running it: no two calls with the same
// w run at the same time. It returns when all calls have returned. With one
// worker the calls run in order on the calling goroutine.
func Each(n int, f func(w, i int)) { EachOf(0, n, f) }

// EachOf is Each on at most procs workers (on all processors when procs ≤ 0):
// code that already runs on one processor of several passes 1.
func EachOf(procs, n int, f func(w, i int)) {
	workers := WorkersOf(procs, n)
	if workers == 1 {
		for i := range n {
			f(0, i)
		}
		return
	}
	var next atomic.Int64
	work := func(w int) {
		for {
			i := int(next.Add(1) - 1)
			if i >= n {
				return
			}
			f(w, i)
		}
	}
	var wg sync.WaitGroup
	for w := 1; w < workers; w++ {
		wg.Go(func() { work(w) })
	}
	work(0)
	wg.Wait()
}

// Split returns the bounds of part i of [0, n) cut into parts near-equal
// consecutive pieces: [i·n/parts, (i+1)·n/parts).
func Split(n, parts, i int) (lo, hi int) { return i * n / parts, (i + 1) * n / parts }
