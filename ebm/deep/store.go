package deep

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/gwg-go/gwg/ckpt"
	"github.com/gwg-go/gwg/ebm"
	"github.com/gwg-go/gwg/nn"
)

// Kind is the ckpt.ModelSpec kind of the deep models.
const Kind = "deep"

func init() {
	ebm.Register(Kind, load)
	ebm.RegisterArch(nn.MLP, arch{})
	ebm.RegisterArch(nn.ResNet, arch{})
}

// arch makes the nets of package nn, by the names nn.Parse reads.
type arch struct{}

func (arch) Check(name string) error {
	_, err := nn.Parse(name, 1, 2)
	return err
}

// New builds the net called name for in over the base distribution of the
// data mean squeezed as the paper does (ebm.BaseMean). A resnet sees the
// sites as in's Height × Width image.
func (arch) New(name string, in ebm.Input, rng *rand.Rand) (ebm.Trainable, error) {
	dom := in.Domain
	// nn.Parse would see a square image; the data's own shape replaces it.
	c, err := nn.Parse(name, 1, dom.Categories)
	if err != nil {
		return nil, err
	}
	c.Sites = dom.Sites
	if c.Arch == nn.ResNet {
		c.Height, c.Side = in.Height, in.Width
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return New(c, ebm.BaseMean(dom, in.DataMean), rng)
}

// Spec implements ebm.Storable: the net's nn.Config, field by field under
// its msgpack names, and its name as the Arch.
func (d *Model) Spec() (ckpt.ModelSpec, error) {
	c := d.Config()
	s := ckpt.ModelSpec{Kind: Kind, Arch: c.String()}
	if err := s.SetConfig(c); err != nil {
		return ckpt.ModelSpec{}, err
	}
	return s, nil
}

// load rebuilds a deep model. Checkpoints written before the configuration
// was stored by its msgpack names lack "arch"; it is the family of the
// architecture's name.
func load(spec ckpt.ModelSpec, params []ckpt.Tensor, baseMean []float32) (ebm.Model, error) {
	var c nn.Config
	if err := spec.DecodeConfig(&c); err != nil {
		return nil, err
	}
	if c.Arch == "" {
		c.Arch, _, _ = strings.Cut(spec.Arch, "-")
	}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("%q: %w", spec.Arch, err)
	}
	// A damaged spec must not make the net allocate what the file does not
	// hold: the stored values are counted first.
	var stored int64
	for i := range params {
		stored += int64(len(params[i].Data))
	}
	if want := c.NumParams(); want != stored {
		return nil, fmt.Errorf("%s needs %d parameter values, the checkpoint holds %d", c, want, stored)
	}
	// The initial weights are overwritten; any seed does.
	m, err := New(c, baseMean, rand.New(rand.NewPCG(0, 0)))
	if err != nil {
		return nil, err
	}
	if err := ebm.SetParams(m.Params(), params); err != nil {
		return nil, err
	}
	return m, nil
}
