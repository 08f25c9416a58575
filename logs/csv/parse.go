// Package csv reads CSV log exports: the Log Analytics / Sentinel portal
// "Export to CSV" (UTF-8 BOM, `TimeGenerated [UTC]` style headers whose
// datetimes are in the named display zone, the literal null) and plain
// CSV with ISO datetimes. Parsing is RFC 4180 (quoted fields may hold
// commas, doubled quotes and line breaks; CRLF or LF), done on bytes
// without allocating per row.
package csv

import (
	"bufio"
	"errors"
	"io"
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

// Parser splits CSV text into records of unquoted fields.
type Parser struct {
	r     *bufio.Reader
	line  int64 // lines consumed so far
	buf   []byte
	ends  []int
	out   [][]byte
	clean []byte
	skip  []bool // fields not copied (by index)
	// Comma is the field separator (default ',').
	Comma byte
}

// NewParser returns a parser reading r.
func NewParser(r io.Reader) *Parser {
	return &Parser{r: bufio.NewReaderSize(r, 256<<10), Comma: ','}
}

// Line returns the number of lines consumed so far.
func (p *Parser) Line() int64 { return p.line }

// Read returns the next record's fields and its first line number. The
// slices are valid until the next call. At the end it returns io.EOF.
// ErrRecordTooLong (record skipped) and ErrInvalidUTF8 (record returned)
// are per-record; other errors come from the underlying reader.
func (p *Parser) Read() ([][]byte, int64, error) {
	p.buf = p.buf[:0]
	p.ends = p.ends[:0]
	start := p.line + 1
	inQuote, fieldStart, tooLong := false, true, false
	for {
		chunk, err := p.r.ReadSlice('\n')
		if len(chunk) == 0 && err != nil {
			if err == bufio.ErrBufferFull {
				continue
			}
			if err == io.EOF && (len(p.buf) > 0 || len(p.ends) > 0 || inQuote) {
				p.line++
				break // last record without a line ending
			}
			return nil, start, err
		}
		if !tooLong && len(p.buf)+len(chunk) > MaxRecord {
			tooLong = true
		}
		if tooLong {
			inQuote, fieldStart = scanQuotes(chunk, inQuote, fieldStart, p.Comma)
		} else {
			inQuote, fieldStart = p.parse(chunk, inQuote, fieldStart)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		complete := len(chunk) > 0 && chunk[len(chunk)-1] == '\n'
		if complete {
			p.line++
		}
		if err != nil && err != io.EOF {
			return nil, start, err
		}
		if err == io.EOF && !complete {
			p.line++
			break
		}
		if !inQuote {
			break
		}
	}
	if tooLong {
		return nil, start, ErrRecordTooLong
	}
	p.ends = append(p.ends, len(p.buf))
	p.out = p.out[:0]
	prev := 0
	for _, e := range p.ends {
		p.out = append(p.out, p.buf[prev:e:e])
		prev = e
	}
	if !utf8.Valid(p.buf) {
		p.sanitize()
		return p.out, start, ErrInvalidUTF8
	}
	return p.out, start, nil
}

// parse appends one physical line's field bytes (the line ends in '\n'
// unless it is the last one) to buf, unquoting as it goes, and returns the
// quote state at its end. A line ending inside quotes is kept as data.
func (p *Parser) parse(b []byte, inQuote, fieldStart bool) (bool, bool) {
	n := len(b)
	for i := 0; i < n; i++ {
		c := b[i]
		if inQuote {
			if c != '"' {
				j := i + 1
				for j < n && b[j] != '"' {
					j++
				}
				if !p.skipping() {
					p.buf = append(p.buf, b[i:j]...)
				}
				i = j - 1
				continue
			}
			if i+1 < n && b[i+1] == '"' {
				if !p.skipping() {
					p.buf = append(p.buf, '"')
				}
				i++
				continue
			}
			inQuote = false
			fieldStart = false
			continue
		}
		switch {
		case c == p.Comma:
			p.ends = append(p.ends, len(p.buf))
			fieldStart = true
		case c == '"' && fieldStart:
			inQuote = true
			fieldStart = false
		case c == '\n':
			return false, fieldStart // record ends
		default:
			j := i + 1
			for j < n && b[j] != p.Comma && b[j] != '\n' {
				j++
			}
			run := b[i:j]
			if j < n && b[j] == '\n' && len(run) > 0 && run[len(run)-1] == '\r' {
				run = run[:len(run)-1]
			}
			if !p.skipping() {
				p.buf = append(p.buf, run...)
			}
			i = j - 1
			fieldStart = false
		}
	}
	return inQuote, fieldStart
}

// skipping reports whether the current field is not copied.
func (p *Parser) skipping() bool {
	f := len(p.ends)
	return f < len(p.skip) && p.skip[f]
}

// scanQuotes tracks quote state through bytes that are not kept.
func scanQuotes(b []byte, inQuote, fieldStart bool, comma byte) (bool, bool) {
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case inQuote && c == '"':
			if i+1 < len(b) && b[i+1] == '"' {
				i++
				continue
			}
			inQuote = false
		case !inQuote && c == '"' && fieldStart:
			inQuote = true
		}
		fieldStart = !inQuote && (c == comma || c == '\n')
	}
	return inQuote, fieldStart
}

func (p *Parser) sanitize() {
	p.clean = p.clean[:0]
	for i, f := range p.out {
		start := len(p.clean)
		p.clean = append(p.clean, []byte(string([]rune(string(f))))...)
		p.out[i] = p.clean[start:len(p.clean):len(p.clean)]
	}
}
