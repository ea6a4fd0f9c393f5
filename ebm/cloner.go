package ebm

// Cloner is implemented by models that can be copied for use side by side on
// several processors. AIS runs its blocks of chains concurrently, one clone
// per processor, when the model is a Cloner; otherwise one block at a time.
type Cloner interface {
	// Clone returns a model that computes the same f and ∇ₓf as the
	// receiver, bit for bit, and may be used concurrently with it and with
	// other clones. It shares the parameters, which must not change while
	// clones are in use, and owns its scratch. A clone evaluates on the
	// calling goroutine only: whoever runs clones side by side provides
	// the parallelism, so the processors are not split twice.
	Clone() Model
}
