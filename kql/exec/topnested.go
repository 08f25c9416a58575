package exec

import (
	"fmt"
	"sort"

	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

// nestLevel is one compiled top-nested clause.
type nestLevel struct {
	n      int64 // -1: all values
	of     *cexpr
	by     *cexpr // over the level's group batch (key, aggregates)
	g      *grouper
	asc    bool
	others *types.Value
}

// topNested plans top-nested: each level groups the rows of the level
// above by its `of` expression, ranks the groups by the aggregate and
// keeps the top N (plus an optional "others" group).
func (p *planner) topNested(o *syntax.TopNestedOp, in node, sc *scope) (node, error) {
	inS := in.schema()
	var levels []*nestLevel
	var out types.Schema
	taken := map[string]bool{}
	for i, l := range o.Levels {
		lv := &nestLevel{n: -1, asc: l.Order == "asc"}
		if l.Count != nil {
			n, err := p.constLong(l.Count, sc)
			if err != nil {
				return nil, err
			}
			lv.n = n
		}
		ofE, ofName := l.Of, ""
		if ne, ok := ofE.(*syntax.NamedExpr); ok {
			ofE, ofName = ne.Value, ne.Names[0].Name
		}
		of, err := p.expr(ofE, &env{schema: inS, sc: sc})
		if err != nil {
			return nil, err
		}
		if ofName == "" {
			ofName = exprName(ofE, fmt.Sprintf("Column%d", i+1))
		}
		lv.of = of
		byE, byName := l.By, ""
		if ne, ok := byE.(*syntax.NamedExpr); ok {
			byE, byName = ne.Value, ne.Names[0].Name
		}
		if byName == "" {
			byName = "aggregated_" + ofName
		}
		ac := &aggCollector{in: inS, post: types.Schema{{Name: ofName, Type: of.t}}}
		by, err := p.expr(byE, &env{schema: ac.post, sc: sc, aggs: ac})
		if err != nil {
			return nil, err
		}
		lv.by = by
		lv.g = &grouper{keys: []*cexpr{of}, calls: ac.calls, post: ac.post}
		if l.Others != nil {
			c, err := p.expr(l.Others, &env{sc: sc})
			if err != nil {
				return nil, err
			}
			if c.konst == nil {
				return nil, errAt(l.Others.Span(), "with others needs a constant")
			}
			v := convert(*c.konst, of.t)
			lv.others = &v
		}
		out = append(out, types.Field{Name: uniqueName(ofName, taken), Type: of.t},
			types.Field{Name: uniqueName(byName, taken), Type: by.t})
		levels = append(levels, lv)
	}
	return &funcNode{s: out, f: func(rt *runtime, emit emitFunc) error {
		b, err := collect(rt, in)
		if err != nil {
			return err
		}
		res := types.NewBatch(out, 0)
		all := make([]int, b.Len)
		for i := range all {
			all[i] = i
		}
		if err := nest(rt, b, all, levels, nil, res); err != nil {
			return err
		}
		return (&batchNode{b: res}).run(rt, emit)
	}}, nil
}

// nest runs the levels from levels[0] on the rows of b listed in rows,
// appending finished rows (prefix + this level's values) to res.
func nest(rt *runtime, b *types.Batch, rows []int, levels []*nestLevel, prefix []types.Value, res *types.Batch) error {
	lv := levels[0]
	sub := gather(b, rows)
	gb, err := lv.g.run(rt, &batchNode{b: sub}, false)
	if err != nil {
		return err
	}
	aggs := lv.by.eval(gb)
	order := make([]int, gb.Len)
	for i := range order {
		order[i] = i
	}
	cmp := columnComparator(aggs, !lv.asc, false)
	sort.SliceStable(order, func(i, j int) bool { return cmp(order[i], order[j]) < 0 })
	keep := order
	var rest []int
	if lv.n >= 0 && int64(len(order)) > lv.n {
		keep, rest = order[:lv.n], order[lv.n:]
	}
	ofCol := lv.of.eval(sub)
	members := map[key][]int{}
	for i := 0; i < sub.Len; i++ {
		k := keyOf(ofCol.Value(i))
		members[k] = append(members[k], rows[i])
	}
	emitRow := func(ofv, aggv types.Value, rs []int) error {
		row := append(append([]types.Value(nil), prefix...), ofv, aggv)
		if len(levels) > 1 {
			return nest(rt, b, rs, levels[1:], row, res)
		}
		for j, v := range row {
			res.Cols[j].Append(convert(v, res.Schema[j].Type))
		}
		res.Len++
		return nil
	}
	for _, gi := range keep {
		ofv := gb.Cols[0].Value(gi)
		if err := emitRow(ofv, aggs.Value(gi), members[keyOf(ofv)]); err != nil {
			return err
		}
	}
	if lv.others != nil && len(rest) > 0 {
		var rs []int
		for _, gi := range rest {
			rs = append(rs, members[keyOf(gb.Cols[0].Value(gi))]...)
		}
		sort.Ints(rs)
		return emitRow(*lv.others, othersAggregate(rt, lv, b, rs), rs)
	}
	return nil
}

// othersAggregate computes a level's aggregate over rows as one group.
func othersAggregate(rt *runtime, lv *nestLevel, b *types.Batch, rows []int) types.Value {
	g := &grouper{keys: nil, calls: lv.g.calls, post: lv.g.post[1:]}
	gb, err := g.run(rt, &batchNode{b: gather(b, rows)}, true)
	if err != nil || gb.Len == 0 {
		return types.NullOf(lv.by.t)
	}
	// lv.by refers to the key column at index 0; put a placeholder there.
	full := &types.Batch{Schema: lv.g.post, Len: gb.Len,
		Cols: append([]*types.Column{constColumn(types.NullOf(lv.g.post[0].Type), lv.g.post[0].Type, gb.Len)}, gb.Cols...)}
	return lv.by.eval(full).Value(0)
}
