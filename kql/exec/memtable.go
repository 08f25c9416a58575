package exec

import (
	"context"
	"fmt"
	"sort"
	"sync/atomic"
	"unsafe"

	"github.com/huntpack/huntpack/kql/types"
)

// MemTable is an in-memory table: a name, a schema and rows held as one
// batch. It implements types.Table (projection is honoured; the raw
// pre-filter is applied to the text of string columns and ignored for
// other columns, which is allowed since it is only a hint).
type MemTable struct {
	TableName string
	Data      *types.Batch
	// ApplyRawFilter makes Scan apply ScanOptions.Filter to string
	// columns (as file readers do); off by default, since the engine
	// re-checks every predicate anyway and the filter is only a hint.
	ApplyRawFilter bool
}

var _ types.Table = (*MemTable)(nil)

// NewMemTable builds a table from a schema and rows of values; each row
// must have one value per column (values are converted to the column type).
func NewMemTable(name string, schema types.Schema, rows [][]types.Value) (*MemTable, error) {
	b := types.NewBatch(schema, len(rows))
	for r, row := range rows {
		if len(row) != len(schema) {
			return nil, fmt.Errorf("table %s: row %d has %d values, want %d", name, r, len(row), len(schema))
		}
		for j, v := range row {
			b.Cols[j].Append(convert(v, schema[j].Type))
		}
	}
	b.Len = len(rows)
	return &MemTable{TableName: name, Data: b}, nil
}

// Name implements types.Table.
func (m *MemTable) Name() string { return m.TableName }

// Schema implements types.Table.
func (m *MemTable) Schema() types.Schema { return m.Data.Schema }

// Scan implements types.Table. Rows are emitted in batches of at most
// types.BatchSize rows, in order.
func (m *MemTable) Scan(ctx context.Context, opts types.ScanOptions, emit func(*types.Batch) error) error {
	b, err := m.project(opts.Columns)
	if err != nil {
		return err
	}
	var keep func(*types.Batch) *types.Batch
	if m.ApplyRawFilter {
		keep = m.rawFilter(opts.Filter)
	}
	for lo := 0; lo < b.Len; lo += types.BatchSize {
		if err := ctx.Err(); err != nil {
			return err
		}
		hi := min(lo+types.BatchSize, b.Len)
		part := sliceBatch(b, lo, hi)
		if keep != nil {
			part = keep(part)
		}
		if opts.Stats != nil {
			atomic.AddInt64(&opts.Stats.Rows, int64(hi-lo))
		}
		if part.Len == 0 {
			continue
		}
		if err := emit(part); err != nil {
			return err
		}
	}
	return nil
}

func (m *MemTable) project(cols []string) (*types.Batch, error) {
	if cols == nil {
		return m.Data, nil
	}
	out := &types.Batch{Len: m.Data.Len}
	for _, name := range cols {
		i := m.Data.Schema.Index(name)
		if i < 0 {
			return nil, fmt.Errorf("table %s: no column %q", m.TableName, name)
		}
		out.Schema = append(out.Schema, m.Data.Schema[i])
		out.Cols = append(out.Cols, m.Data.Cols[i])
	}
	return out, nil
}

// rawFilter returns a function applying f to the rows of a batch when all
// of f's columns are string columns of the table.
func (m *MemTable) rawFilter(f *types.RawFilter) func(*types.Batch) *types.Batch {
	if f == nil || f.Keep == nil {
		return nil
	}
	idx := make([]int, len(f.Columns))
	for i, name := range f.Columns {
		j := m.Data.Schema.Index(name)
		if j < 0 || !m.Data.Schema[j].Type.UsesStrs() {
			return nil
		}
		idx[i] = j
	}
	return func(b *types.Batch) *types.Batch {
		// b may be projected: find the columns by name in b.
		cols := make([]*types.Column, len(f.Columns))
		for i, name := range f.Columns {
			j := b.Schema.Index(name)
			if j < 0 {
				return b
			}
			cols[i] = b.Cols[j]
		}
		fields := make([][]byte, len(cols))
		var keep []int
		for r := 0; r < b.Len; r++ {
			for i, c := range cols {
				fields[i] = unsafe.Slice(unsafe.StringData(c.Strs[r]), len(c.Strs[r]))
			}
			if f.Keep(fields) {
				keep = append(keep, r)
			}
		}
		if len(keep) == b.Len {
			return b
		}
		return gather(b, keep)
	}
}

// MemCatalog is a types.Catalog over in-memory tables.
type MemCatalog map[string]types.Table

var _ types.Catalog = MemCatalog(nil)

// Table implements types.Catalog.
func (c MemCatalog) Table(name string) (types.Table, bool) { t, ok := c[name]; return t, ok }

// TableNames implements types.Catalog.
func (c MemCatalog) TableNames() []string {
	out := make([]string, 0, len(c))
	for k := range c {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Add registers tables under their names and returns c.
func (c MemCatalog) Add(ts ...types.Table) MemCatalog {
	for _, t := range ts {
		c[t.Name()] = t
	}
	return c
}
