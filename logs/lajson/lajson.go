// Package lajson reads saved query API responses: the Log Analytics query
// REST response ({"tables":[{"name","columns":[{"name","type"}],"rows"}]},
// learn.microsoft.com/azure/azure-monitor/logs/api/response-format) and
// Azure Data Explorer responses, v2 frames ([{"FrameType":"DataSetHeader"},
// {"FrameType":"DataTable","TableKind":"PrimaryResult","Columns":
// [{"ColumnName","ColumnType"}],"Rows":[...]}, ...]) and v1
// ({"Tables":[{"TableName","Columns":[{"ColumnName","DataType"}],"Rows"}]}).
// The primary result table is read with its declared column types. A
// response is one JSON document, so it is read whole; problems name the
// row ("row 3") since rows have no lines of their own.
package lajson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/huntpack/huntpack/kql/types"
	"github.com/huntpack/huntpack/logs/input"
	"github.com/huntpack/huntpack/logs/record"
)

// Kind is a response layout.
type Kind string

// Response layouts.
const (
	LogAnalytics Kind = "la-rest"
	ADXv2        Kind = "adx-v2"
	ADXv1        Kind = "adx-v1"
)

// Sniff recognises a response from the start of a file.
func Sniff(head []byte) (Kind, bool) {
	t := bytes.TrimLeft(input.TrimBOM(head), " \t\r\n")
	if len(t) > 300 {
		t = t[:300]
	}
	switch {
	case bytes.HasPrefix(t, []byte("{")) && bytes.Contains(t, []byte(`"tables"`)):
		return LogAnalytics, true
	case bytes.HasPrefix(t, []byte("{")) && bytes.Contains(t, []byte(`"Tables"`)):
		return ADXv1, true
	case bytes.HasPrefix(t, []byte("[")) && bytes.Contains(t, []byte(`"FrameType"`)):
		return ADXv2, true
	}
	return "", false
}

// Result is the primary table of a response.
type Result struct {
	Name     string
	Columns  []types.Field
	Rows     []json.RawMessage
	Warnings []string // partial errors reported by the service
}

type column struct {
	Name       string `json:"name"`
	Type       string `json:"type"`
	ColumnName string `json:"ColumnName"`
	ColumnType string `json:"ColumnType"`
	DataType   string `json:"DataType"`
}

type table struct {
	Name      string            `json:"name"`
	TableName string            `json:"TableName"`
	TableKind string            `json:"TableKind"`
	FrameType string            `json:"FrameType"`
	Columns   []column          `json:"columns"`
	Columns2  []column          `json:"Columns"`
	Rows      []json.RawMessage `json:"rows"`
	Rows2     []json.RawMessage `json:"Rows"`
}

type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Read parses a response and returns its primary table.
func Read(r io.Reader) (*Result, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	data = input.TrimBOM(data)
	t := bytes.TrimLeft(data, " \t\r\n")
	if len(t) == 0 {
		return nil, errors.New("empty response")
	}
	if t[0] == '[' {
		return readFrames(data)
	}
	var doc struct {
		Tables  []table   `json:"tables"`
		Tables2 []table   `json:"Tables"`
		Error   *apiError `json:"error"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, syntaxError(data, err)
	}
	tables := append(doc.Tables, doc.Tables2...)
	if len(tables) == 0 {
		if doc.Error != nil {
			return nil, fmt.Errorf("response is an error: %s: %s", doc.Error.Code, doc.Error.Message)
		}
		return nil, errors.New("response has no tables")
	}
	res, err := result(tables[0])
	if err != nil {
		return nil, err
	}
	if doc.Error != nil {
		res.Warnings = append(res.Warnings, fmt.Sprintf("partial result: %s: %s", doc.Error.Code, doc.Error.Message))
	}
	return res, nil
}

func readFrames(data []byte) (*Result, error) {
	var frames []table
	if err := json.Unmarshal(data, &frames); err != nil {
		return nil, syntaxError(data, err)
	}
	for _, f := range frames {
		if f.FrameType == "DataTable" && f.TableKind == "PrimaryResult" {
			return result(f)
		}
	}
	return nil, errors.New("no PrimaryResult DataTable frame")
}

func result(t table) (*Result, error) {
	res := &Result{Name: t.Name + t.TableName}
	for i, c := range append(t.Columns, t.Columns2...) {
		name := c.Name + c.ColumnName
		tn := c.Type + c.ColumnType
		if tn == "" {
			tn = dataType(c.DataType)
		}
		typ, ok := types.ParseType(tn)
		if !ok {
			return nil, fmt.Errorf("column %d (%s): unknown type %q", i+1, name, tn)
		}
		res.Columns = append(res.Columns, types.Field{Name: name, Type: typ})
	}
	res.Rows = append(t.Rows, t.Rows2...)
	return res, nil
}

// dataType maps ADX v1 .NET DataType names to KQL types.
func dataType(s string) string {
	switch s {
	case "Boolean", "SByte":
		return "bool"
	case "Int32":
		return "int"
	case "Int64":
		return "long"
	case "Double", "Single":
		return "real"
	case "Decimal", "SqlDecimal":
		return "decimal"
	case "DateTime":
		return "datetime"
	case "TimeSpan":
		return "timespan"
	case "Guid":
		return "guid"
	case "Object":
		return "dynamic"
	}
	return "string"
}

// syntaxError names the line of a JSON syntax error.
func syntaxError(data []byte, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off := min(int(se.Offset), len(data))
		return fmt.Errorf("line %d: JSON syntax error: %w", 1+bytes.Count(data[:off], []byte("\n")), err)
	}
	return err
}

// Source reads a response's primary table as records.
type Source struct {
	res    *Result
	cols   []record.Col
	i      int
	closer io.Closer
	vals   []json.RawMessage
}

// Open opens a saved response (optionally compressed).
func Open(path string) (*Source, error) {
	rc, _, err := input.Open(path)
	if err != nil {
		return nil, err
	}
	res, err := Read(rc)
	if err != nil {
		rc.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	s := &Source{res: res, closer: rc}
	for _, c := range res.Columns {
		s.cols = append(s.cols, record.Col{Name: c.Name})
	}
	return s, nil
}

// Result returns the parsed table (columns with declared types).
func (s *Source) Result() *Result { return s.res }

// Columns implements record.Source.
func (s *Source) Columns() []record.Col { return s.cols }

// Close implements record.Source.
func (s *Source) Close() error { return s.closer.Close() }

// Next implements record.Source; the "line" is the 1-based row number.
func (s *Source) Next(fields [][]byte) (int64, error) {
	if s.i >= len(s.res.Rows) {
		return int64(s.i), io.EOF
	}
	s.i++
	n := int64(s.i)
	s.vals = s.vals[:0]
	if err := json.Unmarshal(s.res.Rows[s.i-1], &s.vals); err != nil {
		return n, &record.Error{Line: n, Msg: fmt.Sprintf("row %d is not an array of values: %s; skipped", n, clip(s.res.Rows[s.i-1]))}
	}
	if len(s.vals) != len(s.cols) {
		return n, &record.Error{Line: n, Msg: fmt.Sprintf("row %d has %d values, %d columns; skipped", n, len(s.vals), len(s.cols))}
	}
	for i, v := range s.vals {
		fields[i] = valueText(v)
	}
	return n, nil
}

// valueText turns a JSON value into raw field text: strings unquoted,
// null as nil, other values as their JSON text.
func valueText(v json.RawMessage) []byte {
	t := bytes.TrimSpace(v)
	switch {
	case len(t) == 0 || string(t) == "null":
		return nil
	case t[0] == '"':
		var s string
		if json.Unmarshal(t, &s) == nil {
			return []byte(s)
		}
	}
	return t
}

func clip(b []byte) string {
	if len(b) > 60 {
		return string(b[:60]) + "..."
	}
	return string(b)
}
