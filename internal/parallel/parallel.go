// Package parallel splits loops over the available processors.
package parallel

import (
	"runtime"
	"sync"
)

// For calls f on consecutive pieces [lo, hi) that cover [0, n), concurrently
// when there are at least two pieces of grain elements.
func For(n, grain int, f func(lo, hi int)) {
	pieces := min(runtime.GOMAXPROCS(0), n/max(1, grain))
	if pieces < 2 {
		f(0, n)
		return
	}
	var wg sync.WaitGroup
	for i := 1; i < pieces; i++ {
		lo, hi := i*n/pieces, (i+1)*n/pieces
		wg.Go(func() { f(lo, hi) })
	}
	f(0, n/pieces)
	wg.Wait()
}
