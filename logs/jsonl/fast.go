package jsonl

import (
	"context"
	"encoding/binary"
	"math/bits"
	"strconv"
	"sync/atomic"
	"unicode/utf8"
	"unsafe"

	"github.com/huntpack/huntpack/kql/types"
)

// The fast path.
//
// Most JSON lines of a log file are plain: compact, the same keys in the
// same order, no escapes. fastWalk reads such an object without the
// general Scanner: it recognizes each key by comparing it with the key
// seen at the same position in the previous object, skips string values
// eight bytes at a time, takes only the values the scan needs (as slices
// of the line: nothing is copied unless a value has escapes) and checks
// everything the full scan checks. With a raw filter (PreFilter) it
// hands the filter values to the filter first, and a record the filter
// rejects is dropped there: a hunt keeps a handful of rows out of
// millions. Anything the walk does not handle (a key with an escape, a
// key not reported yet as unknown, a syntax error, a number out of
// float64 range, invalid UTF-8) sends the record to the full scan, so
// the records, values and warnings are exactly the full scan's
// (FuzzFastPath and TestFastPathSharedLogs check this; a record the
// filter rejects was checked as thoroughly as one the full scan reads).
// It is off in Grow and Flatten modes.
//
// Measured (bench/README.md method, net hunt, 10M rows, 3.1 GB JSONL,
// 10,000 IOCs, 2 shared cores): 6.9 s before, 1.3 s after; per row about
// 240 ns of CPU, half of it here, a quarter in the IOC set lookups.
// Session 3 (jxmask.go): plain lines (no escapes, control or non-ASCII
// bytes; found by a SIMD pass over each read block) are walked by
// jxWalkPlain, which finds string ends from the block's quote bits:
// about 150 ns of CPU per row for the whole hunt.

// fastPath is a Source's fast path state.
type fastPath struct {
	off   bool // tests: always use the full scan
	ready bool
	use   []bool // per source column: the value is returned (and filtered)
	span  []span // per source column: where its value is
	out   [][]byte

	// Raw filter (keep == nil: none).
	keep   func([][]byte) bool
	fpos   []int // per filter column: source column, or -1 (absent)
	fields [][]byte
	ctx    context.Context
	stats  *types.ScanStats
	seen   int64 // records rejected since the last flush
	n      int64 // records rejected in all (for the ctx check)

	// Key order: pat[k] is the k-th key of the last object walked.
	pat []keyPat

	// Quote masks of the line being walked (jxmask.go).
	q []uint64
}

// span locates a value: b[start:end] of the line, or of the scanner's
// scratch buffer (unescaped strings); start < 0 for none (null/absent).
type span struct {
	start, end int
	scratch    bool
}

// PreFilter makes the source apply a scan's raw filter itself, on the
// values the fast path takes from each object, before the object is
// decoded further: rejected records never reach the sink. They are still
// counted in stats.Rows (when stats is not nil), and ctx is checked
// between runs of them. Records the fast path does not handle are read
// by the full scan and left to the sink's filter.
func (s *Source) PreFilter(ctx context.Context, f *types.RawFilter, stats *types.ScanStats) {
	if f == nil || f.Keep == nil || s.grow || s.sc.Flatten {
		return
	}
	p := s.fastState()
	p.keep, p.ctx, p.stats = f.Keep, ctx, stats
	if ctx == nil {
		p.ctx = context.Background()
	}
	p.fields = make([][]byte, len(f.Columns))
	p.fpos = p.fpos[:0]
	for _, name := range f.Columns {
		i := -1
		for k, c := range s.cols {
			if c.Name == name {
				i = k
				break
			}
		}
		p.fpos = append(p.fpos, i)
	}
	p.ready = false
}

func (s *Source) fastState() *fastPath {
	if s.fast == nil {
		s.fast = &fastPath{}
	}
	return s.fast
}

// fastRecord reads the object in b by the fast path. ok is false when
// the full scan must read it; otherwise rec is the record (nil when the
// filter rejected it).
func (s *Source) fastRecord(b []byte) (rec [][]byte, ok bool) {
	p := s.fastState()
	if p.off {
		return nil, false
	}
	if !p.ready {
		s.fastInit()
	}
	if !s.fastWalk(b) {
		return nil, false
	}
	if p.keep != nil {
		for j, i := range p.fpos {
			p.fields[j] = nil
			if i >= 0 {
				p.fields[j] = s.spanBytes(b, p.span[i])
			}
		}
		if !p.keep(p.fields) {
			p.seen++
			p.n++
			if p.seen >= 4096 {
				p.flush()
			}
			return nil, true
		}
	}
	for i, sp := range p.span {
		p.out[i] = nil
		if s.need == nil || i >= len(s.need) || s.need[i] {
			p.out[i] = s.spanBytes(b, sp)
		}
	}
	return p.out, true
}

func (s *Source) spanBytes(b []byte, sp span) []byte {
	switch {
	case sp.start < 0:
		return nil
	case sp.scratch:
		return s.sc.scratch[sp.start:sp.end:sp.end]
	}
	return b[sp.start:sp.end:sp.end]
}

// fastInit sizes the state for the source's columns and marks the
// columns whose values are taken.
func (s *Source) fastInit() {
	p := s.fast
	n := len(s.cols)
	p.use = make([]bool, n)
	p.span = make([]span, n)
	p.out = make([][]byte, n)
	for i := range p.use {
		p.use[i] = s.need == nil || i >= len(s.need) || s.need[i]
	}
	for k := range p.pat {
		p.pat[k].use = p.uses(p.pat[k].col)
	}
	p.ready = true
}

// cancelled reports (every 1024 rejected records) whether the scan was
// cancelled.
func (p *fastPath) cancelled() bool {
	return p.n&1023 == 0 && p.ctx != nil && p.ctx.Err() != nil
}

// flush adds the rejected records to stats.Rows.
func (p *fastPath) flush() {
	if p == nil || p.seen == 0 {
		return
	}
	if p.stats != nil {
		atomic.AddInt64(&p.stats.Rows, p.seen)
	}
	p.seen = 0
}

// fastWalk walks the object in b and sets p.span for the columns in
// p.use; it returns false when the full scan must read the object.
func (s *Source) fastWalk(b []byte) bool {
	p := s.fast
	for i := range p.span {
		p.span[i].start = -1
	}
	s.sc.scratch = s.sc.scratch[:0]
	i := skipWS(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	// A plain line's strings end at the next quote (jxmask.go): the
	// quote bits are the read block's (q[off] is b[0]), or the line's.
	q, off, plain, ok := s.sp.lineMasks(b)
	if !ok && !jxNoMasks {
		plain, q, off = jxLineMasks(b, &p.q), p.q, 0
	}
	if plain && i == 0 && s.jxWalkPlain(b, q, off) {
		return true
	}
	if plain && i == 0 {
		for i := range p.span {
			p.span[i].start = -1
		}
	}
	i = skipWS(b, i+1)
	nonASCII := false
	if i < len(b) && b[i] == '}' {
		i++
	} else {
		for k := 0; ; k++ {
			if i >= len(b) || b[i] != '"' {
				return false
			}
			col := -1
			if k < len(p.pat) && p.pat[k].match(b, i) {
				col = p.pat[k].col
				i += p.pat[k].n
			} else {
				var good bool
				if col, i, good = s.learnKey(b, i, k); !good {
					return false
				}
			}
			if b[i-1] != ':' { // the pattern ends with the key's quote
				i = skipWS(b, i)
				if i >= len(b) || b[i] != ':' {
					return false
				}
				i++
			}
			if i < len(b) && b[i] <= ' ' {
				i = skipWS(b, i)
			}
			// The common case inline: a string value without escapes,
			// skipped eight bytes at a time up to its first special byte,
			// usually the closing quote.
			j := -1
			if i < len(b) && b[i] == '"' && plain {
				if j = jxNextQuote(q, off+i+1) - off; j >= len(b) || j <= i {
					j = -1
				}
			} else if i < len(b) && b[i] == '"' {
				j = i + 1
				for j+8 <= len(b) {
					if m := special(binary.LittleEndian.Uint64(b[j:])); m != 0 {
						j += bits.TrailingZeros64(m) >> 3
						break
					}
					j += 8
				}
				for j < len(b) && j+8 > len(b) && b[j] != '"' && b[j] != '\\' && b[j] >= 0x20 && b[j] < 0x80 {
					j++
				}
				if j >= len(b) || b[j] != '"' {
					j = -1
				}
			}
			if j >= 0 {
				if col >= 0 && p.use[col] {
					p.span[col] = span{start: i + 1, end: j}
				}
				i = j + 1
			} else if e := plainInt(b, i); e > 0 {
				if col >= 0 && p.use[col] {
					p.span[col] = span{start: i, end: e}
				}
				i = e
			} else {
				var good bool
				if i, good = s.fastValue(b, i, col, &nonASCII); !good {
					return false
				}
			}
			if i < len(b) && b[i] <= ' ' {
				i = skipWS(b, i)
			}
			if i >= len(b) {
				return false
			}
			if b[i] == ',' {
				i++
				if i < len(b) && b[i] <= ' ' {
					i = skipWS(b, i)
				}
				continue
			}
			if b[i] == '}' {
				i++
				break
			}
			return false
		}
	}
	if skipWS(b, i) != len(b) {
		return false
	}
	if nonASCII && !utf8.Valid(b) {
		return false // the full scan replaces and reports it
	}
	return true
}

// keyPat is a key as written in the file: `"key"`, or `"key":` when
// the colon follows directly, with its first, second and last eight
// bytes as words for a quick compare.
type keyPat struct {
	text                []byte
	n                   int // len(text)
	first, second, last uint64
	col                 int  // source column, -1 for a known unknown key
	colon               bool // text ends with the colon
	use                 bool // the column's value is taken (p.use[col])
}

// uses reports whether the values of source column col are taken.
func (p *fastPath) uses(col int) bool { return col >= 0 && col < len(p.use) && p.use[col] }

func newKeyPat(text []byte, col int) keyPat {
	k := keyPat{text: text, n: len(text), col: col, colon: len(text) > 0 && text[len(text)-1] == ':'}
	if n := len(text); n >= 8 {
		k.first = binary.LittleEndian.Uint64(text)
		k.last = binary.LittleEndian.Uint64(text[n-8:])
		if n >= 16 {
			k.second = binary.LittleEndian.Uint64(text[8:])
		}
	}
	return k
}

// match reports whether b[i:] starts with the key.
func (k *keyPat) match(b []byte, i int) bool {
	if k.n < 8 || k.n > 24 || len(b)-i < k.n {
		return len(b)-i >= k.n && string(b[i:i+k.n]) == string(k.text)
	}
	return binary.LittleEndian.Uint64(b[i:]) == k.first && binary.LittleEndian.Uint64(b[i+k.n-8:]) == k.last &&
		(k.n <= 16 || binary.LittleEndian.Uint64(b[i+8:]) == k.second)
}

// learnKey reads the key at b[i]=='"' that did not match the predicted
// one, finds its column (-1 for a key already reported as unknown) and
// remembers it as the k-th key. good is false for a key with an escape
// or a control character, or a new unknown key (the full scan reports
// it).
func (s *Source) learnKey(b []byte, i, k int) (col, next int, good bool) {
	p := s.fast
	j := i + 1
	for j < len(b) && b[j] != '"' && b[j] != '\\' && b[j] >= 0x20 && b[j] < 0x80 {
		j++
	}
	if j >= len(b) || b[j] != '"' {
		return 0, 0, false
	}
	key := b[i+1 : j]
	col, known := s.idx[string(key)]
	if !known {
		if !s.unknown[string(key)] {
			return 0, 0, false
		}
		col = -1
	}
	end := j + 1
	if end < len(b) && b[end] == ':' {
		end++ // compact JSON: the pattern takes the colon too
	}
	if k < len(p.pat) {
		// Reuse the buffer: files that mix key orders learn often.
		p.pat[k] = newKeyPat(append(p.pat[k].text[:0], b[i:end]...), col)
		p.pat[k].use = p.uses(col)
	} else if k == len(p.pat) {
		p.pat = append(p.pat, newKeyPat(append([]byte(nil), b[i:end]...), col))
		p.pat[k].use = p.uses(col)
	}
	return col, end, true
}

// fastValue skips the value at b[i] and, when col >= 0 and its value is
// used, sets its span as the full scan would return it (strings
// unescaped, other values as written, null as none). good is false when
// the full scan must decide.
func (s *Source) fastValue(b []byte, i, col int, nonASCII *bool) (next int, good bool) {
	p := s.fast
	if i >= len(b) {
		return 0, false
	}
	use := col >= 0 && p.use[col]
	sp := span{start: i}
	switch c := b[i]; {
	case c == '"':
		j, esc, hi := skipString(b, i+1)
		if j < 0 {
			return 0, false
		}
		*nonASCII = *nonASCII || hi
		if use {
			sp = span{start: i + 1, end: j - 1}
			if esc {
				start := len(s.sc.scratch)
				if _, err := s.sc.str(b, i); err != nil {
					return 0, false
				}
				sp = span{start: start, end: len(s.sc.scratch), scratch: true}
			}
			p.span[col] = sp
		}
		return j, true
	case c == '{' || c == '[':
		j, err := skipValue(b, i)
		if err != nil {
			return 0, false
		}
		*nonASCII = true // not looked at: let utf8.Valid check
		sp.end = j
		next = j
	case c == 't' || c == 'f' || c == 'n':
		for _, lit := range [...]string{"true", "false", "null"} {
			if len(b)-i >= len(lit) && string(b[i:i+len(lit)]) == lit {
				if lit == "null" {
					sp.start = -1
				}
				sp.end = i + len(lit)
				next = sp.end
				break
			}
		}
		if next == 0 {
			return 0, false
		}
	case c == '-' || (c >= '0' && c <= '9'):
		j, good := skipNumber(b, i)
		if !good {
			return 0, false
		}
		sp.end = j
		next = j
	default:
		return 0, false
	}
	if use {
		p.span[col] = sp
	}
	return next, true
}

// plainInt returns the end of the unsigned integer at b[i] when one
// is there and ends at a ',' or '}', else 0.
func plainInt(b []byte, i int) int {
	j := i
	for j < len(b) && b[j] >= '0' && b[j] <= '9' {
		j++
	}
	if j == i || j >= len(b) || b[j] != ',' && b[j] != '}' {
		return 0
	}
	return j
}

// skipNumber returns the end of the number at b[i] and whether the full
// scan accepts it: it takes the same bytes and checks them the same way
// (strconv.ParseFloat), except that plain integers are taken as they
// are. A number out of range (accepted by the full scan) is left to it.
func skipNumber(b []byte, i int) (int, bool) {
	j, plain := i+1, true
	for ; j < len(b); j++ {
		c := b[j]
		if c >= '0' && c <= '9' {
			continue
		}
		if c != '.' && c != 'e' && c != 'E' && c != '+' && c != '-' {
			break
		}
		plain = false
	}
	if plain && (b[i] != '-' || j > i+1) {
		return j, true
	}
	_, err := strconv.ParseFloat(unsafe.String(&b[i], j-i), 64)
	return j, err == nil
}
