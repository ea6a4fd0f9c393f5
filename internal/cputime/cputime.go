// Package cputime reads the CPU time of the process, for benchmarks on a
// shared machine, where wall time measures the neighbours as much as the code.
package cputime

import (
	"syscall"
	"time"
)

// Now is the user and system CPU time the process has used so far, all
// threads together (including those of a C BLAS).
func Now() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
