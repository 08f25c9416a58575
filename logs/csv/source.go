package csv

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync/atomic"

	"github.com/huntpack/huntpack/kql/types"
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
	ctx     context.Context  // set by PreFilter
	stats   *types.ScanStats // set by PreFilter
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
	f, err := input.OpenFile(path) // counts its reads for progress (see input.Expect)
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

// PreFilter makes the source apply a scan's raw filter itself, on the
// split filter fields of each record, before the record's other fields
// are split, checked for valid UTF-8 or returned: rejected records never
// reach the sink. They are still counted in stats.Rows (when stats is not
// nil), and ctx is checked between runs of them. Records with the wrong
// number of fields are always returned, so they are reported.
func (s *Source) PreFilter(ctx context.Context, f *types.RawFilter, stats *types.ScanStats) {
	if f == nil || f.Keep == nil {
		return
	}
	p := s.p
	p.keep, p.want, p.filtMax = f.Keep, len(s.cols), 0
	p.filt = p.filt[:0]
	for _, name := range f.Columns {
		i := -1
		for j, c := range s.cols {
			if c.Name == name {
				i = j
				break
			}
		}
		p.filt = append(p.filt, i)
		p.filtMax = max(p.filtMax, i)
	}
	p.filtCol = make([]bool, p.filtMax+1)
	for _, i := range p.filt {
		if i >= 0 {
			p.filtCol[i] = true
		}
	}
	p.filtBuf = make([][]byte, len(p.filt))
	s.ctx, s.stats = ctx, stats
}

// Next implements record.Source.
func (s *Source) Next(fields [][]byte) (int64, error) {
	for {
		rec, line, err := s.p.read()
		if s.p.filtered > 0 {
			if s.stats != nil {
				atomic.AddInt64(&s.stats.Rows, s.p.filtered)
			}
			s.p.filtered = 0
		}
		if err == errFiltered {
			if s.ctx != nil && s.ctx.Err() != nil {
				return line, io.EOF // the scan is cancelled: stop reading
			}
			continue
		}
		if err == nil && s.p.blank && len(s.cols) > 1 {
			continue // blank line
		}
		return s.record(fields, rec, line, err)
	}
}

// record checks one record read by the parser and copies its fields.
func (s *Source) record(fields, rec [][]byte, line int64, err error) (int64, error) {
	switch {
	case err == io.EOF:
		return line, io.EOF
	case errors.Is(err, ErrRecordTooLong):
		return line, &record.Error{Line: line, Msg: fmt.Sprintf("record longer than %d bytes skipped", MaxRecord)}
	case errors.Is(err, ErrUnterminatedQuote):
		return line, &record.Error{Line: line, Msg: err.Error()}
	case err != nil && !errors.Is(err, ErrInvalidUTF8):
		return line, err
	}
	if n := s.p.recLines; n > 1 && (len(rec) != len(s.cols) || s.p.lax) {
		// A quoted field ran over line breaks and the record came out
		// wrong (field count, or text after a closing quote): most likely
		// a quote that was never closed. Skip only its first line and
		// read the following ones again.
		s.p.resync()
		return line, &record.Error{Line: line, Msg: fmt.Sprintf("record has a quoted field over lines %d-%d that does not parse (%d fields, header has %d; a quote never closed?); skipped this line, reading resumes on the next one", line, line+int64(n)-1, len(rec), len(s.cols))}
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
