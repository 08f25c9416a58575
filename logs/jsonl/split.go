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
	done  bool
	// MaxRecord bounds one record's size (default input.MaxLine).
	MaxRecord int
}

// NewSplitter returns a splitter over r.
func NewSplitter(r io.Reader) *Splitter {
	br := bufio.NewReaderSize(r, 256<<10)
	s := &Splitter{r: br, line: 1}
	head, _ := br.Peek(3)
	if bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
	}
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
	if !s.array {
		s.lines = input.NewLines(br)
	}
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
		b, line, err := s.lines.Next()
		if err != nil {
			return nil, line, err
		}
		if len(bytes.TrimSpace(b)) == 0 {
			continue
		}
		return b, line, nil
	}
}

// nextElement reads one element of the array, tracking strings and depth.
func (s *Splitter) nextElement() ([]byte, int64, error) {
	if s.done {
		return nil, s.line, io.EOF
	}
	max := s.MaxRecord
	if max <= 0 {
		max = input.MaxLine
	}
	s.rec = s.rec[:0]
	// skip separators
	var c byte
	var err error
	for {
		c, err = s.r.ReadByte()
		if err != nil {
			if err == io.EOF {
				return nil, s.line, ErrTruncated // no closing ']'
			}
			return nil, s.line, err
		}
		if c == '\n' {
			s.line++
		}
		if c == ']' {
			s.done = true
			return nil, s.line, io.EOF
		}
		if c != ',' && c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			break
		}
	}
	start := s.line
	depth, inStr, esc, tooLong := 0, false, false, false
	for {
		if len(s.rec) < max {
			s.rec = append(s.rec, c)
		} else {
			tooLong = true
		}
		switch {
		case inStr:
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
		case c == '"':
			inStr = true
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			depth--
		case c == '\n':
			s.line++
		}
		if c == '\n' && inStr {
			s.line++
		}
		if depth <= 0 && !inStr && (c == '}' || c == ']' || depth < 0) {
			break
		}
		if depth == 0 && !inStr && (c == ',') {
			// a scalar element: hand it to the object scanner, which rejects it
			s.rec = s.rec[:len(s.rec)-1]
			break
		}
		if c, err = s.r.ReadByte(); err != nil {
			if err == io.EOF {
				return nil, start, ErrTruncated
			}
			return nil, start, err
		}
	}
	if tooLong {
		return nil, start, fmt.Errorf("record longer than %d bytes: %w", max, input.ErrLineTooLong)
	}
	return s.rec, start, nil
}
