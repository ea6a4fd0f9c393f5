package train

import (
	"context"
	"encoding/gob"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gwg-go/gwg/ckpt"
	"github.com/gwg-go/gwg/datasets"
)

func TestBufferPickDistinct(t *testing.T) {
	for _, tt := range []struct{ rows, batch int }{{10, 1}, {10, 4}, {10, 6}, {10, 10}, {1000, 100}} {
		b, err := NewBuffer(tt.rows, 3)
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(1, 2))
		idx := make([]int, tt.batch)
		counts := make([]int, tt.rows)
		for range 200 {
			if err := b.Pick(idx, rng); err != nil {
				t.Fatal(err)
			}
			seen := map[int]bool{}
			for _, i := range idx {
				if i < 0 || i >= tt.rows || seen[i] {
					t.Fatalf("rows %d batch %d: bad or repeated index %d in %v", tt.rows, tt.batch, i, idx)
				}
				seen[i] = true
				counts[i]++
			}
		}
		if tt.rows <= 10 {
			for i, c := range counts {
				if c == 0 {
					t.Errorf("rows %d batch %d: row %d never drawn", tt.rows, tt.batch, i)
				}
			}
		}
	}
	b, _ := NewBuffer(3, 1)
	if err := b.Pick(make([]int, 4), rand.New(rand.NewPCG(1, 1))); err == nil {
		t.Error("picking 4 distinct rows of 3 did not fail")
	}
}

func TestBufferGatherScatterReinit(t *testing.T) {
	b, _ := NewBuffer(4, 2)
	copy(b.Data(), []float32{0, 1, 2, 3, 4, 5, 6, 7})
	dst := make([]float32, 4)
	b.Gather(dst, []int{3, 1})
	if want := []float32{6, 7, 2, 3}; !reflect.DeepEqual(dst, want) {
		t.Fatalf("Gather = %v, want %v", dst, want)
	}
	b.Scatter([]int{0, 2}, []float32{9, 9, 8, 8})
	if want := []float32{9, 9, 2, 3, 8, 8, 6, 7}; !reflect.DeepEqual(b.Data(), want) {
		t.Fatalf("Scatter gave %v, want %v", b.Data(), want)
	}
	ones := func(rows []float32, _ *rand.Rand) error {
		for i := range rows {
			rows[i] = 1
		}
		return nil
	}
	batch := []float32{0, 0, 0, 0}
	n, err := b.Reinit(batch, 1, ones, rand.New(rand.NewPCG(1, 1)))
	if err != nil || n != 2 || !reflect.DeepEqual(batch, []float32{1, 1, 1, 1}) {
		t.Fatalf("Reinit(p=1) = %d, %v; batch %v", n, err, batch)
	}
	if n, _ := b.Reinit(batch, 0, nil, nil); n != 0 {
		t.Fatalf("Reinit(p=0) replaced %d rows", n)
	}
}

func TestAdamFirstStepsByHand(t *testing.T) {
	m := newFieldModel(2)
	p := m.Params()
	a := NewAdam(p)
	copy(p[0].Grad, []float32{0.5, -2})
	if err := a.Step(p, 0.1); err != nil {
		t.Fatal(err)
	}
	// After one step m̂ = g and v̂ = g², so every weight moves by lr against
	// the sign of its gradient.
	for i, want := range []float64{-0.1, 0.1} {
		if got := float64(p[0].Data[i]); math.Abs(got-want) > 1e-6 {
			t.Errorf("after one step θ[%d] = %v, want %v", i, got, want)
		}
	}
	// Second step with gradient g2: m̂ = (0.9·0.1·g1 + 0.1·g2)/(1 − 0.81)…
	g1, g2 := 0.5, 1.5
	p[0].Grad[0] = float32(g2)
	if err := a.Step(p, 0.1); err != nil {
		t.Fatal(err)
	}
	mh := (0.9*0.1*g1 + 0.1*g2) / (1 - 0.9*0.9)
	vh := (0.999*0.001*g1*g1 + 0.001*g2*g2) / (1 - 0.999*0.999)
	want := -0.1 - 0.1*mh/(math.Sqrt(vh)+1e-8)
	if got := float64(p[0].Data[0]); math.Abs(got-want) > 1e-6 {
		t.Errorf("after two steps θ[0] = %v, want %v", got, want)
	}
}

func TestLearningRate(t *testing.T) {
	for _, tt := range []struct {
		warmup, iter int
		want         float64
	}{{0, 0, 1}, {4, 0, 0.25}, {4, 1, 0.5}, {4, 3, 1}, {4, 100, 1}} {
		if got := LearningRate(1, tt.warmup, tt.iter); math.Abs(got-tt.want) > 1e-15 {
			t.Errorf("LearningRate(1, %d, %d) = %v, want %v", tt.warmup, tt.iter, got, tt.want)
		}
	}
}

func TestEMA(t *testing.T) {
	m := newFieldModel(1)
	e := NewEMA(m.Params(), 0.5)
	m.b.Data[0] = 4
	e.Update(m.Params())
	e.Update(m.Params())
	if got := e.Avg[0][0]; got != 3 {
		t.Fatalf("EMA after two updates towards 4 from 0 = %v, want 3", got)
	}
	other := newFieldModel(1)
	if err := e.CopyTo(other.Params()); err != nil || other.b.Data[0] != 3 {
		t.Fatalf("CopyTo: %v, %v", err, other.b.Data)
	}
	if err := e.CopyTo(newFieldModel(2).Params()); err == nil {
		t.Error("CopyTo a model of another shape did not fail")
	}
}

func TestConfigValidate(t *testing.T) {
	good := testConfig()
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		edit func(*Config)
	}{
		{"no steps", func(c *Config) { c.Steps = 0 }},
		{"buffer below batch", func(c *Config) { c.BufferSize = c.Batch - 1 }},
		{"unknown init", func(c *Config) { c.BufferInit = "zeros" }},
		{"negative lr", func(c *Config) { c.LR = -1 }},
		{"ema 1", func(c *Config) { c.EMADecay = 1 }},
		{"rollback factor 1", func(c *Config) { c.RollbackFactor = 1 }},
		{"unknown data set", func(c *Config) { c.Dataset = "cifar" }},
		{"unknown model", func(c *Config) { c.Model = "transformer-8" }},
		{"unknown sampler", func(c *Config) { c.Sampler = "hmc" }},
	} {
		c := good
		tt.edit(&c)
		if err := c.Validate(); err == nil {
			t.Errorf("%s: Validate accepted it", tt.name)
		}
	}
	for _, name := range PresetNames() {
		c, err := Preset(name, "dynamic_mnist", "mlp-256")
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Validate(); err != nil {
			t.Errorf("preset %s: %v", name, err)
		}
	}
	if _, err := Preset("nope", "x", "y"); err == nil {
		t.Error("unknown preset accepted")
	}
}

// testConfig is a run of fieldModel with exactSampler; the names only
// have to pass Validate, the tests pass the model and sampler themselves.
func testConfig() Config {
	return Config{
		Dataset: "dynamic_mnist", Model: "mlp-1", Sampler: "gibbs",
		Steps: 2, Iters: 40, Batch: 8, Seed: 7,
		BufferSize: 32, BufferInit: InitBase, ReinitFreq: 0.05,
		LR: 0.05, Warmup: 5, EMADecay: 0.9,
		LogEvery: 5, CheckpointEvery: 10, Keep: 2,
		MaxGap: 1e3, MaxRollbacks: 2, RollbackFactor: 0.5,
	}
}

func newTestTrainer(t *testing.T, cfg Config) *Trainer {
	t.Helper()
	set := &datasets.Set{Train: probSplit(40, 3)}
	tr, err := New(cfg, newFieldModel(datasets.Dim), set.Train, set.Mean(), exactFactory)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// gobSave and gobLoad stand in for the checkpoint format: the test is about
// what the trainer saves and restores, not about the file format.
func gobSave(path string, s *Snapshot) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := gob.NewEncoder(f).Encode(s); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func gobLoad(t *testing.T, path string) *Snapshot {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var s Snapshot
	if err := gob.NewDecoder(f).Decode(&s); err != nil {
		t.Fatal(err)
	}
	return &s
}

func TestTrainingFitsTheField(t *testing.T) {
	if testing.Short() {
		t.Skip("long empirical run: skipped under -short (make test runs it)")
	}
	cfg := testConfig()
	cfg.Iters, cfg.BufferSize, cfg.Batch, cfg.Steps = 600, 200, 40, 1
	cfg.LR, cfg.Warmup, cfg.EMADecay, cfg.ReinitFreq = 0.04, 20, 0.98, 0
	cfg.LogEvery, cfg.CheckpointEvery = 100, 0
	tr := newTestTrainer(t, cfg)
	if err := tr.Run(context.Background(), RunOptions{Dir: t.TempDir(), Save: gobSave}); err != nil {
		t.Fatal(err)
	}
	// The maximum-likelihood field of independent bits is the logit of each
	// pixel's mean.
	set := &datasets.Set{Train: probSplit(40, 3)}
	for i, m := range set.Mean() {
		want := math.Log(float64(m) / (1 - float64(m)))
		if got := float64(tr.EMA().Avg[0][i]); math.Abs(got-want) > 0.35 {
			t.Errorf("b[%d] = %.3f, want logit(%.3f) = %.3f", i, got, m, want)
		}
	}
}

func snapshotsEqual(t *testing.T, a, b *Snapshot) {
	t.Helper()
	for _, c := range []struct {
		name string
		x, y any
	}{
		{"iteration", a.Iter, b.Iter}, {"parameters", a.Params, b.Params}, {"EMA", a.EMA, b.EMA},
		{"Adam steps", a.AdamSteps, b.AdamSteps}, {"Adam m", a.AdamM, b.AdamM}, {"Adam v", a.AdamV, b.AdamV},
		{"buffer", a.Buffer, b.Buffer}, {"random state", a.RNG, b.RNG}, {"config", a.Config, b.Config},
	} {
		if !reflect.DeepEqual(c.x, c.y) {
			t.Errorf("%s differs between the runs", c.name)
		}
	}
	if len(a.Metrics) != len(b.Metrics) {
		t.Fatalf("%d metrics records against %d", len(a.Metrics), len(b.Metrics))
	}
	for i := range a.Metrics {
		ra, rb := a.Metrics[i], b.Metrics[i]
		if ra.Iter != rb.Iter || ra.FData != rb.FData || ra.FSamples != rb.FSamples || ra.Hops != rb.Hops ||
			ra.Accept != rb.Accept || ra.LR != rb.LR {
			t.Errorf("metrics record %d: %v against %v", i, ra, rb)
		}
	}
}

func TestResumeIsBitExact(t *testing.T) {
	cfg := testConfig()
	straightDir, splitDir := t.TempDir(), t.TempDir()
	straight := newTestTrainer(t, cfg)
	if err := straight.Run(context.Background(), RunOptions{Dir: straightDir, Save: gobSave}); err != nil {
		t.Fatal(err)
	}

	half := cfg
	half.Iters = cfg.Iters / 2
	first := newTestTrainer(t, half)
	if err := first.Run(context.Background(), RunOptions{Dir: splitDir, Save: gobSave}); err != nil {
		t.Fatal(err)
	}
	latest, err := ckpt.Latest(splitDir)
	if err != nil || latest != ckpt.PeriodicPath(splitDir, half.Iters) {
		t.Fatalf("Latest = %q, %v", latest, err)
	}
	s := gobLoad(t, latest)
	s.Config.Iters = cfg.Iters
	second := newTestTrainer(t, cfg) // fresh model and buffer, overwritten by Restore
	if err := second.Restore(s); err != nil {
		t.Fatal(err)
	}
	if err := second.Run(context.Background(), RunOptions{Dir: splitDir, Save: gobSave}); err != nil {
		t.Fatal(err)
	}
	snapshotsEqual(t, gobLoad(t, ckpt.PeriodicPath(straightDir, cfg.Iters)), gobLoad(t, ckpt.PeriodicPath(splitDir, cfg.Iters)))
	paths, _ := ckpt.Periodic(splitDir)
	if len(paths) != cfg.Keep {
		t.Errorf("%d checkpoints kept, want %d: %v", len(paths), cfg.Keep, paths)
	}
}

func TestInterruptSavesAndResumes(t *testing.T) {
	cfg := testConfig()
	straight := newTestTrainer(t, cfg)
	if err := straight.Run(context.Background(), RunOptions{Dir: t.TempDir(), Save: gobSave}); err != nil {
		t.Fatal(err)
	}
	want, _ := straight.Snapshot()

	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	tr := newTestTrainer(t, cfg)
	err := tr.Run(ctx, RunOptions{Dir: dir, Save: gobSave, OnIter: func(it int) {
		if it == 13 { // between checkpoints, as a Ctrl-C would be
			cancel()
		}
	}})
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("Run after cancel = %v, want ErrInterrupted", err)
	}
	latest, _ := ckpt.Latest(dir)
	if latest != ckpt.PeriodicPath(dir, 13) {
		t.Fatalf("latest checkpoint after interrupt %q, want iteration 13", latest)
	}
	resumed := newTestTrainer(t, cfg)
	if err := resumed.Restore(gobLoad(t, latest)); err != nil {
		t.Fatal(err)
	}
	if err := resumed.Run(context.Background(), RunOptions{Dir: dir, Save: gobSave}); err != nil {
		t.Fatal(err)
	}
	got, _ := resumed.Snapshot()
	// The record at iteration 15 averages iterations 11–15 in both runs,
	// although the interrupted one stopped at 13.
	snapshotsEqual(t, want, got)
}

func TestDivergenceGuardGivesUp(t *testing.T) {
	cfg := testConfig()
	cfg.Warmup, cfg.MaxGap, cfg.CheckpointEvery, cfg.LogEvery = 0, 50, 2, 1
	dir := t.TempDir()
	// Healthy until iteration 3, then the learning rate explodes: the guard
	// must keep the checkpoint of iteration 2 and roll back to it.
	tr := newTestTrainer(t, cfg)
	tr.cfg.LR = 1e-3
	var events []string
	o := RunOptions{Dir: dir, Save: gobSave, OnEvent: func(m string) { events = append(events, m) },
		OnIter: func(it int) {
			if it == 3 {
				tr.cfg.LR = 1e5
			}
		}}
	err := tr.Run(context.Background(), o)
	if err == nil || !errors.Is(err, ErrDiverged) {
		t.Fatalf("Run with lr 1e5 = %v, want ErrDiverged", err)
	}
	for _, want := range []string{"training diverged", "stopped after 2 rollbacks", "ckpt-00000002.gwg (iteration 2)"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	rolled := 0
	for _, e := range events {
		if strings.Contains(e, "rolled back to iteration 2") {
			rolled++
		}
	}
	if rolled != cfg.MaxRollbacks {
		t.Errorf("%d rollbacks reported, want %d: %q", rolled, cfg.MaxRollbacks, events)
	}
	latest, _ := ckpt.Latest(dir)
	if latest != ckpt.PeriodicPath(dir, 2) {
		t.Fatalf("latest checkpoint %q, want the good one of iteration 2", latest)
	}
	s := gobLoad(t, latest)
	for _, b := range s.Params[0] {
		if math.Abs(float64(b)) > 1 {
			t.Fatalf("the kept checkpoint holds a diverged weight %v", s.Params[0])
		}
	}
	// Iteration 3 ran three times; the log keeps it once.
	csv, err := os.ReadFile(filepath.Join(dir, MetricsName))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(string(csv), "\n"); got != 1+3 {
		t.Errorf("metrics.csv has %d lines after the rollbacks, want 4:\n%s", got, csv)
	}
}

func TestDivergenceGuardRecovers(t *testing.T) {
	cfg := testConfig()
	// Adam moves each of the 784 weights by about lr per step, and the means
	// of data and samples differ by some tenths per pixel: a gap limit of 100
	// stops lr 50 at once and lets one of about 0.1 through.
	cfg.LR, cfg.Warmup, cfg.MaxGap, cfg.MaxRollbacks, cfg.RollbackFactor = 50, 0, 100, 4, 0.125
	cfg.Iters, cfg.CheckpointEvery = 60, 5
	tr := newTestTrainer(t, cfg)
	var events []string
	err := tr.Run(context.Background(), RunOptions{Dir: t.TempDir(), Save: gobSave,
		OnEvent: func(m string) { events = append(events, m) }})
	if err != nil {
		t.Fatalf("Run: %v (events %q)", err, events)
	}
	if tr.rollbacks == 0 || tr.peakLR() >= cfg.LR || tr.Config() != cfg {
		t.Fatalf("after %d rollbacks: lr %g, config %+v (events %q)", tr.rollbacks, tr.peakLR(), tr.Config(), events)
	}
	if tr.Iter() != cfg.Iters {
		t.Fatalf("stopped at iteration %d", tr.Iter())
	}
}

func TestMetricsFiles(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig()
	cfg.SampleEvery = 20
	tr := newTestTrainer(t, cfg)
	var records []Record
	err := tr.Run(context.Background(), RunOptions{Dir: dir, Save: gobSave,
		OnRecord: func(r Record) { records = append(records, r) },
		Validate: func(*Trainer) (float64, error) { return -float64(tr.Iter()), nil }})
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != cfg.Iters/cfg.LogEvery {
		t.Fatalf("%d records, want %d", len(records), cfg.Iters/cfg.LogEvery)
	}
	csv, err := os.ReadFile(filepath.Join(dir, "metrics.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(csv)), "\n")
	if len(lines) != 1+len(records) || !strings.HasPrefix(lines[0], "iter,") {
		t.Fatalf("metrics.csv has %d lines, header %q", len(lines), lines[0])
	}
	for _, name := range []string{"samples-00000020.png", "samples-00000040.png", "curves-f.png", "curves-diff.png", "curves-sampler.png"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Error(err)
		}
	}
	for _, r := range records {
		if r.Accept != 1 || r.Hops <= 0 || r.LR <= 0 || r.SecPerIter < 0 {
			t.Errorf("implausible record %v", r)
		}
	}
}
