package exec

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/huntpack/huntpack/kql/types"
)

// node is a planned tabular expression. run pushes the node's rows, in
// batches whose schema is exactly schema(), to out. out may be called
// concurrently when the node's source scans in parallel; every stateful
// node serialises its own state.
type node interface {
	schema() types.Schema
	run(rt *runtime, out emitFunc) error
}

// emitFunc receives one batch.
type emitFunc func(*types.Batch) error

// stopSignal is returned by an emit function to stop its source early
// (take/limit); each node creates its own so it can recognise it.
type stopSignal struct{}

func (*stopSignal) Error() string { return "stop" }

// collect runs n and concatenates all its batches. What it gathers is
// charged to MaxMemory while it is gathered (limits.go); callers that
// keep the batch charge it again for as long as they hold it.
func collect(rt *runtime, n node) (*types.Batch, error) {
	h := &limHold{rt: rt, label: "rows buffered by a blocking operator"}
	defer h.free()
	return collectCharged(rt, n, h)
}

// batchNode emits a fixed batch (datatable, print, results of subqueries).
type batchNode struct {
	b *types.Batch
}

func (n *batchNode) schema() types.Schema { return n.b.Schema }

func (n *batchNode) run(rt *runtime, out emitFunc) error {
	for lo := 0; lo < n.b.Len; lo += types.BatchSize {
		hi := min(lo+types.BatchSize, n.b.Len)
		b := n.b
		if lo != 0 || hi != n.b.Len {
			b = sliceBatch(n.b, lo, hi)
		}
		if err := out(b); err != nil {
			return err
		}
	}
	return nil
}

// lazyNode emits a batch computed on first use (materialize).
type lazyNode struct {
	s   types.Schema
	get func() (*types.Batch, error)
}

func (n *lazyNode) schema() types.Schema { return n.s }

func (n *lazyNode) run(rt *runtime, out emitFunc) error {
	b, err := n.get()
	if err != nil {
		return err
	}
	return (&batchNode{b: b}).run(rt, out)
}

// funcNode is a node defined by a function (blocking operators use it).
type funcNode struct {
	s types.Schema
	f func(rt *runtime, out emitFunc) error
}

func (n *funcNode) schema() types.Schema                { return n.s }
func (n *funcNode) run(rt *runtime, out emitFunc) error { return n.f(rt, out) }

// streamNode applies a stateless per-batch transform to its child.
type streamNode struct {
	child node
	s     types.Schema
	f     func(b *types.Batch) (*types.Batch, error)
}

func (n *streamNode) schema() types.Schema { return n.s }

func (n *streamNode) run(rt *runtime, out emitFunc) error {
	return n.child.run(rt, func(b *types.Batch) error {
		r, err := n.f(b)
		if err != nil {
			return err
		}
		if r == nil || r.Len == 0 {
			return nil
		}
		return out(r)
	})
}

// scanNode reads a catalog table with projection and pre-filter push-down.
type scanNode struct {
	t      types.Table
	s      types.Schema
	cols   []string // nil = all
	filter *types.RawFilter
	// timeCol >= 0 filters rows on the query time window; where it is
	// null, timeCol2 (if >= 0) gives the row's time.
	timeCol, timeCol2 int
	from, to          int64
}

func (n *scanNode) schema() types.Schema { return n.s }

func (n *scanNode) run(rt *runtime, out emitFunc) error {
	opts := types.ScanOptions{Columns: n.cols, Filter: n.filter, Concurrent: true, Stats: &rt.scan}
	err := n.t.Scan(rt.ctx, opts, func(b *types.Batch) error {
		if err := rt.ctx.Err(); err != nil {
			return err
		}
		if err := checkSchema(n.t.Name(), n.s, b); err != nil {
			return err
		}
		if n.timeCol >= 0 {
			b = n.window(b)
		}
		if b.Len == 0 {
			return nil
		}
		return out(b)
	})
	var stop *stopSignal
	if err != nil && !errors.As(err, &stop) && !isRuntime(err) {
		return &runtimeError{fmt.Errorf("scan %s: %w", n.t.Name(), err)}
	}
	return err
}

// window keeps the rows inside [from, to).
func (n *scanNode) window(b *types.Batch) *types.Batch {
	c := b.Cols[n.timeCol]
	var c2 *types.Column
	if n.timeCol2 >= 0 {
		c2 = b.Cols[n.timeCol2]
	}
	idx := make([]int, 0, b.Len)
	for i := 0; i < b.Len; i++ {
		t := c.Ints[i]
		if c.Nulls != nil && c.Nulls[i] {
			if c2 == nil || (c2.Nulls != nil && c2.Nulls[i]) {
				continue
			}
			t = c2.Ints[i]
		}
		if (n.from != 0 && t < n.from) || (n.to != 0 && t >= n.to) {
			continue
		}
		idx = append(idx, i)
	}
	if len(idx) == b.Len {
		return b
	}
	return gather(b, idx)
}

// checkSchema verifies a reader returned the columns it was asked for.
func checkSchema(table string, want types.Schema, b *types.Batch) error {
	if len(b.Cols) != len(want) {
		return fmt.Errorf("table %s: reader returned %d columns, want %d", table, len(b.Cols), len(want))
	}
	for i, c := range b.Cols {
		if c.Type != want[i].Type {
			return fmt.Errorf("table %s: column %s has type %s, want %s", table, want[i].Name, c.Type, want[i].Type)
		}
	}
	return nil
}

// takeNode stops its child after n rows.
type takeNode struct {
	child node
	n     int64
}

func (t *takeNode) schema() types.Schema { return t.child.schema() }

func (t *takeNode) run(rt *runtime, out emitFunc) error {
	if t.n <= 0 {
		return nil
	}
	var mu sync.Mutex
	left := t.n
	stop := &stopSignal{}
	err := t.child.run(rt, func(b *types.Batch) error {
		mu.Lock()
		defer mu.Unlock()
		if left <= 0 {
			return stop
		}
		if int64(b.Len) > left {
			b = sliceBatch(b, 0, int(left))
		}
		left -= int64(b.Len)
		if err := out(b); err != nil {
			return err
		}
		if left <= 0 {
			return stop
		}
		return nil
	})
	var s *stopSignal
	if errors.As(err, &s) && s == stop {
		return nil
	}
	return err
}

// ctxErr returns the context error, if any.
func ctxErr(ctx context.Context) error { return ctx.Err() }
