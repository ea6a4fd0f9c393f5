package deep

import (
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gwg-go/gwg/ckpt"
	"github.com/gwg-go/gwg/ebm"
)

// oldDemo is the demo checkpoint as committed on 2026-11-25, written before
// the net configuration was stored by its msgpack names; users have files
// like it.
var oldDemo = filepath.Join("testdata", "demo-2026-11-25.gwg")

// TestLoadDemoCheckpoint reads an old demo checkpoint, stores it again the
// current way and checks that both give the same model.
func TestLoadDemoCheckpoint(t *testing.T) {
	c, err := ckpt.Load(oldDemo)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Model.Strings["arch"]; ok {
		t.Fatal("the demo checkpoint is no longer an old one; this test needs one")
	}
	m, err := ebm.Load(c, true)
	if err != nil {
		t.Fatal(err)
	}
	d := m.(*Model)
	if want := (ebm.Domain{Sites: 784, Categories: 2}); d.Domain() != want || d.Config().String() != "mlp-64" {
		t.Fatalf("loaded %v over %+v", d.Config(), d.Domain())
	}
	spec, err := d.Spec()
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range spec.Ints {
		if c.Model.Ints[k] != v {
			t.Errorf("spec int %s = %d, the old checkpoint's %d", k, v, c.Model.Ints[k])
		}
	}
	if spec.Strings["arch"] != "mlp" || spec.Arch != c.Model.Arch {
		t.Errorf("spec %+v", spec)
	}
	again := *c
	again.Model = spec
	m2, err := ebm.Load(&again, true)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	x := deepStates(rng, 10, d.Domain())
	f1, f2 := make([]float64, 10), make([]float64, 10)
	if err := m.LogProb(f1, x); err != nil {
		t.Fatal(err)
	}
	if err := m2.LogProb(f2, x); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(f1, f2) {
		t.Errorf("f %v from the old spec, %v from the new", f1[:3], f2[:3])
	}
}

// TestArchitectures builds nets by name through the registry, for binary
// and one-hot data and a non-square image, and round-trips each through its
// spec.
func TestArchitectures(t *testing.T) {
	for _, tc := range []struct {
		name          string
		dom           ebm.Domain
		height, width int
	}{
		{"mlp-8x2", ebm.Domain{Sites: 6, Categories: 2}, 2, 3},
		{"mlp-5x1", ebm.Domain{Sites: 4, Categories: 3, OneHot: true}, 1, 4},
		{"resnet-4x1", ebm.Domain{Sites: 24, Categories: 2}, 4, 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := ebm.CheckArch(tc.name); err != nil {
				t.Fatal(err)
			}
			mean := make([]float32, tc.dom.Width())
			for i := range mean {
				mean[i] = 0.5
			}
			in := ebm.Input{Domain: tc.dom, Height: tc.height, Width: tc.width, DataMean: mean}
			m, err := ebm.NewTrainable(tc.name, in, rand.New(rand.NewPCG(3, 4)))
			if err != nil {
				t.Fatal(err)
			}
			d := m.(*Model)
			if d.Domain() != tc.dom || d.Config().String() != tc.name {
				t.Fatalf("built %v over %+v", d.Config(), d.Domain())
			}
			if c := d.Config(); c.Arch == "resnet" && (c.Height != tc.height || c.Side != tc.width) {
				t.Errorf("resnet sees a %d×%d image, want %d×%d", c.Height, c.Side, tc.height, tc.width)
			}
			spec, err := d.Spec()
			if err != nil {
				t.Fatal(err)
			}
			c := &ckpt.Checkpoint{Model: spec, Params: ebm.Tensors(d.Params(), nil), BaseMean: d.Mu()}
			back, err := ebm.Load(c, false)
			if err != nil {
				t.Fatal(err)
			}
			if back.(*Model).Config() != d.Config() {
				t.Errorf("config %+v came back as %+v", d.Config(), back.(*Model).Config())
			}
		})
	}
	// A spec whose net is larger than the stored parameters is refused
	// before the net is built.
	c, err := ckpt.Load(oldDemo)
	if err != nil {
		t.Fatal(err)
	}
	c.Model.Ints["width"] = 1 << 28
	if _, err := ebm.Load(c, true); err == nil || !strings.Contains(err.Error(), "parameter values") {
		t.Errorf("a spec of a huge net loaded: %v", err)
	}
	for _, bad := range []string{"mlp", "mlp-0", "resnet-4x", "transformer-8"} {
		if err := ebm.CheckArch(bad); err == nil {
			t.Errorf("CheckArch(%q) accepted", bad)
		}
	}
}
