package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"golang.org/x/term"
)

// isTerminal reports whether w is a terminal, the only place where a
// progress bar redraws in place; in a log its carriage-return frames pile up.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progressLog returns a progress callback for writers that are not
// terminals: each time another tenth of the work is done it prints one plain
// line with the percentage, the elapsed time and, before the end, an
// estimate of the time left. The clock starts when progressLog is called.
func progressLog(w io.Writer, what, unit string, now func() time.Time) func(done, total int) {
	start := now()
	next := 1 // the next tenth to report
	return func(done, total int) {
		if total <= 0 || done*10 < next*total {
			return
		}
		next = done*10/total + 1
		elapsed := now().Sub(start)
		line := fmt.Sprintf("%s: %d%% (%d/%d %s), %v elapsed", what, done*100/total, done, total, unit, elapsed.Round(time.Second))
		if done < total {
			left := time.Duration(float64(elapsed) * float64(total-done) / float64(done))
			line += fmt.Sprintf(", ETA %v", left.Round(time.Second))
		}
		fmt.Fprintln(w, line)
	}
}
