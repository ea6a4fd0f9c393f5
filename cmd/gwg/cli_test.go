package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFlagErrorsAreOneLine: a bad flag in any subcommand exits 2 with one
// line naming the flag and pointing to -h, not the whole usage.
func TestFlagErrorsAreOneLine(t *testing.T) {
	for _, cmd := range [][]string{
		{"train"}, {"sample"}, {"eval"}, {"inspect"}, {"version"},
		{"data", "info"}, {"data", "download"}, {"data", "show"},
		{"bench", "rbm"}, {"bench", "ising"},
	} {
		args := append(append([]string{}, cmd...), "--bogus")
		var out, errb bytes.Buffer
		code := run(args, &out, &errb)
		msg := errb.String()
		name := strings.Join(cmd, " ")
		if code != 2 {
			t.Errorf("gwg %s --bogus: exit %d, want 2", name, code)
		}
		if strings.Count(msg, "\n") != 1 || !strings.Contains(msg, "-bogus") || !strings.Contains(msg, "gwg "+name+" -h") {
			t.Errorf("gwg %s --bogus printed %q, want one line naming -bogus and gwg %s -h", name, msg, name)
		}
	}
	// -h still prints the flags, once.
	var out, errb bytes.Buffer
	if code := run([]string{"train", "-h"}, &out, &errb); code != 0 {
		t.Fatalf("train -h: exit %d", code)
	}
	if all := out.String() + errb.String(); strings.Count(all, "usage: gwg train") != 1 || !strings.Contains(all, "-iters") {
		t.Errorf("train -h printed %q", all)
	}
}

func TestVersionFlag(t *testing.T) {
	var a, b, e bytes.Buffer
	if code := run([]string{"--version"}, &a, &e); code != 0 {
		t.Fatalf("--version: exit %d: %s", code, e.String())
	}
	run([]string{"version"}, &b, &e)
	if a.String() != b.String() || !strings.HasPrefix(a.String(), "gwg ") {
		t.Errorf("gwg --version printed %q, gwg version %q", a.String(), b.String())
	}
}

// TestVersionString: the module version and the VCS revision, when the
// build has them.
func TestVersionString(t *testing.T) {
	got := versionString("v1.2.3", map[string]string{"vcs.revision": "0123456789abcdef0123", "vcs.modified": "true", "vcs.time": "2026-12-01T10:00:00Z"})
	for _, want := range []string{"v1.2.3", "0123456789ab", "modified", "2026-12-01"} {
		if !strings.Contains(got, want) {
			t.Errorf("versionString = %q, want %q in it", got, want)
		}
	}
	if got := versionString("", nil); !strings.Contains(got, "(devel)") {
		t.Errorf("versionString without build info = %q", got)
	}
}

// TestUsageErrorsExit2 covers the usage errors that used to exit 1 or stack
// prefixes.
func TestUsageErrorsExit2(t *testing.T) {
	path, _ := saveRBM(t, 20, 4, "")
	dir := t.TempDir()
	checkRuns(t, []runCase{
		{[]string{"eval", "--checkpoint", path, "--splits", "none", "--schedule", "cosine", "--quiet"}, 2, "unknown annealing schedule"},
		{[]string{"eval", "--checkpoint", path, "--splits", "none", "--sampler", "hmc", "--quiet"}, 2, `unknown sampler "hmc"`},
		{[]string{"eval", "--checkpoint", path, "--dataset", "cifar", "--quiet"}, 2, `unknown data set "cifar"`},
		{[]string{"sample", "--checkpoint", path, "--sampler", "hmc"}, 2, `unknown sampler "hmc"`},
		{[]string{"sample", "--checkpoint", path, "--out", dir}, 2, "is a directory"},
		{[]string{"sample", "--checkpoint", path, "--out", filepath.Join(dir, "s.jpg")}, 2, ".png"},
		{[]string{"data", "show", "--out", filepath.Join(dir, "g.gif")}, 2, ".png"},
	})
	for _, args := range [][]string{
		{"sample", "--checkpoint", path, "--sampler", "hmc"},
		{"eval", "--checkpoint", path, "--splits", "none", "--sampler", "hmc"},
	} {
		var out, errb bytes.Buffer
		run(args, &out, &errb)
		if strings.Contains(errb.String(), ": gwg:") || strings.Contains(errb.String(), "usage error:") {
			t.Errorf("gwg %q: stacked prefixes in %q", args, errb.String())
		}
	}
}

// TestMissingDataSaysHow: a data set that is not there names the command
// that fetches it and the flag and variable that point elsewhere.
func TestMissingDataSaysHow(t *testing.T) {
	empty := t.TempDir()
	path, _ := saveRBM(t, 784, 4, "static_mnist")
	for _, args := range [][]string{
		{"data", "show", "--dataset", "static_mnist", "--data-dir", empty},
		{"eval", "--checkpoint", path, "--data-dir", empty, "--quiet"},
		{"train", "--dataset", "omniglot", "--data-dir", empty, "--out", filepath.Join(empty, "run")},
	} {
		var out, errb bytes.Buffer
		if code := run(args, &out, &errb); code != 1 {
			t.Errorf("gwg %q: exit %d, want 1", args, code)
		}
		msg := errb.String()
		for _, want := range []string{"gwg data download --dataset ", "--data-dir", "GWG_DATA_DIR"} {
			if !strings.Contains(msg, want) {
				t.Errorf("gwg %q printed %q, want %q in it", args, msg, want)
			}
		}
		if strings.Count(msg, "\n") != 1 {
			t.Errorf("gwg %q: not one line: %q", args, msg)
		}
	}
}

// TestInspectCheckpointFlagAndFolder: inspect takes --checkpoint and run
// folders like sample and eval, and prints the config as key = value.
func TestInspectCheckpointFlagAndFolder(t *testing.T) {
	dir := t.TempDir()
	good := writeTestCheckpoint(t, dir)
	runDir := filepath.Join(dir, "run")
	if err := os.Mkdir(runDir, 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(runDir, "ckpt-00000700.gwg"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"--checkpoint", good}, {"--checkpoint", runDir}, {runDir}, {good}} {
		var out, errb bytes.Buffer
		if code := run(append([]string{"inspect"}, args...), &out, &errb); code != 0 {
			t.Fatalf("inspect %q: exit %d: %s", args, code, errb.String())
		}
		for _, want := range []string{"iteration      700", "  lr = 0.0001", "  steps = 40"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("inspect %q lacks %q:\n%s", args, want, out.String())
			}
		}
	}
	checkRuns(t, []runCase{
		{[]string{"inspect", "--checkpoint", good, good}, 2, "not both"},
		{[]string{"inspect", t.TempDir()}, 1, "holds no checkpoint"},
	})
}

// TestInspectNestedConfig: a nested config (what gwg train stores) prints as
// dotted key = value lines, not a Go map.
func TestInspectNestedConfig(t *testing.T) {
	lines := configLines(map[string]any{"config": map[string]any{"lr": 0.001, "model": "mlp-64"}, "rollbacks": int8(0)})
	want := []string{"config.lr = 0.001", "config.model = mlp-64", "rollbacks = 0"}
	if strings.Join(lines, "|") != strings.Join(want, "|") {
		t.Errorf("configLines = %q, want %q", lines, want)
	}
}

// TestErrorPrefixesDoNotStack: the packages' own prefixes ("train: ",
// "datasets: ", …) do not follow the command's; an unknown command is one
// line too.
func TestErrorPrefixesDoNotStack(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.gwg")
	checkRuns(t, []runCase{
		{[]string{"train", "--lr", "-1"}, 2, "gwg train: bad config: learning rate -1"},
		{[]string{"inspect", missing}, 1, "gwg inspect: " + missing + ": open"},
	})
	var out, errb bytes.Buffer
	if code := run([]string{"--bogus"}, &out, &errb); code != 2 || strings.Count(errb.String(), "\n") != 1 || !strings.Contains(errb.String(), "gwg help") {
		t.Errorf("gwg --bogus: exit %d, stderr %q: want 2 and one line pointing to gwg help", code, errb.String())
	}
	if got := cleanMessage("train: bad config: nn: architecture"); got != "bad config: nn: architecture" {
		t.Errorf("cleanMessage = %q", got)
	}
}

// TestSubcommandErrorsNameTheSubcommand: "gwg data show: …", not "gwg data: …".
func TestSubcommandErrorsNameTheSubcommand(t *testing.T) {
	checkRuns(t, []runCase{
		{[]string{"data", "show", "--n", "0"}, 2, "gwg data show: --n must be at least 1"},
		{[]string{"bench", "rbm", "--bogus"}, 2, "gwg bench rbm: flag provided but not defined"},
		{[]string{"data", "frobnicate"}, 2, `unknown subcommand "frobnicate"`},
	})
}

// TestReadersPassOverDamagedCheckpoints: sample, eval and inspect of a run
// folder whose newest checkpoint is damaged use the newest that loads, say
// which they skipped and why, and change no file.
func TestReadersPassOverDamagedCheckpoints(t *testing.T) {
	dir := t.TempDir()
	good := writeTestCheckpoint(t, dir)
	run2 := filepath.Join(dir, "run")
	if err := os.Mkdir(run2, 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(run2, "ckpt-00000002.gwg"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(run2, "ckpt-00000004.gwg")
	if err := os.WriteFile(bad, b[:len(b)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := run([]string{"inspect", run2}, &out, &errb); code != 0 {
		t.Fatalf("inspect: exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "ckpt-00000002.gwg") || !strings.Contains(errb.String(), "warning: skipped "+bad) || !strings.Contains(errb.String(), "truncated") {
		t.Errorf("inspect of a folder with a damaged newest checkpoint: stdout %q, stderr %q", out.String(), errb.String())
	}
	if got, err := os.ReadFile(bad); err != nil || len(got) != len(b)/2 {
		t.Errorf("the damaged file changed: %d bytes, %v", len(got), err)
	}
}
