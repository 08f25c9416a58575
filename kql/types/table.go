package types

import (
	"context"
	"sync"
)

// BatchSize is the number of rows readers put in one batch by default.
const BatchSize = 4096

// Table is a named, typed source of rows: a set of log files, an in-memory
// result, or a remote table. The engine pulls rows from it through Scan.
type Table interface {
	// Name is the table name queries use (e.g. "CommonSecurityLog").
	Name() string
	// Schema is the full column list of the table.
	Schema() Schema
	// Scan reads the table and calls emit with batches whose schema is
	// the projection requested in opts (all columns when opts.Columns is
	// nil). emit is called from one goroutine at a time unless
	// opts.Concurrent is set, in which case it may be called concurrently
	// and batch order is unspecified. Scan stops and returns emit's error
	// if emit fails, and ctx.Err() if ctx is cancelled.
	Scan(ctx context.Context, opts ScanOptions, emit func(*Batch) error) error
}

// ScanOptions tells a reader what the query needs from it.
type ScanOptions struct {
	// Columns is the projection: only these columns are decoded and
	// returned, in this order. Nil means every column of the schema.
	Columns []string
	// Filter, when set, is a conservative pre-filter evaluated on raw
	// field text before a row is decoded: a row for which it returns
	// false is certainly not wanted and may be skipped. It may return
	// true for rows the query later rejects.
	Filter *RawFilter
	// Concurrent allows emit to be called from several goroutines.
	Concurrent bool
	// Stats, when non-nil, receives reader counters (rows, bytes,
	// malformed rows). Readers update it with atomic operations.
	Stats *ScanStats
}

// RawFilter is a predicate over the raw text of a few columns.
type RawFilter struct {
	// Columns are the columns whose raw text Keep receives, in order.
	Columns []string
	// Keep gets one raw field per entry of Columns (unquoted and
	// unescaped, but not otherwise converted) and reports whether the row
	// may be wanted. It must be safe for concurrent use.
	Keep func(fields [][]byte) bool
}

// ScanStats counts what a scan read. Fields are updated atomically.
type ScanStats struct {
	Files     int64
	Bytes     int64
	Rows      int64
	Malformed int64

	mu       sync.Mutex
	warnings []Warning
}

// MaxWarnings is how many warnings a ScanStats keeps; later ones are only
// counted (in Malformed or by the caller).
const MaxWarnings = 1000

// Warn records a warning; it is safe for concurrent use.
func (s *ScanStats) Warn(w Warning) {
	s.mu.Lock()
	if len(s.warnings) < MaxWarnings {
		s.warnings = append(s.warnings, w)
	}
	s.mu.Unlock()
}

// Warnings returns a copy of the recorded warnings.
func (s *ScanStats) Warnings() []Warning {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Warning(nil), s.warnings...)
}

// Warning is a problem with one place in an input file (a malformed row, a
// value that did not convert). Readers report them instead of dropping
// data silently.
type Warning struct {
	File string
	Line int64
	Msg  string
}

func (w Warning) String() string {
	if w.Line > 0 {
		return w.File + ":" + itoa(w.Line) + ": " + w.Msg
	}
	return w.File + ": " + w.Msg
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var buf [20]byte
	i := len(buf)
	neg := n < 0
	if neg {
		n = -n
	}
	for n > 0 {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		buf[i] = '-'
	}
	return string(buf[i:])
}

// Catalog resolves table names to tables. Names are case-sensitive.
type Catalog interface {
	// Table returns the table called name, or false.
	Table(name string) (Table, bool)
	// TableNames lists the tables the catalog can resolve.
	TableNames() []string
}
