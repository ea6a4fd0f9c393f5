package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gwg-go/gwg/ckpt"
	"github.com/gwg-go/gwg/datasets/datasetstest"
	"github.com/gwg-go/gwg/internal/buildinfo"
)

// setBuild rewrites the build record of the checkpoint at path.
func setBuild(t *testing.T, path string, b ckpt.Build) {
	t.Helper()
	c, err := ckpt.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	c.Build = &b
	if err := ckpt.Save(path, c); err != nil {
		t.Fatal(err)
	}
}

func otherBuild() ckpt.Build {
	b := buildinfo.Current()
	b.GEMM = "some-other-blas"
	return b
}

func TestInspectShowsAndComparesTheBuild(t *testing.T) {
	path := writeTestCheckpoint(t, t.TempDir())
	setBuild(t, path, otherBuild())
	var out, errb bytes.Buffer
	if code := run([]string{"inspect", path}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	all := out.String() + errb.String()
	for _, want := range []string{"GEMM some-other-blas", "warning", `GEMM "some-other-blas" vs "` + buildinfo.Current().GEMM + `"`} {
		if !strings.Contains(all, want) {
			t.Errorf("inspect printed %q, want %q in it", all, want)
		}
	}
}

func TestEvalReportRecordsTheBuild(t *testing.T) {
	path, _ := saveRBM(t, 20, 4, "")
	rep := runEvalJSON(t, "--checkpoint", path, "--temperatures", "20", "--chains", "5", "--splits", "none", "--quiet")
	if rep.Build != buildinfo.Current() || rep.CheckpointBuild == nil || *rep.CheckpointBuild != buildinfo.Current() {
		t.Errorf("report build %+v, checkpoint build %+v; want %+v", rep.Build, rep.CheckpointBuild, buildinfo.Current())
	}
}

func TestTrainWarnsWhenResumingAnotherBuild(t *testing.T) {
	datasetstest.SkipShort(t)
	runDir := filepath.Join(t.TempDir(), "run")
	args := []string{"train", "--model", "mlp-8x1", "--steps", "1", "--batch", "10", "--buffer", "20", "--log-every", "2",
		"--sample-every", "0", "--valid-every", "0", "--no-progress", "--out", runDir}
	var out, errb bytes.Buffer
	if code := run(append(args, "--iters", "2"), &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	setBuild(t, filepath.Join(runDir, "ckpt-00000002.gwg"), otherBuild())
	out.Reset()
	errb.Reset()
	if code := run(append(args, "--iters", "3"), &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if msg := errb.String(); !strings.Contains(msg, "warning") || !strings.Contains(msg, "some-other-blas") {
		t.Errorf("resume with another build printed %q on stderr", msg)
	}
}
