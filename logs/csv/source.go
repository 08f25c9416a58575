package csv

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/huntpack/huntpack/logs/input"
	"github.com/huntpack/huntpack/logs/record"
)

// Source reads a CSV file with a header line as a record.Source.
type Source struct {
	p       *Parser
	closer  io.Closer
	cols    []record.Col
	warns   []error // header problems (unknown zones)
	started bool
}

// Open opens a CSV file (optionally gzip/zstd compressed) and reads its
// header.
func Open(path string) (*Source, error) {
	rc, _, err := input.Open(path)
	if err != nil {
		return nil, err
	}
	s, err := NewSource(rc)
	if err != nil {
		rc.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// NewSource reads the header from r; closing the source closes r.
func NewSource(r io.ReadCloser) (*Source, error) {
	p := NewParser(r)
	hdr, _, err := p.Read()
	if err == io.EOF {
		return nil, errors.New("line 1: empty file, no header")
	}
	if err != nil && !errors.Is(err, ErrInvalidUTF8) {
		return nil, fmt.Errorf("line 1: header: %w", err)
	}
	s := &Source{p: p, closer: r}
	for i, h := range hdr {
		if i == 0 {
			h = input.TrimBOM(h)
		}
		c, err := record.ParseHeader(string(h), i)
		if err != nil {
			s.warns = append(s.warns, err)
		}
		s.cols = append(s.cols, c)
	}
	return s, nil
}

// OpenRange opens a byte range of an uncompressed CSV file that holds
// whole records (see input.SplitRanges), with the columns of the file's
// header.
func OpenRange(path string, cols []record.Col, r input.Range) (*Source, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	p := NewParser(io.NewSectionReader(f, r.Offset, r.Length))
	p.line = r.FirstLine - 1
	return &Source{p: p, closer: f, cols: cols}, nil
}

// Need implements record.Projector: fields of other columns are not
// unquoted or copied (they read as empty).
func (s *Source) Need(need []bool) {
	s.p.skip = make([]bool, len(need))
	for i, n := range need {
		s.p.skip[i] = !n
	}
}

// HeaderProblems returns problems found in the header (unknown time
// zones); the affected columns are read as UTC.
func (s *Source) HeaderProblems() []error { return s.warns }

// Columns implements record.Source.
func (s *Source) Columns() []record.Col { return s.cols }

// Next implements record.Source.
func (s *Source) Next(fields [][]byte) (int64, error) {
	rec, line, err := s.p.Read()
	for err == nil && len(rec) == 1 && len(rec[0]) == 0 && len(s.cols) > 1 {
		rec, line, err = s.p.Read() // blank line
	}
	switch {
	case err == io.EOF:
		return line, io.EOF
	case errors.Is(err, ErrRecordTooLong):
		return line, &record.Error{Line: line, Msg: fmt.Sprintf("record longer than %d bytes skipped", MaxRecord)}
	case err != nil && !errors.Is(err, ErrInvalidUTF8):
		return line, err
	}
	if len(rec) != len(s.cols) {
		return line, &record.Error{Line: line, Msg: fmt.Sprintf("record has %d fields, header has %d; skipped", len(rec), len(s.cols))}
	}
	copy(fields, rec)
	if err != nil {
		return line, &record.Error{Line: line, Msg: err.Error(), Keep: true}
	}
	return line, nil
}

// Close implements record.Source.
func (s *Source) Close() error { return s.closer.Close() }
