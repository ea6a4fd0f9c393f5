package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
