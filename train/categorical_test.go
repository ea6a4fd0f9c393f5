package train

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/gwg-go/gwg/ckpt"
	"github.com/gwg-go/gwg/internal/chains"
)

// tinyCategorical is a one-hot deep-model run small enough for a unit test,
// with validation (AIS from the categorical base) and sample grids on.
func tinyCategorical() Config {
	c := Paper("freyfaces", "mlp-8x1")
	c.Steps, c.Iters, c.Batch, c.BufferSize = 3, 6, 10, 30
	c.LR, c.Warmup, c.LogEvery, c.SampleEvery, c.CheckpointEvery = 1e-3, 2, 3, 3, 3
	c.ValidEvery, c.ValidAISSteps, c.ValidAISChains = 3, 20, 10
	return c
}

func runCodeJob(t *testing.T, cfg Config, dir string, resume *Snapshot) *Job {
	t.Helper()
	j, err := NewJob(cfg, codeSet("freyfaces"), dir, "test", resume)
	if err != nil {
		t.Fatal(err)
	}
	if err := j.Run(context.Background(), RunOptions{}); err != nil {
		t.Fatal(err)
	}
	return j
}

// TestCategoricalJobResumesBitExactly trains a one-hot mlp on categorical
// data through checkpoint files, 6 iterations straight against 3 + resume +
// 3, and checks that the buffer is stored as one byte per site, that
// validation gives a finite log-likelihood and that the sample grids are
// written.
func TestCategoricalJobResumesBitExactly(t *testing.T) {
	cfg := tinyCategorical()
	straightDir, splitDir := t.TempDir(), t.TempDir()
	j := runCodeJob(t, cfg, straightDir, nil)

	half := cfg
	half.Iters = 3
	runCodeJob(t, half, splitDir, nil)
	r, err := ResumeFrom(splitDir)
	if err != nil {
		t.Fatal(err)
	}
	runCodeJob(t, cfg, splitDir, r.Snapshot)

	a, err := ckpt.Load(ckpt.PeriodicPath(straightDir, cfg.Iters))
	if err != nil {
		t.Fatal(err)
	}
	b, err := ckpt.Load(ckpt.PeriodicPath(splitDir, cfg.Iters))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		x, y any
	}{
		{"parameters", a.Params, b.Params}, {"EMA", a.EMA, b.EMA}, {"Adam", a.Train.Adam, b.Train.Adam},
		{"buffer", a.Train.Codes, b.Train.Codes}, {"random state", a.Train.RNG, b.Train.RNG}, {"best", a.Train.Best, b.Train.Best},
	} {
		if !reflect.DeepEqual(c.x, c.y) {
			t.Errorf("6 iterations straight and 3 + resume + 3 give different %s", c.name)
		}
	}
	codes := a.Train.Codes
	if len(a.Train.Buffer.Data) != 0 || codes.Rows != cfg.BufferSize || codes.Width != 6 || codes.Categories != 4 {
		t.Errorf("buffer stored as %d bytes of bits and %d×%d codes of %d categories; want codes only, %d×6 of 4",
			len(a.Train.Buffer.Data), codes.Rows, codes.Width, codes.Categories, cfg.BufferSize)
	}
	if n := chains.BufferRows(a); n != cfg.BufferSize {
		t.Errorf("chains.BufferRows = %d, want %d", n, cfg.BufferSize)
	}
	if a.Shape != (ckpt.Shape{Height: 2, Width: 3, Categories: 4}) {
		t.Errorf("checkpoint shape %+v", a.Shape)
	}
	var lls []float64
	for _, rec := range j.Trainer.Metrics() {
		if !math.IsNaN(rec.ValidLL) {
			lls = append(lls, rec.ValidLL)
		}
	}
	// Six sites of four categories: the uniform distribution gives
	// 6·ln 4 ≈ 8.3 nats; a barely trained net over the data's own marginals
	// does better.
	if len(lls) != 2 || lls[1] > 0 || lls[1] < -6*math.Log(4) {
		t.Errorf("validation log-likelihoods %v, want two between −8.3 and 0", lls)
	}
	for _, it := range []int{3, 6} {
		if _, err := os.Stat(filepath.Join(straightDir, "samples-0000000"+string(rune('0'+it))+".png")); err != nil {
			t.Errorf("sample grid of iteration %d: %v", it, err)
		}
	}
	// Chains restart from the stored buffer exactly as the trainer holds it.
	dom := j.Model.Domain()
	x, err := chains.Start(a, dom, 4, chains.FromBuffer, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := make([]float32, len(x))
	j.Trainer.Buffer().Rows(want, 4)
	if !reflect.DeepEqual(x, want) {
		t.Error("chains.Start from the code buffer differs from the trainer's buffer")
	}
	if _, err := chains.Start(a, dom, 4, chains.FromBase, rand.New(rand.NewPCG(1, 1))); err != nil {
		t.Error(err)
	}
}
