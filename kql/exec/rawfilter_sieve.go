package exec

import (
	"encoding/binary"
	"unsafe"
)

// jxSieve is a filter in front of an iocSet that holds only IPv4
// addresses: a blocked Bloom filter over the hash of each address's
// canonical text (the only text parseIPv4 accepts, so a string equals an
// element exactly when it is that element's text). A probe hashes the
// raw text, two overlapping word loads and two multiplications, and most
// log addresses (in no IOC list) are answered by one bit test, without
// parsing the text or probing the table. 16 bits per address, two bits
// in one 64-bit word: about 1-2% false positives, which go on to the
// exact parse and probe.
type jxSieve struct {
	words []uint64
	shift uint // 64 - log2(len(words))
}

// jxSieveFor makes a sieve sized for n addresses.
func jxSieveFor(n int) *jxSieve {
	size := 64 // words
	for size*64 < 16*n {
		size *= 2
	}
	shift := uint(64)
	for s := size; s > 1; s >>= 1 {
		shift--
	}
	return &jxSieve{words: make([]uint64, size), shift: shift}
}

// jxTextHash hashes a string of 4 to 16 bytes (the caller checks the
// length) from two overlapping loads.
func jxTextHash(x string) uint64 {
	b := unsafe.Slice(unsafe.StringData(x), len(x))
	n := len(b)
	var a, c uint64
	if n >= 8 {
		a = binary.LittleEndian.Uint64(b)
		c = binary.LittleEndian.Uint64(b[n-8:])
	} else {
		a = uint64(binary.LittleEndian.Uint32(b))
		c = uint64(binary.LittleEndian.Uint32(b[n-4:]))
	}
	h := (a^uint64(n))*0x9E3779B97F4A7C15 ^ (c+0x632BE59BD9B4E019)*0xC2B2AE3D27D4EB4F
	return h ^ h>>29
}

// bits returns the word index and the two bits of a hash.
func (s *jxSieve) bits(h uint64) (uint64, uint64) {
	return h >> s.shift, 1<<(h&63) | 1<<(h>>6&63)
}

func (s *jxSieve) add(x string) {
	w, m := s.bits(jxTextHash(x))
	s.words[w] |= m
}

// mayHave reports whether x may be the text of an address added; false
// is exact (x is not one of them).
func (s *jxSieve) mayHave(x string) bool {
	if len(x) < 7 || len(x) > 15 {
		return false
	}
	w, m := s.bits(jxTextHash(x))
	return s.words[w]&m == m
}

// jxCompileSets compiles a raw filter leaf that is a sieved set lookup,
// or an or of two (the IOC hunt's `DestinationIP in (iocs) or SourceIP in
// (iocs)`), into one closure that tries the sieves inline, without a
// closure call per leaf; nil for other nodes.
func jxCompileSets(n *rawNode) func(fields [][]byte) bool {
	leaf := func(n *rawNode) bool { return n.test != nil && n.set != nil && n.set.sieve != nil }
	switch {
	case leaf(n):
		i, set := n.position, n.set
		return func(f [][]byte) bool {
			x := bytesString(f[i])
			return set.sieve.mayHave(x) && set.hasExact(x)
		}
	case n.or && leaf(n.kids[0]) && leaf(n.kids[1]):
		i, a, j, b := n.kids[0].position, n.kids[0].set, n.kids[1].position, n.kids[1].set
		return func(f [][]byte) bool {
			x, y := bytesString(f[i]), bytesString(f[j])
			return a.sieve.mayHave(x) && a.hasExact(x) || b.sieve.mayHave(y) && b.hasExact(y)
		}
	}
	return nil
}
