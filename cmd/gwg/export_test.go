package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gwg-go/gwg/ckpt"
)

// TestExportKeepsWhatEvalUses: the exported file of the committed demo model
// holds no training state, is much smaller, and gives the same evaluation,
// number for number, as the training checkpoint it came from.
func TestExportKeepsWhatEvalUses(t *testing.T) {
	const demo = "../../checkpoints/dynamic_mnist-mlp-64-demo.gwg"
	dir := t.TempDir()
	out := filepath.Join(dir, "model.gwg")
	gwgRun(t, 0, "export", "--checkpoint", demo, "--out", out)

	orig, err := ckpt.Load(demo)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ckpt.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	if got.Train != nil || len(got.EMA) != 0 {
		t.Errorf("export kept training state (%v) or a second set of weights (%d tensors)", got.Train != nil, len(got.EMA))
	}
	for i := range got.Params {
		if !slices.Equal(got.Params[i].Data, orig.EMA[i].Data) {
			t.Fatalf("parameter %s is not the EMA weight", got.Params[i].Name)
		}
	}
	if !strings.Contains(got.Note, "iteration 1500") {
		t.Errorf("note %q does not say where the weights come from", got.Note)
	}
	a, b := fileSize(t, demo), fileSize(t, out)
	if b*2 > a {
		t.Errorf("exported file is %d bytes, the training checkpoint %d", b, a)
	}

	eval := func(path string) string {
		js := filepath.Join(dir, filepath.Base(path)+".json")
		gwgRun(t, 0, "eval", "--checkpoint", path, "--temperatures", "30", "--chains", "8", "--repeats", "2", "--splits", "test", "--quiet", "--json", js)
		data, err := os.ReadFile(js)
		if err != nil {
			t.Fatal(err)
		}
		// The reports differ only in the file they name.
		return strings.ReplaceAll(string(data), path, "CHECKPOINT")
	}
	if e1, e2 := eval(demo), eval(out); reportNumbers(e1) != reportNumbers(e2) {
		t.Errorf("evaluations differ:\n%s\n%s", e1, e2)
	}

	raw := filepath.Join(dir, "raw.gwg")
	gwgRun(t, 0, "export", "--checkpoint", demo, "--out", raw, "--weights", "raw")
	if r, err := ckpt.Load(raw); err != nil || !slices.Equal(r.Params[0].Data, orig.Params[0].Data) {
		t.Errorf("--weights raw did not keep the optimizer's weights (err %v)", err)
	}

	// What resuming needs is gone, and training says so.
	checkRuns(t, []runCase{
		{[]string{"export", "--checkpoint", demo}, 2, "--checkpoint and --out are required"},
		{[]string{"export", "--checkpoint", demo, "--out", out}, 2, "exists (--force replaces it)"},
		{[]string{"export", "--checkpoint", demo, "--out", out, "--force"}, 0, "wrote"},
		{[]string{"export", "--checkpoint", out, "--out", out, "--force"}, 2, "is the checkpoint itself"},
		{[]string{"export", "--checkpoint", demo, "--out", raw, "--weights", "best"}, 2, `--weights "best"`},
		{[]string{"export", "--checkpoint", filepath.Join(dir, "none.gwg"), "--out", raw}, 1, "no such file"},
	})
}

// reportNumbers is an eval JSON report without the lines that name files or
// measure time.
func reportNumbers(js string) string {
	var keep []string
	for _, l := range strings.Split(js, "\n") {
		if strings.Contains(l, "seconds") || strings.Contains(l, "checkpoint") || strings.Contains(l, "sha256") {
			continue
		}
		keep = append(keep, l)
	}
	return strings.Join(keep, "\n")
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}
