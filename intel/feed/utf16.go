package feed

import (
	"bytes"
	"errors"
	"unicode/utf16"
	"unicode/utf8"
)

// decodeUTF16 returns data as UTF-8 when it is UTF-16 (Windows tools,
// PowerShell's Out-File, write it): with a byte-order mark, or without one
// when the first bytes are ASCII text with every other byte NUL. Other
// data is returned unchanged. An odd byte count is an error.
func decodeUTF16(data []byte) ([]byte, bool, error) {
	var bigEndian bool
	switch {
	case bytes.HasPrefix(data, []byte{0xff, 0xfe}):
		data = data[2:]
	case bytes.HasPrefix(data, []byte{0xfe, 0xff}):
		data, bigEndian = data[2:], true
	default:
		be, ok := sniffUTF16(data)
		if !ok {
			return data, false, nil
		}
		bigEndian = be
	}
	if len(data)%2 != 0 {
		return nil, true, errors.New("UTF-16 text with an odd number of bytes (truncated?)")
	}
	units := make([]uint16, len(data)/2)
	for i := range units {
		lo, hi := data[2*i], data[2*i+1]
		if bigEndian {
			lo, hi = hi, lo
		}
		units[i] = uint16(lo) | uint16(hi)<<8
	}
	out := make([]byte, 0, len(units))
	for _, r := range utf16.Decode(units) {
		out = utf8.AppendRune(out, r)
	}
	return out, true, nil
}

// sniffUTF16 recognises BOM-less UTF-16 from its first 64 bytes: even
// length, and printable ASCII in every low byte with a NUL in every
// high byte (at least 8 code units).
func sniffUTF16(data []byte) (bigEndian, ok bool) {
	n := min(len(data), 64) &^ 1
	if n < 16 {
		return false, false
	}
	le, be := true, true
	for i := 0; i < n; i += 2 {
		a, b := data[i], data[i+1]
		le = le && b == 0 && asciiText(a)
		be = be && a == 0 && asciiText(b)
	}
	return be, le || be
}

func asciiText(c byte) bool { return c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c < 0x7f) }
