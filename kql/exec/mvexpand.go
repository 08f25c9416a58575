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

// apply expands one batch.
func (m *mvPlan) apply(b *types.Batch) *types.Batch {
	itemCols := evalAll(m.items, b)
	var srcRows []int
	expanded := make([][]types.Value, len(m.items))
	var index []int64
	for r := 0; r < b.Len; r++ {
		lists := make([][]any, len(m.items))
		n := 0
		for i, c := range itemCols {
			lists[i] = expandValue(c.Value(r), m.bagArray)
			n = max(n, len(lists[i]))
		}
		if m.limit >= 0 && int64(n) > m.limit {
			n = int(m.limit)
		}
		if n == 0 {
			// Kusto keeps a row whose arrays are all empty or null only
			// when every item is null/empty: it emits nothing.
			continue
		}
		for k := 0; k < n; k++ {
			srcRows = append(srcRows, r)
			index = append(index, int64(k))
			for i := range m.items {
				var v types.Value
				if k < len(lists[i]) {
					v = convert(types.DynamicValue(lists[i][k]), m.types[i])
				} else {
					v = types.NullOf(m.types[i])
				}
				expanded[i] = append(expanded[i], v)
			}
		}
	}
	out := &types.Batch{Schema: m.out, Len: len(srcRows), Cols: make([]*types.Column, len(m.out))}
	for j, src := range m.srcIdx {
		if src >= 0 {
			out.Cols[j] = gatherColumn(b.Cols[src], srcRows)
		}
	}
	for i, idx := range m.outIdx {
		out.Cols[idx] = valuesColumn(m.types[i], expanded[i])
	}
	if m.indexCol >= 0 {
		out.Cols[m.indexCol] = &types.Column{Type: types.Long, Ints: index}
	}
	for j, c := range out.Cols {
		if c == nil {
			out.Cols[j] = constColumn(types.NullOf(m.out[j].Type), m.out[j].Type, out.Len)
		}
	}
	return out
}

// mvExpand plans mv-expand.
func (p *planner) mvExpand(o *syntax.MvExpandOp, in node, sc *scope) (node, error) {
	m, err := p.planMvExpand(o.Params, o.Items, o.Limit, in.schema(), sc)
	if err != nil {
		return nil, err
	}
	return &streamNode{child: in, s: m.out, f: func(b *types.Batch) (*types.Batch, error) { return m.apply(b), nil }}, nil
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
	return &funcNode{s: out, f: func(rt *runtime, emit emitFunc) error {
		var mu = make(chan struct{}, 1)
		return in.run(rt, func(b *types.Batch) error {
			mu <- struct{}{}
			defer func() { <-mu }()
			for r := 0; r < b.Len; r++ {
				row := sliceBatch(b, r, r+1)
				v.b = m.apply(row)
				res, err := collect(rt, sub)
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
