package train

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/gwg-go/gwg/ckpt"
	"github.com/gwg-go/gwg/datasets"
	"github.com/gwg-go/gwg/ebm"
)

// codeSet is a small categorical data set under a built-in set's name
// (Config.Validate knows the names): 2×3 sites of 4 categories, each site
// mostly its own category.
func codeSet(name string) *datasets.Set {
	sh := datasets.Shape{Height: 2, Width: 3, Categories: 4}
	r := rand.New(rand.NewPCG(7, 8))
	split := func(split string, n int) *datasets.Split {
		sp := &datasets.Split{Dataset: name, Name: split, N: n, Shape: sh, Codes: make([]uint16, n*sh.Sites())}
		for k := range sp.Codes {
			sp.Codes[k] = uint16(k % sh.Sites() % sh.Categories)
			if r.Float64() < 0.3 {
				sp.Codes[k] = uint16(r.IntN(sh.Categories))
			}
		}
		return sp
	}
	return &datasets.Set{Name: name, Train: split("train", 40), Valid: split("valid", 10), Test: split("test", 10)}
}

// TestCategoricalShapeFlows trains a one-hot net on categorical data: the
// shape comes from the split into the model, the buffer, the sample grids
// and the checkpoint.
func TestCategoricalShapeFlows(t *testing.T) {
	set := codeSet("freyfaces")
	cfg := Paper(set.Name, "mlp-8x1")
	cfg.Steps, cfg.Iters, cfg.Batch, cfg.BufferSize = 2, 4, 10, 20
	cfg.LR, cfg.Warmup, cfg.LogEvery, cfg.SampleEvery, cfg.CheckpointEvery, cfg.ValidEvery = 1e-3, 1, 2, 2, 2, 0
	dir := t.TempDir()
	j, err := NewJob(cfg, set, dir, "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := (ebm.Domain{Sites: 6, Categories: 4, OneHot: true}); j.Model.Domain() != want {
		t.Fatalf("model domain %+v, want %+v", j.Model.Domain(), want)
	}
	if err := j.Run(context.Background(), RunOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "samples-00000004.png")); err != nil {
		t.Error(err)
	}
	c, err := ckpt.Load(ckpt.PeriodicPath(dir, 4))
	if err != nil {
		t.Fatal(err)
	}
	if want := (ckpt.Shape{Height: 2, Width: 3, Categories: 4}); c.Shape != want || c.Train.Codes.Width != 6 {
		t.Errorf("checkpoint shape %+v, buffer of %d sites", c.Shape, c.Train.Codes.Width)
	}
	m, err := ebm.Load(c, true)
	if err != nil {
		t.Fatal(err)
	}
	if m.Domain() != j.Model.Domain() {
		t.Errorf("loaded model over %+v", m.Domain())
	}
	x := make([]float32, 20*24)
	j.Trainer.Buffer().Rows(x, 20)
	for i := 0; i < len(x); i += 4 {
		if x[i]+x[i+1]+x[i+2]+x[i+3] != 1 {
			t.Fatalf("buffer site %d is not one-hot: %v", i/4, x[i:i+4])
		}
	}
	if err := j.EMASamples(filepath.Join(dir, "ema.png"), 5, 3); err != nil {
		t.Error(err)
	}
}
