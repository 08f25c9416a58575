package exec

import (
	"fmt"
	"math"

	"github.com/huntpack/huntpack/kql/funcs"
	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

// arithType returns the result type of `a op b` for + - * / %.
func arithType(op syntax.Op, a, b types.Type) (types.Type, error) {
	if a == types.Null {
		a = b
	}
	if b == types.Null {
		b = a
	}
	if a == types.Dynamic || b == types.Dynamic {
		return types.Dynamic, nil
	}
	switch {
	case a.IsNumeric() && b.IsNumeric():
		switch {
		case a == types.Real || b == types.Real:
			return types.Real, nil
		case a == types.Decimal || b == types.Decimal:
			return types.Decimal, nil
		case a == types.Int && b == types.Int:
			return types.Int, nil
		}
		return types.Long, nil
	case a == types.DateTime && b == types.DateTime && op == syntax.OpSub:
		return types.TimeSpan, nil
	case a == types.DateTime && b == types.TimeSpan && (op == syntax.OpAdd || op == syntax.OpSub):
		return types.DateTime, nil
	case a == types.TimeSpan && b == types.DateTime && op == syntax.OpAdd:
		return types.DateTime, nil
	case a == types.TimeSpan && b == types.TimeSpan:
		if op == syntax.OpDiv {
			return types.Real, nil
		}
		return types.TimeSpan, nil
	case a == types.TimeSpan && b.IsNumeric() && (op == syntax.OpMul || op == syntax.OpDiv):
		return types.TimeSpan, nil
	case a.IsNumeric() && b == types.TimeSpan && op == syntax.OpMul:
		return types.TimeSpan, nil
	}
	return types.Null, fmt.Errorf("operator %s cannot be applied to %s and %s", op, a, b)
}

// arithExpr compiles + - * / %.
func arithExpr(op syntax.Op, x, y *cexpr, span syntax.Span) (*cexpr, error) {
	t, err := arithType(op, x.t, y.t)
	if err != nil {
		return nil, err
	}
	if !isConst(x, y) {
		if t.UsesInts() && x.t.UsesInts() && y.t.UsesInts() && (op == syntax.OpAdd || op == syntax.OpSub || op == syntax.OpMul) {
			return intArith(op, t, x, y, span), nil
		}
		if t == types.Real && x.t.IsNumeric() && y.t.IsNumeric() && op != syntax.OpMod {
			return realArith(op, x, y, span), nil
		}
	}
	return rowExpr(t, span, []*cexpr{x, y}, true, func(v []types.Value) types.Value {
		return arith(op, v[0], v[1], t)
	}), nil
}

// intArith is the vectorised path for +, -, * over values stored as
// int64 (int, long, datetime, timespan): datetime ± timespan, datetime -
// datetime, timespan * long and integer arithmetic.
func intArith(op syntax.Op, t types.Type, x, y *cexpr, span syntax.Span) *cexpr {
	return &cexpr{t: t, span: span, col: -1, fn: func(b *types.Batch) *types.Column {
		xc, yc := x.eval(b), y.eval(b)
		out := &types.Column{Type: t, Ints: make([]int64, b.Len)}
		for i := 0; i < b.Len; i++ {
			if (xc.Nulls != nil && xc.Nulls[i]) || (yc.Nulls != nil && yc.Nulls[i]) {
				setNull(out, i)
				continue
			}
			a, c := xc.Ints[i], yc.Ints[i]
			switch op {
			case syntax.OpAdd:
				out.Ints[i] = a + c
			case syntax.OpSub:
				out.Ints[i] = a - c
			default:
				out.Ints[i] = a * c
			}
			if t == types.Int {
				out.Ints[i] = int64(int32(out.Ints[i]))
			}
		}
		return out
	}}
}

// realArith is the vectorised path for real +, -, *, / of numbers.
func realArith(op syntax.Op, x, y *cexpr, span syntax.Span) *cexpr {
	return &cexpr{t: types.Real, span: span, col: -1, fn: func(b *types.Batch) *types.Column {
		xc, yc := x.eval(b), y.eval(b)
		out := &types.Column{Type: types.Real, Reals: make([]float64, b.Len)}
		for i := 0; i < b.Len; i++ {
			if (xc.Nulls != nil && xc.Nulls[i]) || (yc.Nulls != nil && yc.Nulls[i]) {
				setNull(out, i)
				continue
			}
			out.Reals[i] = realOp(op, numAt(xc, i), numAt(yc, i))
		}
		return out
	}}
}

// numAt reads entry i of a numeric column as float64.
func numAt(c *types.Column, i int) float64 {
	if c.Type.UsesReals() {
		return c.Reals[i]
	}
	return float64(c.Ints[i])
}

// arith computes `a op b` with result type t; nulls and failures give null.
func arith(op syntax.Op, a, b types.Value, t types.Type) types.Value {
	if a.IsNull() || b.IsNull() {
		return types.NullOf(t)
	}
	if t == types.Dynamic {
		a, b = unwrapDyn(a), unwrapDyn(b)
		if a.T == types.Dynamic || b.T == types.Dynamic || a.T == types.String || b.T == types.String {
			return types.NullOf(t)
		}
		rt, err := arithType(op, a.T, b.T)
		if err != nil {
			return types.NullOf(t)
		}
		return convert(arith(op, a, b, rt), types.Dynamic)
	}
	switch t {
	case types.Int, types.Long:
		r, ok := longOp(op, a.I, b.I)
		if !ok {
			return types.NullOf(t)
		}
		if t == types.Int {
			return types.IntValue(r)
		}
		return types.LongValue(r)
	case types.Real, types.Decimal:
		if a.T == types.TimeSpan && b.T == types.TimeSpan {
			return types.RealValue(float64(a.I) / float64(b.I))
		}
		af, _ := asReal(a)
		bf, _ := asReal(b)
		return types.Value{T: t, F: realOp(op, af, bf)}
	case types.DateTime:
		if a.T == types.TimeSpan {
			a, b = b, a
		}
		if op == syntax.OpSub {
			return types.DateTimeValue(a.I - b.I)
		}
		return types.DateTimeValue(a.I + b.I)
	case types.TimeSpan:
		if a.T == types.DateTime && b.T == types.DateTime {
			return types.TimeSpanValue(a.I - b.I)
		}
		return timespanOp(op, a, b)
	}
	return types.NullOf(t)
}

func longOp(op syntax.Op, a, b int64) (int64, bool) {
	switch op {
	case syntax.OpAdd:
		return a + b, true
	case syntax.OpSub:
		return a - b, true
	case syntax.OpMul:
		return a * b, true
	case syntax.OpDiv:
		return funcs.DivLong(a, b)
	case syntax.OpMod:
		return funcs.ModLong(a, b)
	}
	return 0, false
}

func realOp(op syntax.Op, a, b float64) float64 {
	switch op {
	case syntax.OpAdd:
		return a + b
	case syntax.OpSub:
		return a - b
	case syntax.OpMul:
		return a * b
	case syntax.OpDiv:
		return a / b
	case syntax.OpMod:
		return math.Mod(a, b)
	}
	return math.NaN()
}

func timespanOp(op syntax.Op, a, b types.Value) types.Value {
	if a.T == types.TimeSpan && b.T == types.TimeSpan {
		r, ok := longOp(op, a.I, b.I)
		if !ok {
			return types.NullOf(types.TimeSpan)
		}
		return types.TimeSpanValue(r)
	}
	if b.T == types.TimeSpan {
		a, b = b, a
	}
	f, _ := asReal(b)
	var r float64
	if op == syntax.OpDiv {
		r = float64(a.I) / f
	} else {
		r = float64(a.I) * f
	}
	if math.IsNaN(r) || math.IsInf(r, 0) {
		return types.NullOf(types.TimeSpan)
	}
	return types.TimeSpanValue(int64(math.Round(r)))
}

// negExpr compiles unary minus.
func negExpr(x *cexpr, span syntax.Span) (*cexpr, error) {
	if !x.t.IsNumeric() && x.t != types.TimeSpan && x.t != types.Dynamic && x.t != types.Null {
		return nil, fmt.Errorf("unary - cannot be applied to %s", x.t)
	}
	return rowExpr(x.t, span, []*cexpr{x}, true, func(v []types.Value) types.Value {
		a := v[0]
		if a.IsNull() {
			return a
		}
		switch {
		case a.T.UsesReals():
			a.F = -a.F
		case a.T == types.Dynamic:
			u := unwrapDyn(a)
			if u.T == types.Dynamic || u.T == types.String {
				return types.NullOf(types.Dynamic)
			}
			u.I, u.F = -u.I, -u.F
			return convert(u, types.Dynamic)
		case a.T == types.Int:
			return types.IntValue(-a.I)
		default:
			a.I = -a.I
		}
		return a
	}), nil
}
