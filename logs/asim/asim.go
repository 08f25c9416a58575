// Package asim holds what the raw-log readers (Zeek, Sysmon, Suricata,
// Windows DNS debug logs) share to produce rows of the ASIM tables
// ASimNetworkSessionLogs and ASimDnsActivityLogs: a row builder over the
// embedded schemas, a line-oriented record.Source driven by a mapping
// function, flattened JSON records, and DNS code tables.
package asim

import (
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/huntpack/huntpack/logs/input"
	"github.com/huntpack/huntpack/logs/jsonl"
	"github.com/huntpack/huntpack/logs/record"
	"github.com/huntpack/huntpack/logs/schema"
)

// The ASIM tables raw logs feed.
const (
	NetworkSession = "ASimNetworkSessionLogs"
	Dns            = "ASimDnsActivityLogs"
)

// Builder fills one row of an ASIM table by column name.
type Builder struct {
	cols []record.Col
	idx  map[string]int
	pos  []int // per interned Name: the column, or -1
	vals []string
	set  []int // columns set in this row, in order
	buf  []byte
}

// Name is a column name interned with Intern: Builder.SetN finds its
// column with an array index instead of a map lookup.
type Name int

// colNames interns column names.
var colNames interner

// Intern returns the Name of a column name (the same Name for the same
// text). Call it once per name (package-level variables), not per row.
func Intern(col string) Name { return Name(colNames.intern(col)) }

// interner hands out dense numbers for names, so hot paths index arrays
// instead of hashing strings. It is safe for concurrent use; names are
// only ever appended.
type interner struct {
	mu    sync.Mutex
	names []string
	idx   map[string]int
}

func (t *interner) intern(s string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	if n, ok := t.idx[s]; ok {
		return n
	}
	if t.idx == nil {
		t.idx = map[string]int{}
	}
	n := len(t.names)
	t.names = append(t.names, s)
	t.idx[s] = n
	return n
}

func (t *interner) lookup(s string) (int, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n, ok := t.idx[s]
	return n, ok
}

// since returns the names numbered from n on.
func (t *interner) since(n int) []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.names[n:]
}

// SetN is Set for an interned name.
func (b *Builder) SetN(n Name, val string) {
	if int(n) >= len(b.pos) {
		b.growPos(n)
	}
	if i := b.pos[n]; i >= 0 && val != "" {
		if b.vals[i] == "" {
			b.set = append(b.set, i)
		}
		b.vals[i] = val
	}
}

// growPos resolves the names interned since the builder last looked.
func (b *Builder) growPos(n Name) {
	names := colNames.since(len(b.pos))
	for _, name := range names {
		i, ok := b.idx[name]
		if !ok {
			i = -1
		}
		b.pos = append(b.pos, i)
	}
	if int(n) >= len(b.pos) {
		panic("asim: Name not made by Intern")
	}
}

// NewBuilder returns a builder for an ASIM table (or any known table).
func NewBuilder(table string) *Builder {
	s, _ := schema.Lookup(table)
	b := &Builder{idx: map[string]int{}, vals: make([]string, len(s))}
	for i, f := range s {
		b.cols = append(b.cols, record.Col{Name: f.Name})
		b.idx[f.Name] = i
	}
	return b
}

// Columns returns the table's columns.
func (b *Builder) Columns() []record.Col { return b.cols }

// Reset clears the row.
func (b *Builder) Reset() {
	for _, i := range b.set {
		b.vals[i] = ""
	}
	b.set = b.set[:0]
}

// Set sets a column; empty values and unknown columns are ignored (the
// tests check every column name used exists).
func (b *Builder) Set(col, val string) {
	if i, ok := b.idx[col]; ok && val != "" {
		if b.vals[i] == "" {
			b.set = append(b.set, i)
		}
		b.vals[i] = val
	}
}

// Has reports whether the table has a column.
func (b *Builder) Has(col string) bool { _, ok := b.idx[col]; return ok }

// Fields copies the row into fields, which must be all nil (as
// record.Run passes them); unset columns stay nil.
func (b *Builder) Fields(fields [][]byte) {
	b.buf = b.buf[:0]
	for _, i := range b.set {
		b.buf = append(b.buf, b.vals[i]...)
	}
	off := 0
	for _, i := range b.set {
		n := len(b.vals[i])
		fields[i] = b.buf[off : off+n : off+n]
		off += n
	}
}

// MapFunc maps one input line onto the builder. It returns false for a
// line that feeds no row of this table (another event type, a comment),
// and an error for a malformed line.
type MapFunc func(line []byte, lineNo int64, b *Builder) (bool, error)

// LineSource is a record.Source over a line-oriented file.
type LineSource struct {
	lines  *input.Lines
	closer io.Closer
	b      *Builder
	fn     MapFunc
}

// NewLineSource reads r line by line, mapping lines into table rows.
func NewLineSource(r io.ReadCloser, table string, fn MapFunc) *LineSource {
	return &LineSource{lines: input.NewLines(r), closer: r, b: NewBuilder(table), fn: fn}
}

// OpenLines opens path (optionally compressed) as a LineSource.
func OpenLines(path, table string, fn MapFunc) (*LineSource, error) {
	rc, _, err := input.Open(path)
	if err != nil {
		return nil, err
	}
	return NewLineSource(rc, table, fn), nil
}

// Columns implements record.Source.
func (s *LineSource) Columns() []record.Col { return s.b.Columns() }

// Close implements record.Source.
func (s *LineSource) Close() error { return s.closer.Close() }

// Next implements record.Source.
func (s *LineSource) Next(fields [][]byte) (int64, error) {
	for {
		line, n, err := s.lines.Next()
		if errors.Is(err, input.ErrLineTooLong) {
			return n, &record.Error{Line: n, Msg: "line too long; skipped"}
		}
		if err != nil {
			return n, err
		}
		if n == 1 {
			line = input.TrimBOM(line)
		}
		if len(strings.TrimSpace(string(line))) == 0 {
			continue
		}
		line, valid := input.CleanUTF8(line)
		s.b.Reset()
		ok, err := s.fn(line, n, s.b)
		if err != nil {
			return n, &record.Error{Line: n, Msg: err.Error() + "; skipped"}
		}
		if !ok {
			continue
		}
		s.b.Fields(fields)
		if !valid {
			return n, &record.Error{Line: n, Msg: input.InvalidUTF8, Keep: true}
		}
		return n, nil
	}
}

// KV is a flattened JSON record: nested object members appear under
// dotted keys, arrays and objects as JSON text.
type KV map[string]string

// ParseJSON flattens one JSON object.
func ParseJSON(line []byte) (KV, error) {
	kv := KV{}
	var sc jsonl.Scanner
	sc.Flatten = true
	err := sc.Object(line, func(k, v []byte, kind jsonl.Kind) {
		if kind != jsonl.KNull {
			kv[string(k)] = string(v)
		}
	})
	return kv, err
}

// Get returns the first non-empty value among keys.
func (kv KV) Get(keys ...string) string {
	for _, k := range keys {
		if v := kv[k]; v != "" {
			return v
		}
	}
	return ""
}

// JoinArray turns a JSON array of scalars into comma-separated text;
// other text is returned unchanged.
func JoinArray(v string) string {
	if !strings.HasPrefix(v, "[") {
		return v
	}
	var arr []any
	if json.Unmarshal([]byte(v), &arr) != nil {
		return v
	}
	parts := make([]string, 0, len(arr))
	for _, e := range arr {
		switch x := e.(type) {
		case string:
			parts = append(parts, x)
		case float64:
			parts = append(parts, strconv.FormatFloat(x, 'f', -1, 64))
		default:
			b, _ := json.Marshal(x)
			parts = append(parts, string(b))
		}
	}
	return strings.Join(parts, ",")
}

// EpochToISO converts Unix epoch seconds text ("1692161622.036086") to
// ISO 8601; other text is returned unchanged.
func EpochToISO(v string) string {
	whole, frac, _ := strings.Cut(v, ".")
	sec, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || len(whole) > 11 {
		return v
	}
	ns := int64(0)
	if frac != "" {
		if len(frac) > 9 {
			frac = frac[:9]
		}
		f, err := strconv.ParseInt(frac+strings.Repeat("0", 9-len(frac)), 10, 64)
		if err != nil {
			return v
		}
		ns = f
	}
	return time.Unix(sec, ns).UTC().Format(time.RFC3339Nano)
}

// SecondsToMillis converts a duration in (fractional) seconds to whole
// milliseconds text; bad input gives "".
func SecondsToMillis(v string) string {
	if v == "" {
		return ""
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return ""
	}
	return strconv.FormatInt(int64(f*1000+0.5), 10)
}

// IPVersion returns "IPv4" or "IPv6" for an address, or "".
func IPVersion(ip string) string {
	switch {
	case strings.Contains(ip, ":"):
		return "IPv6"
	case strings.Count(ip, ".") == 3:
		return "IPv4"
	}
	return ""
}

// SumInts adds integer texts; empty if none parse.
func SumInts(vals ...string) string {
	var sum int64
	ok := false
	for _, v := range vals {
		if v == "" {
			continue // no error value to build
		}
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			sum += n
			ok = true
		}
	}
	if !ok {
		return ""
	}
	return strconv.FormatInt(sum, 10)
}
