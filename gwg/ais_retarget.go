package gwg

// Retarget implements Retargeter. The proposal weights are a function of the
// cached gradient, so they are rebuilt after update.
func (s *gwgSampler) Retarget(update func(x []float32, f []float64, grad []float32) error) error {
	return retarget(s.name, s.stats.Steps, s.cur.x, s.cur.f, s.cur.g, update, func(c int) error {
		return s.weights(&s.cur, c, s.stats.Steps)
	})
}

// Retarget implements Retargeter for dula and dmala: the flip probabilities
// are rebuilt from the rewritten gradient.
func (s *langevinSampler) Retarget(update func(x []float32, f []float64, grad []float32) error) error {
	return retarget(s.name, s.stats.Steps, s.cur.x, s.cur.f, s.cur.g, update, func(c int) error {
		return s.proposal(&s.cur, c, s.stats.Steps)
	})
}

// retarget lets update rewrite a sampler's cached f and gradient of its
// chains, checks the new f, and rebuilds what each chain derives from them.
func retarget(name string, step int64, x []float32, f []float64, g []float32,
	update func(x []float32, f []float64, grad []float32) error, rebuild func(c int) error) error {
	if err := update(x, f, g); err != nil {
		return err
	}
	if err := checkF(name, step, "retargeted f(x)", f); err != nil {
		return err
	}
	for c := range f {
		if err := rebuild(c); err != nil {
			return err
		}
	}
	return nil
}
