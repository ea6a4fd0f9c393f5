package ckpt

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func TestBuildRoundTripsAndCompares(t *testing.T) {
	c := fullCheckpoint(t, 1)
	c.Build = &Build{GEMM: "openblas", Go: "go1.26.0", GOARCH: "amd64/v1", CPU: "avx2,fma"}
	var buf bytes.Buffer
	if err := Encode(&buf, c); err != nil {
		t.Fatal(err)
	}
	got, err := Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Build, c.Build) {
		t.Fatalf("build %+v, want %+v", got.Build, c.Build)
	}
	here := Build{GEMM: "gonum+sgemm", Go: "go1.26.0", GOARCH: "amd64/v1", CPU: "avx2,fma"}
	d := c.Build.Differences(here)
	if len(d) != 1 || !strings.Contains(d[0], `GEMM "openblas" vs "gonum+sgemm"`) {
		t.Errorf("Differences = %q", d)
	}
	if d := here.Differences(here); len(d) != 0 {
		t.Errorf("a build differs from itself: %q", d)
	}
}
