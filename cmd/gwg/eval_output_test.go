package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gwg-go/gwg/datasets/datasetstest"
)

// TestEvalChecksOutputFirst: an unwritable --json path stops eval before
// AIS starts, not after hours of it.
func TestEvalChecksOutputFirst(t *testing.T) {
	path, _ := saveRBM(t, 20, 4, "")
	dir := t.TempDir()
	for _, out := range []string{filepath.Join(dir, "no", "such", "dir", "r.json"), dir} {
		var stdout, stderr bytes.Buffer
		code := run([]string{"eval", "--checkpoint", path, "--splits", "none", "--temperatures", "50", "--chains", "5", "--json", out}, &stdout, &stderr)
		if code == 0 || stdout.Len() != 0 || strings.Contains(stderr.String(), "AIS") {
			t.Errorf("--json %s: exit %d, stdout %q, stderr %q: want a failure before AIS", out, code, stdout.String(), stderr.String())
		}
		if !strings.Contains(stderr.String(), out) || strings.Count(stderr.String(), "\n") != 1 {
			t.Errorf("--json %s: message %q does not name the path in one line", out, stderr.String())
		}
	}
}

// TestEvalLateWriteFailureKeepsTheNumbers: when the report cannot be
// written at the end, the table is on stdout and the JSON lands next to the
// checkpoint, and the message says where.
func TestEvalLateWriteFailureKeepsTheNumbers(t *testing.T) {
	path, _ := saveRBM(t, 20, 4, "")
	out := filepath.Join(t.TempDir(), "r.json")
	old := writeFile
	defer func() { writeFile = old }()
	writeFile = func(p string, write func(io.Writer) error) error {
		if p == out {
			return errors.New("no space left on device")
		}
		return old(p, write)
	}
	var stdout, stderr bytes.Buffer
	code := run([]string{"eval", "--checkpoint", path, "--splits", "none", "--temperatures", "50", "--chains", "5", "--quiet", "--json", out}, &stdout, &stderr)
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr %q", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "log Ẑ") {
		t.Errorf("no report on stdout: %q", stdout.String())
	}
	msg := stderr.String()
	matches, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "*eval*.json"))
	if len(matches) != 1 || !strings.Contains(msg, matches[0]) || !strings.Contains(msg, "no space left") {
		t.Fatalf("fallback files %q, message %q", matches, msg)
	}
	rep := readEvalJSON(t, matches[0])
	if rep.Weights != 15 || rep.Checkpoint != path {
		t.Errorf("fallback report %+v", rep)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("%s exists: %v", out, err)
	}
}

// TestEvalPrintsTheBracket: with RAISE, the report states the interval
// that the log-likelihood lies in, the one informative number of a short
// schedule; without it, the low-ESS warning points to --raise.
func TestEvalPrintsTheBracket(t *testing.T) {
	datasetstest.SkipShort(t)
	path, _ := saveRBM(t, 784, 5, "dynamic_mnist")
	var stdout, stderr bytes.Buffer
	args := []string{"eval", "--checkpoint", path, "--temperatures", "30", "--chains", "10", "--repeats", "2",
		"--splits", "test", "--raise", "10", "--rbm-check=false", "--quiet"}
	if code := run(args, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	out := stdout.String()
	if !strings.Contains(out, "bracket") || !strings.Contains(out, "lies between") {
		t.Errorf("no bracket line:\n%s", out)
	}
	stdout.Reset()
	if code := run(args[:len(args)-4], &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if out := stdout.String(); strings.Contains(out, "warning") && !strings.Contains(out, "--raise") {
		t.Errorf("the low-ESS warning does not point to --raise:\n%s", out)
	}
}
