package jsonl

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// jxMasks16 (jxmask_amd64.s, SSE2) stores, for each full 16-byte chunk c
// of b, the chunk's quote bits at q[c] (bit k: b[16c+k] == '"') and
// returns nonzero when a byte of those chunks is a backslash, below 0x20
// or above 0x7f.
//
//go:noescape
func jxMasks16(b []byte, q *uint16) uint32

// jxMasks32 is jxMasks16 for 32-byte chunks, with AVX2.
//
//go:noescape
func jxMasks32(b []byte, q *uint32) uint32

// jxAVX2 selects jxMasks32 (tests turn it off to check jxMasks16).
var jxAVX2 = cpu.X86.HasAVX2

var jxSpaces = [32]byte{' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
	' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '}

// jxFillMasks is jxFillMasksGo in SIMD: q's words are filled 16 or 32
// bits at a time (amd64 is little-endian: bits 16c..16c+15 of the mask
// are the c-th uint16 of q); the last partial chunk is padded with
// spaces.
func jxFillMasks(b []byte, q []uint64) bool {
	if len(b) == 0 {
		return true
	}
	tail := jxSpaces
	if jxAVX2 {
		slots := unsafe.Slice((*uint32)(unsafe.Pointer(&q[0])), 2*len(q))
		n := len(b) &^ 31
		bad := uint32(0)
		if n > 0 {
			bad = jxMasks32(b[:n], &slots[0])
		}
		if n < len(b) {
			copy(tail[:], b[n:])
			bad |= jxMasks32(tail[:], &slots[n/32])
		}
		return bad == 0
	}
	slots := unsafe.Slice((*uint16)(unsafe.Pointer(&q[0])), 4*len(q))
	n := len(b) &^ 15
	bad := uint32(0)
	if n > 0 {
		bad = jxMasks16(b[:n], &slots[0])
	}
	if n < len(b) {
		copy(tail[:16], b[n:])
		bad |= jxMasks16(tail[:16], &slots[n/16])
	}
	return bad == 0
}

// jxBlock16 (jxmask_amd64.s, SSE2) stores, for each full 16-byte chunk c
// of b, the chunk's quote bits at q[c], its line feed bits at nl[c] and
// the bits of its backslashes and bytes below 0x20 or above 0x7f at
// bad[c].
//
//go:noescape
func jxBlock16(b []byte, q, nl, bad *uint16)

// jxBlock32 is jxBlock16 for 32-byte chunks, with AVX2.
//
//go:noescape
func jxBlock32(b []byte, q, nl, bad *uint32)

// jxFillBlock is jxFillBlockGo in SIMD (see jxFillMasks).
func jxFillBlock(b []byte, q, nl, bad []uint64) {
	if len(b) == 0 {
		return
	}
	tail := jxSpaces
	if jxAVX2 {
		s32 := func(m []uint64) []uint32 { return unsafe.Slice((*uint32)(unsafe.Pointer(&m[0])), 2*len(m)) }
		sq, sn, sb := s32(q), s32(nl), s32(bad)
		n := len(b) &^ 31
		if n > 0 {
			jxBlock32(b[:n], &sq[0], &sn[0], &sb[0])
		}
		if n < len(b) {
			copy(tail[:], b[n:])
			jxBlock32(tail[:], &sq[n/32], &sn[n/32], &sb[n/32])
		}
		return
	}
	s16 := func(m []uint64) []uint16 { return unsafe.Slice((*uint16)(unsafe.Pointer(&m[0])), 4*len(m)) }
	sq, sn, sb := s16(q), s16(nl), s16(bad)
	n := len(b) &^ 15
	if n > 0 {
		jxBlock16(b[:n], &sq[0], &sn[0], &sb[0])
	}
	if n < len(b) {
		copy(tail[:16], b[n:])
		jxBlock16(tail[:16], &sq[n/16], &sn[n/16], &sb[n/16])
	}
}
