package logs

import (
	"context"
	"fmt"
	"strings"

	"github.com/huntpack/huntpack/kql/types"
)

// FileSummary is what `huntpack logs ls` shows for one file.
type FileSummary struct {
	Path        string
	Table       string
	Format      Format
	Compression string
	// Encoding is "" for UTF-8, else the encoding read (utf-16le, utf-16be).
	Encoding  string
	Size      int64
	Rows      int64
	Malformed int64
	// TimeColumn is the datetime column the range is taken from ("" if
	// the table has none); HasTime is false when no row had a value.
	TimeColumn       string
	HasTime          bool
	MinTime, MaxTime int64
	Warnings         []types.Warning
}

// Inventory reads every file once, decoding every column so that every
// malformed value is reported, and summarises it. Files are listed in table order, then in the order found.
func (c *Catalog) Inventory(ctx context.Context) ([]FileSummary, error) {
	var out []FileSummary
	for _, name := range c.TableNames() {
		t := c.tables[name]
		for _, f := range t.files {
			s, err := t.summarise(ctx, f)
			if err != nil {
				return out, err
			}
			out = append(out, s)
		}
	}
	return out, nil
}

// TimeColumn returns the column a table's time range is read from:
// TimeGenerated, else Timestamp, else the first datetime column.
func TimeColumn(s types.Schema) string {
	for _, n := range []string{"TimeGenerated", "Timestamp"} {
		if i := s.Index(n); i >= 0 && s[i].Type == types.DateTime {
			return n
		}
	}
	for _, f := range s {
		if f.Type == types.DateTime {
			return f.Name
		}
	}
	return ""
}

func (t *Table) summarise(ctx context.Context, f *File) (FileSummary, error) {
	s := FileSummary{Path: f.Path, Table: t.name, Format: f.Format, Compression: string(f.Compression), Encoding: string(f.Encoding), Size: f.Size}
	s.TimeColumn = TimeColumn(t.schema)
	st := &types.ScanStats{}
	opts := types.ScanOptions{Stats: st}
	ti := t.schema.Index(s.TimeColumn)
	err := t.scanFile(ctx, f, opts, func(b *types.Batch) error {
		if ti < 0 {
			return nil
		}
		c := b.Cols[ti]
		for i := 0; i < b.Len; i++ {
			if c.IsNull(i) {
				continue
			}
			v := c.Ints[i]
			if !s.HasTime || v < s.MinTime {
				s.MinTime = v
			}
			if !s.HasTime || v > s.MaxTime {
				s.MaxTime = v
			}
			s.HasTime = true
		}
		return nil
	})
	s.Rows, s.Malformed, s.Warnings = st.Rows, st.Malformed, st.Warnings()
	if err != nil {
		return s, fmt.Errorf("%s: %w", f.Path, err)
	}
	return s, nil
}

// ParseTableFlags parses --table NAME=GLOB values into OpenOptions.Tables.
func ParseTableFlags(vals []string) (map[string][]string, error) {
	out := map[string][]string{}
	for _, v := range vals {
		name, glob, ok := strings.Cut(v, "=")
		name, glob = strings.TrimSpace(name), strings.TrimSpace(glob)
		if !ok || name == "" || glob == "" {
			return nil, fmt.Errorf("--table %q: want NAME=GLOB", v)
		}
		out[name] = append(out[name], glob)
	}
	return out, nil
}
