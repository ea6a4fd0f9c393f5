package train

import (
	"slices"
	"strings"
	"testing"

	"github.com/gwg-go/gwg/datasets"
)

// TestProjLevels checks that --proj-init levels puts the ramp −1 … +1 over
// the categories into the first projection feature of both the model and
// its EMA, leaves every other weight as the random initialisation draws it,
// and is refused for a binary model and in other spellings.
func TestProjLevels(t *testing.T) {
	set := codeSet("freyfaces")
	cfg := tinyCategorical()
	plain, err := NewJob(cfg, set, t.TempDir(), "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg.ProjInit = ProjLevels
	j, err := NewJob(cfg, set, t.TempDir(), "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{-1, -1.0 / 3, 1.0 / 3, 1} // K = 4
	ema := j.Trainer.EMA().Avg
	found := false
	for i, p := range j.Model.Params() {
		q := plain.Model.Params()[i]
		if p.Name != projParam {
			if !slices.Equal(p.Data, q.Data) {
				t.Errorf("%s differs from the random initialisation", p.Name)
			}
			continue
		}
		found = true
		proj := p.Shape[1]
		for c := range 4 {
			for f := range proj {
				got, w := p.Data[c*proj+f], q.Data[c*proj+f]
				if f == 0 {
					w = want[c]
				}
				if d := got - w; d > 1e-7 || d < -1e-7 {
					t.Errorf("proj.w[%d, %d] = %v, want %v", c, f, got, w)
				}
			}
		}
		if !slices.Equal(ema[i], p.Data) {
			t.Errorf("EMA of %s = %v, want the ramped weights %v", p.Name, ema[i], p.Data)
		}
	}
	if !found {
		t.Fatalf("no %s among the parameters", projParam)
	}

	binary := Paper("dynamic_mnist", "mlp-8x1")
	binary.ProjInit = ProjLevels
	binary.Batch, binary.BufferSize = 10, 20
	if _, err := NewJob(binary, &datasets.Set{Name: "dynamic_mnist", Train: probSplit(20, 1)}, t.TempDir(), "test", nil); err == nil ||
		!strings.Contains(err.Error(), "needs a categorical model") {
		t.Errorf("binary model with levels: %v, want a categorical-model error", err)
	}
	cfg.ProjInit = "ramp"
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), `projection initialisation "ramp"`) {
		t.Errorf("ProjInit ramp: %v", err)
	}
}
