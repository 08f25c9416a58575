package cef

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/huntpack/huntpack/kql/types"
	"github.com/huntpack/huntpack/logs/input"
	"github.com/huntpack/huntpack/logs/record"
	"github.com/huntpack/huntpack/logs/schema"
)

// Table is the table CEF lines feed.
const Table = "CommonSecurityLog"

// Source reads a file of CEF lines as CommonSecurityLog records.
type Source struct {
	lines  *input.Lines
	closer io.Closer
	opts   Options
	schema types.Schema
	cols   []record.Col
	idx    map[string]int
	vals   [][]byte
	extra  []byte
	arena  []byte  // the values of the current record
	sc     scratch // reused: the parsed event is valid until the next line
}

// Open opens a CEF file (optionally compressed).
func Open(path string, o Options) (*Source, error) {
	rc, _, err := input.Open(path)
	if err != nil {
		return nil, err
	}
	return NewSource(rc, o), nil
}

// NewSource reads CEF lines from r; closing the source closes r.
func NewSource(r io.ReadCloser, o Options) *Source {
	s, _ := schema.Lookup(Table)
	src := &Source{lines: input.NewLines(r), closer: r, opts: o, schema: s, idx: map[string]int{}}
	for i, f := range s {
		src.cols = append(src.cols, record.Col{Name: f.Name})
		src.idx[f.Name] = i
	}
	src.vals = make([][]byte, len(s))
	return src
}

// Columns implements record.Source: the CommonSecurityLog columns.
func (s *Source) Columns() []record.Col { return s.cols }

// Close implements record.Source.
func (s *Source) Close() error { return s.closer.Close() }

// Next implements record.Source.
func (s *Source) Next(fields [][]byte) (int64, error) {
	for {
		line, n, err := s.lines.Next()
		if errors.Is(err, input.ErrLineTooLong) {
			return n, &record.Error{Line: n, Msg: "line too long; skipped"}
		}
		if err != nil {
			return n, err
		}
		if len(line) == 0 {
			continue
		}
		line, valid := input.CleanUTF8(line)
		s.sc.reset()
		ev, err := s.sc.parse(line, s.opts)
		if err != nil {
			return n, &record.Error{Line: n, Msg: err.Error() + "; skipped"}
		}
		s.fill(&ev)
		copy(fields, s.vals)
		if !valid {
			return n, &record.Error{Line: n, Msg: input.InvalidUTF8, Keep: true}
		}
		return n, nil
	}
}

func (s *Source) set(col, val string) {
	if i, ok := s.idx[col]; ok {
		if s.schema[i].Type == types.DateTime {
			val = epochMillisToISO(val)
		}
		start := len(s.arena)
		s.arena = append(s.arena, val...)
		s.vals[i] = s.arena[start:len(s.arena):len(s.arena)]
	}
}

func (s *Source) fill(ev *Event) {
	for i := range s.vals {
		s.vals[i] = nil
	}
	s.extra = s.extra[:0]
	s.arena = s.arena[:0]
	s.set("DeviceVendor", ev.DeviceVendor)
	s.set("DeviceProduct", ev.DeviceProduct)
	s.set("DeviceVersion", ev.DeviceVersion)
	s.set("DeviceEventClassID", ev.SignatureID)
	s.set("Activity", ev.Name)
	s.set("LogSeverity", ev.Severity)
	s.set("Type", Table)
	if ev.Host != "" {
		s.set("Computer", ev.Host)
	}
	var rt string
	for _, kv := range ev.Ext {
		col, ok := schema.CEFColumn(kv.Key)
		if !ok {
			if len(s.extra) > 0 {
				s.extra = append(s.extra, ';')
			}
			s.extra = append(append(append(s.extra, kv.Key...), '='), kv.Value...)
			continue
		}
		if kv.Key == "rt" {
			rt = kv.Value
		}
		s.set(col, kv.Value)
	}
	if len(s.extra) > 0 {
		s.set("AdditionalExtensions", string(s.extra))
	}
	switch {
	case ev.HasTime:
		s.set("TimeGenerated", ev.Time.Format(time.RFC3339Nano))
	case rt != "":
		s.set("TimeGenerated", rt)
	}
}

// epochMillisToISO turns epoch milliseconds (CEF rt/start/end) into ISO
// text; other text is returned unchanged.
func epochMillisToISO(v string) string {
	if len(v) < 12 || len(v) > 14 {
		return v
	}
	ms, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return v
	}
	return time.UnixMilli(ms).UTC().Format(time.RFC3339Nano)
}

// String describes an event for tests and debugging.
func (e Event) String() string {
	return fmt.Sprintf("%s|%s|%s|%s|%s|%s|%s %v", e.Version, e.DeviceVendor, e.DeviceProduct, e.DeviceVersion, e.SignatureID, e.Name, e.Severity, e.Ext)
}
