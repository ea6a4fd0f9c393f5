package train

import "fmt"

// ProjLevels is Config.ProjInit for a categorical model whose first
// projection feature starts as the category's place on a ramp from −1
// (category 0) to +1 (category K − 1), the other features drawn as usual.
// The empty ProjInit draws every feature at random, as the reference does.
// Gray levels (or any ordered codes) then enter the net as their value from
// the first iteration, instead of as K unrelated random vectors whose order
// the net would first have to learn from the data.
const ProjLevels = "levels"

// projParam is the name of the shared one-hot projection of package nn,
// stored [K, proj].
const projParam = "proj.w"

// initProjLevels writes the ProjLevels ramp into the projection of m.
func initProjLevels(m Model) error {
	for _, p := range m.Params() {
		if p.Name != projParam {
			continue
		}
		if len(p.Shape) != 2 || p.Shape[0] < 2 || p.Shape[1] < 1 {
			return fmt.Errorf("train: projection %s has shape %v, want [K ≥ 2, proj ≥ 1]", p.Name, p.Shape)
		}
		k, proj := p.Shape[0], p.Shape[1]
		for c := range k {
			p.Data[c*proj] = float32(2*float64(c)/float64(k-1) - 1)
		}
		return nil
	}
	return fmt.Errorf("train: --proj-init %s needs a categorical model (one-hot input with a projection)", ProjLevels)
}
