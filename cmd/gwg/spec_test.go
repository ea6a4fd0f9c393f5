package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gwg-go/gwg/ckpt"
	"github.com/gwg-go/gwg/datasets/datasetstest"
	"github.com/gwg-go/gwg/train"
)

func TestSplitSpecs(t *testing.T) {
	for _, tt := range []struct {
		list string
		want []string
	}{
		{"", nil},
		{"gwg", []string{"gwg"}},
		{"gwg,gibbs", []string{"gwg", "gibbs"}},
		{"gwg:tau=1,k=2,gibbs,dmala:step=0.2", []string{"gwg:tau=1,k=2", "gibbs", "dmala:step=0.2"}},
		{"hb-10-1,gwg:tau=1", []string{"hb-10-1", "gwg:tau=1"}},
	} {
		if got := splitSpecs(tt.list); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("splitSpecs(%q) = %q, want %q", tt.list, got, tt.want)
		}
	}
	got, err := canonicalSpecs("--samplers", "gwg:tau=2,gwg:tau=1.0,k=1,gwg:k=3")
	if err != nil || got != "gwg,gwg:tau=1,gwg-3" {
		t.Errorf("canonicalSpecs = %q, %v", got, err)
	}
}

// TestSamplerSpecsEndToEnd trains with gwg:tau=1 and checks that the
// checkpoint records the canonical spec, that the same run resumes under
// another spelling of the spec and refuses another spec, and that sample,
// eval (and its JSON report) and bench accept specs.
func TestSamplerSpecsEndToEnd(t *testing.T) {
	datasetstest.SkipShort(t)
	dir := t.TempDir()
	runDir := filepath.Join(dir, "run")
	tiny := []string{"train", "--model", "mlp-8x1", "--steps", "2", "--batch", "10", "--buffer", "20",
		"--log-every", "2", "--sample-every", "0", "--checkpoint-every", "2", "--valid-every", "0",
		"--no-progress", "--out", runDir}
	gwg := func(code int, args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		if got := run(args, &out, &errb); got != code {
			t.Fatalf("gwg %q: exit %d, want %d\nstdout %s\nstderr %s", args, got, code, out.String(), errb.String())
		}
		return out.String() + errb.String()
	}
	if out := gwg(0, append(tiny, "--iters", "2", "--sampler", "gwg:tau=1")...); !strings.Contains(out, "with gwg:tau=1 (K = 2)") {
		t.Errorf("train printed %q", out)
	}
	c, err := ckpt.Load(filepath.Join(runDir, "ckpt-00000002.gwg"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := train.FromCheckpoint(c)
	if err != nil {
		t.Fatal(err)
	}
	if s.Config.Sampler != "gwg:tau=1" {
		t.Errorf("checkpoint records sampler %q, want gwg:tau=1", s.Config.Sampler)
	}
	gwg(0, append(tiny, "--iters", "4", "--sampler", "gwg:k=1,tau=1.0")...)
	if out := gwg(2, append(tiny, "--iters", "6", "--sampler", "gwg")...); !strings.Contains(out, "other --sampler") {
		t.Errorf("resume with another sampler printed %q", out)
	}
	if out := gwg(2, append(tiny, "--sampler", "gwg:tau=0")...); !strings.Contains(out, "--sampler: sampler \"gwg:tau=0\": tau") {
		t.Errorf("bad tau printed %q", out)
	}

	png := filepath.Join(dir, "s.png")
	if out := gwg(0, "sample", "--checkpoint", runDir, "--chains", "4", "--steps", "2", "--sampler", "gwg:tau=2", "--out", png); !strings.Contains(out, "2 gwg steps") {
		t.Errorf("sample printed %q, want the canonical spec", out)
	}
	gwg(2, "sample", "--checkpoint", runDir, "--sampler", "gwg:speed=2", "--out", png)

	report := filepath.Join(dir, "eval.json")
	gwg(0, "eval", "--checkpoint", runDir, "--sampler", "gwg:tau=1,k=1", "--temperatures", "5", "--chains", "2", "--repeats", "1",
		"--splits", "none", "--quiet", "--json", report)
	b, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Settings struct {
			Sampler string `json:"sampler"`
		} `json:"settings"`
	}
	if err := json.Unmarshal(b, &rep); err != nil || rep.Settings.Sampler != "gwg:tau=1" {
		t.Errorf("eval report sampler %q (%v), want gwg:tau=1", rep.Settings.Sampler, err)
	}

	out := gwg(0, "bench", "ising", "--sizes", "3", "--sigmas", "0.25", "--samplers", "gwg:tau=1,gibbs", "--steps", "4", "--chains", "2", "--out", filepath.Join(dir, "bench"))
	if !strings.Contains(out, "gwg:tau=1") {
		t.Errorf("bench printed %q, want the spec", out)
	}
	if out := gwg(2, "bench", "ising", "--samplers", "gwg:tau=1,speed=2", "--out", filepath.Join(dir, "bench")); !strings.Contains(out, `unknown option "speed"`) {
		t.Errorf("bench with a bad spec printed %q", out)
	}
}
