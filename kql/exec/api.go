package exec

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/huntpack/huntpack/kql/funcs"
	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

// Options configures one query run.
type Options struct {
	// Catalog resolves table names; it may also implement
	// types.FunctionCatalog for table functions (ASIM parsers).
	Catalog types.Catalog
	// Funcs is the function registry; nil means funcs.Builtins().
	Funcs *funcs.Registry
	// Now is the instant now() and ago() see; zero means time.Now().
	Now time.Time
	// From and To bound TimeGenerated/Timestamp of scanned catalog
	// tables (From inclusive, To exclusive); zero means unbounded.
	From, To time.Time
	// MaxMemory bounds (in bytes, approximately: string and dynamic
	// sizes included, large arrays sampled) what the query holds: sort,
	// summarize (make_set/make_list/... state included), distinct, join
	// and lookup sides, materialize, buffered inputs of blocking
	// operators, the result, and the batches in flight of operators that
	// explode rows (join output, mv-expand, mv-apply, extend of dynamic
	// values); 0 means unlimited. Exceeding it fails the query with an
	// error naming the operator and its position that wraps
	// ErrMemoryLimit.
	MaxMemory int64
	// MaxRows caps the rows of each result table; 0 means unlimited.
	// Truncation is reported in Result.Notes.
	MaxRows int
	// Params holds values for `declare query_parameters` names.
	Params map[string]types.Value
}

// Result is the outcome of a query: one table per tabular statement.
type Result struct {
	Tables []ResultTable
	Notes  []string // things accepted and ignored (render, set), truncation
	Stats  Stats
}

// ResultTable is one named result table.
type ResultTable struct {
	Name  string
	Batch *types.Batch
}

// Stats counts what a run read and how long it took.
type Stats struct {
	Files, Bytes, RowsScanned, Malformed int64
	Warnings                             []types.Warning
	Elapsed                              time.Duration
}

// ErrInternal is wrapped by the error of a query that hit an engine bug
// (a recovered panic); please report it with the query.
var ErrInternal = errors.New("internal error in the KQL engine")

// ErrMemoryLimit is wrapped by the error of a query that exceeded
// Options.MaxMemory.
var ErrMemoryLimit = errors.New("query memory limit exceeded")

// Run plans and executes q. Planning errors (unknown table or column, type
// errors, unsupported constructs) are returned as a *syntax.DiagError
// (use errors.As) whose Diags carry source spans into q.Src; render them
// with Diags.Format(q.File, q.Src). Runtime errors (reader failures,
// memory limit, cancellation) are wrapped with %w. On error the returned
// Result may be non-nil: it then holds the notes and statistics gathered
// so far (e.g. union isfuzzy legs that were skipped).
func Run(ctx context.Context, q *syntax.Query, opts Options) (res *Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", ErrInternal, r)
		}
	}()
	start := time.Now()
	p := newPlanner(ctx, q, opts)
	res = &Result{}
	err = p.runQuery(res)
	res.Notes = append(res.Notes, p.rt.notesCopy()...)
	res.Stats = p.rt.statsCopy()
	res.Stats.Elapsed = time.Since(start)
	if err != nil {
		return res, err
	}
	return res, nil
}

// RunString parses src (named file in messages) and runs it. Parse errors
// are returned like planning errors, as a *syntax.DiagError.
func RunString(ctx context.Context, file, src string, opts Options) (*Result, error) {
	q, diags := syntax.Parse(file, src)
	if diags.HasErrors() {
		return nil, diags.Err()
	}
	return Run(ctx, q, opts)
}

// runtime is the state shared by all operators of one run.
type runtime struct {
	ctx   context.Context
	opts  Options
	mem   atomic.Int64
	scan  types.ScanStats
	mu    sync.Mutex
	notes []string
	seen  map[string]bool
}

func (rt *runtime) note(msg string) {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if rt.seen == nil {
		rt.seen = map[string]bool{}
	}
	if !rt.seen[msg] {
		rt.seen[msg] = true
		rt.notes = append(rt.notes, msg)
	}
}

func (rt *runtime) notesCopy() []string {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return append([]string(nil), rt.notes...)
}

func (rt *runtime) statsCopy() Stats {
	return Stats{
		Files:       atomic.LoadInt64(&rt.scan.Files),
		Bytes:       atomic.LoadInt64(&rt.scan.Bytes),
		RowsScanned: atomic.LoadInt64(&rt.scan.Rows),
		Malformed:   atomic.LoadInt64(&rt.scan.Malformed),
		Warnings:    rt.scan.Warnings(),
	}
}

// reserve accounts n more bytes held by a blocking operator (what is the
// operator's name, for the message) and fails when MaxMemory is exceeded.
func (rt *runtime) reserve(what string, n int64) error {
	total := rt.mem.Add(n)
	if rt.opts.MaxMemory > 0 && total > rt.opts.MaxMemory {
		return fmt.Errorf("%s: holding about %d bytes, limit is %d: %w", what, total, rt.opts.MaxMemory, ErrMemoryLimit)
	}
	return nil
}

// release gives back n bytes.
func (rt *runtime) release(n int64) { rt.mem.Add(-n) }
