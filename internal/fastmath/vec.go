package fastmath

import "math"

// The vector functions below run as AVX2 assembly where the processor has
// it and as Go otherwise; both do the same float32 operations in the same
// order, without fused multiply-adds, so they return the same bits and a
// seeded run does not depend on the machine.

// Exp32 sets dst[i] = e^x[i] for the float32 elements of x, with a relative
// error below 1.5e-7 (about one float32 ulp). Results below 2⁻¹²⁵ (x < −86.98,
// near the end of float32's normal range) are 0; x > 88.72 gives +Inf, as
// does +Inf, and NaN gives NaN. dst must be at least as long as x; it may
// be x itself. On AVX2 processors it costs well under a nanosecond per
// element.
func Exp32(dst, x []float32) {
	ExpSum32(dst, x, 0, 1)
}

// ExpSum32 sets dst[i] = e^((x[i] − m)·s), the difference and the product
// rounded to float32, with Exp32's accuracy and limits, and returns the sum
// of the results: the weights of a softmax and about its normaliser in one
// pass. Every eighth element goes to the same of eight float32 lane sums,
// which are added to float64 sums every 256 elements, so the relative
// error of the sum is below 32 float32 ulps (2e-6), and it too does not
// depend on the machine. Where a sum must be exact to float64 rounding, add
// up dst.
func ExpSum32(dst, x []float32, m, s float32) float64 {
	return expSum(dst[:len(x)], x, m, s)
}

// SumExp32 returns the sum that ExpSum32 returns, to the bit, without
// writing the results anywhere.
func SumExp32(x []float32, m, s float32) float64 {
	return expSum(nil, x, m, s)
}

// expSum is ExpSum32 with dst nil or as long as x.
func expSum(dst, x []float32, m, s float32) float64 {
	var acc [8]float64
	var acc32 [8]float32
	flush := func() {
		for l, a := range acc32 {
			acc[l] += float64(a)
		}
		acc32 = [8]float32{}
	}
	switch {
	case useAVX2 && len(x) > 0 && dst == nil:
		expSumAVX2(nil, &x[0], len(x), m, s, &acc)
	case useAVX2 && len(x) > 0:
		expSumAVX2(&dst[0], &x[0], len(x), m, s, &acc)
	default:
		for i, v := range x {
			e := exp32(float32((v - m) * s))
			if dst != nil {
				dst[i] = e
			}
			acc32[i&7] += e
			if i&255 == 255 {
				flush()
			}
		}
		flush()
	}
	return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]))
}

// Max32 returns the largest element of x (−Inf if x is empty) and whether
// every element is finite; if one is NaN the maximum is meaningless.
func Max32(x []float32) (m float32, finite bool) {
	if useAVX2 && len(x) > 0 {
		return maxAVX2(&x[0], len(x))
	}
	m = float32(math.Inf(-1))
	var bad float32 // v·0 is 0 for finite v and NaN otherwise
	for _, v := range x {
		bad += v * 0
		if v > m {
			m = v
		}
	}
	return m, bad == 0
}

// The float32 exponential: with k = round(x·log₂e) (ties to even),
// e^x = 2ᵏ·e^r, r = x − k·ln2 in two parts (Cody and Waite: k·ln2Hi is
// exact), e^r ≈ 1 + r + r²·p(r) with Cephes's degree-5 p for |r| ≤ ln2/2,
// and 2ᵏ added to the exponent field. k ≥ −125 keeps the result normal.
const (
	expLo = -86.98       // float32(expLo)·log₂e rounds to −125 or more
	expHi = 0x1.62e42ep6 // the largest float32 below 128·ln2: beyond, e^x overflows
	log2e = math.Log2E
	ln2Hi = 0.693359375
	ln2Lo = -2.12194440e-4
	expP0 = 1.9875691500e-4
	expP1 = 1.3981999507e-3
	expP2 = 8.3334519073e-3
	expP3 = 4.1665795894e-2
	expP4 = 1.6666665459e-1
	expP5 = 5.0000001201e-1

	roundMagic32 = 0x1.8p23 // adding it to |y| < 2²² rounds y to an integer
)

// exp32 is one element of Exp32. Every product is converted to float32
// explicitly: that forbids the compiler to fuse it with the next addition,
// which the assembly does not do either.
func exp32(x float32) float32 {
	if x < expLo {
		return 0
	}
	if !(x <= expHi) { // above, +Inf or NaN
		return x + float32(math.Inf(1))
	}
	k := float32(float32(x*log2e)+roundMagic32) - roundMagic32 // as VROUNDPS: to nearest, ties to even
	r := x - float32(k*ln2Hi)
	r -= float32(k * ln2Lo)
	r2 := float32(r * r)
	p := float32(expP0 * r)
	p = float32((p+expP1)*r) + expP2
	p = float32(p*r) + expP3
	p = float32(p*r) + expP4
	p = float32(p*r) + expP5
	e := float32(p*r2) + r + 1
	return math.Float32frombits(math.Float32bits(e) + uint32(int32(k))<<23)
}
