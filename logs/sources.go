package logs

import (
	"fmt"
	"io"

	"github.com/huntpack/huntpack/kql/types"
	"github.com/huntpack/huntpack/logs/cef"
	"github.com/huntpack/huntpack/logs/csv"
	"github.com/huntpack/huntpack/logs/dnsdebug"
	"github.com/huntpack/huntpack/logs/input"
	"github.com/huntpack/huntpack/logs/jsonl"
	"github.com/huntpack/huntpack/logs/lajson"
	"github.com/huntpack/huntpack/logs/parquet"
	"github.com/huntpack/huntpack/logs/record"
	"github.com/huntpack/huntpack/logs/suricata"
	"github.com/huntpack/huntpack/logs/sysmon"
	"github.com/huntpack/huntpack/logs/zeek"
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
	case FormatLARest, FormatADX:
		s, err := lajson.Open(f.Path)
		if err != nil {
			return nil, err
		}
		return &responseSampler{Source: s, fields: make([][]byte, len(s.Columns()))}, nil
	case FormatParquet:
		if f.Compression != input.None {
			return nil, fmt.Errorf("compressed Parquet (%s) is not supported: Parquet needs random access; decompress it or use Parquet's own compression", f.Compression)
		}
		s, err := parquet.Open(f.Path)
		if err != nil {
			return nil, err
		}
		return &parquetSampler{Source: s, fields: make([][]byte, len(s.Columns()))}, nil
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

type responseSampler struct {
	*lajson.Source
	fields [][]byte
}

func (r *responseSampler) NextRecord() ([][]byte, int64, error) {
	line, err := r.Next(r.fields)
	return r.fields, line, err
}

func (r *responseSampler) Problems() []string { return r.Result().Warnings }

type parquetSampler struct {
	*parquet.Source
	fields [][]byte
}

func (p *parquetSampler) NextRecord() ([][]byte, int64, error) {
	line, err := p.Next(p.fields)
	return p.fields, line, err
}

func (p *parquetSampler) Problems() []string { return nil }

func (p *parquetSampler) declaredTypes() []types.Type { return p.Types() }

// declaredTypes returns the column types a response declares.
func (r *responseSampler) declaredTypes() []types.Type {
	var out []types.Type
	for _, c := range r.Result().Columns {
		out = append(out, c.Type)
	}
	return out
}

func (jsonSampler) Problems() []string { return nil }

// splitMin is the smallest file scanned in parallel byte ranges (a
// variable so tests can lower it).
var splitMin int64 = 8 << 20

// splittable reports whether a file can be scanned in byte ranges:
// uncompressed UTF-8 CSV or JSON lines of at least splitMin bytes.
func (f *File) splittable() bool {
	return f.Compression == input.None && f.Encoding == input.UTF8 && f.Size >= splitMin && (f.Format == FormatCSV || f.Format == FormatJSON && !f.array)
}

// ranges cuts a splittable file into about n ranges of whole records.
func (f *File) ranges(n int) ([]input.Range, error) {
	return input.SplitRanges(f.Path, n, input.SplitOptions{Quotes: f.Format == FormatCSV, SkipHeader: f.Format == FormatCSV})
}

// openSource opens a file, or one range of it (rng non-nil), for
// scanning as a record.Source whose columns are the file's (exports) or
// the target table's (raw formats).
func openSource(f *File, rng *input.Range) (record.Source, error) {
	if rng != nil {
		if f.Format == FormatCSV {
			return csv.OpenRange(f.Path, f.cols, *rng)
		}
		return jsonl.OpenRange(f.Path, jsonl.Options{Columns: f.cols}, *rng)
	}
	switch f.Format {
	case FormatCSV:
		return csv.Open(f.Path)
	case FormatJSON:
		return jsonl.Open(f.Path, jsonl.Options{Columns: f.cols})
	case FormatLARest, FormatADX:
		return lajson.Open(f.Path)
	case FormatParquet:
		return parquet.Open(f.Path)
	case FormatCEF:
		return cef.Open(f.Path, cef.Options{Year: f.modYear})
	case FormatZeekTSV, FormatZeekJSON:
		return zeek.Open(f.Path, f.kind)
	case FormatSysmon:
		return sysmon.OpenJSON(f.Path, f.Table)
	case FormatSysmonXML:
		return sysmon.OpenXML(f.Path, f.Table)
	case FormatSuricata:
		return suricata.Open(f.Path, f.Table)
	case FormatDNSDebug:
		return dnsdebug.Open(f.Path)
	}
	return nil, fmt.Errorf("%s: no reader for format %s", f.Path, f.Format)
}

var _ io.Closer = record.Source(nil)
