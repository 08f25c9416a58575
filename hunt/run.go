package hunt

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/huntpack/huntpack/kql/types"
)

// Errors a Backend wraps so callers can tell failures apart (exit codes).
var (
	// ErrQuery marks a query the backend rejected (syntax, unknown table
	// or column): bad input.
	ErrQuery = errors.New("query rejected")
	// ErrFatal marks a failure that will not get better for the next
	// query (authentication, authorisation, throttling after retries):
	// the run stops.
	ErrFatal = errors.New("backend unavailable")
)

// Backend runs KQL text and returns the result rows.
type Backend interface {
	// Name describes the backend for reports ("local logs ./logs",
	// "sentinel workspace ...").
	Name() string
	// Run runs text (q's text, possibly with exclusion lines removed)
	// over window w.
	Run(ctx context.Context, q Query, text string, w Window) (*Output, error)
}

// Output is what a backend returned for one query.
type Output struct {
	Batch *types.Batch
	// Warnings are non-fatal problems (partial results, truncation).
	Warnings []string
}

// ScanReporter is implemented by backends that read files and can say
// what they read (the local backend).
type ScanReporter interface {
	ScanSummary() ScanSummary
}

// Options configure a run.
type Options struct {
	Window Window
	Limits Limits
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// OnQuery, when set, is called before each query runs.
	OnQuery func(i, n int, q Query)
	// QueryTimeout, when positive, bounds each query (with its
	// exclusion variants): a query that runs longer fails with
	// ErrQueryTimeout and the hunt goes on with the next one.
	QueryTimeout time.Duration
}

// ErrQueryTimeout is the failure of a query that ran past
// Options.QueryTimeout.
var ErrQueryTimeout = errors.New("query timed out")

// QueryError is the failure of one query.
type QueryError struct {
	Query string
	Err   error
}

func (e *QueryError) Error() string { return fmt.Sprintf("query %s: %v", e.Query, e.Err) }
func (e *QueryError) Unwrap() error { return e.Err }

// Run runs every query of spec on be and builds the findings. It always
// returns a result (partial when interrupted or when queries failed);
// the error joins the query failures, and is ctx.Err() when cancelled.
func Run(ctx context.Context, spec *Spec, be Backend, opts Options) (*Result, error) {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	res := &Result{
		Pack: spec.Name, Hypothesis: spec.Hypothesis, Backend: be.Name(),
		Window: opts.Window, Started: now().UTC(), Indicators: spec.Indicators,
	}
	b := NewBuilder(res, opts.Limits)
	sc := newScenarioTally(spec)
	var errs []error
	for i, q := range spec.Queries {
		if ctx.Err() != nil {
			res.Interrupted = true
			break
		}
		if opts.OnQuery != nil {
			opts.OnQuery(i, len(spec.Queries), q)
		}
		err := runQueryBounded(ctx, be, q, opts, b, sc)
		if err == nil {
			continue
		}
		errs = append(errs, &QueryError{Query: q.Name, Err: err})
		if ctx.Err() != nil {
			res.Interrupted = true
			break
		}
		if errors.Is(err, ErrFatal) {
			break
		}
	}
	if sr, ok := be.(ScanReporter); ok {
		res.Scan = sr.ScanSummary()
	}
	res.Scenarios = sc.results()
	b.Finish()
	res.Elapsed = now().Sub(res.Started)
	if res.Interrupted {
		return res, ctx.Err()
	}
	return res, errors.Join(errs...)
}

// runQueryBounded runs q under opts.QueryTimeout. A query that times out
// is reported as such, not as an interruption of the hunt.
func runQueryBounded(ctx context.Context, be Backend, q Query, opts Options, b *Builder, sc *scenarioTally) error {
	if opts.QueryTimeout <= 0 {
		return runQuery(ctx, be, q, opts.Window, b, sc)
	}
	qctx, cancel := context.WithTimeoutCause(ctx, opts.QueryTimeout, ErrQueryTimeout)
	defer cancel()
	err := runQuery(qctx, be, q, opts.Window, b, sc)
	if err != nil && ctx.Err() == nil && context.Cause(qctx) == ErrQueryTimeout {
		err = fmt.Errorf("%w after %v", ErrQueryTimeout, opts.QueryTimeout)
		b.res.Queries[len(b.res.Queries)-1].Error = err.Error()
	}
	return err
}

func runQuery(ctx context.Context, be Backend, q Query, w Window, b *Builder, sc *scenarioTally) error {
	start := time.Now()
	qr := QueryResult{Name: q.Name, File: q.File, Table: q.Table}
	defer func() {
		qr.Elapsed = time.Since(start)
		b.res.Queries = append(b.res.Queries, qr)
	}()
	out, err := be.Run(ctx, q, q.Text, w)
	if err != nil {
		qr.Error = err.Error()
		if ctx.Err() != nil {
			qr.Error = "interrupted before it finished"
		}
		return err
	}
	qr.Warnings = append(qr.Warnings, out.Warnings...)
	b.AddHits(&qr, q, out.Batch)
	if len(q.Exclusions) == 0 {
		return nil
	}
	return suppressed(ctx, be, q, w, out.Batch, &qr, b, sc)
}

// suppressed runs the exclusion variants of q and records what the
// exclusions removed (see the package doc).
func suppressed(ctx context.Context, be Backend, q Query, w Window, kept *types.Batch, qr *QueryResult, b *Builder, sc *scenarioTally) error {
	all, err := be.Run(ctx, q, q.variant(""), w)
	if err != nil {
		qr.Error = "counting suppressed hits: " + err.Error()
		return fmt.Errorf("counting suppressed hits: %w", err)
	}
	gone := Difference(all.Batch, kept)
	qr.Suppressed = b.AddSuppressed(q, gone)
	scs := q.scenarios()
	switch {
	case qr.Suppressed == 0: // nothing suppressed: no scenario removed anything
		for _, s := range scs {
			sc.add(s, q.Name, 0)
		}
		return nil
	case len(scs) == 1: // one scenario removed it all
		sc.add(scs[0], q.Name, qr.Suppressed)
		return nil
	}
	for _, s := range scs {
		only, err := be.Run(ctx, q, q.variant(s), w)
		if err != nil {
			qr.Error = fmt.Sprintf("counting hits suppressed by %q: %v", s, err)
			return fmt.Errorf("counting hits suppressed by %q: %w", s, err)
		}
		sc.add(s, q.Name, rows(all.Batch)-rows(only.Batch))
	}
	return nil
}

func rows(b *types.Batch) int {
	if b == nil {
		return 0
	}
	return b.Len
}

// Difference returns the rows of all that are not in kept, as a multiset
// (a row kept once removes one copy). Rows compare by their formatted
// cells; both batches must have the same columns (extra columns of kept
// are ignored by name).
func Difference(all, kept *types.Batch) *types.Batch {
	if all == nil {
		return nil
	}
	have := map[string]int{}
	if kept != nil {
		idx := make([]int, len(all.Schema))
		for j, f := range all.Schema {
			idx[j] = kept.Schema.Index(f.Name)
		}
		for i := 0; i < kept.Len; i++ {
			have[rowKey(kept, i, idx)]++
		}
	}
	self := make([]int, len(all.Schema))
	for j := range self {
		self[j] = j
	}
	out := types.NewBatch(all.Schema, 0)
	for i := 0; i < all.Len; i++ {
		k := rowKey(all, i, self)
		if have[k] > 0 {
			have[k]--
			continue
		}
		for j, c := range all.Cols {
			out.Cols[j].Append(c.Value(i))
		}
		out.Len++
	}
	return out
}

func rowKey(b *types.Batch, i int, idx []int) string {
	var sb strings.Builder
	for _, j := range idx {
		if j >= 0 {
			sb.WriteString(types.FormatValue(b.Cols[j].Value(i)))
		}
		sb.WriteByte(0)
	}
	return sb.String()
}

// scenarioTally sums suppressed hits per scenario.
type scenarioTally struct {
	order []string
	by    map[string]*ScenarioResult
}

func newScenarioTally(spec *Spec) *scenarioTally {
	t := &scenarioTally{by: map[string]*ScenarioResult{}}
	for _, s := range spec.Scenarios {
		t.get(s.Name).Note = s.Note
	}
	for _, q := range spec.Queries {
		for _, s := range q.scenarios() {
			t.get(s).Applied = true
		}
	}
	return t
}

func (t *scenarioTally) get(name string) *ScenarioResult {
	if r, ok := t.by[name]; ok {
		return r
	}
	r := &ScenarioResult{Name: name}
	t.by[name] = r
	t.order = append(t.order, name)
	return r
}

func (t *scenarioTally) add(scenario, query string, n int) {
	r := t.get(scenario)
	r.Suppressed += n
	r.Queries = append(r.Queries, query)
	sort.Strings(r.Queries)
}

func (t *scenarioTally) results() []ScenarioResult {
	out := make([]ScenarioResult, 0, len(t.order))
	for _, n := range t.order {
		r := *t.by[n]
		if r.Applied {
			r.Note = ""
		} else if r.Note == "" {
			r.Note = "no query of the pack applies this exclusion"
		}
		out = append(out, r)
	}
	return out
}
