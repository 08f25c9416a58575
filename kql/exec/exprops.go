package exec

import (
	"fmt"
	"math"
	"strings"

	"github.com/huntpack/huntpack/kql/funcs"
	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

// logicalExpr compiles `x and y` / `x or y` with Kusto's three-valued
// logic: false and null = false, true or null = true, otherwise null is
// sticky.
func logicalExpr(op syntax.Op, x, y *cexpr, span syntax.Span) *cexpr {
	and := op == syntax.OpAnd
	f := func(b *types.Batch) *types.Column {
		xc, yc := asBoolCol(x.eval(b)), asBoolCol(y.eval(b))
		out := boolColumn(b.Len)
		for i := 0; i < b.Len; i++ {
			xn := xc.Nulls != nil && xc.Nulls[i]
			yn := yc.Nulls != nil && yc.Nulls[i]
			xv, yv := xc.Bools[i] && !xn, yc.Bools[i] && !yn
			if and {
				switch {
				case (!xn && !xv) || (!yn && !yv):
				case xn || yn:
					setNull(out, i)
				default:
					out.Bools[i] = true
				}
			} else {
				switch {
				case xv || yv:
					out.Bools[i] = true
				case xn || yn:
					setNull(out, i)
				}
			}
		}
		return out
	}
	e := &cexpr{t: types.Bool, span: span, col: -1, fn: f}
	if isConst(x, y) {
		c := f(&types.Batch{Len: 1})
		v := c.Value(0)
		e.konst = &v
	}
	return e
}

// asBoolCol converts a column to bool (dynamic bools, numbers).
func asBoolCol(c *types.Column) *types.Column {
	if c.Type == types.Bool {
		return c
	}
	n := c.Len()
	out := boolColumn(n)
	for i := 0; i < n; i++ {
		v := convert(c.Value(i), types.Bool)
		if v.IsNull() {
			setNull(out, i)
		} else {
			out.Bools[i] = v.I != 0
		}
	}
	return out
}

// notExpr compiles not(x).
func notExpr(x *cexpr, span syntax.Span) *cexpr {
	f := func(b *types.Batch) *types.Column {
		xc := asBoolCol(x.eval(b))
		out := boolColumn(b.Len)
		for i := 0; i < b.Len; i++ {
			out.Bools[i] = !xc.Bools[i]
		}
		if xc.Nulls != nil {
			out.Nulls = append([]bool(nil), xc.Nulls...)
		}
		return out
	}
	e := &cexpr{t: types.Bool, span: span, col: -1, fn: f}
	if isConst(x) {
		v := f(&types.Batch{Len: 1}).Value(0)
		e.konst = &v
	}
	return e
}

// compareExpr compiles ==, !=, =~, !~, <, <=, >, >=.
func compareExpr(op syntax.Op, x, y *cexpr, span syntax.Span) (*cexpr, error) {
	if !comparable(x.t, y.t) {
		return nil, fmt.Errorf("cannot compare %s with %s using %s", x.t, y.t, op)
	}
	if x.konst == nil && y.konst != nil && x.t == types.String && y.t == types.String {
		return strConstCompare(op, x, y.konst.S, span), nil
	}
	if x.konst == nil && y.konst != nil && x.t.UsesInts() && !y.konst.IsNull() &&
		(x.t == y.t || (x.t.IsIntegral() && y.t.IsIntegral())) {
		return intConstCompare(op, x, y.konst.I, span), nil
	}
	if x.konst != nil && y.konst == nil {
		if flipped, ok := flipCompare[op]; ok {
			return compareExpr(flipped, y, x, span)
		}
	}
	if x.konst == nil && y.konst == nil {
		if x.t == types.String && y.t == types.String {
			return strColCompare(op, x, y, span), nil
		}
		if x.t.UsesInts() && (x.t == y.t || (x.t.IsIntegral() && y.t.IsIntegral())) {
			return intColCompare(op, x, y, span), nil
		}
	}
	f := func(v []types.Value) types.Value { return compareValue(op, v[0], v[1]) }
	return rowExpr(types.Bool, span, []*cexpr{x, y}, true, f), nil
}

// strColCompare compares two string columns row by row.
func strColCompare(op syntax.Op, x, y *cexpr, span syntax.Span) *cexpr {
	return &cexpr{t: types.Bool, span: span, col: -1, fn: func(b *types.Batch) *types.Column {
		xc, yc := x.eval(b), y.eval(b)
		out := boolColumn(b.Len)
		for i := 0; i < b.Len; i++ {
			a, c := xc.Strs[i], yc.Strs[i]
			var r bool
			switch op {
			case syntax.OpEq:
				r = a == c
			case syntax.OpNe:
				r = a != c
			case syntax.OpEqCi:
				r = funcs.EqualFold(a, c)
			case syntax.OpNeCi:
				r = !funcs.EqualFold(a, c)
			case syntax.OpLt:
				r = a < c
			case syntax.OpLe:
				r = a <= c
			case syntax.OpGt:
				r = a > c
			default:
				r = a >= c
			}
			out.Bools[i] = r
		}
		return out
	}}
}

// intColCompare compares two int64-stored columns with Kusto's null rules.
func intColCompare(op syntax.Op, x, y *cexpr, span syntax.Span) *cexpr {
	return &cexpr{t: types.Bool, span: span, col: -1, fn: func(b *types.Batch) *types.Column {
		xc, yc := x.eval(b), y.eval(b)
		out := boolColumn(b.Len)
		for i := 0; i < b.Len; i++ {
			xn := xc.Nulls != nil && xc.Nulls[i]
			yn := yc.Nulls != nil && yc.Nulls[i]
			if xn || yn {
				v := compareValue(op, nullOr(xn), nullOr(yn))
				if v.IsNull() {
					setNull(out, i)
				} else {
					out.Bools[i] = v.I != 0
				}
				continue
			}
			a, c := xc.Ints[i], yc.Ints[i]
			var r bool
			switch op {
			case syntax.OpEq, syntax.OpEqCi:
				r = a == c
			case syntax.OpNe, syntax.OpNeCi:
				r = a != c
			case syntax.OpLt:
				r = a < c
			case syntax.OpLe:
				r = a <= c
			case syntax.OpGt:
				r = a > c
			default:
				r = a >= c
			}
			out.Bools[i] = r
		}
		return out
	}}
}

// nullOr returns a null long when null is set, else a non-null one (only
// nullness matters to compareValue's null rules).
func nullOr(null bool) types.Value {
	if null {
		return types.NullOf(types.Long)
	}
	return types.LongValue(0)
}

// flipCompare gives the operator for swapped operands (k < x  ==  x > k).
var flipCompare = map[syntax.Op]syntax.Op{
	syntax.OpEq: syntax.OpEq, syntax.OpNe: syntax.OpNe, syntax.OpEqCi: syntax.OpEqCi, syntax.OpNeCi: syntax.OpNeCi,
	syntax.OpLt: syntax.OpGt, syntax.OpLe: syntax.OpGe, syntax.OpGt: syntax.OpLt, syntax.OpGe: syntax.OpLe,
}

// comparable reports whether values of the two types can be compared.
func comparable(a, b types.Type) bool {
	if a == types.Dynamic || b == types.Dynamic || a == types.Null || b == types.Null {
		return true
	}
	ka, kb := cmpKind(a), cmpKind(b)
	if ka == kb || ka == 2 || kb == 2 {
		return true
	}
	return (ka == 1 && kb == 5) || (ka == 5 && kb == 1)
}

// compareValue is the row-level comparison with Kusto's null rules:
// ==/=~ with a null side is false, !=/!~ true (both null: null); ordering
// comparisons with a null are null.
func compareValue(op syntax.Op, a, b types.Value) types.Value {
	an, bn := a.IsNull(), b.IsNull()
	switch op {
	case syntax.OpEq, syntax.OpEqCi, syntax.OpNe, syntax.OpNeCi:
		neg := op == syntax.OpNe || op == syntax.OpNeCi
		if an && bn {
			return types.NullOf(types.Bool)
		}
		if an || bn {
			return types.BoolValue(neg)
		}
		eq := equalValues(a, b, op == syntax.OpEqCi || op == syntax.OpNeCi)
		return types.BoolValue(eq != neg)
	}
	if an || bn {
		return types.NullOf(types.Bool)
	}
	c, ok := compareNonNull(a, b)
	if !ok {
		return types.NullOf(types.Bool)
	}
	if (a.T.UsesReals() && math.IsNaN(a.F)) || (b.T.UsesReals() && math.IsNaN(b.F)) {
		return types.BoolValue(false)
	}
	switch op {
	case syntax.OpLt:
		return types.BoolValue(c < 0)
	case syntax.OpLe:
		return types.BoolValue(c <= 0)
	case syntax.OpGt:
		return types.BoolValue(c > 0)
	case syntax.OpGe:
		return types.BoolValue(c >= 0)
	}
	return types.NullOf(types.Bool)
}

// strConstCompare is the fast path for a string column against a constant.
func strConstCompare(op syntax.Op, x *cexpr, k string, span syntax.Span) *cexpr {
	var pred func(s string) bool
	switch op {
	case syntax.OpEq:
		pred = func(s string) bool { return s == k }
	case syntax.OpNe:
		pred = func(s string) bool { return s != k }
	case syntax.OpEqCi:
		pred = func(s string) bool { return funcs.EqualFold(s, k) }
	case syntax.OpNeCi:
		pred = func(s string) bool { return !funcs.EqualFold(s, k) }
	case syntax.OpLt:
		pred = func(s string) bool { return s < k }
	case syntax.OpLe:
		pred = func(s string) bool { return s <= k }
	case syntax.OpGt:
		pred = func(s string) bool { return s > k }
	default:
		pred = func(s string) bool { return s >= k }
	}
	return strPredExpr(x, pred, span)
}

// strPredExpr applies a string predicate to every row of a string column.
func strPredExpr(x *cexpr, pred func(string) bool, span syntax.Span) *cexpr {
	return &cexpr{t: types.Bool, span: span, col: -1, fn: func(b *types.Batch) *types.Column {
		xc := x.eval(b)
		out := boolColumn(b.Len)
		for i, s := range xc.Strs[:b.Len] {
			out.Bools[i] = pred(s)
		}
		return out
	}}
}

// intConstCompare is the fast path for an integer/datetime/timespan column
// against a non-null constant of the same type.
func intConstCompare(op syntax.Op, x *cexpr, k int64, span syntax.Span) *cexpr {
	return &cexpr{t: types.Bool, span: span, col: -1, fn: func(b *types.Batch) *types.Column {
		xc := x.eval(b)
		out := boolColumn(b.Len)
		for i, v := range xc.Ints[:b.Len] {
			if xc.Nulls != nil && xc.Nulls[i] {
				switch op {
				case syntax.OpNe, syntax.OpNeCi:
					out.Bools[i] = true
				case syntax.OpEq, syntax.OpEqCi:
				default:
					setNull(out, i)
				}
				continue
			}
			var r bool
			switch op {
			case syntax.OpEq, syntax.OpEqCi:
				r = v == k
			case syntax.OpNe, syntax.OpNeCi:
				r = v != k
			case syntax.OpLt:
				r = v < k
			case syntax.OpLe:
				r = v <= k
			case syntax.OpGt:
				r = v > k
			case syntax.OpGe:
				r = v >= k
			}
			out.Bools[i] = r
		}
		return out
	}}
}

// strOp describes a string operator: its predicate and whether it is the
// negated (!) form.
type strOp struct {
	f   func(s, needle string) bool
	neg bool
}

var strOps = map[syntax.Op]strOp{
	syntax.OpHas: {funcs.Has, false}, syntax.OpNotHas: {funcs.Has, true},
	syntax.OpHasCs: {funcs.HasCS, false}, syntax.OpNotHasCs: {funcs.HasCS, true},
	syntax.OpHasPrefix: {funcs.HasPrefix, false}, syntax.OpNotHasPrefix: {funcs.HasPrefix, true},
	syntax.OpHasPrefixCs: {funcs.HasPrefixCS, false}, syntax.OpNotHasPrefixCs: {funcs.HasPrefixCS, true},
	syntax.OpHasSuffix: {funcs.HasSuffix, false}, syntax.OpNotHasSuffix: {funcs.HasSuffix, true},
	syntax.OpHasSuffixCs: {funcs.HasSuffixCS, false}, syntax.OpNotHasSuffixCs: {funcs.HasSuffixCS, true},
	syntax.OpContains: {funcs.Contains, false}, syntax.OpNotContains: {funcs.Contains, true},
	syntax.OpContainsCs: {funcs.ContainsCS, false}, syntax.OpNotContainsCs: {funcs.ContainsCS, true},
	syntax.OpStartsWith: {funcs.StartsWith, false}, syntax.OpNotStartsWith: {funcs.StartsWith, true},
	syntax.OpStartsWithCs: {funcs.StartsWithCS, false}, syntax.OpNotStartsWithCs: {funcs.StartsWithCS, true},
	syntax.OpEndsWith: {funcs.EndsWith, false}, syntax.OpNotEndsWith: {funcs.EndsWith, true},
	syntax.OpEndsWithCs: {funcs.EndsWithCS, false}, syntax.OpNotEndsWithCs: {funcs.EndsWithCS, true},
	syntax.OpColon: {funcs.Has, false},
	syntax.OpLike:  {funcs.Contains, false}, syntax.OpNotLike: {funcs.Contains, true},
	syntax.OpLikeCs: {funcs.ContainsCS, false}, syntax.OpNotLikeCs: {funcs.ContainsCS, true},
}

// stringOpExpr compiles has/contains/startswith/endswith and their
// variants. A null left side gives false (true for the negated forms).
func stringOpExpr(so strOp, x, y *cexpr, span syntax.Span) *cexpr {
	if y.konst != nil && x.konst == nil {
		k := types.FormatValue(*y.konst)
		if x.t == types.String {
			return strPredExpr(x, func(s string) bool { return so.f(s, k) != so.neg }, span)
		}
	}
	return rowExpr(types.Bool, span, []*cexpr{x, y}, true, func(v []types.Value) types.Value {
		if v[0].IsNull() || v[1].IsNull() {
			return types.BoolValue(so.neg)
		}
		return types.BoolValue(so.f(types.FormatValue(v[0]), types.FormatValue(v[1])) != so.neg)
	})
}

// regexExpr compiles `x matches regex y`.
func regexExpr(x, y *cexpr, span syntax.Span) (*cexpr, error) {
	if y.konst == nil {
		return rowExpr(types.Bool, span, []*cexpr{x, y}, true, func(v []types.Value) types.Value {
			re, err := funcs.CompileRegex(types.FormatValue(v[1]))
			if err != nil || v[0].IsNull() {
				return types.BoolValue(false)
			}
			return types.BoolValue(re.MatchString(types.FormatValue(v[0])))
		}), nil
	}
	re, err := funcs.CompileRegex(types.FormatValue(*y.konst))
	if err != nil {
		return nil, fmt.Errorf("bad regular expression: %w", err)
	}
	if x.t == types.String {
		return strPredExpr(x, re.MatchString, span), nil
	}
	return rowExpr(types.Bool, span, []*cexpr{x}, true, func(v []types.Value) types.Value {
		if v[0].IsNull() {
			return types.BoolValue(false)
		}
		return types.BoolValue(re.MatchString(types.FormatValue(v[0])))
	}), nil
}

// flatten appends the elements of a value to out, flattening dynamic
// arrays (nested arrays too), as `in` and `has_any` do.
func flatten(v types.Value, out []types.Value) []types.Value {
	if v.T == types.Dynamic {
		if arr, ok := v.D.([]any); ok {
			for _, e := range arr {
				out = flatten(types.DynamicValue(e), out)
			}
			return out
		}
		if v.D == nil {
			return out
		}
		return append(out, fromDyn(v.D))
	}
	return append(out, v)
}

// inSetExpr compiles `x in (constants)` and its !in / in~ / !in~ forms
// with a hash set built once.
func inSetExpr(op syntax.Op, x *cexpr, vals []types.Value, span syntax.Span) *cexpr {
	neg := op == syntax.OpNotIn || op == syntax.OpNotInCi
	fold := op == syntax.OpInCi || op == syntax.OpNotInCi
	strs := make(map[string]struct{}, len(vals))
	keys := make(map[key]struct{}, len(vals))
	for _, v := range vals {
		if v.IsNull() {
			continue
		}
		s := types.FormatValue(v)
		if fold {
			s = strings.ToLower(s)
		}
		strs[s] = struct{}{}
		keys[keyOf(v)] = struct{}{}
	}
	if x.t == types.String || fold {
		return &cexpr{t: types.Bool, span: span, col: -1, fn: func(b *types.Batch) *types.Column {
			xc := x.eval(b)
			out := boolColumn(b.Len)
			for i := 0; i < b.Len; i++ {
				var s string
				if xc.Type == types.String {
					s = xc.Strs[i]
				} else {
					v := xc.Value(i)
					if v.IsNull() {
						out.Bools[i] = neg
						continue
					}
					s = types.FormatValue(v)
				}
				if fold {
					s = lowerASCII(s)
				}
				_, ok := strs[s]
				out.Bools[i] = ok != neg
			}
			return out
		}}
	}
	return &cexpr{t: types.Bool, span: span, col: -1, fn: func(b *types.Batch) *types.Column {
		xc := x.eval(b)
		out := boolColumn(b.Len)
		for i := 0; i < b.Len; i++ {
			v := xc.Value(i)
			if v.IsNull() {
				out.Bools[i] = neg
				continue
			}
			_, ok := keys[keyOf(v)]
			if !ok && v.T == types.Dynamic {
				_, ok = strs[types.FormatValue(v)]
			}
			out.Bools[i] = ok != neg
		}
		return out
	}}
}

// lowerASCII folds ASCII letters only (Kusto's case-insensitive rule),
// without allocating when s has no upper-case ASCII letter.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; c >= 'A' && c <= 'Z' {
					b[j] = c + 32
				}
			}
			return string(b)
		}
	}
	return s
}

// inRowExpr compiles `x in (a, b, ...)` where some elements depend on the row.
func inRowExpr(op syntax.Op, x *cexpr, list []*cexpr, span syntax.Span) *cexpr {
	neg := op == syntax.OpNotIn || op == syntax.OpNotInCi
	fold := op == syntax.OpInCi || op == syntax.OpNotInCi
	args := append([]*cexpr{x}, list...)
	return rowExpr(types.Bool, span, args, true, func(v []types.Value) types.Value {
		if v[0].IsNull() {
			return types.BoolValue(neg)
		}
		var elems []types.Value
		for _, e := range v[1:] {
			elems = flatten(e, elems)
		}
		for _, e := range elems {
			if !e.IsNull() && equalValues(v[0], e, fold) {
				return types.BoolValue(!neg)
			}
		}
		return types.BoolValue(neg)
	})
}

// hasAnyExpr compiles `x has_any (terms)` with a term set built once.
func hasAnyExpr(x *cexpr, vals []types.Value, span syntax.Span) *cexpr {
	terms := make([]string, 0, len(vals))
	for _, v := range vals {
		if !v.IsNull() {
			terms = append(terms, types.FormatValue(v))
		}
	}
	ts := funcs.NewTermSet(terms, false)
	if x.t == types.String {
		return strPredExpr(x, ts.Match, span)
	}
	return rowExpr(types.Bool, span, []*cexpr{x}, true, func(v []types.Value) types.Value {
		if v[0].IsNull() {
			return types.BoolValue(false)
		}
		return types.BoolValue(ts.Match(types.FormatValue(v[0])))
	})
}

// hasAllExpr compiles `x has_all (terms)`.
func hasAllExpr(x *cexpr, vals []types.Value, span syntax.Span) *cexpr {
	var terms []string
	for _, v := range vals {
		if !v.IsNull() {
			terms = append(terms, types.FormatValue(v))
		}
	}
	return rowExpr(types.Bool, span, []*cexpr{x}, true, func(v []types.Value) types.Value {
		if v[0].IsNull() {
			return types.BoolValue(false)
		}
		s := types.FormatValue(v[0])
		for _, t := range terms {
			if !funcs.Has(s, t) {
				return types.BoolValue(false)
			}
		}
		return types.BoolValue(true)
	})
}

// betweenExpr compiles `x between (lo .. hi)`; hi may be a timespan added
// to a datetime lo.
func betweenExpr(not bool, x, lo, hi *cexpr, span syntax.Span) *cexpr {
	return rowExpr(types.Bool, span, []*cexpr{x, lo, hi}, true, func(v []types.Value) types.Value {
		h := v[2]
		if h.T == types.TimeSpan && v[1].T == types.DateTime && !h.IsNull() && !v[1].IsNull() {
			h = types.DateTimeValue(v[1].I + h.I)
		}
		a := compareValue(syntax.OpGe, v[0], v[1])
		b := compareValue(syntax.OpLe, v[0], h)
		if a.IsNull() || b.IsNull() {
			return types.NullOf(types.Bool)
		}
		return types.BoolValue((a.I != 0 && b.I != 0) != not)
	})
}
