package types

import (
	"context"
	"sync/atomic"
)

// ReadMeter counts, live, the bytes a table scan has consumed from its
// files on disk (compressed bytes for compressed files), so a caller can
// show progress through a large file while it is read. It complements
// ScanStats.Bytes, which counts a file's whole size when its scan starts
// (what the run read, for summaries). Add is one atomic add, called once
// per read buffer, never per row. A nil *ReadMeter ignores Add.
type ReadMeter struct{ n atomic.Int64 }

// Add records n more bytes consumed.
func (m *ReadMeter) Add(n int64) {
	if m != nil && n > 0 {
		m.n.Add(n)
	}
}

// Load returns the bytes consumed so far.
func (m *ReadMeter) Load() int64 {
	if m == nil {
		return 0
	}
	return m.n.Load()
}

type readMeterKey struct{}

// WithReadMeter returns a context whose table scans count the bytes they
// read into m (tables that support it: the log file tables of package
// logs).
func WithReadMeter(ctx context.Context, m *ReadMeter) context.Context {
	return context.WithValue(ctx, readMeterKey{}, m)
}

// ReadMeterFrom returns the meter set by WithReadMeter, or nil.
func ReadMeterFrom(ctx context.Context) *ReadMeter {
	m, _ := ctx.Value(readMeterKey{}).(*ReadMeter)
	return m
}
