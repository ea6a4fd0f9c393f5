package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gwg-go/gwg/ckpt"
)

// writeTestCheckpoint saves a small training checkpoint and returns its path.
func writeTestCheckpoint(t *testing.T, dir string) string {
	t.Helper()
	buf, err := ckpt.PackBits(make([]float32, 3*4), 4)
	if err != nil {
		t.Fatal(err)
	}
	params := []ckpt.Tensor{
		{Name: "fc0.w", Shape: []int{4, 1000}, Data: make([]float32, 4000)},
		{Name: "fc0.b", Shape: []int{1000}, Data: make([]float32, 1000)},
		{Name: "scale", Data: []float32{1}},
	}
	c := &ckpt.Checkpoint{
		Model: ckpt.ModelSpec{
			Kind: "deep", Arch: "mlp-1000",
			Ints: map[string]int{"width": 1000}, Floats: map[string]float64{"init": 0.5},
			Strings: map[string]string{"act": "swish"},
		},
		Params:   params,
		EMA:      params,
		BaseMean: []float32{0.1, 0.2, 0.3, 0.4},
		Dataset:  "toy",
		Train: &ckpt.TrainState{
			Iteration: 700,
			Adam:      ckpt.Adam{Step: 700, M: params, V: params},
			Buffer:    buf,
			RNG:       make([]byte, 20),
			Metrics: ckpt.Metrics{
				Columns: []string{"iter", "f_data", "gap"},
				Rows:    [][]float64{{100, 1, 2}, {200, 3, 4}, {300, 5, math.NaN()}, {400, 7, math.Inf(1)}},
			},
			Best: &ckpt.Best{Iteration: 600, LogLik: -91.5},
		},
		Created: time.Date(2026, 11, 25, 16, 0, 0, 0, time.UTC),
		Note:    "gwg train --dataset toy",
	}
	if err := c.Train.SetConfig(map[string]any{"lr": 1e-4, "steps": 40}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "run.ckpt")
	if err := ckpt.Save(path, c); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestInspect(t *testing.T) {
	dir := t.TempDir()
	good := writeTestCheckpoint(t, dir)
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(dir, "cut.ckpt")
	if err := os.WriteFile(truncated, data[:len(data)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.ckpt")

	tests := []struct {
		name string
		args []string
		code int
		want []string // substrings of stdout, or of stderr when code != 0
	}{
		{"table", []string{good}, 0, []string{
			"format         version 1", "created        2026-11-25 16:00:00 UTC", "model          deep mlp-1000",
			"  width        1000", "  act          swish", "dataset        toy", "base mean      4 sites",
			"parameters     3 tensors, 5,001 values", "  fc0.w        4×1000  4,000", "  scale        scalar  1",
			"EMA            yes", "iteration      700", "optimizer      Adam, step 700, moments stored",
			"buffer         3 chains × 4 bits", "best valid LL  -91.5 at iteration 600", "  lr = 0.0001", "metrics: 4 rows, the last 4:", "  iter  f_data  gap", "  400   7       +Inf",
		}},
		{"last rows", []string{"-rows", "1", good}, 0, []string{"the last 1:\n  iter  f_data  gap\n  400   7       +Inf\n"}},
		{"flag after file", []string{good, "--rows=2"}, 0, []string{"the last 2:"}},
		{"json", []string{"--json", good}, 0, []string{`"num_params": 5001`, `"NaN"`}},
		{"missing file", []string{missing}, 1, []string{"missing.ckpt: no such file or directory"}},
		{"truncated file", []string{truncated}, 1, []string{"cut.ckpt: truncated"}},
		{"no file", nil, 2, []string{"want one checkpoint file, got 0"}},
		{"two files", []string{good, good}, 2, []string{"got 2"}},
		{"bad flag", []string{"--bogus", good}, 2, []string{"flag provided but not defined: -bogus"}},
		{"bad flag after file", []string{good, "--bogus"}, 2, []string{"flag provided but not defined: -bogus"}},
		{"bad rows", []string{"-rows", "-2", good}, 2, []string{"-rows -2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(append([]string{"inspect"}, tt.args...), &stdout, &stderr)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr %q", code, tt.code, stderr.String())
			}
			out := stdout.String()
			if code != 0 {
				out = stderr.String()
				if code == 1 && strings.Count(out, "\n") != 1 {
					t.Errorf("failure message is not one line: %q", out)
				}
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output does not contain %q:\n%s", w, out)
				}
			}
		})
	}
}

func TestInspectJSON(t *testing.T) {
	path := writeTestCheckpoint(t, t.TempDir())
	var stdout, stderr bytes.Buffer
	if code := run([]string{"inspect", "-json", "-rows", "2", path}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var r struct {
		FormatVersion int `json:"format_version"`
		Model         struct {
			Kind string `json:"kind"`
			Arch string `json:"arch"`
		} `json:"model"`
		Params []struct {
			Name  string `json:"name"`
			Shape []int  `json:"shape"`
			Count int    `json:"count"`
		} `json:"params"`
		NumParams int  `json:"num_params"`
		EMA       bool `json:"ema"`
		Train     struct {
			Iteration   int              `json:"iteration"`
			BufferRows  int              `json:"buffer_rows"`
			Config      map[string]any   `json:"config"`
			MetricRows  int              `json:"metric_rows"`
			LastMetrics [][]any          `json:"last_metrics"`
			Best        *json.RawMessage `json:"best_valid"`
		} `json:"train"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, stdout.String())
	}
	if r.FormatVersion != ckpt.Version || r.Model.Kind != "deep" || r.Model.Arch != "mlp-1000" ||
		len(r.Params) != 3 || r.Params[0].Count != 4000 || len(r.Params[2].Shape) != 0 ||
		r.NumParams != 5001 || !r.EMA || r.Train.Iteration != 700 || r.Train.BufferRows != 3 ||
		r.Train.Config["steps"] != 40.0 || r.Train.MetricRows != 4 || len(r.Train.LastMetrics) != 2 ||
		r.Train.LastMetrics[0][2] != "NaN" || r.Train.Best == nil {
		t.Errorf("unexpected report: %+v", r)
	}
}
