package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestEvalShardsMerge runs one evaluation whole and as shards merged, and
// checks that every estimate of the merged report equals the whole run's bit
// for bit (the RBM checks after AIS too, which draw from the same stream);
// then that a merge refuses missing, repeated and foreign shards.
func TestEvalShardsMerge(t *testing.T) {
	path, _ := saveRBM(t, 20, 6, "")
	other, _ := saveRBM(t, 20, 5, "")
	settings := []string{"--checkpoint", path, "--temperatures", "60", "--chains", "10", "--repeats", "2", "--block", "4", "--splits", "none", "--quiet"}
	want := runEvalJSON(t, settings...)
	dir := t.TempDir()
	shard := func(seed string, i, n int) string {
		out := filepath.Join(dir, fmt.Sprintf("seed%s-%d-of-%d.json", seed, i, n))
		var stdout, stderr bytes.Buffer
		args := append([]string{"eval", "--shard", fmt.Sprintf("%d/%d", i, n), "--shard-out", out, "--seed", seed}, settings...)
		if code := run(args, &stdout, &stderr); code != 0 {
			t.Fatalf("gwg %q: exit %d: %s", args, code, stderr.String())
		}
		return out
	}
	for _, n := range []int{1, 4} {
		var files []string
		for i := range n {
			files = append(files, shard("1", i, n))
		}
		slices.Reverse(files)
		out := filepath.Join(dir, fmt.Sprintf("merged-%d.json", n))
		var stdout, stderr bytes.Buffer
		if code := run(append([]string{"eval", "merge", "--json", out}, files...), &stdout, &stderr); code != 0 {
			t.Fatalf("merge of %d shards: exit %d: %s", n, code, stderr.String())
		}
		got := readEvalJSON(t, out)
		if got.LogZ != want.LogZ || got.StdErr != want.StdErr || got.BootstrapStdErr != want.BootstrapStdErr || got.ESS != want.ESS ||
			!slices.Equal(got.RepeatLogZ, want.RepeatLogZ) || got.Weights != want.Weights || got.Evals != want.Evals {
			t.Errorf("%d shards merged: log Ẑ %v ± %v %v, ESS %v; whole run %v ± %v %v, ESS %v",
				n, got.LogZ, got.StdErr, got.RepeatLogZ, got.ESS, want.LogZ, want.StdErr, want.RepeatLogZ, want.ESS)
		}
		if got.RBM == nil || want.RBM == nil || got.RBM.PathLogZ != want.RBM.PathLogZ {
			t.Errorf("%d shards merged: the RBM checks after AIS differ: %+v vs %+v", n, got.RBM, want.RBM)
		}
	}

	s0, s1, s2 := shard("1", 0, 3), shard("1", 1, 3), shard("1", 2, 3)
	foreign := shard("2", 1, 3)
	notShard := filepath.Join(dir, "report.json")
	if err := os.WriteFile(notShard, []byte(`{"log_z": 1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	checkRuns(t, []runCase{
		{[]string{"eval", "merge", s0, s2}, 1, "shards 1 of 3 missing"},
		{[]string{"eval", "merge", s0, s1, s1, s2}, 1, "shard 1/3 given twice"},
		{[]string{"eval", "merge", s0, foreign, s2}, 1, "belongs to another run"},
		{[]string{"eval", "merge", s0, shard("1", 1, 4), s2}, 1, "belongs to another run"},
		{[]string{"eval", "merge", s0, notShard}, 1, "not a gwg eval shard file"},
		{[]string{"eval", "merge", "--checkpoint", other, s0, s1, s2}, 1, "SHA-256"},
		{[]string{"eval", "merge"}, 2, "give the shard files"},
		{append([]string{"eval", "--shard", "3/3", "--shard-out", s0}, settings...), 2, "want I/N"},
		{append([]string{"eval", "--shard", "0/7", "--shard-out", s0}, settings...), 2, "only 6 blocks"},
		{append([]string{"eval", "--shard", "0/2"}, settings...), 2, "--shard-out"},
		{append([]string{"eval", "--shard-out", s0}, settings...), 2, "--shard I/N"},
	})
}
