package train

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/gwg-go/gwg/ckpt"
	"github.com/gwg-go/gwg/datasets"
	"github.com/gwg-go/gwg/ebm"
	_ "github.com/gwg-go/gwg/ebm/deep" // the mlp and resnet architectures
)

var mnist = sync.OnceValues(func() (*datasets.Set, error) { return datasets.Open("dynamic_mnist", "") })

func mnistSet(t testing.TB) *datasets.Set {
	t.Helper()
	set, err := mnist()
	if err != nil {
		t.Fatalf("dynamic MNIST (from the GoMNIST module): %v", err)
	}
	return set
}

// tinyDeep is a deep-model run small enough for a unit test.
func tinyDeep() Config {
	c := Paper("dynamic_mnist", "mlp-16x1")
	c.Steps, c.Iters, c.Batch, c.BufferSize = 3, 6, 10, 30
	c.LR, c.Warmup, c.LogEvery, c.SampleEvery, c.CheckpointEvery, c.ValidEvery = 1e-3, 2, 3, 0, 3, 0
	return c
}

func runJob(t *testing.T, cfg Config, dir string, resume *Snapshot) *Job {
	t.Helper()
	j, err := NewJob(cfg, mnistSet(t), dir, "test", resume)
	if err != nil {
		t.Fatal(err)
	}
	if err := j.Run(context.Background(), RunOptions{}); err != nil {
		t.Fatal(err)
	}
	return j
}

func TestJobResumesBitExactlyThroughFiles(t *testing.T) {
	cfg := tinyDeep()
	straightDir, splitDir := t.TempDir(), t.TempDir()
	runJob(t, cfg, straightDir, nil)

	half := cfg
	half.Iters = 3
	runJob(t, half, splitDir, nil)
	r, err := ResumeFrom(splitDir)
	if err != nil || r.Path != ckpt.PeriodicPath(splitDir, 3) {
		t.Fatalf("ResumeFrom = %+v, %v", r, err)
	}
	runJob(t, cfg, splitDir, r.Snapshot)

	a, err := ckpt.Load(ckpt.PeriodicPath(straightDir, cfg.Iters))
	if err != nil {
		t.Fatal(err)
	}
	b, err := ckpt.Load(ckpt.PeriodicPath(splitDir, cfg.Iters))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a.Params, b.Params) || !reflect.DeepEqual(a.EMA, b.EMA) ||
		!reflect.DeepEqual(a.Train.Adam, b.Train.Adam) || !reflect.DeepEqual(a.Train.Buffer, b.Train.Buffer) ||
		!reflect.DeepEqual(a.Train.RNG, b.Train.RNG) || !reflect.DeepEqual(a.BaseMean, b.BaseMean) {
		t.Fatal("6 iterations straight and 3 + resume + 3 give different checkpoints")
	}
	sa, err := FromCheckpoint(a)
	if err != nil {
		t.Fatal(err)
	}
	if sa.Config != cfg || sa.Iter != cfg.Iters || len(sa.Metrics) != 2 {
		t.Errorf("stored run: config %+v, iteration %d, %d records", sa.Config, sa.Iter, len(sa.Metrics))
	}
	// The EMA weights load into a model that samples.
	m, err := ebm.Load(a, true)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(tensorData(ebm.Tensors(m.(Model).Params(), nil)), sa.EMA) {
		t.Error("ebm.Load did not load the EMA weights")
	}
}

func TestJobValidatesAndKeepsTheBest(t *testing.T) {
	cfg := tinyDeep()
	cfg.ValidEvery, cfg.ValidAISSteps, cfg.ValidAISChains = 3, 20, 10
	dir := t.TempDir()
	j := runJob(t, cfg, dir, nil)
	var lls []float64
	for _, r := range j.Trainer.Metrics() {
		if !math.IsNaN(r.ValidLL) {
			lls = append(lls, r.ValidLL)
		}
	}
	if len(lls) != 2 {
		t.Fatalf("validation log-likelihoods %v, want two", lls)
	}
	for _, ll := range lls {
		// An untrained net on top of the data-mean base: close to the base's
		// own log-likelihood of binarised MNIST, about −206 nats.
		if ll > -150 || ll < -300 {
			t.Errorf("validation log-likelihood %.1f, implausible for a barely trained model", ll)
		}
	}
	best, err := ckpt.Load(filepath.Join(dir, ckpt.BestName))
	if err != nil {
		t.Fatal(err)
	}
	want := max(lls[0], lls[1])
	if best.Train.Best == nil || best.Train.Best.LogLik != want {
		t.Errorf("best.gwg records %+v, want log-likelihood %v", best.Train.Best, want)
	}
}

func TestJobHugeLearningRateIsCaught(t *testing.T) {
	cfg := tinyDeep()
	cfg.LR, cfg.Warmup, cfg.CheckpointEvery, cfg.Iters = 1e4, 0, 1, 20
	dir := t.TempDir()
	j, err := NewJob(cfg, mnistSet(t), dir, "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	var events []string
	err = j.Run(context.Background(), RunOptions{OnEvent: func(m string) { events = append(events, m) }})
	if !errors.Is(err, ErrDiverged) || !strings.Contains(err.Error(), "stopped after 3 rollbacks") {
		t.Fatalf("Run with lr 1e4 = %v (events %q)", err, events)
	}
	// Whatever was written is finite and within the guard's gap.
	paths, _ := ckpt.Periodic(dir)
	for _, p := range paths {
		c, err := ckpt.Load(p)
		if err != nil {
			t.Fatal(err)
		}
		m, err := ebm.Load(c, false)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range m.(Model).Params() {
			if i := nonFinite(q.Data); i >= 0 {
				t.Fatalf("%s holds %s[%d] = %v", p, q.Name, i, q.Data[i])
			}
		}
	}
}

// TestJobInterruptedLogRowsMatch: interrupted between two log records and
// resumed through the checkpoint file, a run logs the same rows as one that
// ran straight through (all but the seconds per iteration).
func TestJobInterruptedLogRowsMatch(t *testing.T) {
	cfg := tinyDeep()
	straight := runJob(t, cfg, t.TempDir(), nil)
	want, _ := straight.Trainer.Snapshot()

	dir := t.TempDir()
	j, err := NewJob(cfg, mnistSet(t), dir, "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	err = j.Run(ctx, RunOptions{OnIter: func(it int) {
		if it == 4 { // log and checkpoint every 3
			cancel()
		}
	}})
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("Run = %v, want ErrInterrupted", err)
	}
	r, err := ResumeFrom(dir)
	if err != nil || r.Path != ckpt.PeriodicPath(dir, 4) {
		t.Fatalf("ResumeFrom = %+v, %v", r, err)
	}
	resumed := runJob(t, cfg, dir, r.Snapshot)
	got, _ := resumed.Trainer.Snapshot()
	snapshotsEqual(t, want, got)
}
