package funcs

import "unicode/utf8"

// TermSet matches a haystack against many `has` needles at once (the
// `has_any` operator): Match(s) is true when Has(s, n) (or HasCS) holds for
// some needle n. Build it once per query; Match is safe for concurrent use
// and does not allocate.
//
// Algorithm: a match of a needle can only start where the haystack either
// starts a term or holds a delimiter, and can only end where the haystack
// ends a term or after a delimiter (the alignment rules in strops.go).
// Every byte is hashed once, into a polynomial hash of the case-folded
// prefix, P(p) = P(p-1)*B + c: the hash of any span s[i:j] is then
// P(j) - P(i)*B^(j-i), O(1) from the prefix hashes at its two ends. The
// prefix hash is built a term at a time (P(j) = P(i)*B^(j-i) + the term's
// own hash: the same value), and each term's hash is first checked
// against bloom filters of the needles' first and last terms:
//
//   - A match that starts with a term starts with exactly a needle's
//     first term, followed by the needle's next byte (a delimiter) unless
//     the needle is that one term: the needle's term ends there, so the
//     haystack's does too. Likewise at the end. So a term whose hash (with
//     the byte after it) is not in firstBloom cannot start a match, and
//     one not in lastBloom (with the byte before it) cannot end one.
//   - Match skips along s until a term passes firstBloom (or a delimiter
//     starts some needle), without hashing terms whose first byte starts
//     no needle; matchRing takes over from there, saving the
//     prefix hash at each admissible start in a small ring, and at each
//     admissible end that passes lastBloom it combines the prefix hash
//     with the saved ones of the last maxLen bytes. Spans whose length is
//     a needle length are looked up in a third bloom filter, then in a
//     table, verifying candidates byte by byte.
//
// The cost is O(len(s)) plus the probed pairs, independent of the number
// of needles. For a DNS name such as www.portal.azure.com and 10,000 IOC
// domains, typically no term passes firstBloom: each label is hashed
// once and checked once.
type TermSet struct {
	fold    bool
	empty   bool                // an empty needle matches everything
	maxLen  int                 // longest needle in bytes
	lens    []bool              // lens[n]: some needle has length n
	pow     []uint64            // pow[n] = tsBase^n, n <= maxLen
	first   [256]bool           // first[c]: some needle starts with byte c (folded)
	last    [256]bool           // last[c]: some needle ends with byte c (folded)
	byHash  map[uint64][]string // hash of folded needle -> needles
	needles []string
	// spans holds the needle hashes: most candidate spans are answered
	// by it, without probing byHash.
	spans tsBloom
	// firstBloom (lastBloom) has, for each needle that starts (ends)
	// with a term, two bits in one word for the hash of that first (last)
	// term: a span can only match where the haystack's term at its start
	// (end) is one of them, so most terms neither save a start nor probe
	// spans.
	firstBloom tsBloom
	lastBloom  tsBloom
	single     bool // some needle is a single term
}

// tsBase is the multiplier of TermSet's polynomial hash (odd, so powers
// never vanish mod 2^64). Collisions only cost a verification: every
// candidate is compared byte by byte.
const tsBase uint64 = 0x9e3779b97f4a7c15

// tsRing is how many admissible starts Match keeps (a power of two). A
// string with more starts within the longest needle's length goes to
// matchSlow, which has no such limit.
const tsRing = 32

// tsStart is an admissible start: its byte offset and the prefix hash
// there.
type tsStart struct {
	pos int
	h   uint64
}

// NewTermSet builds a TermSet; caseSensitive selects has_cs semantics.
func NewTermSet(needles []string, caseSensitive bool) *TermSet {
	t := &TermSet{fold: !caseSensitive, byHash: map[uint64][]string{}}
	for _, n := range needles {
		if n == "" {
			t.empty = true
			continue
		}
		if len(n) > t.maxLen {
			t.maxLen = len(n)
		}
	}
	t.lens = make([]bool, t.maxLen+1)
	t.pow = make([]uint64, t.maxLen+1)
	t.pow[0] = 1
	for i := 1; i <= t.maxLen; i++ {
		t.pow[i] = t.pow[i-1] * tsBase
	}
	lower := t.table()
	seen := map[string]bool{}
	for _, n := range needles {
		if n == "" {
			continue
		}
		key := n
		if t.fold {
			key = asciiLower(n)
		}
		if seen[key] {
			continue
		}
		seen[key] = true
		t.lens[len(n)] = true
		t.first[lower[n[0]]] = true
		t.last[lower[n[len(n)-1]]] = true
		h := t.hash(n)
		t.byHash[h] = append(t.byHash[h], n)
		t.needles = append(t.needles, n)
	}
	t.spans.init(len(t.byHash))
	for h := range t.byHash {
		t.spans.add(h)
	}
	t.buildTermBloom()
	return t
}

// buildTermBloom fills firstBloom and lastBloom from the needles' first
// and last terms. A needle of several terms enters with the byte after
// its first term (before its last term), a needle of one term by itself;
// t.single records that there are such needles.
func (t *TermSet) buildTermBloom() {
	lower := t.table()
	firsts, lasts := map[uint64]bool{}, map[uint64]bool{}
	for _, n := range t.needles {
		if j, h := tsTerm(n, 0, lower); j > 0 {
			if j == len(n) {
				t.single = true
			} else {
				h = h*tsBase + uint64(lower[n[j]])
			}
			firsts[h] = true
		}
		if i := tsLastTerm(n); i < len(n) {
			_, h := tsTerm(n, i, lower)
			if i > 0 {
				h += uint64(lower[n[i-1]]) * t.pow[len(n)-i]
			}
			lasts[h] = true
		}
	}
	t.firstBloom.init(len(firsts))
	for h := range firsts {
		t.firstBloom.add(h)
	}
	t.lastBloom.init(len(lasts))
	for h := range lasts {
		t.lastBloom.add(h)
	}
}

// tsBloom is a blocked bloom filter of hashes: two bits in one word per
// hash, 16 to 32 bits per hash (false positive rate 0.5-1.5%).
type tsBloom struct {
	words []uint64
	mask  uint64
}

// init makes an empty filter sized for keys hashes.
func (b *tsBloom) init(keys int) {
	n := 16
	for n*64 < 16*keys {
		n *= 2
	}
	b.words, b.mask = make([]uint64, n), uint64(n-1)
}

// add puts hash h in the filter.
func (b *tsBloom) add(h uint64) {
	w, bits := b.bits(h)
	b.words[w] |= bits
}

// bits returns the word and the two bits of hash h.
func (b *tsBloom) bits(h uint64) (uint64, uint64) {
	m := (h ^ h>>29) * 0xbf58476d1ce4e5b9
	return m >> 24 & b.mask, 1<<(m>>58) | 1<<(m>>52&63)
}

// has reports whether h may be in the filter.
func (b *tsBloom) has(h uint64) bool {
	w, bits := b.bits(h)
	return b.words[w]&bits == bits
}

// startsNeedle reports whether the term s[i:j], of hash h, may be the
// first term of a match (firstBloom).
func (t *TermSet) startsNeedle(s string, i, j int, h uint64, lower *[256]byte) bool {
	if j-i > t.maxLen {
		return false
	}
	if t.single && t.firstBloom.has(h) {
		return true
	}
	return j < len(s) && t.firstBloom.has(h*tsBase+uint64(lower[s[j]]))
}

// endsNeedle reports whether the term s[i:j], of hash h, may be the last
// term of a match (lastBloom). j-i <= t.maxLen.
func (t *TermSet) endsNeedle(s string, i, j int, h uint64, lower *[256]byte) bool {
	if t.single && t.lastBloom.has(h) {
		return true
	}
	return i > 0 && t.lastBloom.has(h+uint64(lower[s[i-1]])*t.pow[j-i])
}

// tsLastTerm returns where the term that ends s starts (len(s) when s
// ends with a delimiter).
func tsLastTerm(s string) int {
	i := len(s)
	for i > 0 && alnumBefore(s, i) {
		_, size := utf8.DecodeLastRuneInString(s[:i])
		i -= size
	}
	return i
}

// Len returns the number of distinct non-empty needles.
func (t *TermSet) Len() int { return len(t.needles) }

// hash is the polynomial hash of s, case folded for a folding set.
func (t *TermSet) hash(s string) uint64 {
	lower := t.table()
	var h uint64
	for i := 0; i < len(s); i++ {
		h = h*tsBase + uint64(lower[s[i]])
	}
	return h
}

// Byte tables for TermSet's loops: ASCII letters and digits, and the
// case folding of each byte (identity for has_cs).
var (
	tsAlnum [256]bool
	tsLower [256]byte
	tsIdent [256]byte
)

func init() {
	for c := 0; c < 256; c++ {
		tsAlnum[c] = isAlnumASCII(byte(c))
		tsLower[c] = lowerASCII(byte(c))
		tsIdent[c] = byte(c)
	}
}

// table returns the byte folding table of the set.
func (t *TermSet) table() *[256]byte {
	if t.fold {
		return &tsLower
	}
	return &tsIdent
}

// Match reports whether some needle is a term-aligned match in s.
func (t *TermSet) Match(s string) bool {
	if t.empty {
		return true
	}
	if len(t.needles) == 0 {
		return false
	}
	// Find the first admissible start that may begin a match; matchRing
	// takes over from there.
	lower := t.table()
	prev := false // the character before i is a term character
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			alnum := isAlnumRune(r)
			if (!prev || !alnum) && t.first[lower[c]] {
				if !alnum {
					return t.matchRing(s, i)
				}
				j, h := tsTerm(s, i, lower)
				if t.startsNeedle(s, i, j, h, lower) {
					return t.matchRing(s, i)
				}
				i, prev = j, true
				continue
			}
			i, prev = i+size, alnum
			continue
		}
		if !tsAlnum[c] {
			if t.first[lower[c]] {
				return t.matchRing(s, i) // a delimiter that starts some needle
			}
			i, prev = i+1, false
			continue
		}
		if prev || !t.first[lower[c]] {
			// Inside a term, or a term no needle starts like: skip it.
			for i++; i < len(s) && tsAlnum[s[i]]; i++ {
			}
			prev = true
			continue
		}
		// A term start: its hash, inline (tsTerm is a call per term),
		// and tsTerm again if a non-ASCII character follows.
		j := i
		var h uint64
		for j < len(s) && tsAlnum[s[j]] {
			h = h*tsBase + uint64(lower[s[j]])
			j++
		}
		if j < len(s) && s[j] >= utf8.RuneSelf {
			j, h = tsTerm(s, i, lower)
		}
		if j-i <= t.maxLen && (t.single && t.firstBloom.has(h) ||
			j < len(s) && t.firstBloom.has(h*tsBase+uint64(lower[s[j]]))) {
			return t.matchRing(s, i)
		}
		i, prev = j, true
	}
	return false
}

// matchRing matches s from i, an admissible start, on: it keeps the
// prefix hash and the admissible starts of the last maxLen bytes.
func (t *TermSet) matchRing(s string, i int) bool {
	lower := t.table()
	var ring [tsRing]tsStart
	n := 0       // starts pushed into ring
	var p uint64 // hash of s[:i] since the last reset
	for i < len(s) {
		if n > 0 && i-ring[(n-1)&(tsRing-1)].pos >= t.maxLen {
			n = 0 // every saved start is too far back for any needle
		}
		c := s[i]
		if n == 0 && !t.first[lower[c]] {
			i = tsSkip(s, i) // no span can start or run over here
			continue
		}
		if j, h := tsTerm(s, i, lower); j > i {
			// A term s[i:j] with hash h: a start if it is the first term
			// of some needle, an end if it is the last term of one.
			l := j - i
			if l > t.maxLen {
				n, i = 0, j // no needle spans it
				continue
			}
			if t.first[lower[c]] && t.startsNeedle(s, i, j, h, lower) {
				ring[n&(tsRing-1)] = tsStart{i, p}
				n++
			}
			p = p*t.pow[l] + h
			start := i
			i = j
			if n > 0 && t.endsNeedle(s, start, j, h, lower) {
				switch t.probe(s, i, p, &ring, n) {
				case tsFound:
					return true
				case tsOverflow:
					return t.matchSlow(s)
				}
			}
			continue
		}
		// A delimiter character: a start and (after it) an end for
		// needles that start or end with its byte.
		size := 1
		if c >= utf8.RuneSelf {
			_, size = utf8.DecodeRuneInString(s[i:])
		}
		if t.first[lower[c]] {
			ring[n&(tsRing-1)] = tsStart{i, p}
			n++
		}
		for k := 0; k < size; k++ {
			p = p*tsBase + uint64(lower[s[i+k]])
		}
		i += size
		if t.last[lower[s[i-1]]] {
			switch t.probe(s, i, p, &ring, n) {
			case tsFound:
				return true
			case tsOverflow:
				return t.matchSlow(s)
			}
		}
	}
	return false
}

// tsSkip returns where the character at i ends, or its whole term when
// it starts one.
func tsSkip(s string, i int) int {
	c := s[i]
	if c < utf8.RuneSelf {
		if !tsAlnum[c] {
			return i + 1
		}
	} else if r, size := utf8.DecodeRuneInString(s[i:]); !isAlnumRune(r) {
		return i + size
	}
	j, _ := tsTerm(s, i, &tsIdent)
	return j
}

// tsTerm returns the end of the term starting at i (i when s[i] is not a
// term character) and the term's polynomial hash, folded by lower.
func tsTerm(s string, i int, lower *[256]byte) (int, uint64) {
	var h uint64
	j := i
	for j < len(s) {
		c := s[j]
		if tsAlnum[c] {
			h = h*tsBase + uint64(lower[c])
			j++
			continue
		}
		if c < utf8.RuneSelf {
			break
		}
		r, size := utf8.DecodeRuneInString(s[j:])
		if !isAlnumRune(r) {
			break
		}
		for k := j; k < j+size; k++ {
			h = h*tsBase + uint64(lower[s[k]])
		}
		j += size
	}
	return j, h
}

// Results of TermSet.probe.
const (
	tsNone     = iota
	tsFound    // a needle ends here
	tsOverflow // starts in range were dropped from the ring
)

// probe looks up the spans from the saved starts (the n pushed into ring,
// newest first) to the admissible end p, whose prefix hash is hp.
func (t *TermSet) probe(s string, p int, hp uint64, ring *[tsRing]tsStart, n int) int {
	for k := n - 1; k >= 0; k-- {
		if k < n-tsRing {
			return tsOverflow
		}
		st := ring[k&(tsRing-1)]
		l := p - st.pos
		if l > t.maxLen {
			return tsNone
		}
		if !t.lens[l] {
			continue
		}
		x := hp - st.h*t.pow[l]
		if !t.spans.has(x) {
			continue
		}
		if t.verify(s[st.pos:p], x) {
			return tsFound
		}
	}
	return tsNone
}

// verify reports whether span, whose hash is h, is one of the needles.
func (t *TermSet) verify(span string, h uint64) bool {
	for _, nd := range t.byHash[h] {
		if t.fold && EqualFold(span, nd) || !t.fold && span == nd {
			return true
		}
	}
	return false
}

// matchSlow is Match without the ring: it re-hashes from every admissible
// start, up to the longest needle. Used for strings with more admissible
// starts within that length than the ring holds.
func (t *TermSet) matchSlow(s string) bool {
	lower := t.table()
	prev := false
	for i := 0; i < len(s); {
		c := s[i]
		size := 1
		alnum := tsAlnum[c]
		if c >= utf8.RuneSelf {
			var r rune
			r, size = utf8.DecodeRuneInString(s[i:])
			alnum = isAlnumRune(r)
		}
		if (!alnum || !prev) && t.first[lower[c]] && t.matchFrom(s, i, lower) {
			return true
		}
		prev = alnum
		i += size
	}
	return false
}

// matchFrom tries every admissible end for a match starting at i.
func (t *TermSet) matchFrom(s string, i int, lower *[256]byte) bool {
	var h uint64
	end := min(i+t.maxLen, len(s))
	for j := i; j < end; j++ {
		h = h*tsBase + uint64(lower[s[j]])
		if !t.lens[j+1-i] {
			continue
		}
		// Admissible end: after a delimiter, or at a term end (the next
		// character is not a term character).
		if j+1 < len(s) {
			last, next := s[j], s[j+1]
			if last|next < utf8.RuneSelf {
				if tsAlnum[last] && tsAlnum[next] {
					continue
				}
			} else if alnumBefore(s, j+1) && alnumAt(s, j+1) {
				continue
			}
		}
		if !t.spans.has(h) {
			continue
		}
		if t.verify(s[i:j+1], h) {
			return true
		}
	}
	return false
}
