package jsonl

import "math/bits"

// Quote masks for plain lines.
//
// A line with no backslash, no control character and only ASCII bytes
// (most lines of a log export) has no escapes, and its strings end at the
// next quote. jxLineMasks finds that out and records where the quotes
// are, as a bit mask, 16 bytes at a time on amd64 (jxmask_amd64.s, SSE2);
// the fast path then finds the end of each string value with a
// trailing-zero count instead of scanning it: the same answers as
// skipString, without a loop whose length changes from value to value.

// jxNoMasks turns the masks off (benchmarks compare).
var jxNoMasks bool

// jxLineMasks sets *q to the quote bits of b (bit i%64 of word i/64:
// b[i] == '"') and reports whether b is plain: no backslash, control
// character or byte above 0x7f.
func jxLineMasks(b []byte, q *[]uint64) bool {
	words := (len(b) + 63) / 64
	if cap(*q) < words {
		*q = make([]uint64, words, 2*words)
	}
	*q = (*q)[:words]
	clear(*q)
	return jxFillMasks(b, *q)
}

// jxFillMasksGo is the portable jxFillMasks: q (zeroed, one word per 64
// bytes of b) gets the quote bits of b; the result is whether b is plain.
func jxFillMasksGo(b []byte, q []uint64) bool {
	plain := true
	for i, x := range b {
		if x == '"' {
			q[i>>6] |= 1 << (uint(i) & 63)
		}
		if x == '\\' || x < 0x20 || x > 0x7f {
			plain = false
		}
	}
	return plain
}

// jxNextQuote returns the index of the first quote at or after i, by the
// masks of jxLineMasks, or -1.
func jxNextQuote(q []uint64, i int) int {
	w := i >> 6
	if w >= len(q) {
		return -1
	}
	if m := q[w] >> (uint(i) & 63); m != 0 {
		return i + bits.TrailingZeros64(m)
	}
	for w++; w < len(q); w++ {
		if q[w] != 0 {
			return w<<6 + bits.TrailingZeros64(q[w])
		}
	}
	return -1
}

// jxFillBlockGo is the portable jxFillBlock: q, nl and bad (zeroed, one
// word per 64 bytes of b) get the bits of b's quotes, line feeds, and
// backslashes and bytes below 0x20 or above 0x7f.
func jxFillBlockGo(b []byte, q, nl, bad []uint64) {
	for i, x := range b {
		bit := uint64(1) << (uint(i) & 63)
		switch {
		case x == '"':
			q[i>>6] |= bit
		case x == '\n':
			nl[i>>6] |= bit
			bad[i>>6] |= bit
		case x == '\\' || x < 0x20 || x > 0x7f:
			bad[i>>6] |= bit
		}
	}
}

// jxNextBit returns the index of the first set bit at or after i in m,
// or -1.
func jxNextBit(m []uint64, i int) int { return jxNextQuote(m, i) }

// jxRangeClear reports whether m has no set bit in [lo, hi).
func jxRangeClear(m []uint64, lo, hi int) bool {
	if lo >= hi {
		return true
	}
	wl, wh := lo>>6, (hi-1)>>6
	first := ^uint64(0) << (uint(lo) & 63)
	last := ^uint64(0) >> (63 - (uint(hi-1) & 63))
	if wl == wh {
		return m[wl]&first&last == 0
	}
	if m[wl]&first != 0 || m[wh]&last != 0 {
		return false
	}
	for _, w := range m[wl+1 : wh] {
		if w != 0 {
			return false
		}
	}
	return true
}

// jxWalkPlain is fastWalk for the common line: plain (see jxLineMasks),
// compact (no white space), the keys of the last object in the same order
// with the colon right after each, and every value a string or an
// unsigned integer. q holds b's quote bits from bit off. It sets p.span as
// fastWalk does and reports whether the line is such a line (and so a
// valid object); false leaves the line to fastWalk's general loop.
func (s *Source) jxWalkPlain(b []byte, q []uint64, off int) bool {
	p := s.fast
	n := len(b)
	i := 1 // after the '{' fastWalk found at b[0]
	for k := range p.pat {
		kp := &p.pat[k]
		if !kp.colon || !kp.match(b, i) {
			return false
		}
		i += kp.n
		if i >= n {
			return false
		}
		var vs, ve int
		if b[i] == '"' {
			j := jxNextQuote(q, off+i+1) - off
			if j <= i || j >= n {
				return false
			}
			vs, ve, i = i+1, j, j+1
		} else {
			e := plainInt(b, i)
			if e == 0 {
				return false
			}
			vs, ve, i = i, e, e
		}
		if kp.use {
			p.span[kp.col] = span{start: vs, end: ve}
		}
		if i >= n {
			return false
		}
		if b[i] == '}' {
			return i+1 == n
		}
		if b[i] != ',' {
			return false
		}
		i++
	}
	return false // more keys than the last object: learnt by fastWalk
}
