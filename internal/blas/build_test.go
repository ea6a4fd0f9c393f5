package blas

import (
	"testing"

	"github.com/gwg-go/gwg/internal/buildinfo"
)

// TestBuildRecordNamesTheGEMM: what checkpoints record as the GEMM is what
// this package installed.
func TestBuildRecordNamesTheGEMM(t *testing.T) {
	if got := buildinfo.Current().GEMM; got != Name {
		t.Errorf("buildinfo says GEMM %q, internal/blas installed %q", got, Name)
	}
}
