package exec

import (
	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

// cexpr is a compiled scalar expression. It is built once per query by the
// planner; evaluating it on a batch returns one column of the batch's
// length. Column references are resolved to batch indexes at planning
// time, so evaluation never looks a name up.
type cexpr struct {
	t     types.Type
	span  syntax.Span
	konst *types.Value // set when the value does not depend on the row
	col   int          // index of the input column for a plain reference, else -1
	name  string       // column name when col >= 0 (used for naming)
	fn    func(b *types.Batch) *types.Column
}

// eval evaluates e over b.
func (e *cexpr) eval(b *types.Batch) *types.Column {
	if e.konst != nil {
		return constColumn(*e.konst, e.t, b.Len)
	}
	return e.fn(b)
}

// constExpr returns a compiled constant.
func constExpr(v types.Value, span syntax.Span) *cexpr {
	t := v.T
	return &cexpr{t: t, span: span, konst: &v, col: -1}
}

// colExpr returns a reference to input column i.
func colExpr(s types.Schema, i int, span syntax.Span) *cexpr {
	return &cexpr{t: s[i].Type, span: span, col: i, name: s[i].Name,
		fn: func(b *types.Batch) *types.Column { return b.Cols[i] }}
}

// isConst reports whether every expression is constant.
func isConst(es ...*cexpr) bool {
	for _, e := range es {
		if e.konst == nil {
			return false
		}
	}
	return true
}

// rowExpr builds an expression computed row by row from its arguments by
// f, with result type t. When all arguments are constant and fold is set
// the result is computed once, at planning time.
func rowExpr(t types.Type, span syntax.Span, args []*cexpr, fold bool, f func([]types.Value) types.Value) *cexpr {
	if fold && isConst(args...) {
		vals := make([]types.Value, len(args))
		for i, a := range args {
			vals[i] = *a.konst
		}
		v := convert(f(vals), t)
		return &cexpr{t: t, span: span, konst: &v, col: -1}
	}
	return &cexpr{t: t, span: span, col: -1, fn: func(b *types.Batch) *types.Column {
		cols := make([]*types.Column, len(args))
		for i, a := range args {
			cols[i] = a.eval(b)
		}
		out := types.NewColumn(t, b.Len)
		vals := make([]types.Value, len(args))
		for r := 0; r < b.Len; r++ {
			for i, c := range cols {
				vals[i] = c.Value(r)
			}
			out.Append(convert(f(vals), t))
		}
		return out
	}}
}

// boolColumn returns a bool column of n false values.
func boolColumn(n int) *types.Column {
	return &types.Column{Type: types.Bool, Bools: make([]bool, n)}
}

// setNull marks row i of c null.
func setNull(c *types.Column, i int) {
	if c.Nulls == nil {
		c.Nulls = make([]bool, c.Len())
	}
	c.Nulls[i] = true
}

// truthy returns the rows of a predicate column that are true (not null).
func truthy(c *types.Column, n int) []int {
	var idx []int
	switch c.Type {
	case types.Bool:
		for i := 0; i < n; i++ {
			if c.Bools[i] && (c.Nulls == nil || !c.Nulls[i]) {
				idx = append(idx, i)
			}
		}
	default:
		for i := 0; i < n; i++ {
			v := convert(c.Value(i), types.Bool)
			if !v.IsNull() && v.I != 0 {
				idx = append(idx, i)
			}
		}
	}
	return idx
}
