// Package record turns raw log records (one []byte per source column) into
// typed column batches: it applies the scan's projection and raw
// pre-filter, converts text to KQL types (datetimes in the column's time
// zone, the literal `null`, epoch seconds), infers column types for tables
// without a known schema, and reports values that do not convert.
//
// Conversion rules (documented in logs/README.md): an empty field, a JSON
// null, or the literal text `null` in a non-string column is a null; a
// value that does not convert to its column's type becomes null and is
// reported as a warning (and counted in ScanStats.Malformed); strings are
// kept exactly as read.
package record

import (
	"strconv"
	"time"
)

// Col describes one column of a source file.
type Col struct {
	// Name is the column name after header clean-up (the portal's
	// " [UTC]" style zone suffix removed).
	Name string
	// Key is the raw header or JSON key, when it differs from Name.
	Key string
	// Loc is the zone datetime text without an offset is in (nil = UTC).
	Loc *time.Location
	// Epoch marks datetime text given as Unix epoch seconds (Zeek).
	Epoch bool
}

// Source is one file's records, read in order.
type Source interface {
	// Columns lists the file's columns; Next fills one entry per column.
	Columns() []Col
	// Next reads the next record into fields (len(fields) ==
	// len(Columns())). A nil entry is a null or absent value. The slices
	// stay valid until the next call. It returns the record's first line
	// number, io.EOF at the end, a *Error for a record that was skipped
	// (the caller warns and goes on), or another error that ends the file.
	Next(fields [][]byte) (line int64, err error)
	// Close releases the file.
	Close() error
}

// Error is a problem with one record; reading can go on after it. With
// Keep set the record was still read (e.g. invalid UTF-8 was replaced)
// and the fields passed to Next are valid.
type Error struct {
	Line int64
	Msg  string
	Keep bool
}

func (e *Error) Error() string { return "line " + itoa(e.Line) + ": " + e.Msg }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Projector is implemented by sources that can skip work (copying,
// unquoting) for columns a scan does not need. need[i] reports whether
// source column i is read; fields of other columns may be left empty.
type Projector interface {
	Need(need []bool)
}
