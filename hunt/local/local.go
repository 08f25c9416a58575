// Package local is the hunt backend that runs queries with the embedded
// KQL engine (kql/exec) over a catalog of log files (logs). It counts what
// each table scan reads, live, so a caller can show progress and end a
// run with a per-table summary.
package local

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/huntpack/huntpack/hunt"
	"github.com/huntpack/huntpack/kql/exec"
	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
	"github.com/huntpack/huntpack/logs"
)

// Backend runs queries locally. Create it with New.
type Backend struct {
	name    string
	cat     *countingCatalog
	now     time.Time
	maxRows int
	maxMem  int64
	elapsed atomic.Int64
}

// Options configure a local backend.
type Options struct {
	// Name describes the logs (e.g. "local logs examples/remcos/logs").
	Name string
	// Now is the instant now() and ago() see; zero means the time of each
	// query run.
	Now time.Time
	// MaxRows caps the rows of each query result (0: unlimited).
	MaxRows int
	// MaxMemory caps the memory each query holds, in bytes (joins,
	// summarize, sort, ...; 0: unlimited). A query over the cap fails
	// with exec.ErrMemoryLimit and the hunt goes on.
	MaxMemory int64
}

// New returns a backend over cat.
func New(cat types.Catalog, opts Options) *Backend {
	return &Backend{name: opts.Name, cat: newCountingCatalog(cat), now: opts.Now, maxRows: opts.MaxRows, maxMem: opts.MaxMemory}
}

// Name implements hunt.Backend.
func (b *Backend) Name() string { return b.name }

// Run implements hunt.Backend.
func (b *Backend) Run(ctx context.Context, q hunt.Query, text string, w hunt.Window) (*hunt.Output, error) {
	start := time.Now()
	defer func() { b.elapsed.Add(int64(time.Since(start))) }()
	file := q.File
	if file == "" {
		file = q.Name
	}
	opts := exec.Options{Catalog: b.cat, Now: b.now, From: w.From, To: w.To, MaxRows: b.maxRows, MaxMemory: b.maxMem}
	res, err := exec.RunString(ctx, file, text, opts)
	if err != nil {
		return nil, classify(ctx, err, file, text)
	}
	out := &hunt.Output{Warnings: res.Notes}
	switch len(res.Tables) {
	case 0:
		return nil, fmt.Errorf("%w: %s returns no table", hunt.ErrQuery, file)
	case 1:
	default:
		out.Warnings = append(out.Warnings, fmt.Sprintf("the query returns %d tables; the last one is used", len(res.Tables)))
	}
	out.Batch = res.Tables[len(res.Tables)-1].Batch
	return out, nil
}

// classify wraps engine errors: diagnostics (parse and planning errors)
// are bad input, rendered with file:line:col and a caret; the rest are
// backend failures.
func classify(ctx context.Context, err error, file, text string) error {
	if ctx.Err() != nil {
		return err
	}
	var de *syntax.DiagError
	if errors.As(err, &de) {
		return fmt.Errorf("%w:\n%s", hunt.ErrQuery, strings.TrimRight(de.Diags.Format(file, text), "\n"))
	}
	return err
}

// Progress is a live snapshot of what the scans read so far.
type Progress struct {
	// Files, Bytes, Rows and Malformed add up every scan's
	// types.ScanStats: Bytes counts a file's whole size when its scan
	// starts.
	Files, Bytes, Rows, Malformed int64
	// Read is the bytes consumed from disk so far, counted as they are
	// read (types.ReadMeter).
	Read int64
	// Scan is the scan that started last (the zero value before any).
	Scan ScanProgress
}

// ScanProgress is the live progress of one table scan.
type ScanProgress struct {
	Table string
	// Read is the bytes consumed from disk so far, of Total, the size
	// of the table's files (0 when unknown).
	Read, Total int64
	// Files is how many of the table's TotalFiles the scan has started.
	Files, TotalFiles int64
	Rows              int64
}

// TableBytes returns the total size of the files behind table name (0
// when unknown): the work a full scan of it does, for progress bars.
func (b *Backend) TableBytes(name string) int64 {
	t, ok := b.cat.Catalog.Table(name)
	if !ok {
		return 0
	}
	n, _ := tableSize(t)
	return n
}

// tableSize returns the bytes and number of the files behind t (0, 0
// when unknown).
func tableSize(t types.Table) (bytes, files int64) {
	ft, ok := t.(interface{ Files() []*logs.File })
	if !ok {
		return 0, 0
	}
	for _, f := range ft.Files() {
		bytes += f.Size
		files++
	}
	return bytes, files
}

// Progress returns the counters of every scan so far (safe to call while
// queries run).
func (b *Backend) Progress() Progress { return b.cat.progress() }

// ScanSummary implements hunt.ScanReporter: per table, what was read.
func (b *Backend) ScanSummary() hunt.ScanSummary {
	s := hunt.ScanSummary{Elapsed: time.Duration(b.elapsed.Load())}
	for _, t := range b.cat.tables() {
		s.Tables = append(s.Tables, t)
		s.Files += t.Files
		s.Bytes += t.Bytes
		s.Rows += t.Rows
		s.Malformed += t.Malformed
	}
	s.Warnings = b.cat.warnings(hunt.MaxScanWarnings)
	return s
}

// countingCatalog wraps a catalog so every table scan is counted.
type countingCatalog struct {
	types.Catalog
	mu    sync.Mutex
	scans map[string][]*scan // by table
	last  atomic.Pointer[scan]
}

// scan is what one table scan read so far.
type scan struct {
	table        string
	stats        types.ScanStats
	meter        types.ReadMeter
	total, files int64 // the table's bytes and files
}

func newCountingCatalog(c types.Catalog) *countingCatalog {
	return &countingCatalog{Catalog: c, scans: map[string][]*scan{}}
}

// Table implements types.Catalog.
func (c *countingCatalog) Table(name string) (types.Table, bool) {
	t, ok := c.Catalog.Table(name)
	if !ok {
		return nil, false
	}
	return &countingTable{Table: t, cat: c}, true
}

// TableFunction implements types.FunctionCatalog when the wrapped
// catalog does.
func (c *countingCatalog) TableFunction(name string) (types.TableFunction, bool) {
	if fc, ok := c.Catalog.(types.FunctionCatalog); ok {
		return fc.TableFunction(name)
	}
	return nil, false
}

func (c *countingCatalog) register(table string, total, files int64) *scan {
	s := &scan{table: table, total: total, files: files}
	c.mu.Lock()
	c.scans[table] = append(c.scans[table], s)
	c.mu.Unlock()
	c.last.Store(s)
	return s
}

// warnings returns up to max distinct reader warnings, in scan order.
func (c *countingCatalog) warnings(max int) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	seen := map[string]bool{}
	for _, name := range sortedKeys(c.scans) {
		for _, s := range c.scans[name] {
			for _, w := range s.stats.Warnings() {
				ws := w.String()
				if len(out) < max && !seen[ws] {
					seen[ws] = true
					out = append(out, ws)
				}
			}
		}
	}
	return out
}

func sortedKeys(m map[string][]*scan) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (c *countingCatalog) progress() Progress {
	var p Progress
	for _, t := range c.tables() {
		p.Files += t.Files
		p.Bytes += t.Bytes
		p.Rows += t.Rows
		p.Malformed += t.Malformed
	}
	c.mu.Lock()
	for _, ss := range c.scans {
		for _, s := range ss {
			p.Read += s.meter.Load()
		}
	}
	c.mu.Unlock()
	if s := c.last.Load(); s != nil {
		p.Scan = ScanProgress{Table: s.table, Read: s.meter.Load(), Total: s.total,
			Files: atomic.LoadInt64(&s.stats.Files), TotalFiles: s.files, Rows: atomic.LoadInt64(&s.stats.Rows)}
	}
	return p
}

func (c *countingCatalog) tables() []hunt.TableScan {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]hunt.TableScan, 0, len(c.scans))
	for name, ss := range c.scans {
		ts := hunt.TableScan{Name: name}
		for _, s := range ss {
			ts.Files += atomic.LoadInt64(&s.stats.Files)
			ts.Bytes += atomic.LoadInt64(&s.stats.Bytes)
			ts.Rows += atomic.LoadInt64(&s.stats.Rows)
			ts.Malformed += atomic.LoadInt64(&s.stats.Malformed)
		}
		out = append(out, ts)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// countingTable counts one table's scans into its own ScanStats and
// ReadMeter (live bytes read) and forwards the counts and warnings to the
// engine's.
type countingTable struct {
	types.Table
	cat *countingCatalog
}

// Scan implements types.Table.
func (t *countingTable) Scan(ctx context.Context, opts types.ScanOptions, emit func(*types.Batch) error) error {
	total, files := tableSize(t.Table)
	s := t.cat.register(t.Name(), total, files)
	mine := &s.stats
	orig := opts.Stats
	opts.Stats = mine
	outer := types.ReadMeterFrom(ctx)
	err := t.Table.Scan(types.WithReadMeter(ctx, &s.meter), opts, emit)
	outer.Add(s.meter.Load())
	if orig != nil {
		atomic.AddInt64(&orig.Files, atomic.LoadInt64(&mine.Files))
		atomic.AddInt64(&orig.Bytes, atomic.LoadInt64(&mine.Bytes))
		atomic.AddInt64(&orig.Rows, atomic.LoadInt64(&mine.Rows))
		atomic.AddInt64(&orig.Malformed, atomic.LoadInt64(&mine.Malformed))
		for _, w := range mine.Warnings() {
			orig.Warn(w)
		}
	}
	return err
}
