#include "textflag.h"

// The constants of exp32 (vec.go), each in the eight lanes of a vector.
#define VEC8(name, bits) \
	DATA name<>+0(SB)/8, bits; \
	DATA name<>+8(SB)/8, bits; \
	DATA name<>+16(SB)/8, bits; \
	DATA name<>+24(SB)/8, bits; \
	GLOBL name<>(SB), RODATA|NOPTR, $32

VEC8(log2e, $0x3fb8aa3b3fb8aa3b) // 1.442695
VEC8(ln2hi, $0x3f3180003f318000) // 0.6933594
VEC8(ln2lo, $0xb95e8083b95e8083) // -0.00021219444
VEC8(p0, $0x3950696739506967) // 0.00019875691
VEC8(p1, $0x3ab743ce3ab743ce) // 0.0013981999
VEC8(p2, $0x3c0889083c088908) // 0.008333452
VEC8(p3, $0x3d2aa9c13d2aa9c1) // 0.041665796
VEC8(p4, $0x3e2aaaaa3e2aaaaa) // 0.16666666
VEC8(p5, $0x3f0000003f000000) // 0.5
VEC8(one, $0x3f8000003f800000) // 1
VEC8(lo, $0xc2adf5c3c2adf5c3) // -86.98
VEC8(hi, $0x42b1721742b17217) // 88.72283
VEC8(inf, $0x7f8000007f800000) // +Inf
VEC8(magic, $0x4b4000004b400000) // 1.5·2²³
VEC8(ninf, $0xff800000ff800000) // -Inf

// tailmask: eight −1 then eight 0 (int32); the 8 words at tailmask+4·(8−r)
// select the first r lanes.
DATA tailmask<>+0(SB)/8, $0xffffffffffffffff
DATA tailmask<>+8(SB)/8, $0xffffffffffffffff
DATA tailmask<>+16(SB)/8, $0xffffffffffffffff
DATA tailmask<>+24(SB)/8, $0xffffffffffffffff
DATA tailmask<>+32(SB)/8, $0
DATA tailmask<>+40(SB)/8, $0
DATA tailmask<>+48(SB)/8, $0
DATA tailmask<>+56(SB)/8, $0
GLOBL tailmask<>(SB), RODATA|NOPTR, $64

// EXP sets Y1 to exp32 of the lanes of Y0, using Y2…Y6; see exp32. Lanes
// with x < lo become 0 and lanes with !(x <= hi) x + Inf. k = round(x·log₂e)
// is in the low bits of Y5 = x·log₂e + 1.5·2²³, so shifting Y5 by 23 gives
// k's exponent bits.
#define EXP \
	VMULPS log2e<>(SB), Y0, Y1; \
	VADDPS magic<>(SB), Y1, Y5; \
	VSUBPS magic<>(SB), Y5, Y1; \
	VMULPS ln2hi<>(SB), Y1, Y2; \
	VSUBPS Y2, Y0, Y2; \
	VMULPS ln2lo<>(SB), Y1, Y3; \
	VSUBPS Y3, Y2, Y2; \
	VMULPS Y2, Y2, Y3; \
	VMULPS p0<>(SB), Y2, Y4; \
	VADDPS p1<>(SB), Y4, Y4; \
	VMULPS Y2, Y4, Y4; \
	VADDPS p2<>(SB), Y4, Y4; \
	VMULPS Y2, Y4, Y4; \
	VADDPS p3<>(SB), Y4, Y4; \
	VMULPS Y2, Y4, Y4; \
	VADDPS p4<>(SB), Y4, Y4; \
	VMULPS Y2, Y4, Y4; \
	VADDPS p5<>(SB), Y4, Y4; \
	VMULPS Y3, Y4, Y4; \
	VADDPS Y2, Y4, Y4; \
	VADDPS one<>(SB), Y4, Y4; \
	VPSLLD $23, Y5, Y5; \
	VPADDD Y5, Y4, Y1; \
	VCMPPS $1, lo<>(SB), Y0, Y5; \
	VANDNPS Y1, Y5, Y1; \
	VCMPPS $6, hi<>(SB), Y0, Y5; \
	VADDPS inf<>(SB), Y0, Y6; \
	VBLENDVPS Y5, Y6, Y1, Y1

// FLUSH adds the float32 lane sums in Y11 to the float64 lane sums in Y12
// (lanes 0…3) and Y13 (4…7), and starts Y11 and the count of vectors until
// the next flush, R8, again.
#define FLUSH \
	VCVTPS2PD X11, Y2; \
	VEXTRACTF128 $1, Y11, X3; \
	VCVTPS2PD X3, Y3; \
	VADDPD Y2, Y12, Y12; \
	VADDPD Y3, Y13, Y13; \
	VXORPS Y11, Y11, Y11; \
	MOVQ $32, R8

// func expSumAVX2(dst, x *float32, n int, m, s float32, acc *[8]float64)
// With dst nil only the sums are made.
TEXT ·expSumAVX2(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	VBROADCASTSS m+24(FP), Y14
	VBROADCASTSS s+28(FP), Y15
	VXORPD Y12, Y12, Y12
	VXORPD Y13, Y13, Y13
	VXORPS Y11, Y11, Y11
	MOVQ $32, R8
	CMPQ CX, $8
	JLT tail

loop:
	VMOVUPS (SI), Y0
	VSUBPS Y14, Y0, Y0
	VMULPS Y15, Y0, Y0
	EXP
	TESTQ DI, DI
	JEQ sum
	VMOVUPS Y1, (DI)
	ADDQ $32, DI

sum:
	VADDPS Y1, Y11, Y11
	DECQ R8
	JNE next
	FLUSH

next:
	ADDQ $32, SI
	SUBQ $8, CX
	CMPQ CX, $8
	JGE loop

tail:
	TESTQ CX, CX
	JEQ done
	LEAQ tailmask<>(SB), AX
	NEGQ CX
	VMOVDQU 32(AX)(CX*4), Y8
	VMASKMOVPS (SI), Y8, Y0
	VSUBPS Y14, Y0, Y0
	VMULPS Y15, Y0, Y0
	EXP
	VANDPS Y8, Y1, Y1
	TESTQ DI, DI
	JEQ tailsum
	VMASKMOVPS Y1, Y8, (DI)

tailsum:
	VADDPS Y1, Y11, Y11

done:
	FLUSH
	MOVQ acc+32(FP), AX
	VMOVUPD Y12, (AX)
	VMOVUPD Y13, 32(AX)
	VZEROUPPER
	RET

// func maxAVX2(x *float32, n int) (m float32, finite bool)
TEXT ·maxAVX2(SB), NOSPLIT, $0-21
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	VMOVUPS ninf<>(SB), Y0
	VMOVUPS Y0, Y1
	VXORPS Y2, Y2, Y2 // Σ x·0: NaN once an x is not finite
	VXORPS Y3, Y3, Y3
	CMPQ CX, $16
	JLT one8

loop16:
	VMOVUPS (SI), Y4
	VMOVUPS 32(SI), Y5
	VMAXPS Y4, Y0, Y0
	VMAXPS Y5, Y1, Y1
	VMULPS Y3, Y4, Y4
	VMULPS Y3, Y5, Y5
	VADDPS Y5, Y4, Y4
	VADDPS Y4, Y2, Y2
	ADDQ $64, SI
	SUBQ $16, CX
	CMPQ CX, $16
	JGE loop16

one8:
	CMPQ CX, $8
	JLT tail
	VMOVUPS (SI), Y4
	VMAXPS Y4, Y0, Y0
	VMULPS Y3, Y4, Y4
	VADDPS Y4, Y2, Y2
	ADDQ $32, SI
	SUBQ $8, CX

tail:
	TESTQ CX, CX
	JEQ reduce
	LEAQ tailmask<>(SB), AX
	NEGQ CX
	VMOVDQU 32(AX)(CX*4), Y8
	VMASKMOVPS (SI), Y8, Y4
	VMULPS Y3, Y4, Y5
	VADDPS Y5, Y2, Y2
	VMOVUPS ninf<>(SB), Y6
	VBLENDVPS Y8, Y4, Y6, Y4
	VMAXPS Y4, Y0, Y0

reduce:
	VMAXPS Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VMAXPS X1, X0, X0
	VPERMILPS $0x4e, X0, X1
	VMAXPS X1, X0, X0
	VPERMILPS $0xb1, X0, X1
	VMAXPS X1, X0, X0
	VMOVSS X0, m+16(FP)
	VCMPPS $4, Y3, Y2, Y2 // lanes ≠ 0, NaN included
	VMOVMSKPS Y2, AX
	TESTL AX, AX
	SETEQ finite+20(FP)
	VZEROUPPER
	RET
