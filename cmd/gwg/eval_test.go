package main

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gwg-go/gwg/ckpt"
	"github.com/gwg-go/gwg/datasets/datasetstest"
	"github.com/gwg-go/gwg/ebm"
)

// saveRBM writes an RBM checkpoint with a random D×H model and the base mean
// σ(b_v), and returns its path and exact log Z.
func saveRBM(t *testing.T, d, h int, dataset string) (string, float64) {
	t.Helper()
	m, err := ebm.NewRandomRBM(d, h, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	mean := make([]float32, d)
	for i, b := range m.Bv {
		mean[i] = float32(1 / (1 + math.Exp(-float64(b))))
	}
	path := filepath.Join(t.TempDir(), "rbm.gwg")
	c, err := ebm.NewCheckpoint(m, mean, dataset, ckpt.Shape{}, "eval test")
	if err != nil {
		t.Fatal(err)
	}
	if err := ckpt.Save(path, c); err != nil {
		t.Fatal(err)
	}
	z, err := m.LogZ()
	if err != nil {
		t.Fatal(err)
	}
	return path, z
}

func runEvalJSON(t *testing.T, args ...string) evalReport {
	t.Helper()
	out := filepath.Join(t.TempDir(), "eval.json")
	var stdout, stderr bytes.Buffer
	if code := run(append([]string{"eval", "--json", out}, args...), &stdout, &stderr); code != 0 {
		t.Fatalf("gwg eval %q: exit %d: %s", args, code, stderr.String())
	}
	for _, want := range []string{"log Ẑ", "weight ESS", "flatters the model"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("the table lacks %q:\n%s", want, stdout.String())
		}
	}
	return readEvalJSON(t, out)
}

// readEvalJSON reads the report gwg eval --json wrote to path.
func readEvalJSON(t *testing.T, path string) evalReport {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rep evalReport
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestEvalRBMExact evaluates an RBM small enough for its exact log Z: both
// AIS paths must find it.
func TestEvalRBMExact(t *testing.T) {
	path, exact := saveRBM(t, 20, 8, "")
	rep := runEvalJSON(t, "--checkpoint", path, "--temperatures", "500", "--chains", "50", "--repeats", "3", "--splits", "none", "--quiet")
	if math.Abs(rep.LogZ-exact) > 0.1 {
		t.Errorf("log Ẑ = %.4f ± %.4f, exact %.4f", rep.LogZ, rep.StdErr, exact)
	}
	if rep.RBM == nil || rep.RBM.ExactLogZ == nil || *rep.RBM.ExactLogZ != exact {
		t.Fatalf("RBM checks missing or wrong: %+v", rep.RBM)
	}
	if math.Abs(rep.RBM.PathLogZ-exact) > 0.1 {
		t.Errorf("weight-path log Ẑ = %.4f, exact %.4f", rep.RBM.PathLogZ, exact)
	}
	if rep.Weights != 150 || len(rep.RepeatLogZ) != 3 || rep.StdErrMethod != "repeats" || !(rep.ESS >= 1) {
		t.Errorf("report settings: %d weights, %d repeats, method %q, ESS %v", rep.Weights, len(rep.RepeatLogZ), rep.StdErrMethod, rep.ESS)
	}
}

// TestEvalOnData runs every part of the command on real data: log-likelihoods
// of two splits, RAISE and the progress bar.
func TestEvalOnData(t *testing.T) {
	dir := datasetstest.DataDir(t)
	path, _ := saveRBM(t, 784, 10, "static_mnist")
	var stdout, stderr bytes.Buffer
	out := filepath.Join(t.TempDir(), "eval.json")
	args := []string{"eval", "--checkpoint", path, "--data-dir", dir, "--temperatures", "30", "--chains", "20",
		"--repeats", "2", "--raise", "20", "--rbm-check=false", "--json", out}
	if code := run(args, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "AIS: 100%") || !strings.Contains(stderr.String(), "RAISE: 100%") {
		t.Errorf("no progress on stderr: %q", stderr.String())
	}
	if strings.Contains(stderr.String(), "\r") {
		t.Errorf("progress bar frames on a stderr that is not a terminal: %q", stderr.String())
	}
	rep := readEvalJSON(t, out)
	if len(rep.Splits) != 2 || rep.Splits[0].Split != "valid" || rep.Splits[1].N != 10000 {
		t.Fatalf("splits: %+v", rep.Splits)
	}
	for _, sp := range rep.Splits {
		if want := sp.MeanF - rep.LogZ; math.Abs(sp.LogLikelihood-want) > 1e-9 || sp.LogLikelihood > 0 {
			t.Errorf("%s: log-likelihood %v, want mean f − log Ẑ = %v (and negative)", sp.Split, sp.LogLikelihood, want)
		}
	}
	if rep.RAISE == nil || rep.RAISE.N != 20 || rep.RAISE.Split != "test" || rep.RAISE.LogLikelihood > 0 {
		t.Errorf("RAISE: %+v", rep.RAISE)
	}
	if rep.RBM != nil {
		t.Error("--rbm-check=false still ran the RBM checks")
	}
}

func TestEvalUsageErrors(t *testing.T) {
	path, _ := saveRBM(t, 20, 4, "")
	checkRuns(t, []runCase{
		{[]string{"eval"}, 2, "--checkpoint is required"},
		{[]string{"eval", "--checkpoint", path, "--temperatures", "1"}, 2, "--temperatures 1"},
		{[]string{"eval", "--checkpoint", path, "--splits", "dev"}, 2, `unknown split "dev"`},
		{[]string{"eval", "--checkpoint", path, "--raise", "5", "--splits", "none"}, 2, "--raise needs a split"},
		{[]string{"eval", "--checkpoint", path}, 2, "names no data set"},
		{[]string{"eval", "--checkpoint", filepath.Join(t.TempDir(), "missing.gwg")}, 1, "missing.gwg"},
		{[]string{"eval", "--checkpoint", path, "extra"}, 2, "unexpected argument"},
	})
}
