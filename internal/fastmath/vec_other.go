//go:build !amd64

package fastmath

var useAVX2 = false // a variable, so that the tests can switch it like on amd64

func expSumAVX2(dst, x *float32, n int, m, s float32, acc *[8]float64) {
	panic("fastmath: no assembly on this architecture")
}

func maxAVX2(x *float32, n int) (m float32, finite bool) {
	panic("fastmath: no assembly on this architecture")
}
