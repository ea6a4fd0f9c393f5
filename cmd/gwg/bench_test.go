package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBenchUsage(t *testing.T) {
	tests := []runCase{
		{[]string{"bench"}, 2, "want a benchmark"},
		{[]string{"bench", "nope"}, 2, `unknown benchmark "nope"`},
		{[]string{"bench", "-h"}, 0, "usage: gwg bench"},
		{[]string{"bench", "rbm", "-models", "tiny", "-out", t.TempDir()}, 2, `unknown RBM "tiny"`},
		{[]string{"bench", "rbm", "-chains", "1"}, 2, "-chains must be at least 2"},
		{[]string{"bench", "ising", "-sizes", "a"}, 2, "-sizes"},
		{[]string{"bench", "ising", "-samplers", "no-such", "-sizes", "3", "-steps", "2", "-out", t.TempDir()}, 2, `unknown sampler "no-such"`},
	}
	checkRuns(t, tests)
}

func TestBenchIsingWritesResults(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	args := []string{"bench", "ising", "-sizes", "3", "-sigmas", "0.25", "-samplers", "gwg,gibbs",
		"-chains", "4", "-steps", "40", "-out", dir}
	if code := run(args, &out, &errb); code != 0 {
		t.Fatalf("run(%q) = %d: %s", args, code, errb.String())
	}
	if !strings.Contains(out.String(), "gibbs") {
		t.Errorf("summary table lacks gibbs:\n%s", out.String())
	}
	for _, f := range []string{"ising-summary.csv", "ising-table.txt", "ising-ess-per-second-sigma0.25.png"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
}
