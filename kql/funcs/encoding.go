package funcs

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"hash/crc32"
	"io"
	"math"
	"math/bits"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/huntpack/huntpack/kql/types"
)

// Encoding, hashing and compression functions.

func addEncoding(r *Registry) {
	scalar(r, "url_encode", "url_encode(url: string): string", "Percent-encodes a URL (spaces become +).",
		1, 1, fixed(types.String), unary(func(v types.Value) types.Value { return strV(lowerHexEscapes(url.QueryEscape(str(v)))) }))
	scalar(r, "url_encode_component", "url_encode_component(url: string): string", "Percent-encodes a URL component (spaces become %20).",
		1, 1, fixed(types.String), unary(func(v types.Value) types.Value {
			return strV(lowerHexEscapes(strings.ReplaceAll(url.QueryEscape(str(v)), "+", "%20")))
		}))
	scalar(r, "url_decode", "url_decode(encoded_url: string): string", "Decodes a percent-encoded URL; \"\" when it is malformed.",
		1, 1, fixed(types.String), unary(func(v types.Value) types.Value {
			s, err := url.QueryUnescape(str(v))
			if err != nil {
				return strV("")
			}
			return strV(s)
		}))
	scalar(r, "base64_encode_tostring", "base64_encode_tostring(string: string): string", "Encodes the UTF-8 bytes of a string as base64.",
		1, 1, fixed(types.String), unary(func(v types.Value) types.Value {
			return strV(base64.StdEncoding.EncodeToString([]byte(str(v))))
		}), "base64_encodestring")
	scalar(r, "base64_decode_tostring", "base64_decode_tostring(base64_string: string): string", "Decodes base64 into a UTF-8 string; \"\" when the input or the decoded bytes are invalid.",
		1, 1, fixed(types.String), unary(func(v types.Value) types.Value {
			b, ok := decodeBase64(str(v))
			if !ok || !utf8.Valid(b) {
				return strV("")
			}
			return strV(string(b))
		}), "base64_decodestring")
	scalar(r, "base64_decode_toarray", "base64_decode_toarray(base64_string: string): dynamic", "Decodes base64 into an array of byte values (longs).",
		1, 1, fixed(types.Dynamic), unary(func(v types.Value) types.Value {
			b, ok := decodeBase64(str(v))
			if !ok {
				return dynNull()
			}
			out := make([]any, len(b))
			for i, c := range b {
				out[i] = int64(c)
			}
			return dynValue(out)
		}))
	scalar(r, "base64_encode_fromarray", "base64_encode_fromarray(base64_string_decoded_as_array: dynamic): string", "Encodes an array of byte values as base64.",
		1, 1, fixed(types.String), unary(func(v types.Value) types.Value {
			arr, ok := arrayArg(v)
			if !ok {
				return strV("")
			}
			b := make([]byte, len(arr))
			for i, e := range arr {
				n, ok := e.(int64)
				if !ok || n < 0 || n > 255 {
					return strV("")
				}
				b[i] = byte(n)
			}
			return strV(base64.StdEncoding.EncodeToString(b))
		}))
	scalar(r, "base64_decode_toguid", "base64_decode_toguid(base64_string: string): guid", "Decodes 16 base64 bytes (.NET GUID byte order) into a guid.",
		1, 1, fixed(types.GUID), unary(func(v types.Value) types.Value {
			b, ok := decodeBase64(str(v))
			if !ok || len(b) != 16 {
				return nullOf(types.GUID)
			}
			return types.Value{T: types.GUID, S: guidFromDotNetBytes(b)}
		}))
	scalar(r, "base64_encode_fromguid", "base64_encode_fromguid(guid: guid): string", "Encodes a guid's 16 bytes (.NET byte order) as base64.",
		1, 1, fixed(types.String), unary(func(v types.Value) types.Value {
			g, ok := canonicalGUID(str(v))
			if !ok {
				return strV("")
			}
			return strV(base64.StdEncoding.EncodeToString(guidToDotNetBytes(g)))
		}))
	addHashes(r)
	addCompression(r)
}

// lowerHexEscapes writes %XX escapes in lower case, as .NET's encoder
// (and so Kusto) does.
func lowerHexEscapes(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1], b[i+2] = lowerASCII(b[i+1]), lowerASCII(b[i+2])
			i += 2
		}
	}
	return string(b)
}

// decodeBase64 decodes padded standard base64. Unpadded input is
// invalid, as the base64_encode_fromarray page's example shows (its
// unpadded input decodes to nothing).
func decodeBase64(s string) ([]byte, bool) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil {
		return nil, false
	}
	return b, true
}

// guidFromDotNetBytes reads .NET's mixed-endian GUID layout.
func guidFromDotNetBytes(b []byte) string {
	var o [16]byte
	o[0], o[1], o[2], o[3] = b[3], b[2], b[1], b[0]
	o[4], o[5] = b[5], b[4]
	o[6], o[7] = b[7], b[6]
	copy(o[8:], b[8:])
	h := hex.EncodeToString(o[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func guidToDotNetBytes(g string) []byte {
	raw, _ := hex.DecodeString(strings.ReplaceAll(g, "-", ""))
	b := make([]byte, 16)
	b[0], b[1], b[2], b[3] = raw[3], raw[2], raw[1], raw[0]
	b[4], b[5] = raw[5], raw[4]
	b[6], b[7] = raw[7], raw[6]
	copy(b[8:], raw[8:])
	return b
}

func addHashes(r *Registry) {
	scalar(r, "hash", "hash(source: any [, mod: int]): long", "Returns the xxHash64 of the value's text (UTF-8), optionally modulo mod.",
		1, 2, fixed(types.Long), func(_ *Context, a []types.Value) types.Value {
			h := int64(XXHash64(hashBytes(a[0]), 0))
			if len(a) > 1 {
				m, ok := asLong(a[1])
				if !ok || m <= 0 {
					return nullOf(types.Long)
				}
				h = int64(uint64(h) % uint64(m))
			}
			return longV(h)
		})
	scalar(r, "hash_xxhash64", "hash_xxhash64(source: any [, mod: int]): long", "Returns the xxHash64 of the value's text (UTF-8), optionally modulo mod.",
		1, 2, fixed(types.Long), func(_ *Context, a []types.Value) types.Value {
			h := int64(XXHash64(hashBytes(a[0]), 0))
			if len(a) > 1 {
				m, ok := asLong(a[1])
				if !ok || m <= 0 {
					return nullOf(types.Long)
				}
				h = int64(uint64(h) % uint64(m))
			}
			return longV(h)
		})
	hexHash := func(name, doc string, f func([]byte) []byte) {
		scalar(r, name, name+"(source: any): string", doc, 1, 1, fixed(types.String), unary(func(v types.Value) types.Value {
			return strV(hex.EncodeToString(f([]byte(roundTripText(v)))))
		}))
	}
	hexHash("hash_md5", "Returns the MD5 of the value's text as lower-case hex.", func(b []byte) []byte { s := md5.Sum(b); return s[:] })
	hexHash("hash_sha1", "Returns the SHA-1 of the value's text as lower-case hex.", func(b []byte) []byte { s := sha1.Sum(b); return s[:] })
	hexHash("hash_sha256", "Returns the SHA-256 of the value's text as lower-case hex.", func(b []byte) []byte { s := sha256.Sum256(b); return s[:] })
	scalar(r, "hash_crc32", "hash_crc32(source: any [, mod: int]): long", "Returns the CRC-32 (IEEE) of the value's text.",
		1, 2, fixed(types.Long), func(_ *Context, a []types.Value) types.Value {
			h := int64(crc32.ChecksumIEEE([]byte(roundTripText(a[0]))))
			if len(a) > 1 {
				m, ok := asLong(a[1])
				if !ok || m <= 0 {
					return nullOf(types.Long)
				}
				h %= m
			}
			return longV(h)
		})
}

// hashBytes is what hash() and hash_xxhash64() hash: the UTF-8 text of
// strings, the little-endian 8 bytes of datetime/timespan ticks and longs
// (the documented hash(datetime) example), 4 bytes for an int and the
// IEEE bits of a real. The binary forms other than datetime are inferred,
// not documented.
func hashBytes(v types.Value) []byte {
	if v.IsNull() {
		return nil
	}
	switch v.T {
	case types.DateTime, types.TimeSpan, types.Long:
		return binary.LittleEndian.AppendUint64(nil, uint64(v.I))
	case types.Int:
		return binary.LittleEndian.AppendUint32(nil, uint32(v.I))
	case types.Real:
		return binary.LittleEndian.AppendUint64(nil, math.Float64bits(v.F))
	}
	return []byte(str(v))
}

// roundTripText is the text hashed (and reversed) for a value. Datetimes use the
// round-trip form with all seven fractional digits (this reproduces the
// hash_md5 documentation's datetime example).
func roundTripText(v types.Value) string {
	if v.T == types.DateTime && !v.IsNull() {
		t := types.TimeFromTicks(v.I)
		return t.Format("2006-01-02T15:04:05") + "." + pad(floorMod(v.I, types.TicksPerSecond), 7) + "Z"
	}
	return str(v)
}

// xxHash64 primes (from the xxHash specification).
const (
	xxP1 uint64 = 0x9E3779B185EBCA87
	xxP2 uint64 = 0xC2B2AE3D27D4EB4F
	xxP3 uint64 = 0x165667B19E3779F9
	xxP4 uint64 = 0x85EBCA77C2B2AE63
	xxP5 uint64 = 0x27D4EB2F165667C5
)

func xxRound(acc, in uint64) uint64 {
	acc += in * xxP2
	return bits.RotateLeft64(acc, 31) * xxP1
}

func xxMerge(acc, v uint64) uint64 {
	acc ^= xxRound(0, v)
	return acc*xxP1 + xxP4
}

// XXHash64 implements the XXH64 hash of b with the given seed, written
// from the algorithm's public specification.
func XXHash64(b []byte, seed uint64) uint64 {
	n := len(b)
	var h uint64
	if n >= 32 {
		v1, v2, v3, v4 := seed+xxP1+xxP2, seed+xxP2, seed, seed-xxP1
		for len(b) >= 32 {
			v1 = xxRound(v1, binary.LittleEndian.Uint64(b[0:]))
			v2 = xxRound(v2, binary.LittleEndian.Uint64(b[8:]))
			v3 = xxRound(v3, binary.LittleEndian.Uint64(b[16:]))
			v4 = xxRound(v4, binary.LittleEndian.Uint64(b[24:]))
			b = b[32:]
		}
		h = bits.RotateLeft64(v1, 1) + bits.RotateLeft64(v2, 7) + bits.RotateLeft64(v3, 12) + bits.RotateLeft64(v4, 18)
		h = xxMerge(h, v1)
		h = xxMerge(h, v2)
		h = xxMerge(h, v3)
		h = xxMerge(h, v4)
	} else {
		h = seed + xxP5
	}
	h += uint64(n)
	for len(b) >= 8 {
		h ^= xxRound(0, binary.LittleEndian.Uint64(b))
		h = bits.RotateLeft64(h, 27)*xxP1 + xxP4
		b = b[8:]
	}
	if len(b) >= 4 {
		h ^= uint64(binary.LittleEndian.Uint32(b)) * xxP1
		h = bits.RotateLeft64(h, 23)*xxP2 + xxP3
		b = b[4:]
	}
	for _, c := range b {
		h ^= uint64(c) * xxP5
		h = bits.RotateLeft64(h, 11) * xxP1
	}
	h ^= h >> 33
	h *= xxP2
	h ^= h >> 29
	h *= xxP3
	h ^= h >> 32
	return h
}

// maxDecompressed bounds decompression output (zip bombs in log data).
const maxDecompressed = 16 << 20

func addCompression(r *Registry) {
	scalar(r, "gzip_compress_to_base64_string", "gzip_compress_to_base64_string(string: string): string", "Gzip-compresses the string and encodes the result as base64.",
		1, 1, fixed(types.String), unary(func(v types.Value) types.Value {
			return strV(base64.StdEncoding.EncodeToString(m2StoredGzip([]byte(str(v)))))
		}))
	scalar(r, "gzip_decompress_from_base64_string", "gzip_decompress_from_base64_string(string: string): string", "Decodes base64 and gunzips it; \"\" when invalid.",
		1, 1, fixed(types.String), unary(func(v types.Value) types.Value {
			return decompress(str(v), func(rd io.Reader) (io.Reader, error) { return gzip.NewReader(rd) })
		}))
	scalar(r, "zlib_compress_to_base64_string", "zlib_compress_to_base64_string(string: string): string", "Zlib-compresses the string and encodes the result as base64.",
		1, 1, fixed(types.String), unary(func(v types.Value) types.Value {
			return strV(base64.StdEncoding.EncodeToString(m2StoredZlib([]byte(str(v)))))
		}))
	scalar(r, "zlib_decompress_from_base64_string", "zlib_decompress_from_base64_string(string: string): string", "Decodes base64 and inflates it with zlib; \"\" when invalid.",
		1, 1, fixed(types.String), unary(func(v types.Value) types.Value {
			return decompress(str(v), func(rd io.Reader) (io.Reader, error) { return zlib.NewReader(rd) })
		}))
}

func decompress(s string, open func(io.Reader) (io.Reader, error)) types.Value {
	raw, ok := decodeBase64(s)
	if !ok {
		return strV("")
	}
	rd, err := open(bytes.NewReader(raw))
	if err != nil {
		return strV("")
	}
	out, err := io.ReadAll(io.LimitReader(rd, maxDecompressed))
	if err != nil || !utf8.Valid(out) {
		return strV("")
	}
	return strV(string(out))
}
