package logs

import (
	"fmt"
	"io"

	"github.com/huntpack/huntpack/logs/cef"
	"github.com/huntpack/huntpack/logs/csv"
	"github.com/huntpack/huntpack/logs/jsonl"
	"github.com/huntpack/huntpack/logs/record"
)

// sampler reads an export's records while its columns are discovered.
type sampler interface {
	Columns() []record.Col
	NextRecord() ([][]byte, int64, error)
	Problems() []string
	Close() error
}

func openSampler(f *File) (sampler, error) {
	switch f.Format {
	case FormatCSV:
		s, err := csv.Open(f.Path)
		if err != nil {
			return nil, err
		}
		return &csvSampler{Source: s, fields: make([][]byte, len(s.Columns()))}, nil
	case FormatJSON:
		s, err := jsonl.Open(f.Path, jsonl.Options{Grow: true})
		if err != nil {
			return nil, err
		}
		return jsonSampler{s}, nil
	}
	return nil, fmt.Errorf("no reader for format %s yet", f.Format)
}

type csvSampler struct {
	*csv.Source
	fields [][]byte
}

func (c *csvSampler) NextRecord() ([][]byte, int64, error) {
	line, err := c.Next(c.fields)
	return c.fields, line, err
}

func (c *csvSampler) Problems() []string {
	var out []string
	for _, e := range c.HeaderProblems() {
		out = append(out, "header: "+e.Error()+"; read as UTC")
	}
	return out
}

type jsonSampler struct{ *jsonl.Source }

func (jsonSampler) Problems() []string { return nil }

// openSource opens a file for scanning as a record.Source whose columns
// are the file's (exports) or the target table's (raw formats).
func openSource(f *File) (record.Source, error) {
	switch f.Format {
	case FormatCSV:
		return csv.Open(f.Path)
	case FormatJSON:
		return jsonl.Open(f.Path, jsonl.Options{Columns: f.cols})
	case FormatCEF:
		return cef.Open(f.Path, cef.Options{Year: f.modYear})
	}
	return nil, fmt.Errorf("%s: no reader for format %s", f.Path, f.Format)
}

var _ io.Closer = record.Source(nil)
