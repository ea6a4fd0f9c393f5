package train

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gwg-go/gwg/ckpt"
	"github.com/gwg-go/gwg/datasets/datasetstest"
	"github.com/gwg-go/gwg/ebm"
	"github.com/gwg-go/gwg/internal/buildinfo"
	"github.com/gwg-go/gwg/internal/charts"
)

// TestResumeFallsBackPastCorruptCheckpoints: the newest checkpoints are
// damaged (flipped byte, truncated); the run resumes from the newest one
// that validates, says why, and keeps the bad files under another name.
func TestResumeFallsBackPastCorruptCheckpoints(t *testing.T) {
	cfg := tinyDeep()
	cfg.CheckpointEvery, cfg.Keep = 2, 3
	dir := t.TempDir()
	runJob(t, cfg, dir, nil) // checkpoints at 2, 4, 6
	flipped, cut := ckpt.PeriodicPath(dir, 6), ckpt.PeriodicPath(dir, 4)
	b, err := os.ReadFile(flipped)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 1
	if err := os.WriteFile(flipped, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(cut, 100); err != nil {
		t.Fatal(err)
	}

	r, err := ResumeFrom(dir)
	if err != nil {
		t.Fatal(err)
	}
	if r.Path != ckpt.PeriodicPath(dir, 2) || r.Snapshot.Iter != 2 {
		t.Fatalf("resumed from %s (iteration %d), want iteration 2", r.Path, r.Snapshot.Iter)
	}
	if len(r.Skipped) != 2 {
		t.Fatalf("skipped %v, want the two damaged files", r.Skipped)
	}
	for i, want := range []struct{ path, why string }{{flipped, "checksum"}, {cut, "truncated"}} {
		s := r.Skipped[i]
		if s.Path != want.path || !strings.Contains(s.String(), want.why) || !strings.Contains(s.String(), s.KeptAs) ||
			strings.Count(s.String(), s.Path) != 2 { // "skipped PATH (why); kept as PATH.bad"
			t.Errorf("skipped[%d] = %q, want %s for %s", i, s, want.why, want.path)
		}
		if _, err := os.Stat(s.KeptAs); err != nil {
			t.Errorf("bad file not kept: %v", err)
		}
		if _, err := os.Stat(s.Path); !os.IsNotExist(err) {
			t.Errorf("%s still in place: %v", s.Path, err)
		}
	}
	// The run goes on from there and writes good checkpoints again.
	runJob(t, cfg, dir, r.Snapshot)
	if _, err := ckpt.Load(ckpt.PeriodicPath(dir, 6)); err != nil {
		t.Fatal(err)
	}
}

// TestResumeStopsAtANewerFormat: a checkpoint of a newer gwg is not
// corrupt; it is neither skipped nor renamed.
func TestResumeStopsAtANewerFormat(t *testing.T) {
	cfg := tinyDeep()
	dir := t.TempDir()
	runJob(t, cfg, dir, nil)
	p := ckpt.PeriodicPath(dir, cfg.Iters)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	b[len(ckpt.Magic)] = ckpt.Version + 1
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ResumeFrom(dir); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("ResumeFrom = %v, want the newer-version error", err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Error(err)
	}
}

// TestRunRemovesStaleTempFiles: temporary files that a killed writer left
// behind are removed when a run starts; other files are not.
func TestRunRemovesStaleTempFiles(t *testing.T) {
	dir := t.TempDir()
	skipWithoutLocks(t, dir)
	stale := []string{".ckpt-00000010.gwg.123456.tmp", ".best.gwg.42.tmp", ".samples-00000010.png.7.tmp", ".curves-f.png.9.tmp"}
	kept := []string{".notes.txt.5.tmp", "ckpt-x.gwg.tmp", ".ckpt-00000010.gwg", "mine.tmp"}
	for _, n := range append(append([]string{}, stale...), kept...) {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("partial"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg := testConfig()
	cfg.Iters = 2
	var events []string
	tr := newTestTrainer(t, cfg)
	if err := tr.Run(context.Background(), RunOptions{Dir: dir, Save: gobSave, OnEvent: func(m string) { events = append(events, m) }}); err != nil {
		t.Fatal(err)
	}
	for _, n := range stale {
		if _, err := os.Stat(filepath.Join(dir, n)); !os.IsNotExist(err) {
			t.Errorf("stale %s not removed (%v)", n, err)
		}
	}
	for _, n := range kept {
		if _, err := os.Stat(filepath.Join(dir, n)); err != nil {
			t.Errorf("%s removed: %v", n, err)
		}
	}
	if !strings.Contains(strings.Join(events, "\n"), "removed 4 stale temporary files") {
		t.Errorf("events %q do not report the cleanup", events)
	}
}

// TestRunRefusesAFolderInUse: a second run on a folder that a live run
// holds stops at once instead of racing it (and leaves its files alone).
func TestRunRefusesAFolderInUse(t *testing.T) {
	dir := t.TempDir()
	skipWithoutLocks(t, dir)
	unlock, err := lockRunDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	tmp := filepath.Join(dir, ".ckpt-00000002.gwg.1.tmp")
	if err := os.WriteFile(tmp, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tr := newTestTrainer(t, testConfig())
	err = tr.Run(context.Background(), RunOptions{Dir: dir, Save: gobSave})
	if err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("Run on a locked folder = %v", err)
	}
	if _, err := os.Stat(tmp); err != nil {
		t.Errorf("the live run's temporary file was removed: %v", err)
	}
}

// TestCheckpointsRecordTheBuild: every checkpoint says which numeric build
// wrote it, and a resume reports it.
func TestCheckpointsRecordTheBuild(t *testing.T) {
	dir := t.TempDir()
	runJob(t, tinyDeep(), dir, nil)
	r, err := ResumeFrom(dir)
	if err != nil {
		t.Fatal(err)
	}
	if r.Build == nil || *r.Build != buildinfo.Current() {
		t.Errorf("resume point build %+v, want %+v", r.Build, buildinfo.Current())
	}
	rbm, err := ebm.NewRandomRBM(4, 2, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	c, err := ebm.NewCheckpoint(rbm, nil, "", ckpt.Shape{}, "")
	if err != nil {
		t.Fatal(err)
	}
	if c.Build == nil || *c.Build != buildinfo.Current() {
		t.Errorf("model-only checkpoint build %+v", c.Build)
	}
}

// TestSamplerCurvesHaveTwoPanels: acceptance and hops get a panel each, so
// that neither hides the other.
func TestSamplerCurvesHaveTwoPanels(t *testing.T) {
	dir := t.TempDir()
	recs := []Record{{Iter: 50, Accept: 0.99, Hops: 0.99, ValidLL: math.NaN()}, {Iter: 100, Accept: 0.98, Hops: 0.98, ValidLL: math.NaN()}}
	if err := PlotCurves(dir, recs); err != nil {
		t.Fatal(err)
	}
	if b := datasetstest.ReadPNG(t, filepath.Join(dir, "curves-sampler.png")).Bounds(); b.Dy() != charts.Height+charts.PanelHeight {
		t.Errorf("curves-sampler.png is %d pixels high, want two panels (%d)", b.Dy(), charts.Height+charts.PanelHeight)
	}
}

// skipWithoutLocks skips a test of the run-folder lock on systems without
// one.
func skipWithoutLocks(t *testing.T, dir string) {
	t.Helper()
	unlock, err := lockRunDir(dir)
	if errors.Is(err, errors.ErrUnsupported) {
		t.Skip("no file locks on this system: runs neither lock their folder nor clean it")
	}
	if err != nil {
		t.Fatal(err)
	}
	unlock()
}
