package gwg

// Retarget implements Retargeter. The proposal weights are a function of the
// cached gradient, so they are rebuilt after update.
func (s *gwgSampler) Retarget(update func(x []float32, f []float64, grad []float32) error) error {
	if err := update(s.cur.x, s.cur.f, s.cur.g); err != nil {
		return err
	}
	if err := checkF(s.name, s.stats.Steps, "retargeted f(x)", s.cur.f); err != nil {
		return err
	}
	for c := range s.n {
		if err := s.weights(&s.cur, c, s.stats.Steps); err != nil {
			return err
		}
	}
	return nil
}
