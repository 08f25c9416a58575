package jsonl

import (
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/huntpack/huntpack/logs/input"
	"github.com/huntpack/huntpack/logs/record"
)

// Source reads JSON objects as records whose columns are their keys.
type Source struct {
	sp      *Splitter
	sc      Scanner
	closer  io.Closer
	cols    []record.Col
	idx     map[string]int
	grow    bool
	unknown map[string]bool

	vals   []byte
	offs   [][2]int // per column: start, end (-1 start = absent/null)
	fields [][]byte
	newKey string
	need   []bool

	// Key order prediction (objects of a log file list their keys in
	// the same order): keys[c] is column c's key, pred[k] the column of
	// the k-th member of the previous object (-1: none), pos the member
	// index in the current object. A hit costs a string compare instead
	// of a map lookup.
	keys []string
	pred []int
	pos  int

	fast *fastPath // fast path and raw pre-filter (fast.go), made on first use

	shared *UnknownKeys // keys reported by any range of the file, or nil
}

// UnknownKeys is the set of keys (not columns of the table) already
// reported for a file, shared by the sources that read its byte ranges in
// parallel, so each is reported once per file, as a whole-file scan does.
// It is safe for concurrent use.
type UnknownKeys struct {
	mu   sync.Mutex
	seen map[string]bool
}

// first records key and reports whether it was not recorded before (a nil
// set records nothing and always says true).
func (u *UnknownKeys) first(key string) bool {
	if u == nil {
		return true
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.seen[key] {
		return false
	}
	if u.seen == nil {
		u.seen = map[string]bool{}
	}
	u.seen[key] = true
	return true
}

// ShareUnknownKeys makes the source report a key that is not a column only
// when no other source sharing u has reported it.
func (s *Source) ShareUnknownKeys(u *UnknownKeys) { s.shared = u }

// Need implements record.Projector: values of other columns are not copied.
func (s *Source) Need(need []bool) {
	s.need = need
	if s.fast != nil {
		s.fast.ready = false // the fast path takes other values now
	}
}

// Options configures a Source.
type Options struct {
	// Columns are the keys read, in order. Keys not among them are
	// reported once per file and ignored, unless Grow is set.
	Columns []record.Col
	// Grow adds unseen keys as new columns (used to discover a file's
	// columns).
	Grow bool
	// Flatten reports nested object members as "parent.child" keys.
	Flatten bool
}

// Open opens a JSON array or JSON lines file (optionally compressed).
func Open(path string, o Options) (*Source, error) {
	rc, _, err := input.Open(path)
	if err != nil {
		return nil, err
	}
	return NewSource(rc, o), nil
}

// NewSource reads JSON records from r; closing the source closes r.
func NewSource(r io.ReadCloser, o Options) *Source {
	return newSource(NewSplitter(r), r, o)
}

func newSource(sp *Splitter, r io.ReadCloser, o Options) *Source {
	s := &Source{sp: sp, closer: r, grow: o.Grow, idx: map[string]int{}, unknown: map[string]bool{}}
	s.sc.Flatten = o.Flatten
	for _, c := range o.Columns {
		s.addCol(c)
	}
	return s
}

func (s *Source) addCol(c record.Col) {
	k := c.Key
	if k == "" {
		k = c.Name
	}
	if _, ok := s.idx[k]; ok {
		return
	}
	s.idx[k] = len(s.cols)
	s.keys = append(s.keys, k)
	s.cols = append(s.cols, c)
	s.offs = append(s.offs, [2]int{-1, -1})
	s.fields = append(s.fields, nil)
}

// OpenRange opens a byte range of an uncompressed JSON lines file that
// holds whole lines (see input.SplitRanges).
func OpenRange(path string, o Options, r input.Range) (*Source, error) {
	f, err := input.OpenFile(path) // counts its reads for progress (see input.Expect)
	if err != nil {
		return nil, err
	}
	rc := struct {
		io.Reader
		io.Closer
	}{io.NewSectionReader(f, r.Offset, r.Length), f}
	if r.Offset > 0 {
		// Inside the file: the range's first line is read as any line
		// (jxMidSplitter), as the whole-file scan reads it.
		s := newSource(jxMidSplitter(rc), rc, o)
		s.sp.lines.SetLine(r.FirstLine - 1)
		return s, nil
	}
	s := NewSource(rc, o)
	if s.sp.array {
		s.Close()
		return nil, fmt.Errorf("%s: a JSON array cannot be read in ranges", path)
	}
	s.sp.lines.SetLine(r.FirstLine - 1 + s.sp.line - 1)
	return s, nil
}

// IsArray reports whether the file is a JSON array (else JSON lines).
func (s *Source) IsArray() bool { return s.sp.IsArray() }

// Columns implements record.Source.
func (s *Source) Columns() []record.Col { return s.cols }

// NextRecord reads the next object and returns its fields (one per
// current column; nil = null/absent), valid until the next call.
func (s *Source) NextRecord() ([][]byte, int64, error) {
	defer s.fast.flush()
	for {
		b, line, err := s.sp.Next()
		if err == nil && !s.grow && !s.sc.Flatten {
			if rec, ok := s.fastRecord(b); ok {
				if rec != nil {
					return rec, line, nil
				}
				if s.fast.cancelled() {
					return nil, line, io.EOF // the scan is cancelled: stop reading
				}
				continue // rejected by the raw filter
			}
		}
		if err == nil {
			return s.decode(b, line) // (before errors.As: its &te allocates)
		}
		if err == io.EOF {
			return nil, line, io.EOF
		}
		if errors.Is(err, input.ErrLineTooLong) {
			return nil, line, &record.Error{Line: line, Msg: "record too long; skipped"}
		}
		if errors.Is(err, ErrTruncated) {
			return nil, line, err
		}
		var te *TrailingError
		if errors.As(err, &te) {
			// The elements were read; the next call returns io.EOF.
			return nil, te.Line, &record.Error{Line: te.Line, Msg: te.Error()}
		}
		return nil, line, err
	}
}

func (s *Source) decode(b []byte, line int64) ([][]byte, int64, error) {
	b, valid := input.CleanUTF8(b)
	fields, n, err := s.decodeValid(b, line)
	if err == nil && !valid {
		return fields, n, &record.Error{Line: n, Msg: input.InvalidUTF8, Keep: true}
	}
	return fields, n, err
}

func (s *Source) decodeValid(b []byte, line int64) ([][]byte, int64, error) {
	if s.vals == nil {
		s.vals = make([]byte, 0, 1024) // so that "" is never a nil (null) field
	}
	s.vals = s.vals[:0]
	for i := range s.offs {
		s.offs[i] = [2]int{-1, -1}
	}
	s.newKey = ""
	s.pos = 0
	err := s.sc.Object(b, s.member)
	if err != nil {
		var se *SyntaxError
		if errors.As(err, &se) {
			return nil, line, &record.Error{Line: line + int64(countNL(b[:min(se.Offset, len(b))])), Msg: se.Error() + "; record skipped"}
		}
		return nil, line, &record.Error{Line: line, Msg: err.Error()}
	}
	for i, o := range s.offs {
		if o[0] < 0 {
			s.fields[i] = nil
		} else {
			s.fields[i] = s.vals[o[0]:o[1]:o[1]]
		}
	}
	if s.newKey != "" {
		return s.fields, line, &record.Error{Line: line, Msg: fmt.Sprintf("key %q is not a column of the table; ignored in this file", s.newKey), Keep: true}
	}
	return s.fields, line, nil
}

func countNL(b []byte) int {
	n := 0
	for _, c := range b {
		if c == '\n' {
			n++
		}
	}
	return n
}

func (s *Source) member(key, val []byte, kind Kind) {
	k := s.pos
	s.pos++
	if k < len(s.pred) {
		if i := s.pred[k]; i >= 0 && s.keys[i] == string(key) {
			s.value(i, val, kind)
			return
		}
	} else {
		s.pred = append(s.pred, -1)
	}
	i, ok := s.idx[string(key)]
	if ok {
		s.pred[k] = i
	} else {
		s.pred[k] = -1
		if !s.grow {
			if !s.unknown[string(key)] {
				s.unknown[string(key)] = true
				// (Recorded as reported even when this record reports
				// another key: so does a whole-file scan.)
				if s.shared.first(string(key)) && s.newKey == "" {
					s.newKey = string(key)
				}
			}
			return
		}
		c, _ := record.ParseHeader(string(key), len(s.cols)) // unknown zone: UTC
		s.addCol(c)
		i = len(s.cols) - 1
	}
	s.value(i, val, kind)
}

// value stores the value of column i.
func (s *Source) value(i int, val []byte, kind Kind) {
	if kind == KNull || (s.need != nil && i < len(s.need) && !s.need[i]) {
		s.offs[i] = [2]int{-1, -1}
		return
	}
	start := len(s.vals)
	s.vals = append(s.vals, val...)
	s.offs[i] = [2]int{start, len(s.vals)}
}

// Next implements record.Source.
func (s *Source) Next(fields [][]byte) (int64, error) {
	rec, line, err := s.NextRecord()
	if rec != nil {
		copy(fields, rec)
	}
	return line, err
}

// Close implements record.Source.
func (s *Source) Close() error { return s.closer.Close() }
