//go:build !amd64

package sgemm

// Available reports whether this processor runs the kernel.
const Available = false

func kernel(k int, a, b, c *float32, ldc int) { panic("sgemm: no kernel on this architecture") }
