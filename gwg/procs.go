package gwg

// procsLimiter is implemented by kernels that spread the work of one step
// over the processors. Whoever already runs several kernels side by side,
// one per processor (AIS's blocks), limits each to one, so that a step does
// not wait for helpers queued behind the other kernels.
type procsLimiter interface {
	limitProcs(n int)
}

func (k *mhKernel) limitProcs(n int) { k.procs = n }
