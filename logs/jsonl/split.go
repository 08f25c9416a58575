package jsonl

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/huntpack/huntpack/logs/input"
)

// Splitter cuts a JSON array of objects or JSON lines into records,
// counting lines. It detects the layout from the first non-space byte:
// '[' means an array, anything else JSON lines.
type Splitter struct {
	r     *bufio.Reader
	lines *input.Lines
	array bool
	line  int64
	rec   []byte
	carry []byte
	done  bool
	// MaxRecord bounds one record's size (default input.MaxLine).
	MaxRecord int
	// buffered-line state (fastlines.go)
	synced   bool
	lastLine int64
	blk      []byte // the buffered bytes lines are taken from
	pos      int    // bytes of blk returned (not yet discarded)
	bq       []uint64
	bn       []uint64 // quote, line feed and special-byte masks of blk
	bb       []uint64
	last     []byte // the line returned last, at lastOff in blk
	lastOff  int
}

// NewSplitter returns a splitter over r.
func NewSplitter(r io.Reader) *Splitter {
	br := bufio.NewReaderSize(r, 256<<10)
	s := &Splitter{r: br, line: 1}
	head, _ := br.Peek(3)
	if bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
	}
	if !s.jxLookAhead() {
		s.skipSpace()
	}
	if !s.array {
		s.lines = input.NewLines(br)
		s.lines.SetLine(s.line - 1) // blank lines skipped above
	}
	return s
}

// jxLookAhead looks at the white space before the first value without
// reading it: after a '[' (an array) it consumes through the '[';
// otherwise only the blank lines before the first line, so that line is
// read whole, as every other line (a syntax error in it is placed at the
// same byte as in a scan of part of the file that starts with it). It
// returns false, having consumed nothing, when the white space does not
// fit in the read buffer.
func (s *Splitter) jxLookAhead() bool {
	n, lineEnd := 0, 0
	lines := s.line
	for {
		buf, err := s.r.Peek(n + 1)
		if len(buf) <= n {
			if err == bufio.ErrBufferFull {
				return false
			}
			break // end of input (or an error the first read reports)
		}
		c := buf[n]
		n++
		switch c {
		case '\n':
			lines++
			lineEnd = n
			continue
		case ' ', '\t', '\r':
			continue
		case '[':
			s.array, s.line = true, lines
			s.r.Discard(n)
			return true
		}
		break
	}
	s.line = lines
	s.r.Discard(lineEnd)
	return true
}

// skipSpace consumes the white space before the first value (all of it,
// when jxLookAhead could not look that far), noting an array.
func (s *Splitter) skipSpace() {
	br := s.r
	for {
		c, err := br.ReadByte()
		if err != nil {
			break
		}
		if c == '\n' {
			s.line++
			continue
		}
		if c == ' ' || c == '\t' || c == '\r' {
			continue
		}
		if c == '[' {
			s.array = true
		} else {
			br.UnreadByte()
		}
		break
	}
}

// jxMidSplitter returns a JSON lines splitter over r that starts inside a
// file at a line start: unlike NewSplitter it neither looks for a byte
// order mark or a '[' nor skips the white space before the first line's
// object, so that line reads (and its errors are placed) as in a scan of
// the whole file.
func jxMidSplitter(r io.Reader) *Splitter {
	br := bufio.NewReaderSize(r, 256<<10)
	s := &Splitter{r: br, line: 1, lines: input.NewLines(br)}
	s.lines.SetLine(0)
	return s
}

// IsArray reports whether the input is a JSON array.
func (s *Splitter) IsArray() bool { return s.array }

// ErrTruncated reports input that ends inside a record.
var ErrTruncated = errors.New("unexpected end of file inside a JSON value")

// Next returns the next record's bytes and first line number. Blank lines
// are skipped. It returns io.EOF at the end; ErrTruncated, or the
// reader's error, otherwise.
func (s *Splitter) Next() ([]byte, int64, error) {
	if !s.array {
		return s.nextLine()
	}
	return s.nextElement()
}

func (s *Splitter) nextLine() ([]byte, int64, error) {
	if s.MaxRecord > 0 {
		s.lines.Max = s.MaxRecord
	}
	for {
		b, line, ok := s.bufferedLine()
		if !ok {
			var err error
			b, line, err = s.lines.Next()
			s.synced, s.lastLine = true, line
			if err != nil {
				return nil, line, err
			}
		}
		if len(bytes.TrimSpace(b)) == 0 {
			continue
		}
		return b, line, nil
	}
}

// chunk returns the next piece of input: what was left after the last
// element first, then up to a line of new data. The slice is only valid
// until the next call.
func (s *Splitter) chunk() ([]byte, error) {
	if len(s.carry) > 0 {
		c := s.carry
		s.carry = nil
		return c, nil
	}
	c, err := s.r.ReadSlice('\n')
	if len(c) > 0 {
		return c, nil
	}
	if err == bufio.ErrBufferFull {
		err = nil
	}
	return nil, err
}

// nextElement reads one element of the array, tracking strings and
// nesting depth; runs of string content are skipped with IndexAny.
func (s *Splitter) nextElement() ([]byte, int64, error) {
	if s.done {
		return nil, s.line, io.EOF
	}
	max := s.MaxRecord
	if max <= 0 {
		max = input.MaxLine
	}
	s.rec = s.rec[:0]
	var c []byte
	for { // skip separators
		var err error
		if c, err = s.chunk(); err != nil || c == nil {
			if err == nil || err == io.EOF {
				return nil, s.line, ErrTruncated // no closing ']'
			}
			return nil, s.line, err
		}
		i := 0
		for i < len(c) && (c[i] == ' ' || c[i] == '\t' || c[i] == '\r' || c[i] == '\n' || c[i] == ',') {
			if c[i] == '\n' {
				s.line++
			}
			i++
		}
		if i == len(c) {
			continue
		}
		if c[i] == ']' {
			s.done = true
			s.carry = c[i+1:]
			return nil, s.line, s.trailing()
		}
		c = c[i:]
		break
	}
	start := s.line
	depth, inStr, esc, tooLong := 0, false, false, false
	for {
		end := scanElement(c, &depth, &inStr, &esc, &s.line)
		part := c
		if end >= 0 {
			part = c[:end]
		}
		if len(s.rec)+len(part) > max {
			tooLong = true
		} else if !tooLong {
			s.rec = append(s.rec, part...)
		}
		if end >= 0 {
			s.carry = c[end:]
			break
		}
		var err error
		if c, err = s.chunk(); err != nil || c == nil {
			if err == nil || err == io.EOF {
				return nil, start, ErrTruncated
			}
			return nil, start, err
		}
	}
	if tooLong {
		return nil, start, fmt.Errorf("record longer than %d bytes: %w", max, input.ErrLineTooLong)
	}
	if n := len(s.rec); n > 0 && s.rec[n-1] == ',' {
		s.rec = s.rec[:n-1] // a scalar element ended by ','
	}
	return s.rec, start, nil
}

// scanElement advances through c and returns the index just after the
// element's end, or -1 when the element goes on past c. A scalar element
// ends after the ',' that follows it.
func scanElement(c []byte, depth *int, inStr, esc *bool, line *int64) int {
	for i := 0; i < len(c); i++ {
		if *inStr {
			if *esc {
				*esc = false
				continue
			}
			j := bytes.IndexAny(c[i:], "\"\\\n")
			if j < 0 {
				return -1
			}
			i += j
			switch c[i] {
			case '\\':
				*esc = true
			case '"':
				*inStr = false
			case '\n':
				*line++
			}
			continue
		}
		switch c[i] {
		case '"':
			*inStr = true
		case '{', '[':
			*depth++
		case '}', ']':
			*depth--
			if *depth <= 0 {
				return i + 1
			}
		case '\n':
			*line++
		case ',':
			if *depth == 0 {
				return i + 1
			}
		}
	}
	return -1
}

// TrailingError reports text after the closing ']' of a JSON array: the
// array's elements were read, the text was not.
type TrailingError struct {
	Line int64  // line of the first byte after the array that is not a space
	Text string // the start of that text (at most 40 bytes)
}

func (e *TrailingError) Error() string {
	return fmt.Sprintf("text after the closing ] of the JSON array ignored: %q", e.Text)
}

// trailing looks past the array's closing ']' and returns io.EOF when only
// white space follows, a *TrailingError otherwise.
func (s *Splitter) trailing() error {
	for {
		c, err := s.chunk()
		if c == nil {
			if err == nil || err == io.EOF {
				return io.EOF
			}
			return err
		}
		for i, b := range c {
			switch b {
			case '\n':
				s.line++
			case ' ', '\t', '\r':
			default:
				t := c[i:]
				if j := bytes.IndexByte(t, '\n'); j >= 0 {
					t = t[:j]
				}
				t = bytes.TrimRight(t, " \t\r")
				if len(t) > 40 {
					t = t[:40]
				}
				return &TrailingError{Line: s.line, Text: string(bytes.ToValidUTF8(t, []byte("\uFFFD")))}
			}
		}
	}
}
