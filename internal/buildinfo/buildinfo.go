// Package buildinfo says how this binary computes: which matrix product, Go
// toolchain, architecture level and processor features. Checkpoints and
// reports record it, because a change in any of them changes float32 results
// (summation order, fused multiply-adds) and so the weights a run trains to.
package buildinfo

import (
	"runtime"
	"runtime/debug"
	"strings"
	"sync"

	"golang.org/x/sys/cpu"

	"github.com/gwg-go/gwg/ckpt"
	"github.com/gwg-go/gwg/internal/sgemm"
)

// Current is the numeric build of this binary.
var Current = sync.OnceValue(func() ckpt.Build {
	return ckpt.Build{GEMM: gemm(), Go: runtime.Version(), GOARCH: goarch(), CPU: cpuFeatures()}
})

// Record returns a copy of Current for a checkpoint to keep.
func Record() *ckpt.Build {
	b := Current()
	return &b
}

// goarch is GOARCH with its feature level (GOAMD64 and the like), which
// decides among other things whether the compiler fuses multiply-adds.
func goarch() string {
	bi, ok := debug.ReadBuildInfo()
	if ok {
		for _, s := range bi.Settings {
			if s.Key == "GO"+strings.ToUpper(runtime.GOARCH) {
				return runtime.GOARCH + "/" + s.Value
			}
		}
	}
	return runtime.GOARCH
}

// cpuFeatures are the processor features the GEMM dispatches on.
func cpuFeatures() string {
	if gemm() == "openblas" {
		// OpenBLAS picks its kernels by processor.
		var f []string
		for _, x := range []struct {
			name string
			has  bool
		}{{"avx512f", cpu.X86.HasAVX512F}, {"avx2", cpu.X86.HasAVX2}, {"fma", cpu.X86.HasFMA}, {"asimd", cpu.ARM64.HasASIMD}} {
			if x.has {
				f = append(f, x.name)
			}
		}
		return strings.Join(f, ",")
	}
	if sgemm.Available {
		return "avx2,fma"
	}
	return ""
}
