package ebm

import (
	"fmt"

	"github.com/gwg-go/gwg/ckpt"
)

// KindPairwise is the checkpoint kind of Pairwise models.
const KindPairwise = "pairwise"

func init() { Register(KindPairwise, loadPairwise) }

// Params returns J (W×W) and b (W); Data aliases the model's values, so a
// caller that writes to them must call Changed.
func (m *Pairwise) Params() []*Param {
	return []*Param{
		{Name: "J", Shape: []int{m.w, m.w}, Data: m.j},
		{Name: "bias", Shape: []int{m.w}, Data: m.bias},
	}
}

// Spec implements Storable: the sites, the categories and whether states
// are one-hot (Potts) or binary (Ising).
func (m *Pairwise) Spec() (ckpt.ModelSpec, error) {
	onehot := 0
	if m.dom.OneHot {
		onehot = 1
	}
	return ckpt.ModelSpec{Kind: KindPairwise, Ints: map[string]int{"sites": m.dom.Sites, "categories": m.dom.Categories, "onehot": onehot}}, nil
}

func loadPairwise(spec ckpt.ModelSpec, params []ckpt.Tensor, _ []float32) (Model, error) {
	d, k := spec.Ints["sites"], spec.Ints["categories"]
	dom := Domain{Sites: d, Categories: k, OneHot: spec.Ints["onehot"] == 1}
	if err := dom.Validate(); err != nil {
		return nil, err
	}
	w := dom.Width()
	if len(params) != 2 || params[0].Name != "J" || params[1].Name != "bias" || len(params[0].Data) != w*w || len(params[1].Data) != w {
		return nil, fmt.Errorf("ebm: pairwise model of width %d: want the parameters J [%d, %d] and bias [%d]", w, w, w, w)
	}
	return newPairwise(dom, params[0].Data, params[1].Data)
}
