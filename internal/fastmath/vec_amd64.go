package fastmath

import "golang.org/x/sys/cpu"

// useAVX2 selects the assembly versions of the vector functions.
var useAVX2 = cpu.X86.HasAVX2

// expSumAVX2 is ExpSum32 for n > 0 elements, leaving the lane sums in acc.
//
//go:noescape
func expSumAVX2(dst, x *float32, n int, m, s float32, acc *[8]float64)

// maxAVX2 is Max32 for n > 0 elements.
//
//go:noescape
func maxAVX2(x *float32, n int) (m float32, finite bool)
