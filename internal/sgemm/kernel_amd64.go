package sgemm

import "golang.org/x/sys/cpu"

// Available reports whether this processor runs the kernel.
var Available = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// kernel adds the product of a packed 6×k panel a (column by column) and a
// packed k×16 panel b (row by row) to the 6×16 block at c, whose rows are
// ldc elements apart.
//
//go:noescape
func kernel(k int, a, b, c *float32, ldc int)
