// Package sgemm is a single-precision matrix product for amd64 processors
// with AVX2 and FMA, in pure Go plus one assembly kernel: the pure-Go build's
// stand-in for an optimised BLAS. Products are computed in cache-sized blocks
// of packed panels; a 6×16 kernel keeps its block of the product in twelve
// vector registers.
//
// gonum's own Sgemm, which the pure-Go build otherwise uses, adds one row
// of B into one row of C at a time, and spends its time moving C through
// memory rather than multiplying.
package sgemm
