package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBenchExperimentsUsage(t *testing.T) {
	checkRuns(t, []runCase{
		{[]string{"bench", "learn-ising", "-k", "0"}, 2, "-k: 0 steps"},
		{[]string{"bench", "learn-ising", "-models", "grid", "-out", t.TempDir()}, 2, `unknown model "grid"`},
		{[]string{"bench", "learn-potts", "-lr", "0"}, 2, "-lr must be positive"},
		{[]string{"bench", "contacts", "-plm-iters", "-1"}, 2, "-plm-iters"},
		{[]string{"bench", "contacts", "-alignment", filepath.Join(t.TempDir(), "none.a2m"), "-out", t.TempDir()}, 1, "none.a2m"},
		{[]string{"bench", "fhmm", "-steps", "1"}, 2, "-steps"},
		{[]string{"bench", "potts", "-states", "1"}, 2, "-states at least 2"},
	})
}

// TestBenchExperimentsQuick runs every experiment at tiny settings and
// checks that each writes its table, CSV files and plots.
func TestBenchExperimentsQuick(t *testing.T) {
	dir := t.TempDir()
	aln := filepath.Join(dir, "toy.a2m")
	if err := os.WriteFile(aln, []byte(strings.Repeat(">s\nACDEFGHIKLMNPQ\n>t\nACDEFGHIKLMNPA\n", 20)), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args  []string
		files []string
	}{
		{[]string{"learn-ising", "-quick", "-models", "lattice", "-sizes", "3", "-k", "2", "-iters", "20", "-samples", "100", "-sweeps", "20", "-samplers", "gibbs,gwg"},
			[]string{"learn-ising-lattice-L3-sigma0.25-table.txt", "learn-ising-lattice-L3-sigma0.25-rmse-k.png", "learn-ising-lattice-L3-sigma0.25-gwg-K2.ckpt"}},
		{[]string{"learn-potts", "-quick", "-size", "3", "-k", "2", "-iters", "20", "-samples", "100", "-sweeps", "20"},
			[]string{"learn-potts-L3-K3-sigma0.25-curves.csv", "learn-potts-L3-K3-sigma0.25-rmse-steps-K2.png"}},
		{[]string{"contacts", "-quick", "-sites", "12", "-states", "3", "-iters", "20", "-plm-iters", "5", "-samples", "100", "-sweeps", "10"},
			[]string{"contacts-table.txt", "contacts-precision-seconds.png"}},
		{[]string{"contacts", "-alignment", aln, "-iters", "5", "-plm-iters", "5", "-k", "2"},
			[]string{"contacts-plm.csv", "contacts-gibbs.csv"}},
		{[]string{"fhmm", "-quick", "-steps", "40", "-ref-sweeps", "4", "-chains", "4", "-samplers", "gibbs,gwg"},
			[]string{"fhmm-table.txt", "fhmm-rmse-seconds.png"}},
		{[]string{"potts", "-quick", "-sizes", "3", "-steps", "40", "-chains", "4"},
			[]string{"potts-table.txt", "potts-ess-per-step-sigma0.1.png"}},
	} {
		var out, errb bytes.Buffer
		args := append([]string{"bench"}, tc.args...)
		args = append(args, "-out", dir)
		if code := run(args, &out, &errb); code != 0 {
			t.Fatalf("run(%q) = %d: %s", args, code, errb.String())
		}
		for _, f := range tc.files {
			if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
				t.Errorf("%s: %v", tc.args[0], err)
			}
		}
	}
}
