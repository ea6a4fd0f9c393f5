package train

import (
	"fmt"
	"time"

	"github.com/gwg-go/gwg/ckpt"
	"github.com/gwg-go/gwg/ebm"
)

// RBMCheckpoint returns a checkpoint of kind "rbm" holding m's parameters W
// (H×D), b_v and b_h, and, as the base mean, the initial distribution of
// sampler chains (for an RBM trained on data, the clamped pixel means).
func RBMCheckpoint(m *ebm.RBM, initMean []float32, dataset, note string) *ckpt.Checkpoint {
	clone := func(v []float32) []float32 { return append([]float32(nil), v...) }
	return &ckpt.Checkpoint{
		Model: ckpt.ModelSpec{Kind: "rbm", Ints: map[string]int{"visible": m.D, "hidden": m.H}},
		Params: []ckpt.Tensor{
			{Name: "W", Shape: []int{m.H, m.D}, Data: clone(m.W)},
			{Name: "b_v", Shape: []int{m.D}, Data: clone(m.Bv)},
			{Name: "b_h", Shape: []int{m.H}, Data: clone(m.Bh)},
		},
		BaseMean: clone(initMean),
		Dataset:  dataset,
		Created:  time.Now().UTC(),
		Note:     note,
	}
}

// RBMFromCheckpoint rebuilds the RBM of a checkpoint made by RBMCheckpoint
// and returns it with the stored base mean.
func RBMFromCheckpoint(c *ckpt.Checkpoint) (*ebm.RBM, []float32, error) {
	if c.Model.Kind != "rbm" {
		return nil, nil, fmt.Errorf("train: checkpoint holds a %q model, not an RBM", c.Model.Kind)
	}
	m, err := ebm.NewRBM(c.Model.Ints["visible"], c.Model.Ints["hidden"])
	if err != nil {
		return nil, nil, fmt.Errorf("train: RBM checkpoint: %w", err)
	}
	want := map[string][]float32{"W": m.W, "b_v": m.Bv, "b_h": m.Bh}
	for _, p := range c.Params {
		dst, ok := want[p.Name]
		if !ok || len(p.Data) != len(dst) {
			return nil, nil, fmt.Errorf("train: RBM checkpoint %d×%d has parameter %q with %d values",
				m.D, m.H, p.Name, len(p.Data))
		}
		copy(dst, p.Data)
		delete(want, p.Name)
	}
	if len(want) != 0 || len(c.BaseMean) != m.D {
		return nil, nil, fmt.Errorf("train: RBM checkpoint lacks parameters or has %d base means for %d units",
			len(c.BaseMean), m.D)
	}
	return m, append([]float32(nil), c.BaseMean...), nil
}
