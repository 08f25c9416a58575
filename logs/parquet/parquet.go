// Package parquet reads Apache Parquet files (as written by ADX
// `.export ... to parquet` and data lakes) as records with their declared
// column types: BOOLEAN as bool, INT32 as int, INT64 as long, FLOAT and
// DOUBLE as real, TIMESTAMP (millis, micros, nanos) and legacy INT96 as
// datetime, byte arrays (UTF8, JSON, ENUM) as string, UUID as guid.
// Nested and repeated columns appear under their dotted leaf path;
// repeated values are joined into a JSON array. Parquet needs random
// access, so compressed (.gz/.zst) Parquet files are not supported; use
// Parquet's own column compression.
package parquet

import (
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	pq "github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"

	"github.com/huntpack/huntpack/kql/types"
	"github.com/huntpack/huntpack/logs/record"
)

// Magic is the first four bytes of a Parquet file.
var Magic = []byte("PAR1")

// column describes how one leaf column is turned into text.
type column struct {
	name     string
	typ      types.Type
	unit     time.Duration // datetime unit for INT64 timestamps
	int96    bool
	uuid     bool
	repeated bool
}

// Source reads a Parquet file row by row.
type Source struct {
	f     *os.File
	r     *pq.Reader
	cols  []column
	rcols []record.Col
	rows  []pq.Row
	i, n  int
	row   int64
	buf   []byte
	offs  [][2]int
	rep   [][]string
}

// Open opens a Parquet file. The Parquet library can panic on corrupt
// files; Open and Next turn such panics into errors.
func Open(path string) (src *Source, err error) {
	var f *os.File
	defer func() {
		if e := recover(); e != nil {
			src, err = nil, fmt.Errorf("%s: corrupt Parquet file: %v", path, e)
			if f != nil {
				f.Close()
			}
		}
	}()
	f, err = os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	defer func() {
		if err != nil {
			f.Close()
		}
	}()
	pf, err := pq.OpenFile(f, st.Size())
	if err != nil {
		return nil, fmt.Errorf("%s: not a readable Parquet file: %w", path, err)
	}
	s := &Source{f: f, r: pq.NewReader(pf), rows: make([]pq.Row, 256)}
	for _, p := range pf.Schema().Columns() {
		leaf, ok := pf.Schema().Lookup(p...)
		if !ok {
			continue
		}
		c := describe(columnName(p), leaf.Node)
		c.repeated = c.repeated || repeatedPath(pf.Schema(), p)
		if c.repeated {
			c.typ = types.Dynamic
		}
		s.cols = append(s.cols, c)
		s.rcols = append(s.rcols, record.Col{Name: c.name})
	}
	s.offs = make([][2]int, len(s.cols))
	s.rep = make([][]string, len(s.cols))
	return s, nil
}

// columnName joins a leaf path with dots, dropping the standard LIST
// wrapper levels ("Tags.list.element" is "Tags").
func columnName(p []string) string {
	name := strings.Join(p, ".")
	for _, suffix := range []string{".list.element", ".list.item", ".array"} {
		name = strings.TrimSuffix(name, suffix)
	}
	return name
}

// repeatedPath reports whether any node on a leaf's path is repeated.
func repeatedPath(s *pq.Schema, p []string) bool {
	var n pq.Node = s
	for _, name := range p {
		var next pq.Node
		for _, f := range n.Fields() {
			if f.Name() == name {
				next = f
				break
			}
		}
		if next == nil {
			return false
		}
		if next.Repeated() {
			return true
		}
		n = next
	}
	return false
}

// describe maps a leaf's Parquet type to a KQL type.
func describe(name string, n pq.Node) column {
	c := column{name: name, typ: types.String, repeated: n.Repeated()}
	t := n.Type()
	logical := ""
	if lt := t.LogicalType(); lt != nil {
		logical = strings.ToUpper(lt.String())
	}
	if ct := t.ConvertedType(); ct != nil && logical == "" {
		switch *ct {
		case deprecated.TimestampMillis:
			logical = "TIMESTAMP MILLIS"
		case deprecated.TimestampMicros:
			logical = "TIMESTAMP MICROS"
		case deprecated.UTF8, deprecated.Json, deprecated.Enum:
			logical = "STRING"
		}
	}
	switch {
	case strings.Contains(logical, "TIMESTAMP"):
		c.typ = types.DateTime
		switch {
		case strings.Contains(logical, "NANOS"):
			c.unit = time.Nanosecond
		case strings.Contains(logical, "MICROS"):
			c.unit = time.Microsecond
		default:
			c.unit = time.Millisecond
		}
	case strings.Contains(logical, "UUID"):
		c.typ, c.uuid = types.GUID, true
	case logical != "" && !strings.HasPrefix(logical, "INT") && !strings.Contains(logical, "INTEGER"):
		c.typ = types.String
	default:
		switch t.Kind() {
		case pq.Boolean:
			c.typ = types.Bool
		case pq.Int32:
			c.typ = types.Int
		case pq.Int64:
			c.typ = types.Long
		case pq.Float, pq.Double:
			c.typ = types.Real
		case pq.Int96:
			c.typ, c.int96 = types.DateTime, true
		}
	}
	if c.repeated {
		c.typ = types.Dynamic
	}
	return c
}

// Columns implements record.Source.
func (s *Source) Columns() []record.Col { return s.rcols }

// Types returns the declared column types.
func (s *Source) Types() []types.Type {
	out := make([]types.Type, len(s.cols))
	for i, c := range s.cols {
		out[i] = c.typ
	}
	return out
}

// Close implements record.Source.
func (s *Source) Close() error {
	s.r.Close()
	return s.f.Close()
}

// Next implements record.Source; the "line" is the 1-based row number.
// A corrupt file ends with an error at the row reached.
func (s *Source) Next(fields [][]byte) (line int64, err error) {
	defer func() {
		if e := recover(); e != nil {
			line, err = s.row+1, fmt.Errorf("corrupt Parquet data: %v", e)
		}
	}()
	if s.i >= s.n {
		n, err := s.r.ReadRows(s.rows)
		if n == 0 {
			if err == nil || errors.Is(err, io.EOF) {
				return s.row, io.EOF
			}
			return s.row + 1, err
		}
		s.i, s.n = 0, n
	}
	row := s.rows[s.i]
	s.i++
	s.row++
	s.buf = s.buf[:0]
	for i := range s.offs {
		s.offs[i] = [2]int{-1, -1}
		s.rep[i] = s.rep[i][:0]
	}
	for _, v := range row {
		ci := v.Column()
		if ci < 0 || ci >= len(s.cols) || v.IsNull() {
			continue
		}
		c := s.cols[ci]
		if c.repeated {
			s.rep[ci] = append(s.rep[ci], c.text(v))
			continue
		}
		start := len(s.buf)
		s.buf = append(s.buf, c.text(v)...)
		s.offs[ci] = [2]int{start, len(s.buf)}
	}
	for i, o := range s.offs {
		if len(s.rep[i]) > 0 {
			j, _ := json.Marshal(s.rep[i])
			start := len(s.buf)
			s.buf = append(s.buf, j...)
			o = [2]int{start, len(s.buf)}
		}
		if o[0] < 0 {
			fields[i] = nil
			continue
		}
		fields[i] = s.buf[o[0]:o[1]:o[1]]
	}
	return s.row, nil
}

// text renders a value as the raw text the record converters parse.
func (c column) text(v pq.Value) string {
	switch v.Kind() {
	case pq.Boolean:
		return strconv.FormatBool(v.Boolean())
	case pq.Int32:
		return strconv.FormatInt(int64(v.Int32()), 10)
	case pq.Int64:
		if c.typ == types.DateTime {
			return time.Unix(0, 0).Add(time.Duration(v.Int64()) * c.unit).UTC().Format(time.RFC3339Nano)
		}
		return strconv.FormatInt(v.Int64(), 10)
	case pq.Int96:
		return int96Time(v.Bytes())
	case pq.Float:
		return strconv.FormatFloat(float64(v.Float()), 'g', -1, 32)
	case pq.Double:
		return strconv.FormatFloat(v.Double(), 'g', -1, 64)
	}
	b := v.ByteArray()
	if c.uuid && len(b) == 16 {
		h := hex.EncodeToString(b)
		return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
	}
	return string(b)
}

// int96Time decodes a legacy Impala/Spark INT96 timestamp: nanoseconds of
// the day (8 bytes) and the Julian day (4 bytes), little-endian.
func int96Time(b []byte) string {
	if len(b) != 12 {
		return ""
	}
	nanos := int64(binary.LittleEndian.Uint64(b[:8]))
	day := int64(binary.LittleEndian.Uint32(b[8:]))
	const unixJulianDay = 2440588
	return time.Unix((day-unixJulianDay)*86400, nanos).UTC().Format(time.RFC3339Nano)
}
