//go:build !amd64

package jsonl

// jxFillMasks is jxFillMasksGo where there is no assembly version.
func jxFillMasks(b []byte, q []uint64) bool { return jxFillMasksGo(b, q) }

// jxFillBlock is jxFillBlockGo where there is no assembly version.
func jxFillBlock(b []byte, q, nl, bad []uint64) { jxFillBlockGo(b, q, nl, bad) }
