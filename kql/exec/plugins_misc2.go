package exec

import (
	"fmt"
	"strings"

	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

// plugSpecial compiles the scalar functions that need the planner rather
// than the registry: assert (checked while planning, as Kusto does),
// bag_pack_columns (column names), estimate_data_size (accepts `*`),
// hll_merge with several sketches (the scalar form; one argument inside
// summarize stays the aggregate) and row_window_session (a window
// function over serialized rows).
func (p *planner) plugSpecial(name string, x *syntax.CallExpr, en *env) (*cexpr, bool, error) {
	switch name {
	case "assert":
		c, err := p.plugAssert(x, en)
		return c, true, err
	case "bag_pack_columns":
		c, err := p.plugBagPackColumns(x, en)
		return c, true, err
	case "estimate_data_size":
		c, err := p.plugEstimateDataSize(x, en)
		return c, true, err
	case "hll_merge":
		if len(x.Args) < 2 {
			return nil, false, nil // the aggregate
		}
		c, err := p.plugHllMerge(x, en)
		return c, true, err
	case "row_window_session":
		c, err := p.plugRowWindowSession(x, en)
		return c, true, err
	case "bin_auto":
		c, err := p.plugBinAuto(x, en)
		return c, true, err
	}
	return nil, false, nil
}

// plugAssert is assert(condition, message): the condition must be a
// constant when the query is planned; false fails the query with the
// message, true makes the call the constant true.
func (p *planner) plugAssert(x *syntax.CallExpr, en *env) (*cexpr, error) {
	if len(x.Args) != 2 {
		return nil, errAt(x.Loc, "assert(condition: bool, message: string)")
	}
	args, err := p.callArgs(x.Args, en)
	if err != nil {
		return nil, err
	}
	if args[0].konst == nil || args[1].konst == nil {
		return nil, errAt(x.Loc, "assert: the condition and message must be constant when the query is planned")
	}
	cond := convert(*args[0].konst, types.Bool)
	if cond.IsNull() || cond.I == 0 {
		return nil, errAt(x.Loc, "assertion failed: %s", types.FormatValue(*args[1].konst))
	}
	return constExpr(types.BoolValue(true), x.Loc), nil
}

// plugBagPackColumns is bag_pack_columns(col1, col2, ...): a bag keyed by
// the column names.
func (p *planner) plugBagPackColumns(x *syntax.CallExpr, en *env) (*cexpr, error) {
	if len(x.Args) == 0 {
		return nil, errAt(x.Loc, "bag_pack_columns(column1 [, column2, ...])")
	}
	args, err := p.callArgs(x.Args, en)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(args))
	for i, a := range args {
		if a.col < 0 {
			return nil, errAt(x.Args[i].Span(), "bag_pack_columns: argument %d must be a column", i+1)
		}
		names[i] = a.name
	}
	return &cexpr{t: types.Dynamic, span: x.Loc, col: -1, fn: func(b *types.Batch) *types.Column {
		cols := evalAll(args, b)
		out := &types.Column{Type: types.Dynamic, Dyns: make([]any, b.Len)}
		for r := 0; r < b.Len; r++ {
			m := make(map[string]any, len(cols))
			for i, c := range cols {
				m[names[i]] = toDyn(c.Value(r))
			}
			out.Dyns[r] = m
		}
		return out
	}}, nil
}

// plugEstimateDataSize is estimate_data_size(expr, ... | *): the summed
// size in bytes of the values (fixed widths per type, the UTF-8 length of
// strings, the JSON length of dynamic values).
func (p *planner) plugEstimateDataSize(x *syntax.CallExpr, en *env) (*cexpr, error) {
	var args []*cexpr
	for _, a := range x.Args {
		if _, ok := a.(*syntax.StarExpr); ok {
			for i := range en.schema {
				args = append(args, colExpr(en.schema, i, a.Span()))
			}
			continue
		}
		c, err := p.expr(a, en)
		if err != nil {
			return nil, err
		}
		args = append(args, c)
	}
	if len(x.Args) == 0 {
		return nil, errAt(x.Loc, "estimate_data_size(expr [, ...]) or estimate_data_size(*)")
	}
	return rowExpr(types.Long, x.Loc, args, true, func(v []types.Value) types.Value {
		var n int64
		for _, a := range v {
			n += plugValueSize(a)
		}
		return types.LongValue(n)
	}), nil
}

// plugValueSize is the estimated size of one value.
func plugValueSize(v types.Value) int64 {
	if v.IsNull() && v.T != types.String {
		return 0
	}
	switch v.T {
	case types.Bool:
		return 1
	case types.Int:
		return 4
	case types.Long, types.Real, types.DateTime, types.TimeSpan:
		return 8
	case types.Decimal, types.GUID:
		return 16
	case types.String:
		return int64(len(v.S))
	case types.Dynamic:
		if s, ok := v.D.(string); ok {
			return int64(len(s))
		}
		return int64(len(types.DynamicJSON(v.D)))
	}
	return 0
}

// plugHllMerge is the scalar hll_merge(hll1, hll2, ...): the union of the
// sketches, each the dynamic array hll() returns.
func (p *planner) plugHllMerge(x *syntax.CallExpr, en *env) (*cexpr, error) {
	f, ok := p.reg.Aggregate("hll_merge")
	if !ok {
		return nil, errAt(x.Loc, "hll_merge is not registered")
	}
	args, err := p.callArgs(x.Args, en)
	if err != nil {
		return nil, err
	}
	ts := []types.Type{types.Dynamic}
	return rowExpr(types.Dynamic, x.Loc, args, true, func(v []types.Value) types.Value {
		acc := f.New(ts, []*types.Value{nil})
		for _, a := range v {
			acc.Add([]types.Value{a})
		}
		return acc.Result()
	}), nil
}

// plugRowWindowSession is row_window_session(expr, maxDistanceFromFirst,
// maxDistanceBetweenNeighbors [, restart]) over serialized rows: the value
// of expr at the first row of the row's session. A session ends when the
// next value is further than maxDistanceFromFirst from its first value,
// further than maxDistanceBetweenNeighbors from the previous value, or
// restart is true.
func (p *planner) plugRowWindowSession(x *syntax.CallExpr, en *env) (*cexpr, error) {
	if en.row == nil {
		return nil, errAt(x.Loc, "row_window_session() is only allowed in extend/project over serialized rows")
	}
	if len(x.Args) < 3 || len(x.Args) > 4 {
		return nil, errAt(x.Loc, "row_window_session(expr, maxDistanceFromFirst, maxDistanceBetweenNeighbors [, restart])")
	}
	en.row.used = true
	args, err := p.callArgs(x.Args, en)
	if err != nil {
		return nil, err
	}
	if args[1].konst == nil || args[2].konst == nil {
		return nil, errAt(x.Loc, "row_window_session: the distances must be constant")
	}
	first := convert(*args[1].konst, types.TimeSpan).I
	near := convert(*args[2].konst, types.TimeSpan).I
	t := args[0].t
	return &cexpr{t: t, span: x.Loc, col: -1, fn: func(b *types.Batch) *types.Column {
		xc := args[0].eval(b)
		var restart *types.Column
		if len(args) > 3 {
			restart = asBoolCol(args[3].eval(b))
		}
		out := types.NewColumn(t, b.Len)
		var start, prev types.Value
		open := false
		for i := 0; i < b.Len; i++ {
			v := xc.Value(i)
			if v.IsNull() {
				out.AppendNull()
				continue
			}
			if !open || (restart != nil && restart.Bools[i]) || v.I-start.I > first || v.I-prev.I > near {
				start, open = v, true
			}
			prev = v
			out.Append(start)
		}
		return out
	}}, nil
}

// plugBinAuto is bin_auto(x): bin_at(x, size, at) with the size and
// origin given by the query's `set query_bin_auto_size=...;` and
// `set query_bin_auto_at=...;` statements (the origin defaults to 0 of
// x's type).
func (p *planner) plugBinAuto(x *syntax.CallExpr, en *env) (*cexpr, error) {
	if len(x.Args) != 1 {
		return nil, errAt(x.Loc, "bin_auto(value) takes one argument")
	}
	var size, at *cexpr
	for _, st := range p.q.Stmts {
		set, ok := st.(*syntax.SetStmt)
		if !ok || set.Value == nil {
			continue
		}
		switch strings.ToLower(set.Name) {
		case "query_bin_auto_size", "query_bin_auto_at":
			c, err := p.expr(set.Value, &env{sc: en.sc})
			if err != nil {
				return nil, err
			}
			if c.konst == nil {
				return nil, errAt(set.Loc, "%s must be a constant", set.Name)
			}
			if strings.EqualFold(set.Name, "query_bin_auto_size") {
				size = c
			} else {
				at = c
			}
		}
	}
	if size == nil {
		return nil, errAt(x.Loc, "bin_auto() needs `set query_bin_auto_size=...;` before the query")
	}
	v, err := p.expr(x.Args[0], en)
	if err != nil {
		return nil, err
	}
	if at == nil {
		at = constExpr(convert(types.LongValue(0), v.t), x.Loc)
	}
	f, ok := p.reg.Scalar("bin_at")
	if !ok {
		return nil, errAt(x.Loc, "bin_auto needs bin_at")
	}
	args := []*cexpr{v, size, at}
	t, err := f.Result([]types.Type{v.t, size.t, at.t})
	if err != nil {
		return nil, errAt(x.Loc, "bin_auto: %v", err)
	}
	fctx := p.fctx
	return rowExpr(t, x.Loc, args, true, func(a []types.Value) types.Value { return f.Eval(fctx, a) }), nil
}

// plugScalarOnce evaluates toscalar(expr) of a scalar expression once,
// while planning, when expr does not read the row (Kusto evaluates
// toscalar() once per query: toscalar(new_guid()) is the same GUID on
// every row). It reports false when expr needs the row's columns.
func (p *planner) plugScalarOnce(e syntax.Expr, en *env) (*cexpr, bool) {
	// The value is kept in the query's root scope under a name no KQL
	// identifier can have, keyed by the syntax node: a function whose body
	// calls toscalar() gives the same value at every call (the
	// named-expressions page: y = () { toscalar(rand(1000)) }; print y, y).
	root := en.sc
	for root != nil && root.parent != nil {
		root = root.parent
	}
	key := fmt.Sprintf("\x00toscalar@%p", e)
	if root != nil {
		if b, ok := root.names[key]; ok && b.scalar != nil {
			return b.scalar, true
		}
	}
	c, err := p.expr(e, &env{sc: en.sc})
	if err != nil {
		return nil, false
	}
	if c.konst == nil {
		v := c.eval(&types.Batch{Len: 1}).Value(0)
		c = constExpr(convert(v, c.t), e.Span())
	}
	if root != nil && nondeterministicExpr(e) {
		root.names[key] = &binding{scalar: c, decl: e.Span()}
	}
	return c, true
}

// nondeterministicExpr reports whether e calls rand or new_guid (only
// then does caching a toscalar() value matter) and reads no names
// (a function parameter would make the value depend on the call).
func nondeterministicExpr(e syntax.Expr) bool {
	random := false
	callees := map[*syntax.Ident]bool{}
	names := 0
	syntax.Inspect(e, func(n syntax.Node) bool {
		switch x := n.(type) {
		case *syntax.CallExpr:
			if x.Name != nil {
				callees[x.Name] = true
				random = random || nondeterministic[x.Name.Name]
			}
		case *syntax.Ident:
			if !callees[x] {
				names++
			}
		}
		return true
	})
	return random && names == 0
}
