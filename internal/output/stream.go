package output

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/huntpack/huntpack/kql/types"
)

// Stream writes result tables batch by batch, as a query produces them,
// in the same bytes as Write. CSV, JSON and JSON lines are formatted
// into one reusable buffer (no allocation per value for strings, ints,
// bools, datetimes and timespans) and written whenever it fills; the
// terminal table needs every row for its column widths, so it is
// rendered when the table ends.
//
// Call BeginTable, Batch (any number of times), EndTable for each table,
// then Close. After a write error every call returns that error.
type Stream struct {
	w      io.Writer
	format string
	buf    []byte
	err    error
	tables int // tables begun

	// the current table
	name   string
	schema types.Schema
	index  int
	count  int
	rows   int
	fm     rowFormatter
	held   []*types.Batch // table format
}

// rowFormatter formats rows of one table.
type rowFormatter struct {
	keys  [][]byte       // JSON: encoded column names with ':' (shared, read-only)
	cache []streamCached // per column: last datetime/timespan formatted
}

// streamCached remembers the last datetime or timespan a column formatted:
// binned times repeat row after row.
type streamCached struct {
	ok  bool
	v   int64
	txt string
}

// streamFlushAt is the buffer size at which Stream writes.
const streamFlushAt = 256 << 10

// NewStream returns a Stream writing format (one of Formats) to w.
func NewStream(w io.Writer, format string) (*Stream, error) {
	switch format {
	case "":
		format = "table"
	case "table", "csv", "json", "jsonl":
	default:
		return nil, fmt.Errorf("unknown output format %q (want one of %s)", format, strings.Join(Formats, ", "))
	}
	return &Stream{w: w, format: format, buf: make([]byte, 0, streamFlushAt+64<<10)}, nil
}

// BeginTable starts result table index of count, named name.
func (s *Stream) BeginTable(name string, schema types.Schema, index, count int) error {
	return s.begin(name, schema, index, count, false)
}

// begin starts a table; absent (a nil batch given to Write) writes no
// CSV header and "(no rows)" as a terminal table.
func (s *Stream) begin(name string, schema types.Schema, index, count int, absent bool) error {
	if s.err != nil {
		return s.err
	}
	s.tables++
	s.name, s.schema, s.index, s.count, s.rows = name, schema, index, count, 0
	s.held = s.held[:0]
	s.fm = rowFormatter{cache: make([]streamCached, len(schema))}
	switch s.format {
	case "csv":
		if index > 0 {
			s.buf = append(s.buf, '\n')
		}
		if !absent {
			for j, f := range schema {
				if j > 0 {
					s.buf = append(s.buf, ',')
				}
				s.buf = appendCSVField(s.buf, f.Name)
			}
			s.buf = append(s.buf, '\n')
		}
	case "json":
		if count == 1 {
			s.buf = append(s.buf, "[\n"...)
		} else {
			if index == 0 {
				s.buf = append(s.buf, "{\n"...)
			} else {
				s.buf = append(s.buf, ",\n"...)
			}
			s.buf = append(s.buf, "  "...)
			s.buf = appendJSONString(s.buf, name)
			s.buf = append(s.buf, ": [\n"...)
		}
		fallthrough
	case "jsonl":
		for _, f := range schema {
			k := appendJSONString(nil, f.Name)
			s.fm.keys = append(s.fm.keys, append(k, ':'))
		}
	case "table":
		if absent {
			s.held = append(s.held, nil)
		}
	}
	return s.flush(false)
}

// Batch writes the rows of b, which has the current table's schema.
func (s *Stream) Batch(b *types.Batch) error {
	if s.err != nil {
		return s.err
	}
	if b == nil || b.Len == 0 {
		return nil
	}
	if s.format == "table" {
		s.held = append(s.held, b)
		return nil
	}
	for i := 0; i < b.Len; i++ {
		var err error
		switch s.format {
		case "csv":
			s.buf = s.fm.appendCSVRow(s.buf, b, i)
		case "json":
			if s.rows > 0 {
				s.buf = append(s.buf, ',', '\n')
			}
			if s.count == 1 {
				s.buf = append(s.buf, "  "...)
			} else {
				s.buf = append(s.buf, "    "...)
			}
			s.buf, err = s.fm.appendJSONRow(s.buf, b, i)
		case "jsonl":
			if s.buf, err = s.fm.appendJSONRow(s.buf, b, i); err == nil {
				s.buf = append(s.buf, '\n')
			}
		}
		if err != nil {
			s.err = err
			return err
		}
		s.rows++
		if len(s.buf) >= streamFlushAt {
			if err := s.flush(false); err != nil {
				return err
			}
		}
	}
	return nil
}

// EndTable finishes the current table.
func (s *Stream) EndTable() error {
	if s.err != nil {
		return s.err
	}
	switch s.format {
	case "json":
		if s.count == 1 {
			s.buf = append(s.buf, "\n]\n"...)
		} else {
			s.buf = append(s.buf, "\n  ]"...)
			if s.index == s.count-1 {
				s.buf = append(s.buf, "\n}\n"...)
			}
		}
	case "table":
		if err := s.flush(false); err != nil {
			return err
		}
		if s.index > 0 {
			s.buf = append(s.buf, '\n')
		}
		if s.count > 1 {
			s.buf = append(s.buf, s.name...)
			s.buf = append(s.buf, '\n')
		}
		if err := s.flush(true); err != nil {
			return err
		}
		if err := writeTable(s.w, s.schema, s.held, MaxCellWidth); err != nil {
			s.err = err
			return err
		}
		s.held = s.held[:0]
	}
	return s.flush(false)
}

// Concurrent reports whether FormatBatch may be used: CSV and JSON lines,
// whose rows stand alone.
func (s *Stream) Concurrent() bool { return s.format == "csv" || s.format == "jsonl" }

// FormatBatch appends the rows of b (of the current table) to dst as
// Batch would write them, without writing. It may be called from several
// goroutines at once (between BeginTable and EndTable, for a Concurrent
// stream); hand the bytes to WriteFormatted.
func (s *Stream) FormatBatch(dst []byte, b *types.Batch) ([]byte, error) {
	if b == nil {
		return dst, nil
	}
	f := rowFormatter{keys: s.fm.keys, cache: make([]streamCached, len(b.Cols))}
	var err error
	for i := 0; i < b.Len; i++ {
		if s.format == "csv" {
			dst = f.appendCSVRow(dst, b, i)
			continue
		}
		if dst, err = f.appendJSONRow(dst, b, i); err != nil {
			return dst, err
		}
		dst = append(dst, '\n')
	}
	return dst, nil
}

// WriteFormatted writes rows made by FormatBatch (calls must not overlap).
func (s *Stream) WriteFormatted(p []byte) error {
	if s.err != nil {
		return s.err
	}
	if len(s.buf)+len(p) > cap(s.buf) {
		if err := s.flush(true); err != nil {
			return err
		}
		if len(p) >= streamFlushAt {
			if _, err := s.w.Write(p); err != nil {
				s.err = fmt.Errorf("writing %s: %w", strings.ToUpper(s.format), err)
			}
			return s.err
		}
	}
	s.buf = append(s.buf, p...)
	return s.flush(false)
}

// Close writes what is buffered (for JSON with no table at all, the
// empty object Write gives).
func (s *Stream) Close() error {
	if s.err != nil {
		return s.err
	}
	if s.tables == 0 && s.format == "json" {
		s.buf = append(s.buf, "{\n\n}\n"...)
	}
	return s.flush(true)
}

// flush writes the buffer when it is full enough (or always with force).
func (s *Stream) flush(force bool) error {
	if s.err != nil {
		return s.err
	}
	if len(s.buf) == 0 || !force && len(s.buf) < streamFlushAt {
		return nil
	}
	_, err := s.w.Write(s.buf)
	s.buf = s.buf[:0]
	if err != nil {
		s.err = fmt.Errorf("writing %s: %w", strings.ToUpper(s.format), err)
	}
	return s.err
}

// appendCSVRow appends row i of b as a CSV record.
func (f *rowFormatter) appendCSVRow(buf []byte, b *types.Batch, i int) []byte {
	for j, c := range b.Cols {
		if j > 0 {
			buf = append(buf, ',')
		}
		switch {
		case c.Type == types.String || c.Type == types.GUID:
			buf = appendCSVField(buf, c.Strs[i])
		case c.Type == types.Bool || c.Type == types.Int || c.Type == types.Long ||
			c.Type == types.Real || c.Type == types.Decimal:
			buf = appendScalar(buf, c, i)
		case c.Type == types.DateTime || c.Type == types.TimeSpan:
			if c.Nulls == nil || !c.Nulls[i] {
				buf = appendCSVField(buf, f.timeText(j, c, i))
			}
		default:
			buf = appendCSVField(buf, types.FormatValue(c.Value(i)))
		}
	}
	return append(buf, '\n')
}

// timeText formats a non-null datetime or timespan cell, remembering the
// last one of each column.
func (f *rowFormatter) timeText(j int, c *types.Column, i int) string {
	v := c.Ints[i]
	if j < len(f.cache) {
		if e := &f.cache[j]; e.ok && e.v == v {
			return e.txt
		}
	}
	var txt string
	if c.Type == types.DateTime {
		txt = types.FormatDateTime(v)
	} else {
		txt = types.FormatTimeSpan(v)
	}
	if j < len(f.cache) {
		f.cache[j] = streamCached{ok: true, v: v, txt: txt}
	}
	return txt
}

// appendScalar appends a bool, int, long, real or decimal cell as
// FormatValue writes it (nothing for null).
func appendScalar(buf []byte, c *types.Column, i int) []byte {
	if c.Type == types.Bool {
		if c.Nulls != nil && c.Nulls[i] {
			return buf
		}
		return strconv.AppendBool(buf, c.Bools[i])
	}
	if c.Nulls != nil && c.Nulls[i] {
		return buf
	}
	if c.Type == types.Int || c.Type == types.Long {
		return strconv.AppendInt(buf, c.Ints[i], 10)
	}
	return appendReal(buf, c.Reals[i])
}

// appendReal appends types.FormatReal(f) without allocating.
func appendReal(buf []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(buf, "NaN"...)
	case math.IsInf(f, 1):
		return append(buf, "Infinity"...)
	case math.IsInf(f, -1):
		return append(buf, "-Infinity"...)
	}
	start := len(buf)
	buf = strconv.AppendFloat(buf, f, 'g', -1, 64)
	for k := start; k < len(buf); k++ {
		if buf[k] == 'e' {
			buf[k] = 'E'
			break
		}
	}
	return buf
}

// appendCSVField appends field as encoding/csv writes it (comma
// separator, LF line ends): quoted, with quotes doubled, when it holds a
// comma, quote, CR or LF, starts with a space, or is `\.`.
func appendCSVField(buf []byte, field string) []byte {
	if !csvNeedsQuotes(field) {
		return append(buf, field...)
	}
	buf = append(buf, '"')
	for {
		k := strings.IndexByte(field, '"')
		if k < 0 {
			break
		}
		buf = append(buf, field[:k+1]...)
		buf = append(buf, '"')
		field = field[k+1:]
	}
	buf = append(buf, field...)
	return append(buf, '"')
}

// csvNeedsQuotes is encoding/csv's rule for a comma separator.
func csvNeedsQuotes(field string) bool {
	if field == "" {
		return false
	}
	if field == `\.` {
		return true
	}
	for i := 0; i < len(field); i++ {
		switch field[i] {
		case '\n', '\r', '"', ',':
			return true
		}
	}
	c := field[0]
	if c < utf8.RuneSelf {
		return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
	}
	r1, _ := utf8.DecodeRuneInString(field)
	return unicode.IsSpace(r1)
}

// appendJSONRow appends row i of b as a JSON object, keys in column
// order, with the bytes of appendRowJSON.
func (f *rowFormatter) appendJSONRow(buf []byte, b *types.Batch, i int) ([]byte, error) {
	buf = append(buf, '{')
	for j, c := range b.Cols {
		if j > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, f.keys[j]...)
		switch {
		case c.Type == types.String || c.Type == types.GUID:
			buf = appendJSONString(buf, c.Strs[i])
		case c.Type == types.Bool || c.Type == types.Int || c.Type == types.Long:
			if c.Nulls != nil && c.Nulls[i] {
				buf = append(buf, "null"...)
			} else {
				buf = appendScalar(buf, c, i)
			}
		case c.Type == types.DateTime || c.Type == types.TimeSpan:
			if c.Nulls != nil && c.Nulls[i] {
				buf = append(buf, "null"...)
			} else {
				buf = appendJSONString(buf, f.timeText(j, c, i))
			}
		default:
			v, err := json.Marshal(types.ToJSON(c.Value(i)))
			if err != nil {
				return buf, fmt.Errorf("encoding column %s: %w", b.Schema[j].Name, err)
			}
			buf = append(buf, v...)
		}
	}
	return append(buf, '}'), nil
}

// appendJSONString appends str as encoding/json encodes a string: plain
// printable ASCII directly, anything else through json.Marshal.
func appendJSONString(buf []byte, str string) []byte {
	for i := 0; i < len(str); i++ {
		c := str[i]
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(str)
			return append(buf, q...)
		}
	}
	buf = append(buf, '"')
	buf = append(buf, str...)
	return append(buf, '"')
}
