package nn

// NumParams is the number of parameters of the net c describes.
func (c Config) NumParams() int64 {
	var n int64
	for _, s := range layout(c) {
		size := int64(1)
		for _, d := range s.shape {
			size *= int64(d)
		}
		n += size
	}
	return n
}

// Float32 values kept per parameter while training: the weights, their
// gradient, their moving average and Adam's two moments.
const paramCopies = 5

// Float32 values kept per hidden unit and example: the forward pass
// (pre-activation, sigmoid, output) and their gradients, in the ∇ₓf graph of
// the sampler and again in the training graph. Measured graphs keep more;
// this is a floor, so that a refusal is never wrong.
const unitCopies = 8

// TrainingBytes is a lower bound on the memory that training the net with
// batch examples per step takes: every parameter paramCopies times and
// every hidden unit of every layer unitCopies times per example, in
// float32. It is computed without building anything, so that a net that
// cannot fit is refused before it takes the machine's memory.
func (c Config) TrainingBytes(batch int) int64 {
	var units int64 // hidden units per example, summed over layers
	switch c.Arch {
	case MLP:
		units = int64(c.Depth) * int64(c.Width)
	case ResNet:
		h, w := int64(c.Height), int64(c.Side)
		units = int64(c.Width) * h * w // stem
		for i := 0; i < c.Down+c.Blocks; i++ {
			if i < c.Down {
				h, w = (h+1)/2, (w+1)/2
			}
			units += 2 * int64(c.Width) * h * w
		}
	}
	return 4 * (paramCopies*c.NumParams() + unitCopies*int64(batch)*units)
}
