package exec

import (
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

// Resource limits (Options.MaxMemory, context cancellation) for the
// operators that can hold or produce unbounded data. Accounting is
// approximate but follows the bytes really held: string lengths and the
// sizes of dynamic values (sampled for large arrays and bags), not only
// row counts. Operators charge once per batch or chunk, never per value.

// limCtxEvery is how many rows a long loop runs between context checks.
const limCtxEvery = 1 << 14

// limChunkRows caps the rows of one batch an exploding operator (join,
// mv-expand) emits, so what it builds before the next check stays small.
const limChunkRows = types.BatchSize

// opLabel names an operator and its position for error messages:
// `join (line 1, col 40)`.
func (p *planner) opLabel(name string, span syntax.Span) string {
	if p == nil || p.q == nil || !span.IsValid() {
		return name
	}
	pos := syntax.PositionOf(p.q.Src, span.Start)
	return fmt.Sprintf("%s (line %d, col %d)", name, pos.Line, pos.Col)
}

// limCheck returns the context's error (cancelled, --timeout reached)
// so long loops stop within a chunk of work.
func limCheck(rt *runtime) error { return rt.ctx.Err() }

// limHold is memory an operator holds; it is released all at once.
type limHold struct {
	rt    *runtime
	label string
	n     atomic.Int64
}

// add charges n more bytes.
func (h *limHold) add(n int64) error {
	if n == 0 {
		return nil
	}
	h.n.Add(n)
	return h.rt.reserve(h.label, n)
}

// free releases everything held.
func (h *limHold) free() { h.rt.release(h.n.Swap(0)) }

// limTransient charges n bytes for the duration of f (a batch built and
// passed downstream), then releases them.
func limTransient(rt *runtime, label string, n int64, f func() error) error {
	if err := rt.reserve(label, n); err != nil {
		rt.release(n)
		return err
	}
	defer rt.release(n)
	return f()
}

// collectCharged is collect with every batch charged to h as it arrives
// and the context checked between batches; the caller frees h when it no
// longer holds the result.
func collectCharged(rt *runtime, n node, h *limHold) (*types.Batch, error) {
	var mu sync.Mutex
	var bs []*types.Batch
	err := n.run(rt, func(b *types.Batch) error {
		if b.Len == 0 {
			return nil
		}
		if err := limCheck(rt); err != nil {
			return err
		}
		if err := h.add(limBatchBytes(b)); err != nil {
			return err
		}
		mu.Lock()
		bs = append(bs, b)
		mu.Unlock()
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(bs) == 0 {
		return emptyBatch(n.schema()), nil
	}
	return concat(n.schema(), bs), nil
}

// limBatchBytes estimates the bytes a batch holds, dynamic values
// included (sampled: see limDynBytes).
func limBatchBytes(b *types.Batch) int64 {
	var n int64
	for _, c := range b.Cols {
		n += limColBytes(c)
	}
	return n
}

// limColBytes estimates the bytes of one column.
func limColBytes(c *types.Column) int64 {
	var n int64
	switch {
	case c.Type == types.Bool:
		n = int64(len(c.Bools))
	case c.Type.UsesInts():
		n = 8 * int64(len(c.Ints))
	case c.Type.UsesReals():
		n = 8 * int64(len(c.Reals))
	case c.Type.UsesStrs():
		n = 16 * int64(len(c.Strs))
		for _, s := range c.Strs {
			n += int64(len(s))
		}
	default:
		n = 16 * int64(len(c.Dyns))
		for _, d := range c.Dyns {
			n += limDynBytes(d, 0)
		}
	}
	return n + int64(len(c.Nulls))
}

// limSample is how many elements of a large array or bag are measured;
// the rest are assumed to be of the same average size.
const limSample = 16

// limDynBytes estimates the bytes of a dynamic value beyond its 16-byte
// interface header.
func limDynBytes(d any, depth int) int64 {
	switch x := d.(type) {
	case nil, bool:
		return 0
	case int64, float64, int, int32, float32:
		return 8
	case string:
		return 16 + int64(len(x))
	case []any:
		n := int64(24 + 16*len(x))
		if len(x) == 0 || depth > 8 {
			return n
		}
		if len(x) <= limSample {
			for _, e := range x {
				n += limDynBytes(e, depth+1)
			}
			return n
		}
		var s int64
		step := len(x) / limSample
		for i := 0; i < limSample; i++ {
			s += limDynBytes(x[i*step], depth+1)
		}
		return n + s*int64(len(x))/limSample
	case map[string]any:
		n := int64(48 + 48*len(x))
		if depth > 8 {
			return n
		}
		var s int64
		k := 0
		for key, v := range x {
			s += int64(len(key)) + limDynBytes(v, depth+1)
			k++
			if k == limSample {
				break
			}
		}
		if k > 0 {
			n += s * int64(len(x)) / int64(k)
		}
		return n
	}
	return 32
}

// limDynChunker splits the batches of an operator that builds dynamic
// values per row (extend/project of range(), pack_array, ...) so that one
// evaluation builds about limChunkBytes: it starts with one row, measures
// the bytes per row of what it built and sizes the next chunk from that.
// Every chunk is charged to MaxMemory while it is passed on, so a row
// set that cannot be held fails with ErrMemoryLimit instead of exhausting
// memory, and the context is checked between chunks.
type limDynChunker struct {
	label string
	rows  atomic.Int64 // rows of the next chunk; 0 = not measured yet
}

// limChunkBytes is the target size of one chunk of built dynamic values.
const limChunkBytes = 4 << 20

// run applies f to b in chunks and emits each result.
func (d *limDynChunker) run(rt *runtime, b *types.Batch, f func(*types.Batch) (*types.Batch, error), out emitFunc) error {
	for lo := 0; lo < b.Len; {
		if err := limCheck(rt); err != nil {
			return err
		}
		hi := min(b.Len, lo+d.size())
		part := b
		if lo != 0 || hi != b.Len {
			part = sliceBatch(b, lo, hi)
		}
		r, err := f(part)
		if err != nil {
			return err
		}
		done := hi - lo
		lo = hi
		if r == nil || r.Len == 0 {
			d.grow(done, 0)
			continue
		}
		built := limBuiltBytes(part, r)
		d.grow(done, built)
		if err := limTransient(rt, d.label, built, func() error { return out(r) }); err != nil {
			return err
		}
	}
	return nil
}

// size returns the rows of the next chunk.
func (d *limDynChunker) size() int {
	if n := int(d.rows.Load()); n > 0 {
		return n
	}
	return 1
}

// grow sizes the next chunk from the bytes the last one of n rows built.
func (d *limDynChunker) grow(n int, built int64) {
	per := built / int64(max(n, 1))
	next := int64(types.BatchSize)
	if per > 0 {
		next = min(next, max(1, limChunkBytes/per))
	}
	if cur := d.rows.Load(); cur > 0 && next > 2*cur {
		next = 2 * cur // grow gradually: the next rows may be larger
	}
	d.rows.Store(max(next, 1))
}

// limBuiltBytes measures the dynamic and string columns of r that are
// not columns of the input in.
func limBuiltBytes(in, r *types.Batch) int64 {
	var n int64
	for _, c := range r.Cols {
		if c.Type != types.Dynamic {
			continue
		}
		shared := false
		for _, ic := range in.Cols {
			if ic == c {
				shared = true
				break
			}
		}
		if !shared {
			n += limColBytes(c)
		}
	}
	return n
}

// limDynNode is a per-batch transform (extend/project) that builds
// dynamic values per row: it runs in chunks sized by limDynChunker.
type limDynNode struct {
	child node
	s     types.Schema
	f     func(b *types.Batch) (*types.Batch, error)
	label string
}

func (n *limDynNode) schema() types.Schema { return n.s }

func (n *limDynNode) run(rt *runtime, out emitFunc) error {
	ch := &limDynChunker{label: n.label}
	return n.child.run(rt, func(b *types.Batch) error {
		return ch.run(rt, b, n.f, out)
	})
}

// limStream returns the node of a per-batch transform computing exprs
// (op names it for messages): a streamNode, or a limDynNode when an
// expression builds dynamic values (a dynamic that is not a column or a
// constant), so large per-row arrays and bags are built a few rows at a
// time and charged to MaxMemory.
func (p *planner) limStream(op string, in node, s types.Schema, exprs []*cexpr, f func(*types.Batch) (*types.Batch, error)) node {
	for _, e := range exprs {
		if e.t == types.Dynamic && e.konst == nil && e.col < 0 {
			return &limDynNode{child: in, s: s, f: f, label: p.opLabel(op, e.span)}
		}
	}
	return &streamNode{child: in, s: s, f: f}
}

// limCapSort rewrites a statement ending in sort/order by, when the
// result is capped at maxRows (> 0), to keep only the first maxRows+1
// sorted rows (a top: what the cap keeps is the same, and the sort no
// longer holds every input row).
func limCapSort(e syntax.Expr, maxRows int) syntax.Expr {
	pe, ok := e.(*syntax.PipeExpr)
	if maxRows <= 0 || !ok || len(pe.Ops) == 0 {
		return e
	}
	if _, ok := pe.Ops[len(pe.Ops)-1].(*syntax.SortOp); !ok {
		return e
	}
	ops := append(append([]syntax.Operator(nil), pe.Ops...), &syntax.TakeOp{Loc: syntax.NoSpan,
		Count: &syntax.Literal{Loc: syntax.NoSpan, Value: types.LongValue(int64(maxRows) + 1)}})
	return &syntax.PipeExpr{Loc: pe.Loc, Source: pe.Source, Ops: ops}
}
