package funcs

import (
	"encoding/binary"
	"hash/adler32"
	"hash/crc32"
)

// Kusto's gzip_compress_to_base64_string and zlib_compress_to_base64_string
// store the data without compression (deflate stored blocks; the zlib
// header says level 0, the gzip header has no extra flags and OS 255), as
// the documented outputs show byte for byte. These writers reproduce that
// exactly, so the local engine gives the same strings.

// m2MaxStored is the largest payload of one stored deflate block.
const m2MaxStored = 65535

// m2StoredDeflate returns data as a raw deflate stream of stored blocks.
func m2StoredDeflate(dst, data []byte) []byte {
	for {
		n := len(data)
		if n > m2MaxStored {
			n = m2MaxStored
		}
		final := byte(0)
		if n == len(data) {
			final = 1
		}
		dst = append(dst, final)
		dst = binary.LittleEndian.AppendUint16(dst, uint16(n))
		dst = binary.LittleEndian.AppendUint16(dst, ^uint16(n))
		dst = append(dst, data[:n]...)
		data = data[n:]
		if final == 1 {
			return dst
		}
	}
}

// m2StoredGzip wraps the stored deflate stream in a gzip member.
func m2StoredGzip(data []byte) []byte {
	out := []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}
	out = m2StoredDeflate(out, data)
	out = binary.LittleEndian.AppendUint32(out, crc32.ChecksumIEEE(data))
	return binary.LittleEndian.AppendUint32(out, uint32(len(data)))
}

// m2StoredZlib wraps the stored deflate stream in a zlib stream (level 0).
func m2StoredZlib(data []byte) []byte {
	out := []byte{0x78, 0x01}
	out = m2StoredDeflate(out, data)
	return binary.BigEndian.AppendUint32(out, adler32.Checksum(data))
}
