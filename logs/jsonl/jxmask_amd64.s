#include "textflag.h"

// func jxMasks16(b []byte, q *uint16) uint32
// For each full 16-byte chunk of b it stores the chunk's quote bits
// (bit k: b[16c+k] == '"') at q[c], and returns the OR of the chunks'
// masks of bytes that are a backslash, below 0x20 or above 0x7f
// (nonzero: some byte of the full chunks is one). SSE2 only.
TEXT ·jxMasks16(SB), NOSPLIT, $0-36
	MOVQ b_base+0(FP), SI
	MOVQ b_len+8(FP), CX
	MOVQ q+24(FP), DI
	MOVQ $0x2222222222222222, AX
	MOVQ AX, X1
	PUNPCKLQDQ X1, X1
	MOVQ $0x5c5c5c5c5c5c5c5c, AX
	MOVQ AX, X2
	PUNPCKLQDQ X2, X2
	MOVQ $0x2020202020202020, AX
	MOVQ AX, X3
	PUNPCKLQDQ X3, X3
	PXOR X7, X7
	SHRQ $4, CX
	JZ done

loop:
	MOVOU (SI), X0
	MOVO X0, X4
	PCMPEQB X1, X4
	PMOVMSKB X4, AX
	MOVW AX, (DI)
	MOVO X0, X5
	PCMPEQB X2, X5
	POR X5, X7
	MOVO X3, X6
	PCMPGTB X0, X6
	POR X6, X7
	ADDQ $16, SI
	ADDQ $2, DI
	DECQ CX
	JNZ loop

done:
	PMOVMSKB X7, AX
	MOVL AX, ret+32(FP)
	RET

// func jxMasks32(b []byte, q *uint32) uint32
// jxMasks16 for 32-byte chunks, with AVX2: q[c] gets chunk c's quote bits.
TEXT ·jxMasks32(SB), NOSPLIT, $0-36
	MOVQ b_base+0(FP), SI
	MOVQ b_len+8(FP), CX
	MOVQ q+24(FP), DI
	MOVQ $0x2222222222222222, AX
	MOVQ AX, X1
	VPBROADCASTQ X1, Y1
	MOVQ $0x5c5c5c5c5c5c5c5c, AX
	MOVQ AX, X2
	VPBROADCASTQ X2, Y2
	MOVQ $0x2020202020202020, AX
	MOVQ AX, X3
	VPBROADCASTQ X3, Y3
	VPXOR Y7, Y7, Y7
	SHRQ $5, CX
	JZ done32

loop32:
	VMOVDQU (SI), Y0
	VPCMPEQB Y1, Y0, Y4
	VPMOVMSKB Y4, AX
	MOVL AX, (DI)
	VPCMPEQB Y2, Y0, Y5
	VPOR Y5, Y7, Y7
	VPCMPGTB Y0, Y3, Y6
	VPOR Y6, Y7, Y7
	ADDQ $32, SI
	ADDQ $4, DI
	DECQ CX
	JNZ loop32

done32:
	VPMOVMSKB Y7, AX
	MOVL AX, ret+32(FP)
	VZEROUPPER
	RET

// func jxBlock16(b []byte, q *uint16, nl *uint16, bad *uint16)
// For each full 16-byte chunk c of b: q[c] gets its quote bits, nl[c]
// its line feed bits, bad[c] the bits of its bytes that are a backslash,
// below 0x20 or above 0x7f. SSE2 only.
TEXT ·jxBlock16(SB), NOSPLIT, $0-48
	MOVQ b_base+0(FP), SI
	MOVQ b_len+8(FP), CX
	MOVQ q+24(FP), DI
	MOVQ nl+32(FP), R8
	MOVQ bad+40(FP), R9
	MOVQ $0x2222222222222222, AX
	MOVQ AX, X1
	PUNPCKLQDQ X1, X1
	MOVQ $0x5c5c5c5c5c5c5c5c, AX
	MOVQ AX, X2
	PUNPCKLQDQ X2, X2
	MOVQ $0x2020202020202020, AX
	MOVQ AX, X3
	PUNPCKLQDQ X3, X3
	MOVQ $0x0a0a0a0a0a0a0a0a, AX
	MOVQ AX, X8
	PUNPCKLQDQ X8, X8
	SHRQ $4, CX
	JZ bdone16

bloop16:
	MOVOU (SI), X0
	MOVO X0, X4
	PCMPEQB X1, X4
	PMOVMSKB X4, AX
	MOVW AX, (DI)
	MOVO X0, X4
	PCMPEQB X8, X4
	PMOVMSKB X4, AX
	MOVW AX, (R8)
	MOVO X0, X5
	PCMPEQB X2, X5
	MOVO X3, X6
	PCMPGTB X0, X6
	POR X5, X6
	PMOVMSKB X6, AX
	MOVW AX, (R9)
	ADDQ $16, SI
	ADDQ $2, DI
	ADDQ $2, R8
	ADDQ $2, R9
	DECQ CX
	JNZ bloop16

bdone16:
	RET

// func jxBlock32(b []byte, q *uint32, nl *uint32, bad *uint32)
// jxBlock16 for 32-byte chunks, with AVX2.
TEXT ·jxBlock32(SB), NOSPLIT, $0-48
	MOVQ b_base+0(FP), SI
	MOVQ b_len+8(FP), CX
	MOVQ q+24(FP), DI
	MOVQ nl+32(FP), R8
	MOVQ bad+40(FP), R9
	MOVQ $0x2222222222222222, AX
	MOVQ AX, X1
	VPBROADCASTQ X1, Y1
	MOVQ $0x5c5c5c5c5c5c5c5c, AX
	MOVQ AX, X2
	VPBROADCASTQ X2, Y2
	MOVQ $0x2020202020202020, AX
	MOVQ AX, X3
	VPBROADCASTQ X3, Y3
	MOVQ $0x0a0a0a0a0a0a0a0a, AX
	MOVQ AX, X8
	VPBROADCASTQ X8, Y8
	SHRQ $5, CX
	JZ bdone32

bloop32:
	VMOVDQU (SI), Y0
	VPCMPEQB Y1, Y0, Y4
	VPMOVMSKB Y4, AX
	MOVL AX, (DI)
	VPCMPEQB Y8, Y0, Y4
	VPMOVMSKB Y4, AX
	MOVL AX, (R8)
	VPCMPEQB Y2, Y0, Y5
	VPCMPGTB Y0, Y3, Y6
	VPOR Y5, Y6, Y6
	VPMOVMSKB Y6, AX
	MOVL AX, (R9)
	ADDQ $32, SI
	ADDQ $4, DI
	ADDQ $4, R8
	ADDQ $4, R9
	DECQ CX
	JNZ bloop32

bdone32:
	VZEROUPPER
	RET
