package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gwg-go/gwg/datasets/datasetstest"
)

func TestTrainAndSampleUsageErrors(t *testing.T) {
	dir := t.TempDir()
	corrupt := filepath.Join(dir, "corrupt.gwg")
	if err := os.WriteFile(corrupt, []byte("GWGCKPT\n\x01\x00"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []runCase{
		{[]string{"train", "--steps", "0"}, 2, "sampler steps 0"},
		{[]string{"train", "--model", "transformer-8"}, 2, "transformer"},
		{[]string{"train", "--sampler", "hmc"}, 2, `unknown sampler "hmc"`},
		{[]string{"train", "--dataset", "cifar"}, 2, `unknown data set "cifar"`},
		{[]string{"train", "--preset", "fast"}, 2, `unknown preset "fast"`},
		{[]string{"train", "--lr", "x"}, 2, "invalid value"},
		{[]string{"train", "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"sample"}, 2, "--checkpoint is required"},
		{[]string{"sample", "--checkpoint", corrupt, "--chains", "0"}, 2, "at least one chain"},
		{[]string{"sample", "--checkpoint", corrupt, "--raw", "x.csv"}, 2, ".npy or .bin"},
		{[]string{"sample", "--checkpoint", corrupt}, 1, "corrupt.gwg"},
		{[]string{"sample", "--checkpoint", filepath.Join(dir, "missing.gwg")}, 1, "missing.gwg"},
		{[]string{"sample", "--checkpoint", dir}, 1, "holds no checkpoint"},
	}
	checkRuns(t, tests)
}

// TestTrainResumesAndSamples trains a tiny model for a few iterations,
// extends the run by re-running the command, and samples the result.
func TestTrainResumesAndSamples(t *testing.T) {
	dir := t.TempDir()
	runDir := filepath.Join(dir, "run")
	tiny := []string{"train", "--model", "mlp-8x1", "--steps", "2", "--batch", "10", "--buffer", "20",
		"--log-every", "2", "--sample-every", "2", "--checkpoint-every", "2", "--valid-every", "0",
		"--no-progress", "--out", runDir}
	gwg := func(code int, args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		if got := run(args, &out, &errb); got != code {
			t.Fatalf("gwg %q: exit %d, want %d\nstdout %s\nstderr %s", args, got, code, out.String(), errb.String())
		}
		return out.String() + errb.String()
	}
	out := gwg(0, append(tiny, "--iters", "4")...)
	for _, want := range []string{"training mlp-8x1 on dynamic_mnist", "iter      4", "ckpt-00000004.gwg", "gwg sample --checkpoint"} {
		if !strings.Contains(out, want) {
			t.Errorf("first run printed %q, want %q in it", out, want)
		}
	}
	out = gwg(0, append(tiny, "--iters", "6")...)
	if !strings.Contains(out, "resuming from") || !strings.Contains(out, "at iteration 4 of 6") {
		t.Errorf("second run printed %q, want it to resume at iteration 4", out)
	}
	out = gwg(2, append(tiny, "--iters", "8", "--lr", "0.5")...)
	if !strings.Contains(out, "other --lr") {
		t.Errorf("run with a different --lr printed %q", out)
	}
	for _, f := range []string{"ckpt-00000006.gwg", "metrics.csv", "samples-00000006.png", "ema-samples.png", "curves-f.png"} {
		if _, err := os.Stat(filepath.Join(runDir, f)); err != nil {
			t.Error(err)
		}
	}
	png, npy := filepath.Join(dir, "s.png"), filepath.Join(dir, "s.npy")
	out = gwg(0, "sample", "--checkpoint", runDir, "--chains", "9", "--steps", "3", "--out", png, "--raw", npy)
	if !strings.Contains(out, "9 chains from the buffer, 3 gwg steps") {
		t.Errorf("sample printed %q", out)
	}
	raw, err := os.ReadFile(npy)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(raw, []byte("\x93NUMPY")) || !bytes.Contains(raw[:128], []byte("(9, 784)")) || len(raw) < 9*784 {
		t.Errorf("raw samples: %d bytes, header %q", len(raw), raw[:min(len(raw), 80)])
	}
	gwg(0, "sample", "--checkpoint", filepath.Join(runDir, "ckpt-00000006.gwg"), "--init", "base", "--chains", "4", "--steps", "1", "--out", png)
}

// TestTrainCtrlCExits130: an interrupted run saves, exits 130 (so that
// `gwg train && gwg eval` stops), and resumed it logs the rows of a run that
// was never interrupted.
func TestTrainCtrlCExits130(t *testing.T) {
	datasetstest.SkipShort(t)
	dir := t.TempDir()
	args := func(out string) []string {
		return []string{"train", "--model", "mlp-8x1", "--steps", "2", "--batch", "10", "--buffer", "20", "--iters", "8",
			"--log-every", "4", "--sample-every", "0", "--checkpoint-every", "8", "--valid-every", "0", "--no-progress", "--out", out}
	}
	var out, errb bytes.Buffer
	if code := run(args(filepath.Join(dir, "straight")), &out, &errb); code != 0 {
		t.Fatalf("straight run: exit %d: %s", code, errb.String())
	}

	interrupted := filepath.Join(dir, "interrupted")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	old := interruptContext
	defer func() { interruptContext = old }()
	interruptContext = func() (context.Context, context.CancelFunc) { return ctx, cancel }
	iters := 0
	trainIterHook = func(int) {
		if iters++; iters == 6 { // between the log rows at 4 and 8
			cancel()
		}
	}
	defer func() { trainIterHook = nil }()
	out.Reset()
	errb.Reset()
	if code := run(args(interrupted), &out, &errb); code != 130 {
		t.Fatalf("interrupted run: exit %d, want 130; stdout %s stderr %s", code, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "ckpt-00000006.gwg") {
		t.Errorf("interrupted run printed %q, want the checkpoint it saved", out.String())
	}
	interruptContext, trainIterHook = old, nil
	if code := run(args(interrupted), &out, &errb); code != 0 {
		t.Fatalf("resumed run: exit %d: %s", code, errb.String())
	}
	a, b := metricsWithoutTime(t, filepath.Join(dir, "straight")), metricsWithoutTime(t, interrupted)
	if a != b {
		t.Errorf("metrics.csv differs from the uninterrupted run's:\n%s\nagainst\n%s", b, a)
	}
}

// metricsWithoutTime reads a run's metrics.csv without its seconds column.
func metricsWithoutTime(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "metrics.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		cells := strings.Split(line, ",")
		rows = append(rows, strings.Join(append(cells[:1:1], cells[2:]...), ","))
	}
	return strings.Join(rows, "\n")
}

// TestTrainRefusesAModelThatCannotFit: the memory a net needs is estimated
// before it is built, and a net that cannot fit is refused with the numbers.
func TestTrainRefusesAModelThatCannotFit(t *testing.T) {
	datasetstest.SkipShort(t)
	old := availableMemory
	defer func() { availableMemory = old }()
	availableMemory = func() (int64, bool) { return 4 << 30, true }
	dir := t.TempDir()
	checkRuns(t, []runCase{
		{[]string{"train", "--model", "mlp-64x100000", "--out", filepath.Join(dir, "huge")}, 1, "4.0 GiB are available"},
	})
	var out, errb bytes.Buffer
	run([]string{"train", "--model", "mlp-64x100000", "--out", filepath.Join(dir, "huge")}, &out, &errb)
	if !strings.Contains(errb.String(), "416,046,145 parameters") || !strings.Contains(errb.String(), "needs at least") {
		t.Errorf("refusal %q does not give the parameters and the memory needed", errb.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "huge")); !os.IsNotExist(err) {
		t.Errorf("the refused run left a folder: %v", err)
	}
}

func TestSystemAvailableMemory(t *testing.T) {
	if _, err := os.Stat("/proc/meminfo"); err != nil {
		t.Skip("no /proc/meminfo")
	}
	if n, ok := systemAvailableMemory(); !ok || n <= 0 {
		t.Errorf("systemAvailableMemory = %d, %v", n, ok)
	}
}
