package exec

import (
	"fmt"
	"sort"
	"strings"

	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

// mvPlan is a compiled mv-expand item list.
type mvPlan struct {
	items    []*cexpr
	outIdx   []int        // output column of each item
	types    []types.Type // output type of each item
	bagArray bool         // bagexpansion=array
	limit    int64        // max rows per input row, -1 = none
	out      types.Schema
	srcIdx   []int // for output columns that copy input columns: input index, else -1
	indexCol int   // with_itemindex column, -1 when absent
}

// planMvExpand compiles mv-expand items against schema s.
func (p *planner) planMvExpand(params []*syntax.OpParam, items []*syntax.MvExpandItem, limit syntax.Expr, s types.Schema, sc *scope) (*mvPlan, error) {
	m := &mvPlan{limit: -1, indexCol: -1}
	out := append(types.Schema(nil), s...)
	m.srcIdx = make([]int, len(s))
	for i := range s {
		m.srcIdx[i] = i
	}
	for _, it := range items {
		e, name := it.X, ""
		if ne, ok := e.(*syntax.NamedExpr); ok {
			e, name = ne.Value, ne.Names[0].Name
		}
		c, err := p.expr(e, &env{schema: s, sc: sc})
		if err != nil {
			return nil, err
		}
		if name == "" {
			name = exprName(e, fmt.Sprintf("Column%d", len(m.items)+1))
		}
		t := types.Dynamic
		if it.ToGiven {
			t = it.To
		}
		idx := out.Index(name)
		if idx >= 0 {
			out[idx].Type = t
			m.srcIdx[idx] = -1
		} else {
			out = append(out, types.Field{Name: name, Type: t})
			m.srcIdx = append(m.srcIdx, -1)
			idx = len(out) - 1
		}
		m.items = append(m.items, c)
		m.outIdx = append(m.outIdx, idx)
		m.types = append(m.types, t)
	}
	for _, prm := range params {
		switch strings.ToLower(prm.Name) {
		case "bagexpansion":
			m.bagArray = strings.EqualFold(paramText(prm.Value), "array")
		case "kind":
			m.bagArray = strings.EqualFold(paramText(prm.Value), "array")
		case "with_itemindex":
			out = append(out, types.Field{Name: paramText(prm.Value), Type: types.Long})
			m.srcIdx = append(m.srcIdx, -1)
			m.indexCol = len(out) - 1
		}
	}
	if limit != nil {
		n, err := p.constLong(limit, sc)
		if err != nil {
			return nil, err
		}
		m.limit = n
	}
	m.out = out
	return m, nil
}

// paramText returns an operator parameter value as text.
func paramText(e syntax.Expr) string {
	switch v := e.(type) {
	case *syntax.Ident:
		return v.Name
	case *syntax.Literal:
		return types.FormatValue(v.Value)
	}
	return ""
}

// expandValue lists the elements mv-expand produces from one value.
func expandValue(v types.Value, bagArray bool) []any {
	if v.T != types.Dynamic {
		if v.IsNull() {
			return nil
		}
		return []any{toDyn(v)}
	}
	switch x := v.D.(type) {
	case nil:
		return nil
	case []any:
		return x
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out := make([]any, len(keys))
		for i, k := range keys {
			if bagArray {
				out[i] = []any{k, x[k]}
			} else {
				out[i] = map[string]any{k: x[k]}
			}
		}
		return out
	}
	return []any{v.D}
}

// mvOut accumulates expanded rows of one input chunk.
type mvOut struct {
	m        *mvPlan
	src      *types.Batch
	srcRows  []int
	index    []int64
	expanded [][]types.Value
}

func (o *mvOut) reset() {
	o.srcRows, o.index = o.srcRows[:0], o.index[:0]
	for i := range o.expanded {
		o.expanded[i] = o.expanded[i][:0]
	}
}

// batch builds the output batch of the rows accumulated so far.
func (o *mvOut) batch() *types.Batch {
	m := o.m
	out := &types.Batch{Schema: m.out, Len: len(o.srcRows), Cols: make([]*types.Column, len(m.out))}
	for j, src := range m.srcIdx {
		if src >= 0 {
			out.Cols[j] = gatherColumn(o.src.Cols[src], o.srcRows)
		}
	}
	for i, idx := range m.outIdx {
		out.Cols[idx] = valuesColumn(m.types[i], o.expanded[i])
	}
	if m.indexCol >= 0 {
		out.Cols[m.indexCol] = &types.Column{Type: types.Long, Ints: append([]int64(nil), o.index...)}
	}
	for j, c := range out.Cols {
		if c == nil {
			out.Cols[j] = constColumn(types.NullOf(m.out[j].Type), m.out[j].Type, out.Len)
		}
	}
	return out
}

// expand expands the rows of b, calling flush whenever limChunkRows
// output rows are ready (and at the end).
func (m *mvPlan) expand(b *types.Batch, itemCols []*types.Column, flush func(*mvOut) error) error {
	o := &mvOut{m: m, src: b, expanded: make([][]types.Value, len(m.items))}
	lists := make([][]any, len(m.items))
	for r := 0; r < b.Len; r++ {
		n := 0
		for i, c := range itemCols {
			lists[i] = expandValue(c.Value(r), m.bagArray)
			n = max(n, len(lists[i]))
		}
		if m.limit >= 0 && int64(n) > m.limit {
			n = int(m.limit)
		}
		// Kusto emits nothing for a row whose items are all null or empty.
		for k := 0; k < n; k++ {
			o.srcRows = append(o.srcRows, r)
			o.index = append(o.index, int64(k))
			for i := range m.items {
				var v types.Value
				if k < len(lists[i]) {
					v = convert(types.DynamicValue(lists[i][k]), m.types[i])
				} else {
					v = types.NullOf(m.types[i])
				}
				o.expanded[i] = append(o.expanded[i], v)
			}
			if len(o.srcRows) >= limChunkRows {
				if err := flush(o); err != nil {
					return err
				}
				o.reset()
			}
		}
	}
	if len(o.srcRows) > 0 {
		return flush(o)
	}
	return nil
}

// stream expands b in chunks: the item expressions are evaluated over as
// many input rows as ch allows (they may build large arrays per row), and
// the output is emitted in batches of at most limChunkRows rows, each
// charged to MaxMemory while passed on; the context is checked per chunk.
func (m *mvPlan) stream(rt *runtime, b *types.Batch, ch *limDynChunker, emit emitFunc) error {
	for lo := 0; lo < b.Len; {
		if err := limCheck(rt); err != nil {
			return err
		}
		hi := min(b.Len, lo+ch.size())
		part := b
		if lo != 0 || hi != b.Len {
			part = sliceBatch(b, lo, hi)
		}
		itemCols := evalAll(m.items, part)
		built := limBuiltBytes(part, &types.Batch{Cols: itemCols})
		ch.grow(hi-lo, built)
		lo = hi
		err := limTransient(rt, ch.label, built, func() error {
			return m.expand(part, itemCols, func(o *mvOut) error {
				if err := limCheck(rt); err != nil {
					return err
				}
				ob := o.batch()
				return limTransient(rt, ch.label, limBatchBytes(ob), func() error { return emit(ob) })
			})
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// applyAll expands b into one batch (mv-apply's rows of one input row),
// charging what it builds to h.
func (m *mvPlan) applyAll(rt *runtime, b *types.Batch, h *limHold) (*types.Batch, error) {
	itemCols := evalAll(m.items, b)
	if err := h.add(limBuiltBytes(b, &types.Batch{Cols: itemCols})); err != nil {
		return nil, err
	}
	var parts []*types.Batch
	err := m.expand(b, itemCols, func(o *mvOut) error {
		if err := limCheck(rt); err != nil {
			return err
		}
		ob := o.batch()
		parts = append(parts, ob)
		return h.add(limBatchBytes(ob))
	})
	if err != nil {
		return nil, err
	}
	return concatOrEmpty(m.out, parts), nil
}

// mvExpandNode streams mv-expand.
type mvExpandNode struct {
	child node
	m     *mvPlan
	label string
}

func (n *mvExpandNode) schema() types.Schema { return n.m.out }

func (n *mvExpandNode) run(rt *runtime, out emitFunc) error {
	ch := &limDynChunker{label: n.label}
	return n.child.run(rt, func(b *types.Batch) error {
		return n.m.stream(rt, b, ch, out)
	})
}

// mvExpand plans mv-expand.
func (p *planner) mvExpand(o *syntax.MvExpandOp, in node, sc *scope) (node, error) {
	m, err := p.planMvExpand(o.Params, o.Items, o.Limit, in.schema(), sc)
	if err != nil {
		return nil, err
	}
	return &mvExpandNode{child: in, m: m, label: p.opLabel("mv-expand", o.Loc)}, nil
}

// varNode emits whatever batch is set before each run (mv-apply rows).
type varNode struct {
	s types.Schema
	b *types.Batch
}

func (n *varNode) schema() types.Schema { return n.s }
func (n *varNode) run(rt *runtime, out emitFunc) error {
	if n.b == nil || n.b.Len == 0 {
		return nil
	}
	return out(n.b)
}

// mvApply plans mv-apply: for each input row, the expanded rows go
// through the sub-query; its output is joined back to the row.
func (p *planner) mvApply(o *syntax.MvApplyOp, in node, sc *scope) (node, error) {
	inS := in.schema()
	m, err := p.planMvExpand(o.Params, o.Items, o.Limit, inS, sc)
	if err != nil {
		return nil, err
	}
	v := &varNode{s: m.out}
	sub, err := p.pipe(o.Sub, sc, v)
	if err != nil {
		return nil, err
	}
	subS := sub.schema()
	expandedInPlace := map[int]bool{}
	for _, idx := range m.outIdx {
		if idx < len(inS) {
			expandedInPlace[idx] = true
		}
	}
	var keep []int
	var out types.Schema
	for i, f := range inS {
		if !expandedInPlace[i] && subS.Index(f.Name) < 0 {
			keep = append(keep, i)
			out = append(out, f)
		}
	}
	out = append(out, subS...)
	label := p.opLabel("mv-apply", o.Loc)
	return &funcNode{s: out, f: func(rt *runtime, emit emitFunc) error {
		var mu = make(chan struct{}, 1)
		return in.run(rt, func(b *types.Batch) error {
			mu <- struct{}{}
			defer func() { <-mu }()
			for r := 0; r < b.Len; r++ {
				row := sliceBatch(b, r, r+1)
				h := &limHold{rt: rt, label: label}
				vb, err := m.applyAll(rt, row, h)
				if err != nil {
					h.free()
					return err
				}
				v.b = vb
				res, err := collectCharged(rt, sub, h)
				v.b = nil
				h.free()
				if err != nil {
					return err
				}
				if res.Len == 0 {
					continue
				}
				idx := make([]int, res.Len)
				o := &types.Batch{Schema: out, Len: res.Len}
				for _, i := range keep {
					o.Cols = append(o.Cols, gatherColumn(row.Cols[i], idx))
				}
				o.Cols = append(o.Cols, res.Cols...)
				if err := emit(o); err != nil {
					return err
				}
			}
			return nil
		})
	}}, nil
}
