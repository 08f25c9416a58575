package funcs

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"

	"github.com/huntpack/huntpack/kql/types"
)

func addMath(r *Registry) {
	scalar(r, "abs", "abs(x: number|timespan): same as x", "Returns the absolute value.",
		1, 1, numericResult, evalAbs)
	scalar(r, "round", "round(number: real [, precision: int]): real", "Rounds to the given number of decimal places (half away from zero); a negative precision rounds left of the point.",
		1, 2, roundResult, evalRound)
	scalar(r, "ceiling", "ceiling(number: real): same as number", "Returns the smallest integer greater than or equal to the number.",
		1, 1, numericResult, keepIntegral(realFunc1(math.Ceil)))
	for _, f := range []struct {
		name, doc string
		fn        func(float64) float64
	}{
		{"log", "Natural logarithm; null for non-positive input.", positive(math.Log)},
		{"log10", "Base-10 logarithm; null for non-positive input.", positive(math.Log10)},
		{"log2", "Base-2 logarithm; null for non-positive input.", positive(math.Log2)},
		{"exp", "e raised to the power x.", math.Exp},
		{"exp2", "2 raised to the power x.", math.Exp2},
		{"exp10", "10 raised to the power x.", func(x float64) float64 { return math.Pow(10, x) }},
		{"sqrt", "Square root; null for negative input.", func(x float64) float64 {
			if x < 0 {
				return math.NaN()
			}
			return math.Sqrt(x)
		}},
		{"cos", "Cosine (radians).", math.Cos},
		{"sin", "Sine (radians).", math.Sin},
		{"tan", "Tangent (radians).", math.Tan},
		{"acos", "Arc cosine.", math.Acos},
		{"asin", "Arc sine.", math.Asin},
		{"atan", "Arc tangent.", math.Atan},
		{"cot", "Cotangent (radians).", func(x float64) float64 { return 1 / math.Tan(x) }},
		{"degrees", "Converts radians to degrees.", func(x float64) float64 { return x * 180 / math.Pi }},
		{"radians", "Converts degrees to radians.", func(x float64) float64 { return x * math.Pi / 180 }},
		{"gamma", "The gamma function.", math.Gamma},
		{"loggamma", "Natural log of the absolute value of the gamma function.", func(x float64) float64 { v, _ := math.Lgamma(x); return v }},
	} {
		scalar(r, f.name, f.name+"(x: real): real", f.doc, 1, 1, fixed(types.Real), realFunc1(f.fn))
	}
	scalar(r, "pow", "pow(base: real, exponent: real): real", "Returns base raised to the power exponent.",
		2, 2, fixed(types.Real), realFunc2(math.Pow))
	scalar(r, "atan2", "atan2(y: real, x: real): real", "Returns the angle in radians between the positive x axis and the ray to (x, y).",
		2, 2, fixed(types.Real), realFunc2(math.Atan2))
	scalar(r, "pi", "pi(): real", "Returns the constant pi.", 0, 0, fixed(types.Real),
		func(*Context, []types.Value) types.Value { return realV(math.Pi) })
	scalar(r, "sign", "sign(x: number): same as x", "Returns -1, 0 or 1 by the sign of x.",
		1, 1, numericResult, evalSign)
	scalar(r, "isnan", "isnan(x: real): bool", "True when x is NaN.", 1, 1, fixed(types.Bool), realPred(math.IsNaN))
	scalar(r, "isinf", "isinf(x: real): bool", "True when x is infinite.", 1, 1, fixed(types.Bool),
		realPred(func(f float64) bool { return math.IsInf(f, 0) }))
	scalar(r, "isfinite", "isfinite(x: real): bool", "True when x is neither infinite nor NaN.", 1, 1, fixed(types.Bool),
		realPred(func(f float64) bool { return !math.IsInf(f, 0) && !math.IsNaN(f) }))
	scalar(r, "rand", "rand([range: long]): real|long", "Returns a random real in [0, 1), or a random long in [0, range). Not deterministic.",
		0, 1, func(a []types.Type) (types.Type, error) {
			if len(a) == 1 {
				return types.Long, nil
			}
			return types.Real, nil
		}, evalRand)
	scalar(r, "new_guid", "new_guid(): guid", "Returns a random (version 4) GUID.", 0, 0, fixed(types.GUID), evalNewGUID)
	addBinary(r)
}

func realFunc1(f func(float64) float64) EvalFunc {
	return func(_ *Context, a []types.Value) types.Value {
		x, ok := asReal(a[0])
		if !ok {
			return nullOf(types.Real)
		}
		y := f(x)
		if math.IsNaN(y) && !math.IsNaN(x) {
			return nullOf(types.Real)
		}
		return realV(y)
	}
}

// keepIntegral converts a real result back to the argument's type for
// functions whose result type follows the argument (ceiling).
func keepIntegral(f EvalFunc) EvalFunc {
	return func(c *Context, a []types.Value) types.Value {
		v := f(c, a)
		t, _ := numericResult([]types.Type{a[0].T})
		return convertTo(v, t)
	}
}

func realFunc2(f func(float64, float64) float64) EvalFunc {
	return func(_ *Context, a []types.Value) types.Value {
		x, ok1 := asReal(a[0])
		y, ok2 := asReal(a[1])
		if !ok1 || !ok2 {
			return nullOf(types.Real)
		}
		return realV(f(x, y))
	}
}

func realPred(f func(float64) bool) EvalFunc {
	return func(_ *Context, a []types.Value) types.Value {
		x, ok := asReal(a[0])
		if !ok {
			return nullOf(types.Bool)
		}
		return boolV(f(x))
	}
}

// positive wraps a log so non-positive input gives NaN (then null).
func positive(f func(float64) float64) func(float64) float64 {
	return func(x float64) float64 {
		if x <= 0 {
			return math.NaN()
		}
		return f(x)
	}
}

func evalAbs(_ *Context, a []types.Value) types.Value {
	v := a[0]
	if v.IsNull() {
		t, _ := numericResult([]types.Type{v.T})
		return nullOf(t)
	}
	switch v.T {
	case types.Int, types.Long, types.TimeSpan:
		if v.I < 0 {
			v.I = -v.I
		}
		return v
	case types.Real, types.Decimal:
		v.F = math.Abs(v.F)
		return v
	}
	if f, ok := asRealLoose(v); ok {
		return realV(math.Abs(f))
	}
	return nullOf(types.Real)
}

func roundResult(a []types.Type) (types.Type, error) {
	if a[0].IsIntegral() {
		return a[0], nil
	}
	if a[0] == types.Decimal {
		return types.Decimal, nil
	}
	return types.Real, nil
}

func evalRound(_ *Context, a []types.Value) types.Value {
	rt, _ := roundResult([]types.Type{a[0].T})
	x, ok := asReal(a[0])
	if !ok {
		return nullOf(rt)
	}
	var p int64
	if len(a) > 1 {
		if p, ok = asLong(a[1]); !ok {
			return nullOf(rt)
		}
	}
	if p > 300 || p < -300 {
		return convertTo(realV(x), rt)
	}
	scale := math.Pow(10, float64(p))
	y := math.Round(x*scale) / scale
	if math.IsInf(x*scale, 0) {
		y = x
	}
	return convertTo(realV(y), rt)
}

func evalSign(_ *Context, a []types.Value) types.Value {
	v := a[0]
	t, _ := numericResult([]types.Type{v.T})
	f, ok := asReal(v)
	if !ok {
		return nullOf(t)
	}
	s := 0.0
	switch {
	case f > 0:
		s = 1
	case f < 0:
		s = -1
	}
	return convertTo(realV(s), t)
}

func evalRand(_ *Context, a []types.Value) types.Value {
	var b [8]byte
	_, _ = rand.Read(b[:])
	u := binary.LittleEndian.Uint64(b[:])
	if len(a) == 1 {
		n, ok := asLong(a[0])
		if !ok || n <= 0 {
			return nullOf(types.Long)
		}
		return longV(int64(u % uint64(n)))
	}
	return realV(float64(u>>11) / (1 << 53))
}

func evalNewGUID(*Context, []types.Value) types.Value {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	s := fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
	return types.Value{T: types.GUID, S: s}
}

func addBinary(r *Registry) {
	ops := []struct {
		name, doc string
		f         func(a, b int64) int64
	}{
		{"binary_and", "Bitwise AND of two longs.", func(a, b int64) int64 { return a & b }},
		{"binary_or", "Bitwise OR of two longs.", func(a, b int64) int64 { return a | b }},
		{"binary_xor", "Bitwise XOR of two longs.", func(a, b int64) int64 { return a ^ b }},
		{"binary_shift_left", "Shifts a long left by n bits.", func(a, b int64) int64 { return a << (uint64(b) & 63) }},
		{"binary_shift_right", "Shifts a long right by n bits (arithmetic).", func(a, b int64) int64 { return a >> (uint64(b) & 63) }},
	}
	for _, o := range ops {
		f := o.f
		scalar(r, o.name, o.name+"(a: long, b: long): long", o.doc, 2, 2, fixed(types.Long), func(_ *Context, a []types.Value) types.Value {
			x, ok1 := asLong(a[0])
			y, ok2 := asLong(a[1])
			if !ok1 || !ok2 {
				return nullOf(types.Long)
			}
			return longV(f(x, y))
		})
	}
	scalar(r, "binary_not", "binary_not(a: long): long", "Bitwise NOT of a long.", 1, 1, fixed(types.Long),
		unary(func(v types.Value) types.Value {
			x, ok := asLong(v)
			if !ok {
				return nullOf(types.Long)
			}
			return longV(^x)
		}))
	scalar(r, "bitset_count_ones", "bitset_count_ones(a: long): long", "Counts the set bits of a long.", 1, 1, fixed(types.Long),
		unary(func(v types.Value) types.Value {
			x, ok := asLong(v)
			if !ok {
				return nullOf(types.Long)
			}
			return longV(int64(bits.OnesCount64(uint64(x))))
		}))
}

// Arithmetic helpers for the engine's operators, following Kusto:
// integer division truncates toward zero, % gives a result with the sign
// that makes -5 % 3 == 1 (kql-semantics.md), integer overflow wraps, and
// division or modulo by zero gives null (ok=false).

// DivLong divides a by b truncating toward zero; ok is false for b == 0.
func DivLong(a, b int64) (q int64, ok bool) {
	if b == 0 {
		return 0, false
	}
	if b == -1 {
		return -a, true // wraps for MinInt64 instead of panicking
	}
	return a / b, true
}

// ModLong returns a modulo b in Kusto's (Euclidean) sense: the result is
// never negative for a positive b. ok is false for b == 0.
func ModLong(a, b int64) (m int64, ok bool) {
	if b == 0 {
		return 0, false
	}
	if b == -1 {
		return 0, true
	}
	m = a % b
	if m < 0 {
		if b > 0 {
			m += b
		} else {
			m -= b
		}
	}
	return m, true
}
