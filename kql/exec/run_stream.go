package exec

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

// TableInfo describes a result table when it starts.
type TableInfo struct {
	Name   string
	Schema types.Schema
	// Index is the table's position among the run's result tables and
	// Count how many there are (known before the first table starts).
	Index, Count int
}

// Sink receives the result tables of RunTo as they are produced. Its
// methods are never called concurrently; for each table BeginTable comes
// first, then Batch for each batch of rows (never empty; the sink must
// not modify it and may keep it), then EndTable. An error from the sink
// stops the query: RunTo returns an error wrapping it.
type Sink interface {
	BeginTable(TableInfo) error
	Batch(*types.Batch) error
	EndTable() error
}

// ConcurrentSink is a Sink whose Batch may be called from several
// goroutines at once (still between BeginTable and EndTable), so that
// formatting keeps up with operators that emit in parallel. RunTo does so
// when ConcurrentBatches reports true and Options.MaxRows is 0.
type ConcurrentSink interface {
	Sink
	ConcurrentBatches() bool
}

// RunTo plans and executes q like Run, but hands the result rows to sink
// instead of holding them: when the query has a single result table
// (one tabular statement, the last, not fork/facet) its rows go to the
// sink while the last operator produces them, so the result is neither
// held in memory nor charged to MaxMemory. Other queries run as with Run
// and their tables are handed over at the end. The returned Result holds
// the notes and statistics (Tables is empty); errors are as with Run.
// Rows already given to the sink stay given when the query fails later.
func RunTo(ctx context.Context, q *syntax.Query, opts Options, sink Sink) (res *Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", ErrInternal, r)
		}
	}()
	start := time.Now()
	p := newPlanner(ctx, q, opts)
	res = &Result{}
	if es := agStreamable(q); es != nil {
		err = p.runStreamed(es, sink)
	} else {
		err = p.runQuery(res)
		if err == nil {
			err = agReplay(res.Tables, sink)
		}
		res.Tables = nil
	}
	res.Notes = append(res.Notes, p.rt.notesCopy()...)
	res.Stats = p.rt.statsCopy()
	res.Stats.Elapsed = time.Since(start)
	return res, err
}

// agStreamable returns the query's result statement when its rows can be
// streamed: it is the only expression statement, the last statement,
// and does not end in fork or facet (which make several tables).
func agStreamable(q *syntax.Query) *syntax.ExprStmt {
	if len(q.Stmts) == 0 {
		return nil
	}
	es, ok := q.Stmts[len(q.Stmts)-1].(*syntax.ExprStmt)
	if !ok {
		return nil
	}
	for _, st := range q.Stmts[:len(q.Stmts)-1] {
		switch st.(type) {
		case *syntax.LetStmt, *syntax.DeclareStmt, *syntax.SetStmt:
		default:
			return nil
		}
	}
	if pe, ok := es.Expr.(*syntax.PipeExpr); ok && len(pe.Ops) > 0 {
		switch pe.Ops[len(pe.Ops)-1].(type) {
		case *syntax.ForkOp, *syntax.FacetOp:
			return nil
		}
	}
	return es
}

// agReplay hands finished result tables to sink.
func agReplay(tables []ResultTable, sink Sink) error {
	for i, t := range tables {
		if err := sink.BeginTable(TableInfo{Name: t.Name, Schema: t.Batch.Schema, Index: i, Count: len(tables)}); err != nil {
			return agSinkErr(err)
		}
		for lo := 0; lo < t.Batch.Len; lo += types.BatchSize {
			if err := sink.Batch(sliceBatch(t.Batch, lo, min(lo+types.BatchSize, t.Batch.Len))); err != nil {
				return agSinkErr(err)
			}
		}
		if err := sink.EndTable(); err != nil {
			return agSinkErr(err)
		}
	}
	return nil
}

// agSinkErr wraps an error of the sink; as a runtime error it passes
// through the operators unchanged.
func agSinkErr(err error) error {
	return &runtimeError{fmt.Errorf("writing the result: %w", err)}
}

// runStreamed runs the statements before es, then es with its rows going
// to sink as they come (MaxRows applied on the way).
func (p *planner) runStreamed(es *syntax.ExprStmt, sink Sink) error {
	sc := newScope(nil)
	for _, st := range p.q.Stmts[:len(p.q.Stmts)-1] {
		if _, _, err := p.stmt(st, sc); err != nil {
			return p.finishErr(err)
		}
	}
	if !p.isTabular(es.Expr, sc) {
		return p.finishErr(errAt(es.Loc, "a query statement must be a tabular expression (use print to show a scalar)"))
	}
	maxRows := p.rt.opts.MaxRows
	n, err := p.tabular(limCapSort(es.Expr, maxRows), sc)
	if err != nil {
		return p.finishErr(err)
	}
	name := resultName(es.Expr)
	if name == "" {
		name = "PrimaryResult"
	}
	if err := sink.BeginTable(TableInfo{Name: name, Schema: n.schema(), Count: 1}); err != nil {
		return p.finishErr(agSinkErr(err))
	}
	var mu sync.Mutex
	left := maxRows
	stop := &stopSignal{}
	if cs, ok := sink.(ConcurrentSink); ok && maxRows == 0 && cs.ConcurrentBatches() {
		err = n.run(p.rt, func(b *types.Batch) error {
			if b.Len == 0 {
				return nil
			}
			if err := limCheck(p.rt); err != nil {
				return err
			}
			if err := sink.Batch(b); err != nil {
				return agSinkErr(err)
			}
			return nil
		})
		return p.agEndStream(err, sink)
	}
	truncated := func() {
		p.rt.note(fmt.Sprintf("result %s truncated to %d rows (MaxRows); more rows matched", name, maxRows))
	}
	err = n.run(p.rt, func(b *types.Batch) error {
		if b.Len == 0 {
			return nil
		}
		if err := limCheck(p.rt); err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		last := false
		if maxRows > 0 {
			if left == 0 {
				truncated()
				return stop
			}
			if b.Len > left {
				b = sliceBatch(b, 0, left)
				truncated()
				last = true
			}
			left -= b.Len
		}
		if err := sink.Batch(b); err != nil {
			return agSinkErr(err)
		}
		if last {
			return stop
		}
		return nil
	})
	var s *stopSignal
	if errors.As(err, &s) && s == stop {
		err = nil
	}
	return p.agEndStream(err, sink)
}

// agEndStream finishes a streamed table: the run's error, or EndTable.
func (p *planner) agEndStream(err error, sink Sink) error {
	if err != nil {
		return p.finishErr(err)
	}
	if err := sink.EndTable(); err != nil {
		return p.finishErr(agSinkErr(err))
	}
	return nil
}
