// Package csv reads CSV log exports: the Log Analytics / Sentinel portal
// "Export to CSV" (UTF-8 BOM, `TimeGenerated [UTC]` style headers whose
// datetimes are in the named display zone, the literal null) and plain
// CSV with ISO datetimes. Parsing is RFC 4180 (quoted fields may hold
// commas, doubled quotes and line breaks; CRLF or LF), done on bytes
// without allocating per row.
//
// The parser reads large blocks and finds line ends and separators with
// bytes.IndexByte (vectorised). A line without a double quote is split
// into sub-slices of the read buffer, with no copy; a quoted field is a
// sub-slice too unless it holds doubled quotes or text after its closing
// quote. A raw pre-filter (types.RawFilter, see Source.PreFilter) runs on
// the split filter fields before anything else is done with the record,
// and only the columns the scan needs are checked for valid UTF-8.
//
// A quote that is never closed does not swallow the rest of the file: at
// the end of the input, or once the open record reaches MaxRecord bytes,
// the record is reported (ErrUnterminatedQuote, at the line where it
// starts) and reading resumes on the line after that one.
package csv

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math/bits"
	"unicode/utf8"
)

// MaxRecord is the largest record (in bytes) the parser keeps; larger
// records are skipped with an error.
const MaxRecord = 64 << 20

// ErrRecordTooLong reports a record over MaxRecord bytes.
var ErrRecordTooLong = errors.New("record too long")

// ErrInvalidUTF8 reports a record with invalid UTF-8; its fields were
// cleaned (invalid bytes replaced by U+FFFD) and are still returned.
var ErrInvalidUTF8 = errors.New("invalid UTF-8 (replaced with U+FFFD)")

// ErrUnterminatedQuote reports a record whose quoted field is never
// closed (before the end of the input or within MaxRecord bytes). The
// record's first line is skipped and reading resumes on the next line.
var ErrUnterminatedQuote = errors.New("quoted field is never closed; skipped this line, reading resumes on the next one")

// errFiltered is returned by Read after a run of records rejected by the
// pre-filter, so the caller can account for them and check cancellation.
var errFiltered = errors.New("records filtered")

const (
	readBlock   = 256 << 10 // read buffer; it grows only for longer records
	filterBatch = 4096      // rejected records between errFiltered returns
)

// Parser splits CSV text into records of unquoted fields.
type Parser struct {
	r        io.Reader
	buf      []byte
	pos, end int   // unread bytes: buf[pos:end]
	eof      bool  // no more bytes will come
	rerr     error // read error other than io.EOF
	line     int64 // lines consumed so far

	out     [][]byte
	ends    []int  // field end offsets in the current line (fast path)
	scratch []byte // unescaped quoted fields
	clean   []byte
	skip    []bool // fields not returned (by index)

	// Pre-filter: keep gets the fields filt names (nil for a column the
	// file lacks) and says whether the record may be wanted.
	keep     func([][]byte) bool
	filt     []int
	filtMax  int
	filtBuf  [][]byte
	filtCol  []bool // filtCol[i]: field i is a filter field (always unescaped)
	want     int    // expected field count; 0: any
	filtered int64  // records rejected, not yet reported

	// The last record returned, for resync.
	recStart int
	recLine  int64
	recLines int
	blank    bool
	// splitASCII: the bytes the last splitEnds call looked at are ASCII.
	splitASCII bool
	// quoteAt is the offset in buf of the first double quote at or after
	// pos (end: none before end); below pos when not known. One search
	// covers all the quote-free lines before it.
	quoteAt int
	lax     bool // text followed a closing quote (not RFC 4180)

	// Comma is the field separator (default ',').
	Comma byte
}

// NewParser returns a parser reading r.
func NewParser(r io.Reader) *Parser {
	return &Parser{r: r, Comma: ',', quoteAt: -1}
}

// Line returns the number of lines consumed so far.
func (p *Parser) Line() int64 { return p.line }

// Read returns the next record's fields and its first line number. The
// slices are valid until the next call. At the end it returns io.EOF.
// ErrRecordTooLong and ErrUnterminatedQuote (record skipped) and
// ErrInvalidUTF8 (record returned) are per-record; other errors come from
// the underlying reader.
func (p *Parser) Read() ([][]byte, int64, error) {
	for {
		rec, line, err := p.read()
		if err != errFiltered {
			return rec, line, err
		}
		p.filtered = 0 // no caller accounts for them
	}
}

// read is Read, but returns errFiltered after filterBatch rejected
// records (counted in p.filtered).
func (p *Parser) read() ([][]byte, int64, error) {
	for n := 0; n < filterBatch; n++ {
		rec, line, err, rejected := p.record()
		if !rejected {
			return rec, line, err
		}
		p.filtered++
	}
	return nil, p.line, errFiltered
}

// record reads one record. rejected reports a record the pre-filter
// dropped (nothing else is returned then).
func (p *Parser) record() (_ [][]byte, start int64, _ error, rejected bool) {
	start = p.line + 1
	for {
		data := p.buf[p.pos:p.end]
		nl := bytes.IndexByte(data, '\n')
		if nl < 0 && !p.eof {
			if len(data) >= MaxRecord {
				rec, err := p.overLimit(start)
				return rec, start, err, false
			}
			p.fill()
			continue
		}
		if len(data) == 0 {
			if p.rerr != nil {
				return nil, start, p.rerr, false
			}
			return nil, start, io.EOF, false
		}
		p.recStart, p.recLine = p.pos, start
		if nl < 0 {
			if p.rerr != nil {
				return nil, start, p.rerr, false // truncated last line
			}
			nl = len(data)
		}
		line := data[:nl]
		if p.quoteBefore(p.pos + nl) {
			used, st := p.parseFields(data, p.eof)
			switch st {
			case stMore:
				if len(data) >= MaxRecord {
					rec, err := p.overLimit(start)
					return rec, start, err, false
				}
				p.fill()
				continue
			case stOpen:
				p.resync()
				return nil, start, ErrUnterminatedQuote, false
			}
			if used == len(data) && p.rerr != nil && data[used-1] != '\n' {
				return nil, start, p.rerr, false
			}
			lines := spanLines(data[:used], nl)
			p.pos += used
			p.line += int64(lines)
			p.recLines, p.blank = lines, false
			// A record the source would report (wrong field count, or a
			// suspect quoted field over several lines) is never dropped.
			ok := (p.want == 0 || len(p.out) == p.want) && !(lines > 1 && p.lax)
			if p.keep != nil && ok && !p.keepFields(p.out) {
				return nil, start, nil, true
			}
			if ascii(data[:used]) {
				for i := range p.out {
					if i < len(p.skip) && p.skip[i] {
						p.out[i] = nil // a filter field the scan does not need
					}
				}
				return p.out, start, nil, false
			}
			rec, err := p.finish(p.out)
			return rec, start, err, false
		}
		next := nl
		if nl < len(data) {
			next = nl + 1
			if nl > 0 && line[nl-1] == '\r' {
				line = line[:nl-1]
			}
		}
		p.pos += next
		p.line++
		p.recLines, p.blank, p.lax = 1, len(line) == 0, false
		// Field ends are kept as offsets (no pointer writes, so no GC
		// write barriers) until the record is known to be returned.
		p.ends = p.ends[:0]
		at := 0
		if p.keep != nil {
			at = p.splitEnds(line, 0, p.filtMax+1)
			if !p.keepEnds(line) && (p.want == 0 || p.countEnds(line, at) == p.want) {
				return nil, start, nil, true
			}
		}
		p.splitEnds(line, at, -1)
		out := p.out[:0]
		from := 0
		for i, e := range p.ends {
			if i < len(p.skip) && p.skip[i] {
				out = append(out, nil)
			} else {
				out = append(out, line[from:e:e])
			}
			from = e + 1
		}
		p.out = out
		if ascii(line) {
			return out, start, nil, false
		}
		rec, err := p.finish(out)
		return rec, start, err, false
	}
}

// splitEnds appends to p.ends the end offsets of the fields of line (which
// holds no quote) that start at or after offset at, until p.ends has n
// entries (all fields with n < 0). It returns where the next field starts,
// or -1 when the line is done.
func (p *Parser) splitEnds(line []byte, at, n int) int {
	if at < 0 {
		return -1
	}
	// Fields are short (an IP address, a port): a word-at-a-time search
	// (all separators of 8 bytes at once) beats a call to bytes.IndexByte
	// per field. The words are also ORed together: p.splitASCII says
	// whether the bytes this call looked at are all ASCII.
	const lo7 = 0x7f7f7f7f7f7f7f7f
	comma := p.Comma
	pat := uint64(comma) * 0x0101010101010101
	var seen uint64
	i := at
	for ; i+8 <= len(line); i += 8 {
		x := binary.LittleEndian.Uint64(line[i:])
		seen |= x
		w := x ^ pat
		// High bit set exactly in the bytes of w that are zero.
		m := ^((w&lo7 + lo7) | w | lo7)
		for m != 0 {
			k := i + bits.TrailingZeros64(m)>>3
			p.ends = append(p.ends, k)
			if n >= 0 && len(p.ends) >= n {
				p.splitASCII = seen&^lo7 == 0
				return k + 1
			}
			m &= m - 1
		}
	}
	for ; i < len(line); i++ {
		seen |= uint64(line[i])
		if line[i] == comma {
			p.ends = append(p.ends, i)
			if n >= 0 && len(p.ends) >= n {
				p.splitASCII = seen&^lo7 == 0
				return i + 1
			}
		}
	}
	p.splitASCII = seen&^lo7 == 0
	p.ends = append(p.ends, len(line))
	return -1
}

// countEnds returns the field count of a line split up to offset at.
func (p *Parser) countEnds(line []byte, at int) int {
	if at < 0 {
		return len(p.ends)
	}
	return len(p.ends) + 1 + countByte(line[at:], p.Comma)
}

// countByte counts c in b: word at a time for the short rests of lines
// (no call setup), bytes.Count (vectorised) for long ones. The last bytes
// are read as one word, masked, when b's capacity extends past them (b is
// a line in the read buffer): no byte loop.
func countByte(b []byte, c byte) int {
	if len(b) > 64 {
		return bytes.Count(b, []byte{c})
	}
	const (
		lo7 = 0x7f7f7f7f7f7f7f7f
		hi  = 0x8080808080808080
	)
	pat := uint64(c) * 0x0101010101010101
	n := 0
	for ; len(b) >= 8; b = b[8:] {
		w := binary.LittleEndian.Uint64(b) ^ pat
		n += bits.OnesCount64(^((w&lo7 + lo7) | w | lo7))
	}
	if len(b) == 0 {
		return n
	}
	if cap(b) >= 8 {
		w := binary.LittleEndian.Uint64(b[:8]) ^ pat
		return n + bits.OnesCount64(^((w&lo7+lo7)|w|lo7)&(hi>>(64-8*uint(len(b)))))
	}
	for _, x := range b {
		if x == c {
			n++
		}
	}
	return n
}

// keepEnds runs the pre-filter on the fields of a split line.
func (p *Parser) keepEnds(line []byte) bool {
	for j, i := range p.filt {
		p.filtBuf[j] = nil
		if i >= 0 && i < len(p.ends) {
			from := 0
			if i > 0 {
				from = p.ends[i-1] + 1
			}
			p.filtBuf[j] = line[from:p.ends[i]:p.ends[i]]
		}
	}
	// The filter fields lie in the part of the line splitEnds read.
	return p.keepChecked(p.splitASCII)
}

// keepFields runs the pre-filter on parsed fields (a prefix of the
// record is enough).
func (p *Parser) keepFields(out [][]byte) bool {
	for j, i := range p.filt {
		if i >= 0 && i < len(out) {
			p.filtBuf[j] = out[i]
		} else {
			p.filtBuf[j] = nil
		}
	}
	return p.keepChecked(false)
}

// keepChecked calls the pre-filter on p.filtBuf. A record whose filter
// fields are not valid UTF-8 is kept: the filter must see the cleaned
// text, which finish makes. isASCII says the fields are known to be ASCII.
func (p *Parser) keepChecked(isASCII bool) bool {
	if p.keep(p.filtBuf) {
		return true
	}
	if isASCII {
		return false
	}
	for _, f := range p.filtBuf {
		if !ascii(f) && !utf8.Valid(f) {
			return true
		}
	}
	return false
}

// ascii reports whether b holds only ASCII bytes.
func ascii(b []byte) bool {
	for len(b) >= 8 {
		if binary.LittleEndian.Uint64(b)&0x8080808080808080 != 0 {
			return false
		}
		b = b[8:]
	}
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// finish drops unneeded fields and checks the others for valid UTF-8,
// cleaning them when they are not.
func (p *Parser) finish(out [][]byte) ([][]byte, error) {
	bad := false
	for i, f := range out {
		if i < len(p.skip) && p.skip[i] {
			out[i] = nil
			continue
		}
		if !bad && !ascii(f) && !utf8.Valid(f) {
			bad = true
		}
	}
	if bad {
		p.sanitize(out)
		return out, ErrInvalidUTF8
	}
	return out, nil
}

// Parse states of parseFields.
const (
	stOK   = iota
	stMore // the record may go on past the data: read more
	stOpen // the input ends inside a quoted field
)

// parseFields parses the record at the start of data into p.out (fields
// are sub-slices of data, or of p.scratch when they had to be
// unescaped). final says no bytes follow data. It returns the bytes used,
// line break included.
func (p *Parser) parseFields(data []byte, final bool) (used, status int) {
	out := p.out[:0]
	p.lax = false
	// Fields already in sc stay valid when an append moves it: they
	// keep the old array.
	sc := p.scratch[:0]
	comma := p.Comma
	nlAt := -1 // next '\n' at or after i (len(data): none)
	i := 0
	for {
		f0 := len(out)
		skip := f0 < len(p.skip) && p.skip[f0] && !(f0 < len(p.filtCol) && p.filtCol[f0])
		var f []byte
		quoted, esc := false, -1 // esc: start of the field in sc
		if i < len(data) && data[i] == '"' {
			quoted = true
			i++
			start := i
			for {
				j := indexShort(data[i:], '"')
				if j < 0 {
					if final {
						return 0, stOpen
					}
					return 0, stMore
				}
				q := i + j
				if q+1 == len(data) && !final {
					return 0, stMore // "" may follow
				}
				if q+1 < len(data) && data[q+1] == '"' {
					if !skip {
						if esc < 0 {
							esc = len(sc)
							sc = append(sc, data[start:q+1]...)
						} else {
							sc = append(sc, data[i:q+1]...)
						}
					}
					i = q + 2
					continue
				}
				if !skip {
					if esc >= 0 {
						sc = append(sc, data[i:q]...)
					} else {
						f = data[start:q:q]
					}
				}
				i = q + 1
				break
			}
		}
		// The field ends at a separator or the line end: right here after
		// a closing quote (the usual case), else search.
		e := -1
		if quoted && i < len(data) {
			switch c := data[i]; {
			case c == comma || c == '\n':
				e = i
			case c == '\r' && i+1 < len(data) && data[i+1] == '\n':
				e = i + 1
			}
		}
		if e < 0 {
			if nlAt < i {
				nlAt = len(data)
				if k := bytes.IndexByte(data[i:], '\n'); k >= 0 {
					nlAt = i + k
				}
			}
			e = nlAt
			if k := indexShort(data[i:nlAt], comma); k >= 0 {
				e = i + k
			}
		}
		if e == len(data) && !final {
			return 0, stMore
		}
		run := data[i:e]
		if e < len(data) && data[e] == '\n' && len(run) > 0 && run[len(run)-1] == '\r' {
			run = run[:len(run)-1]
		}
		if quoted && len(run) > 0 {
			p.lax = true // text after a closing quote
		}
		if !skip {
			switch {
			case !quoted:
				f = run[:len(run):len(run)]
			case len(run) > 0:
				if esc < 0 {
					esc = len(sc)
					sc = append(sc, f...)
				}
				sc = append(sc, run...)
			}
			if esc >= 0 {
				f = sc[esc:len(sc):len(sc)]
			}
		}
		out = append(out, f)
		switch {
		case e == len(data):
			p.out, p.scratch = out, sc
			return e, stOK
		case data[e] == '\n':
			p.out, p.scratch = out, sc
			return e + 1, stOK
		}
		i = e + 1 // after the separator
	}
}

// indexShort is bytes.IndexByte for text where c is usually near: a
// plain loop over the first bytes avoids the call's setup per field.
func indexShort(b []byte, c byte) int {
	n := min(len(b), 16)
	for k := 0; k < n; k++ {
		if b[k] == c {
			return k
		}
	}
	if n == len(b) {
		return -1
	}
	if k := bytes.IndexByte(b[n:], c); k >= 0 {
		return n + k
	}
	return -1
}

// spanLines returns the physical lines of a record of used bytes whose
// first line break is at nl.
func spanLines(rec []byte, nl int) int {
	if len(rec) <= nl+1 {
		return 1
	}
	n := bytes.Count(rec, nlByte) + 1
	if rec[len(rec)-1] == '\n' {
		n--
	}
	return n
}

var nlByte = []byte{'\n'}

// overLimit handles a record that is still open after MaxRecord bytes:
// inside quotes it is an unterminated quote (resync on the next line);
// otherwise the record is too long and is skipped to its line end.
func (p *Parser) overLimit(start int64) ([][]byte, error) {
	p.recStart, p.recLine = p.pos, start
	data := p.buf[p.pos:p.end]
	used, st := p.parseFields(data, true)
	if st == stOpen {
		p.resync()
		return nil, ErrUnterminatedQuote
	}
	// All of data belongs to the record (it has no end in it): skip it,
	// then to the end of the current line.
	p.line += int64(bytes.Count(data[:used], nlByte))
	p.pos = p.end
	p.skipLine()
	p.line++
	return nil, ErrRecordTooLong
}

// skipLine moves past the next line break, reading as needed.
func (p *Parser) skipLine() {
	for {
		data := p.buf[p.pos:p.end]
		if k := bytes.IndexByte(data, '\n'); k >= 0 {
			p.pos += k + 1
			return
		}
		p.pos = p.end
		if p.eof {
			return
		}
		p.fill()
	}
}

// quoteBefore reports whether buf[pos:end] holds a double quote before
// offset end.
func (p *Parser) quoteBefore(end int) bool {
	if p.quoteAt < p.pos {
		p.quoteAt = p.end
		if k := bytes.IndexByte(p.buf[p.pos:p.end], '"'); k >= 0 {
			p.quoteAt = p.pos + k
		}
	}
	return p.quoteAt < end
}

// resync makes the next Read start on the line after the first line of
// the last record (its first line is skipped).
func (p *Parser) resync() {
	p.quoteAt = -1
	p.pos = p.recStart
	p.skipLine()
	p.line = p.recLine
}

// fill reads more bytes, moving unread ones to the front and growing the
// buffer when it is full.
func (p *Parser) fill() {
	p.quoteAt = -1 // the bytes move, and more come
	if p.pos > 0 {
		p.end = copy(p.buf, p.buf[p.pos:p.end])
		p.pos = 0
	}
	// The buffer starts small (small files, tests) and doubles up to
	// readBlock; past that it grows only for a record that fills it.
	if p.end == len(p.buf) || len(p.buf) < readBlock {
		nb := make([]byte, max(4<<10, 2*len(p.buf)))
		copy(nb, p.buf[:p.end])
		p.buf = nb
	}
	// Fill the buffer: a record that is still open is parsed again from
	// its start after a fill, so each fill must at least double what it
	// sees (readers that return little per call, like gzip, loop here).
	for empty := 0; p.end < len(p.buf); {
		n, err := p.r.Read(p.buf[p.end:])
		p.end += n
		switch {
		case err == io.EOF:
			p.eof = true
			return
		case err != nil:
			p.eof, p.rerr = true, err
			return
		case n == 0:
			if empty++; empty > 100 {
				p.eof, p.rerr = true, io.ErrNoProgress
				return
			}
		}
	}
}

// sanitize replaces invalid UTF-8 in the returned fields by U+FFFD (one
// per invalid byte). Fields already in p.clean stay valid when it grows:
// they keep the old array.
func (p *Parser) sanitize(out [][]byte) {
	p.clean = p.clean[:0]
	for i, f := range out {
		if f == nil || utf8.Valid(f) {
			continue
		}
		start := len(p.clean)
		for len(f) > 0 {
			r, size := utf8.DecodeRune(f)
			p.clean = utf8.AppendRune(p.clean, r)
			f = f[size:]
		}
		out[i] = p.clean[start:len(p.clean):len(p.clean)]
	}
}
