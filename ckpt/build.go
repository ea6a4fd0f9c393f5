package ckpt

import "fmt"

// Build is the numeric build of the program that wrote a checkpoint: what
// decides the exact float32 results of training, so that two binaries built
// differently can continue the same run to different weights.
type Build struct {
	GEMM   string `msgpack:"gemm" json:"gemm"`     // matrix product, e.g. "gonum+sgemm" or "openblas"
	Go     string `msgpack:"go" json:"go"`         // toolchain, e.g. "go1.26.0"
	GOARCH string `msgpack:"goarch" json:"goarch"` // with its feature level, e.g. "amd64/v1"
	CPU    string `msgpack:"cpu" json:"cpu"`       // processor features the GEMM uses, e.g. "avx2,fma"
}

func (b Build) String() string {
	cpu := b.CPU
	if cpu == "" {
		cpu = "no special CPU features"
	}
	return fmt.Sprintf("GEMM %s, %s, %s, %s", b.GEMM, b.Go, b.GOARCH, cpu)
}

// Differences lists, for each part of the build that differs, "part: b's
// value vs o's"; empty when the builds compute alike.
func (b Build) Differences(o Build) []string {
	var d []string
	for _, f := range []struct{ name, x, y string }{
		{"GEMM", b.GEMM, o.GEMM}, {"Go", b.Go, o.Go}, {"GOARCH", b.GOARCH, o.GOARCH}, {"CPU features", b.CPU, o.CPU},
	} {
		if f.x != f.y {
			d = append(d, fmt.Sprintf("%s %q vs %q", f.name, f.x, f.y))
		}
	}
	return d
}
