package ebm

// Param is one named parameter tensor of a model. Data aliases the model's
// live values (row-major, float32) and Grad, when the model computes one, the
// gradient of the last training loss with respect to it.
type Param struct {
	Name  string
	Shape []int
	Data  []float32
	Grad  []float32
}

// Trainable is a Model whose parameters persistent contrastive divergence can
// fit. Params returns the same parameters in the same order on every call.
type Trainable interface {
	Model
	Params() []*Param
	// ContrastiveGrad evaluates the training loss
	//
	//	L = mean f(samples) − mean f(data) + l2·(mean of f(data)² + mean of f(samples)²)
	//
	// (the squares are taken per example before averaging, as the reference
	// code's penalty on the size of f does) on a batch of data and a batch of sampler states (each n × Width values;
	// the two n may differ) and overwrites every Param.Grad with ∂L/∂θ. It
	// returns the two means of f so that the trainer can log them.
	ContrastiveGrad(data, samples []float32, l2 float64) (fData, fSamples float64, err error)
}
