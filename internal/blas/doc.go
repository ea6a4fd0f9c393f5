// Package blas selects the BLAS implementation behind gonum's blas32 and
// blas64 and behind Gorgonia. Import it for its side effect:
//
//	import _ "github.com/gwg-go/gwg/internal/blas"
//
// Built without tags, it leaves gonum's pure-Go BLAS in place, which works
// everywhere. Built with the tag openblas (go build -tags openblas), it
// installs OpenBLAS through gonum.org/v1/netlib from init, which needs cgo and
// the OpenBLAS library (Debian: libopenblas-dev). The dense and convolution
// layers of the deep models spend nearly all their time in GEMM, which
// OpenBLAS does several times faster.
package blas
