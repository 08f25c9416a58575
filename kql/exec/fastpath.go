package exec

import (
	"github.com/huntpack/huntpack/kql/funcs"
	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

// fastCall returns a typed, vectorised implementation of a few hot
// builtins (bin/floor over ticks or longs with a constant size,
// isempty/isnotempty/isnull/isnotnull), or nil to use the registry's
// row-at-a-time Eval. Results are identical to the registry's.
func fastCall(f *funcs.Scalar, args []*cexpr, t types.Type, span syntax.Span) *cexpr {
	switch f.Name {
	case "bin", "floor":
		if len(args) == 2 && args[0].konst == nil && args[1].konst != nil && args[0].t == t && binnable(args[0].t, args[1].konst) {
			return binExpr(args[0], args[1].konst.I, span)
		}
	case "isempty", "isnotempty":
		if len(args) == 1 && args[0].konst == nil && args[0].t == types.String {
			want := f.Name == "isempty"
			return strPredExpr(args[0], func(s string) bool { return (s == "") == want }, span)
		}
	case "isnull", "isnotnull":
		if len(args) == 1 && args[0].konst == nil && args[0].t != types.Dynamic && args[0].t != types.Null {
			return nullTest(args[0], f.Name == "isnull", span)
		}
	}
	return nil
}

// binnable reports whether bin(x, size) can use integer flooring: x
// stored as ticks or a long, size a positive constant of matching kind.
func binnable(t types.Type, size *types.Value) bool {
	if size.IsNull() || size.I <= 0 {
		return false
	}
	switch t {
	case types.DateTime, types.TimeSpan:
		return size.T == types.TimeSpan
	case types.Long, types.Int:
		return size.T.IsIntegral()
	}
	return false
}

// binExpr floors int64-stored values to a multiple of size.
func binExpr(x *cexpr, size int64, span syntax.Span) *cexpr {
	return &cexpr{t: x.t, span: span, col: -1, fn: func(b *types.Batch) *types.Column {
		xc := x.eval(b)
		out := &types.Column{Type: x.t, Ints: make([]int64, b.Len)}
		if xc.Nulls != nil {
			out.Nulls = append([]bool(nil), xc.Nulls[:b.Len]...)
		}
		for i, v := range xc.Ints[:b.Len] {
			r := v % size
			if r < 0 {
				r += size
			}
			out.Ints[i] = v - r
		}
		return out
	}}
}

// nullTest is isnull/isnotnull over a typed column (strings are never null).
func nullTest(x *cexpr, isNull bool, span syntax.Span) *cexpr {
	return &cexpr{t: types.Bool, span: span, col: -1, fn: func(b *types.Batch) *types.Column {
		xc := x.eval(b)
		out := boolColumn(b.Len)
		for i := 0; i < b.Len; i++ {
			out.Bools[i] = (xc.Nulls != nil && xc.Nulls[i]) == isNull
		}
		return out
	}}
}
