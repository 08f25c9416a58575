package jsonl

import (
	"encoding/binary"
	"math/bits"
)

const (
	swarLo = 0x0101010101010101
	swarHi = 0x8080808080808080
)

// special has the high bit set in the lowest byte of x that is a quote,
// a backslash, a control character or not ASCII (bits above that byte
// may be set too).
func special(x uint64) uint64 {
	q := x ^ (swarLo * '"')
	bs := x ^ (swarLo * '\\')
	return ((q-swarLo)&^q | (bs-swarLo)&^bs | (x-swarLo*0x20)&^x | x) & swarHi
}

// skipString skips the rest of a string whose opening quote is at
// b[i-1] and returns the index after its closing quote, whether it has
// escapes and whether it has bytes >= 0x80. The index is -1 where the
// full scan reports an error (unterminated string, control character,
// invalid escape).
func skipString(b []byte, i int) (end int, esc, hi bool) {
	for {
		for {
			if i+8 > len(b) {
				for i < len(b) && b[i] != '"' && b[i] != '\\' && b[i] >= 0x20 && b[i] < 0x80 {
					i++
				}
				break
			}
			if m := special(binary.LittleEndian.Uint64(b[i:])); m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				break
			}
			i += 8
		}
		if i >= len(b) {
			return -1, esc, hi
		}
		switch c := b[i]; {
		case c == '"':
			return i + 1, esc, hi
		case c == '\\':
			esc = true
			n, ok := skipEscape(b, i)
			if !ok {
				return -1, esc, hi
			}
			i = n
		case c >= 0x80:
			hi = true
			i++
		default:
			return -1, esc, hi // control character
		}
	}
}

// skipEscape checks the escape at b[j]=='\\' as Scanner.escape does and
// returns the index after it.
func skipEscape(b []byte, j int) (int, bool) {
	if j+1 >= len(b) {
		return j, false
	}
	switch b[j+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return j + 2, true
	case 'u':
		_, n, ok := hex4(b, j+2)
		return n, ok
	}
	return j, false
}
