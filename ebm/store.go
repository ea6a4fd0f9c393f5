package ebm

import (
	"fmt"
	"slices"

	"github.com/gwg-go/gwg/ckpt"
)

// The analytic models register their checkpoint builders here; the deep
// models register theirs from package ebm/deep.
func init() {
	Register(KindRBM, loadRBM)
	Register(KindIsing, loadIsing)
	Register(KindPotts, loadPotts)
}

// Kinds of the analytic models in checkpoints.
const (
	KindRBM   = "rbm"
	KindIsing = "ising"
	KindPotts = "potts"
)

// Params returns W (H×D), b_v and b_h; Data aliases the model's values.
func (m *RBM) Params() []*Param {
	return []*Param{
		{Name: "W", Shape: []int{m.H, m.D}, Data: m.W},
		{Name: "b_v", Shape: []int{m.D}, Data: m.Bv},
		{Name: "b_h", Shape: []int{m.H}, Data: m.Bh},
	}
}

// Spec implements Storable.
func (m *RBM) Spec() (ckpt.ModelSpec, error) {
	return ckpt.ModelSpec{Kind: KindRBM, Ints: map[string]int{"visible": m.D, "hidden": m.H}}, nil
}

func loadRBM(spec ckpt.ModelSpec, params []ckpt.Tensor, _ []float32) (Model, error) {
	d, h := spec.Ints["visible"], spec.Ints["hidden"]
	// A damaged spec must not allocate what the file does not hold.
	if len(params) != 3 || len(params[0].Data) != d*h {
		return nil, fmt.Errorf("ebm: an RBM of %d×%d units needs W, b_v and b_h with %d weights", d, h, d*h)
	}
	m, err := NewRBM(d, h)
	if err != nil {
		return nil, err
	}
	return m, SetParams(m.Params(), params)
}

// edgeTensors stores the edges of g, each once (i < j), as a [E, 2] tensor
// of site indices and a [E] tensor of weights. Site indices below 2²⁴ are
// exact in float32.
func edgeTensors(g graph) []*Param {
	var ij, w []float32
	for i := range g.sites() {
		nbr, wt := g.neighbours(i)
		for k, j := range nbr {
			if int(j) > i {
				ij, w = append(ij, float32(i), float32(j)), append(w, wt[k])
			}
		}
	}
	return []*Param{
		{Name: "edges", Shape: []int{len(w), 2}, Data: ij},
		{Name: "weights", Shape: []int{len(w)}, Data: w},
	}
}

// edgesOf reads back what edgeTensors stored, followed by the bias tensor
// of biasLen values.
func edgesOf(params []ckpt.Tensor, biasLen int) ([]IsingEdge, []float32, error) {
	if len(params) != 3 || params[0].Name != "edges" || params[1].Name != "weights" || params[2].Name != "bias" ||
		len(params[0].Data) != 2*len(params[1].Data) || len(params[2].Data) != biasLen {
		return nil, nil, fmt.Errorf("ebm: want the parameters edges [E, 2], weights [E] and bias [%d]", biasLen)
	}
	ij, w := params[0].Data, params[1].Data
	edges := make([]IsingEdge, len(w))
	for e := range edges {
		edges[e] = IsingEdge{I: int(ij[2*e]), J: int(ij[2*e+1]), Weight: w[e]}
	}
	return edges, params[2].Data, nil
}

// Params returns the edges, their weights and the biases as tensors (copies).
func (m *Ising) Params() []*Param {
	return append(edgeTensors(m.g), &Param{Name: "bias", Shape: []int{len(m.bias)}, Data: slices.Clone(m.bias)})
}

// Spec implements Storable.
func (m *Ising) Spec() (ckpt.ModelSpec, error) {
	return ckpt.ModelSpec{Kind: KindIsing, Ints: map[string]int{"sites": m.g.sites()}}, nil
}

func loadIsing(spec ckpt.ModelSpec, params []ckpt.Tensor, _ []float32) (Model, error) {
	d := spec.Ints["sites"]
	edges, bias, err := edgesOf(params, d)
	if err != nil {
		return nil, err
	}
	return NewIsing(d, edges, bias)
}

// Params returns the edges, their weights and the biases as tensors (copies).
func (m *Potts) Params() []*Param {
	return append(edgeTensors(m.g), &Param{Name: "bias", Shape: []int{m.g.sites(), m.k}, Data: slices.Clone(m.bias)})
}

// Spec implements Storable.
func (m *Potts) Spec() (ckpt.ModelSpec, error) {
	return ckpt.ModelSpec{Kind: KindPotts, Ints: map[string]int{"sites": m.g.sites(), "categories": m.k},
		Floats: map[string]float64{"sigma": m.sigma}}, nil
}

func loadPotts(spec ckpt.ModelSpec, params []ckpt.Tensor, _ []float32) (Model, error) {
	d, k := spec.Ints["sites"], spec.Ints["categories"]
	edges, bias, err := edgesOf(params, d*k)
	if err != nil {
		return nil, err
	}
	return NewPotts(d, k, edges, spec.Floats["sigma"], bias)
}
