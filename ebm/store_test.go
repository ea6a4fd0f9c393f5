package ebm

import (
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gwg-go/gwg/ckpt"
)

// TestStoreRoundTrip saves each analytic model in a checkpoint file, loads
// it back through the registry and compares f on random states.
func TestStoreRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	rbm, err := NewRandomRBM(7, 3, rng)
	if err != nil {
		t.Fatal(err)
	}
	ising, err := NewIsing(4, []IsingEdge{{0, 1, 0.5}, {1, 2, -0.25}, {3, 0, 1}}, []float32{0.1, -0.2, 0.3, 0})
	if err != nil {
		t.Fatal(err)
	}
	potts, err := NewLatticePotts(3, 3, 0.1, 0.2)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []Storable{rbm, ising, potts} {
		spec, _ := m.Spec()
		t.Run(spec.Kind, func(t *testing.T) {
			c, err := NewCheckpoint(m, nil, "toy", ckpt.Shape{Height: 1, Width: m.Domain().Sites, Categories: m.Domain().Categories}, "test")
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "m.gwg")
			if err := ckpt.Save(path, c); err != nil {
				t.Fatal(err)
			}
			if c, err = ckpt.Load(path); err != nil {
				t.Fatal(err)
			}
			got, err := Load(c, true)
			if err != nil {
				t.Fatal(err)
			}
			if got.Domain() != m.Domain() {
				t.Fatalf("domain %+v, want %+v", got.Domain(), m.Domain())
			}
			x := randomStates(m.Domain(), 20, false, rng)
			f, g := make([]float64, 20), make([]float64, 20)
			if err := m.LogProb(f, x); err != nil {
				t.Fatal(err)
			}
			if err := got.LogProb(g, x); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(f, g) {
				t.Errorf("f changed in a checkpoint round trip: %v, want %v", g[:3], f[:3])
			}
			c.Params = c.Params[:len(c.Params)-1]
			if _, err := Load(c, true); err == nil {
				t.Error("checkpoint without its last parameter accepted")
			}
		})
	}
}

func TestLoadUnknownKind(t *testing.T) {
	_, err := Load(&ckpt.Checkpoint{Model: ckpt.ModelSpec{Kind: "transformer"}}, true)
	if err == nil || !strings.Contains(err.Error(), `"transformer"`) || !strings.Contains(err.Error(), "rbm") {
		t.Errorf("Load of an unknown kind: %v", err)
	}
	if err := CheckArch("mlp-256"); err == nil {
		t.Error("CheckArch accepts a family nobody registered in this test binary")
	}
}
