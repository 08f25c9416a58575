package exec

import (
	"encoding/json"
	"strings"
	"sync/atomic"

	"github.com/huntpack/huntpack/kql/funcs"
	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

// rowCtx records that an expression list uses row-order functions
// (row_number, prev, next, row_cumsum): the operator then evaluates it on
// its whole, serialized input at once.
type rowCtx struct {
	used bool
}

// nondeterministic functions are never constant-folded.
var nondeterministic = map[string]bool{"rand": true, "new_guid": true}

// call compiles a function call.
func (p *planner) call(x *syntax.CallExpr, en *env) (*cexpr, error) {
	if x.Target != nil || x.Name == nil {
		return nil, errAt(x.Loc, "dotted calls are not supported here")
	}
	name := x.Name.Name
	if c, ok, err := p.special(name, x, en); ok || err != nil {
		return c, err
	}
	if b, ok := en.sc.lookup(name); ok && b.fn != nil {
		return p.callScalarFunction(b, x, en)
	}
	if f, ok := p.reg.Scalar(name); ok {
		return p.callBuiltin(f, x, en)
	}
	if f, ok := p.reg.Aggregate(name); ok && en.aggs != nil {
		c, _, err := p.aggregate(f, x, en)
		return c, err
	}
	if _, ok := p.reg.Aggregate(name); ok {
		return nil, errAt(x.Loc, "aggregate %s() is only allowed in summarize and similar operators", name)
	}
	return nil, errAt(x.Name.Loc, "unknown function %q%s", name, suggest(name, p.reg.ScalarNames()))
}

// callBuiltin compiles a call of a registry scalar function.
func (p *planner) callBuiltin(f *funcs.Scalar, x *syntax.CallExpr, en *env) (*cexpr, error) {
	x = expandStarArgs(x, en.schema)
	n := len(x.Args)
	if n < f.MinArgs || (f.MaxArgs >= 0 && n > f.MaxArgs) {
		return nil, errAt(x.Loc, "%s: wrong number of arguments (%d); signature: %s", f.Name, n, f.Sig)
	}
	args, err := p.callArgs(x.Args, en)
	if err != nil {
		return nil, err
	}
	ts := make([]types.Type, len(args))
	for i, a := range args {
		ts[i] = a.t
	}
	t, err := f.Result(ts)
	if err != nil {
		return nil, errAt(x.Loc, "%s: %v", f.Name, err)
	}
	if c := fastCall(f, args, t, x.Loc); c != nil {
		return c, nil
	}
	fctx := p.fctx
	eval := f.Eval
	return rowExpr(t, x.Loc, args, !nondeterministic[f.Name], func(v []types.Value) types.Value {
		return eval(fctx, v)
	}), nil
}

// callArgs compiles call arguments; typeof(T) becomes the type name.
func (p *planner) callArgs(es []syntax.Expr, en *env) ([]*cexpr, error) {
	out := make([]*cexpr, len(es))
	for i, e := range es {
		switch a := e.(type) {
		case *syntax.TypeofExpr:
			out[i] = constExpr(types.StringValue(a.Type.String()), a.Loc)
			continue
		case *syntax.NamedExpr:
			e = a.Value
		}
		c, err := p.expr(e, en)
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}

// expandStarArgs replaces a `*` argument by every input column, in
// order, as pack_array(*) documents. A call without `*` is returned as is.
func expandStarArgs(x *syntax.CallExpr, s types.Schema) *syntax.CallExpr {
	star := -1
	for i, a := range x.Args {
		if _, ok := a.(*syntax.StarExpr); ok {
			star = i
			break
		}
	}
	if star < 0 {
		return x
	}
	loc := x.Args[star].Span()
	args := make([]syntax.Expr, 0, len(x.Args)-1+len(s))
	args = append(args, x.Args[:star]...)
	for _, f := range s {
		args = append(args, &syntax.Ident{Loc: loc, Name: f.Name, Quoted: true})
	}
	args = append(args, x.Args[star+1:]...)
	y := *x
	y.Args = args
	return &y
}

// special compiles functions that need the engine: not, toscalar,
// row_number/prev/next, pack_all, column_ifexists, materialize.
func (p *planner) special(name string, x *syntax.CallExpr, en *env) (*cexpr, bool, error) {
	switch name {
	case "ingestion_time":
		// Kusto reads a hidden per-record ingestion timestamp; exported
		// and raw log files carry none, and a null would make filters on
		// it silently match nothing.
		return nil, true, errAt(x.Loc, "ingestion_time() is not supported by the local engine: exported and raw logs carry no ingestion time (filter on TimeGenerated, or run the query on Sentinel/ADX)")
	case "not":
		if len(x.Args) != 1 {
			return nil, true, errAt(x.Loc, "not() takes one argument")
		}
		a, err := p.expr(x.Args[0], en)
		if err != nil {
			return nil, true, err
		}
		return notExpr(a, x.Loc), true, nil
	case "toscalar":
		if len(x.Args) != 1 {
			return nil, true, errAt(x.Loc, "toscalar() takes one argument")
		}
		if !p.isTabular(x.Args[0], en.sc) {
			if c, ok := p.plugScalarOnce(x.Args[0], en); ok {
				return c, true, nil
			}
			c, err := p.expr(x.Args[0], en)
			return c, true, err
		}
		c, err := p.scalarSubquery(x.Args[0], en)
		return c, true, err
	case "pack_all":
		return p.packAll(x, en), true, nil
	case "column_names_of":
		if len(x.Args) != 1 || !p.isTabular(x.Args[0], en.sc) {
			return nil, true, errAt(x.Loc, "column_names_of() takes a table")
		}
		n, err := p.tabular(x.Args[0], en.sc)
		if err != nil {
			return nil, true, err
		}
		var names []any
		for _, f := range n.schema() {
			names = append(names, f.Name)
		}
		return constExpr(types.DynamicValue(names), x.Loc), true, nil
	case "column_ifexists", "columnifexists":
		c, err := p.columnIfExists(x, en)
		return c, true, err
	case "row_number", "prev", "next", "row_cumsum", "row_rank_dense", "row_rank_min":
		c, err := p.rowFunc(name, x, en)
		return c, true, err
	case "materialize", "table":
		return nil, true, errAt(x.Loc, "%s() returns a table and cannot be used as a scalar", name)
	}
	return p.plugSpecial(name, x, en)
}

// packAll builds a bag of all input columns (pack_all([ignore_nulls])).
func (p *planner) packAll(x *syntax.CallExpr, en *env) *cexpr {
	s := en.schema
	var idx []int
	if en.packNames != nil {
		for _, n := range en.packNames {
			if i := s.Index(n); i >= 0 {
				idx = append(idx, i)
			}
		}
	} else {
		for i := range s {
			idx = append(idx, i)
		}
	}
	ignoreNulls := false
	if len(x.Args) == 1 {
		if l, ok := x.Args[0].(*syntax.Literal); ok && l.Value.T == types.Bool {
			ignoreNulls = l.Value.I != 0
		}
	}
	return &cexpr{t: types.Dynamic, span: x.Loc, col: -1, fn: func(b *types.Batch) *types.Column {
		out := &types.Column{Type: types.Dynamic, Dyns: make([]any, b.Len)}
		for r := 0; r < b.Len; r++ {
			m := make(map[string]any, len(idx))
			for _, j := range idx {
				f := s[j]
				v := b.Cols[j].Value(r)
				if ignoreNulls && (v.IsNull() || (v.T == types.String && v.S == "")) {
					continue
				}
				m[f.Name] = toDyn(v)
			}
			out.Dyns[r] = m
		}
		return out
	}}
}

// columnIfExists is column_ifexists("name", default).
func (p *planner) columnIfExists(x *syntax.CallExpr, en *env) (*cexpr, error) {
	if len(x.Args) != 2 {
		return nil, errAt(x.Loc, "column_ifexists() takes a column name and a default value")
	}
	nameE, err := p.expr(x.Args[0], en)
	if err != nil {
		return nil, err
	}
	if nameE.konst == nil || nameE.t != types.String {
		return nil, errAt(x.Args[0].Span(), "column_ifexists() needs a constant column name")
	}
	if i := en.schema.Index(nameE.konst.S); i >= 0 {
		return colExpr(en.schema, i, x.Loc), nil
	}
	return p.expr(x.Args[1], en)
}

// rowFunc compiles row_number, prev, next and row_cumsum. They are
// evaluated over the whole (serialized) input of the operator.
func (p *planner) rowFunc(name string, x *syntax.CallExpr, en *env) (*cexpr, error) {
	if en.row == nil {
		return nil, errAt(x.Loc, "%s() is only allowed in extend/project over serialized rows", name)
	}
	en.row.used = true
	args, err := p.callArgs(x.Args, en)
	if err != nil {
		return nil, err
	}
	switch name {
	case "row_number":
		return rowNumber(args, x.Loc), nil
	case "prev", "next":
		if len(args) < 1 || len(args) > 3 {
			return nil, errAt(x.Loc, "%s(column [, offset [, default]])", name)
		}
		off := int64(1)
		if len(args) > 1 {
			if args[1].konst == nil {
				return nil, errAt(x.Args[1].Span(), "%s: offset must be a constant", name)
			}
			off = convert(*args[1].konst, types.Long).I
		}
		if name == "prev" {
			off = -off
		}
		var def *cexpr
		if len(args) > 2 {
			def = args[2]
		}
		return shiftExpr(args[0], def, off, x.Loc), nil
	case "row_cumsum":
		if len(args) < 1 {
			return nil, errAt(x.Loc, "row_cumsum(term [, restart])")
		}
		return rowCumsum(args, x.Loc), nil
	case "row_rank_dense", "row_rank_min":
		if len(args) < 1 || len(args) > 2 {
			return nil, errAt(x.Loc, "%s(term [, restart])", name)
		}
		return rowRank(args, name == "row_rank_dense", x.Loc), nil
	}
	return nil, errAt(x.Loc, "%s() is not supported", name)
}

// rowNumber numbers rows from start (default 1), restarting when the
// optional predicate is true.
func rowNumber(args []*cexpr, span syntax.Span) *cexpr {
	var counter atomic.Int64
	return &cexpr{t: types.Long, span: span, col: -1, fn: func(b *types.Batch) *types.Column {
		start := int64(1)
		if len(args) > 0 && args[0].konst != nil {
			start = convert(*args[0].konst, types.Long).I
		}
		var restart *types.Column
		if len(args) > 1 {
			restart = asBoolCol(args[1].eval(b))
		}
		base := counter.Add(int64(b.Len)) - int64(b.Len)
		out := &types.Column{Type: types.Long, Ints: make([]int64, b.Len)}
		n := start + base
		for i := 0; i < b.Len; i++ {
			if restart != nil && restart.Bools[i] && i > 0 {
				n = start
			}
			out.Ints[i] = n
			n++
		}
		return out
	}}
}

// shiftExpr is prev/next: the value off rows away, or the default.
func shiftExpr(x, def *cexpr, off int64, span syntax.Span) *cexpr {
	return &cexpr{t: x.t, span: span, col: -1, fn: func(b *types.Batch) *types.Column {
		xc := x.eval(b)
		var dc *types.Column
		if def != nil {
			dc = def.eval(b)
		}
		out := types.NewColumn(x.t, b.Len)
		for i := 0; i < b.Len; i++ {
			j := int64(i) + off
			switch {
			case j >= 0 && j < int64(b.Len):
				out.Append(xc.Value(int(j)))
			case dc != nil:
				out.Append(convert(dc.Value(i), x.t))
			default:
				out.AppendNull()
			}
		}
		return out
	}}
}

// rowCumsum is row_cumsum(term [, restart]).
func rowCumsum(args []*cexpr, span syntax.Span) *cexpr {
	t := args[0].t
	return &cexpr{t: t, span: span, col: -1, fn: func(b *types.Batch) *types.Column {
		xc := args[0].eval(b)
		var restart *types.Column
		if len(args) > 1 {
			restart = asBoolCol(args[1].eval(b))
		}
		out := types.NewColumn(t, b.Len)
		var si int64
		var sf float64
		for i := 0; i < b.Len; i++ {
			if restart != nil && restart.Bools[i] {
				si, sf = 0, 0
			}
			v := xc.Value(i)
			if !v.IsNull() {
				si += v.I
				sf += v.F
			}
			out.Append(types.Value{T: t, I: si, F: sf})
		}
		return out
	}}
}

// parseJSONValue parses JSON text into a dynamic payload.
func parseJSONValue(s string) (any, error) {
	s = strings.TrimSpace(s)
	if s == "" || (s[0] != '{' && s[0] != '[') {
		return nil, &json.SyntaxError{}
	}
	return funcs.ParseJSON(s)
}

// rowRank is row_rank_dense / row_rank_min over sorted rows: equal
// consecutive values share a rank; dense ranks count distinct values,
// min ranks are the row number of the first equal row.
func rowRank(args []*cexpr, dense bool, span syntax.Span) *cexpr {
	return &cexpr{t: types.Long, span: span, col: -1, fn: func(b *types.Batch) *types.Column {
		xc := args[0].eval(b)
		var restart *types.Column
		if len(args) > 1 {
			restart = asBoolCol(args[1].eval(b))
		}
		out := &types.Column{Type: types.Long, Ints: make([]int64, b.Len)}
		var rank, n int64
		for i := 0; i < b.Len; i++ {
			if i == 0 || (restart != nil && restart.Bools[i]) {
				rank, n = 1, 1
				out.Ints[i] = 1
				continue
			}
			n++
			a, c := xc.Value(i-1), xc.Value(i)
			same := (a.IsNull() && c.IsNull()) || (!a.IsNull() && !c.IsNull() && equalValues(a, c, false))
			if !same {
				if dense {
					rank++
				} else {
					rank = n
				}
			}
			out.Ints[i] = rank
		}
		return out
	}}
}
