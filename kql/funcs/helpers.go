package funcs

import (
	"cmp"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/huntpack/huntpack/kql/types"
)

// ResultFunc computes a result type from argument types.
type ResultFunc = func(args []types.Type) (types.Type, error)

// EvalFunc computes one value.
type EvalFunc = func(c *Context, args []types.Value) types.Value

// fixed returns a ResultFunc that always gives t.
func fixed(t types.Type) ResultFunc {
	return func([]types.Type) (types.Type, error) { return t, nil }
}

// sameAsArg returns a ResultFunc giving the type of argument i (or
// fallback when the argument is an untyped null or missing).
func sameAsArg(i int, fallback types.Type) ResultFunc {
	return func(a []types.Type) (types.Type, error) {
		if i < len(a) && a[i] != types.Null {
			return a[i], nil
		}
		return fallback, nil
	}
}

// numericResult: int stays int-ish long, real stays real; used by abs etc.
func numericResult(a []types.Type) (types.Type, error) {
	if len(a) == 0 {
		return types.Real, nil
	}
	switch a[0] {
	case types.Int, types.Long, types.Real, types.Decimal, types.TimeSpan:
		return a[0], nil
	case types.Null, types.Dynamic, types.String:
		return types.Real, nil
	}
	return types.Null, fmt.Errorf("expected a numeric argument, got %s", a[0])
}

// numRank orders numeric types for promotion.
func numRank(t types.Type) int {
	switch t {
	case types.Int:
		return 1
	case types.Long:
		return 2
	case types.Decimal:
		return 3
	case types.Real:
		return 4
	}
	return 0
}

// commonType returns the type values of all ts can be converted to, as
// iff/case/coalesce/max_of need: numeric types promote (int < long <
// decimal < real), untyped nulls adopt the other type, and otherwise the
// types must agree.
func commonType(ts []types.Type) (types.Type, error) {
	out := types.Null
	for _, t := range ts {
		switch {
		case t == types.Null || t == out:
		case out == types.Null:
			out = t
		case numRank(t) > 0 && numRank(out) > 0:
			if numRank(t) > numRank(out) {
				out = t
			}
		case t == types.Dynamic || out == types.Dynamic:
			out = types.Dynamic
		case t == types.GUID && out == types.String || t == types.String && out == types.GUID:
			out = types.String
		default:
			return types.Null, fmt.Errorf("arguments have incompatible types %s and %s", out, t)
		}
	}
	return out, nil
}

// convertTo converts v to type t for a result whose type the planner
// fixed (numeric promotion, typed nulls, dynamic wrapping).
func convertTo(v types.Value, t types.Type) types.Value {
	if v.T == t {
		return v
	}
	if v.IsNull() {
		return types.NullOf(t)
	}
	switch t {
	case types.Int:
		if i, ok := asLong(v); ok {
			return types.IntValue(i)
		}
	case types.Long:
		if i, ok := asLong(v); ok {
			return types.LongValue(i)
		}
	case types.Real, types.Decimal:
		if f, ok := asReal(v); ok {
			return types.Value{T: t, F: f}
		}
	case types.String:
		return types.StringValue(types.FormatValue(v))
	case types.Dynamic:
		return types.DynamicValue(toDyn(v))
	case types.Bool:
		if v.T == types.Dynamic {
			if b, ok := v.D.(bool); ok {
				return types.BoolValue(b)
			}
		}
	case types.DateTime, types.TimeSpan:
		if v.T.UsesInts() {
			return types.Value{T: t, I: v.I}
		}
	case types.GUID:
		if v.T == types.String {
			return types.Value{T: types.GUID, S: v.S}
		}
	}
	return types.NullOf(t)
}

// str returns v as text (tostring semantics).
func str(v types.Value) string { return types.FormatValue(v) }

// asLong converts v to a long when it is a number (reals truncate), a
// bool, a datetime/timespan (ticks), or a dynamic number. Strings are not
// converted here (see parseLong).
func asLong(v types.Value) (int64, bool) {
	if v.IsNull() {
		return 0, false
	}
	switch v.T {
	case types.Bool, types.Int, types.Long, types.DateTime, types.TimeSpan:
		return v.I, true
	case types.Real, types.Decimal:
		return realToLong(v.F)
	case types.Dynamic:
		switch d := v.D.(type) {
		case int64:
			return d, true
		case float64:
			return realToLong(d)
		case bool:
			if d {
				return 1, true
			}
			return 0, true
		}
	}
	return 0, false
}

// realToLong truncates f toward zero; NaN and infinities do not convert.
func realToLong(f float64) (int64, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	if f >= 9.223372036854775807e18 || f < -9.223372036854775808e18 {
		return 0, false
	}
	return int64(f), true
}

// asReal converts a numeric, bool, datetime/timespan (ticks) or dynamic
// number to float64.
func asReal(v types.Value) (float64, bool) {
	if v.IsNull() {
		return 0, false
	}
	switch v.T {
	case types.Real, types.Decimal:
		return v.F, true
	case types.Bool, types.Int, types.Long, types.DateTime, types.TimeSpan:
		return float64(v.I), true
	case types.Dynamic:
		switch d := v.D.(type) {
		case int64:
			return float64(d), true
		case float64:
			return d, true
		case bool:
			if d {
				return 1, true
			}
			return 0, true
		}
	}
	return 0, false
}

// asRealLoose is asReal plus strings holding a number.
func asRealLoose(v types.Value) (float64, bool) {
	if f, ok := asReal(v); ok {
		return f, true
	}
	if s, ok := asString(v); ok {
		return parseReal(s)
	}
	return 0, false
}

// asString returns the text of a string, guid or dynamic string value.
func asString(v types.Value) (string, bool) {
	switch v.T {
	case types.String, types.GUID:
		return v.S, true
	case types.Dynamic:
		s, ok := v.D.(string)
		return s, ok
	}
	return "", false
}

// parseLong parses a decimal integer (optional sign, surrounding space).
func parseLong(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	i, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, false
	}
	return i, true
}

// parseReal parses a real, including NaN and ±Infinity spellings.
func parseReal(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "nan":
		return math.NaN(), true
	case "inf", "+inf", "infinity", "+infinity":
		return math.Inf(1), true
	case "-inf", "-infinity":
		return math.Inf(-1), true
	}
	if s == "" || strings.ContainsAny(s, "_xXpP") {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, false
	}
	return f, true
}

// toDyn converts a scalar value to a dynamic payload. Datetimes,
// timespans and guids become their text, as Kusto's JSON does
// (datetimes as 2017-01-01T00:00:00.0000000Z).
func toDyn(v types.Value) any {
	if v.IsNull() {
		return nil
	}
	switch v.T {
	case types.Bool:
		return v.I != 0
	case types.Int, types.Long:
		return v.I
	case types.Real, types.Decimal:
		return v.F
	case types.String, types.GUID:
		return v.S
	case types.DateTime:
		// Kusto writes datetimes inside dynamic values in the round-trip
		// form with seven fractional digits (make-series and range pages).
		return roundTripText(v)
	case types.TimeSpan:
		return types.FormatTimeSpan(v.I)
	case types.Dynamic:
		return v.D
	}
	return nil
}

// dynValue wraps a dynamic payload.
func dynValue(d any) types.Value { return types.DynamicValue(d) }

// boolV, longV, realV, strV are short constructors.
func boolV(b bool) types.Value        { return types.BoolValue(b) }
func longV(i int64) types.Value       { return types.LongValue(i) }
func realV(f float64) types.Value     { return types.RealValue(f) }
func strV(s string) types.Value       { return types.StringValue(s) }
func intV(i int64) types.Value        { return types.IntValue(i) }
func nullOf(t types.Type) types.Value { return types.NullOf(t) }

// anyNull reports whether any of the values is null (strings never are).
func anyNull(args []types.Value) bool {
	for _, a := range args {
		if a.IsNull() {
			return true
		}
	}
	return false
}

// compareValues orders two values of comparable types: numbers
// numerically, strings ordinally, datetimes/timespans by ticks, bools
// false<true; dynamic payloads through compareDyn. Nulls sort first.
func compareValues(a, b types.Value) int {
	an, bn := a.IsNull(), b.IsNull()
	switch {
	case an && bn:
		return 0
	case an:
		return -1
	case bn:
		return 1
	}
	if a.T == types.Dynamic || b.T == types.Dynamic {
		return compareDyn(toDyn(a), toDyn(b))
	}
	if numRank(a.T) > 0 && numRank(b.T) > 0 {
		if a.T.IsIntegral() && b.T.IsIntegral() {
			return cmp.Compare(a.I, b.I)
		}
		af, _ := asReal(a)
		bf, _ := asReal(b)
		return cmp.Compare(af, bf)
	}
	if a.T.UsesStrs() || b.T.UsesStrs() {
		return strings.Compare(str(a), str(b))
	}
	return cmp.Compare(a.I, b.I)
}

// compareDyn orders dynamic payloads: null < bool < numbers < strings <
// arrays < bags; within a kind by value (arrays/bags by their JSON).
func compareDyn(a, b any) int {
	ka, kb := dynKind(a), dynKind(b)
	if ka != kb {
		return cmp.Compare(int64(ka), int64(kb))
	}
	switch x := a.(type) {
	case nil:
		return 0
	case bool:
		y := b.(bool)
		return cmp.Compare(b2i(x), b2i(y))
	case string:
		return strings.Compare(x, b.(string))
	case int64, float64:
		if xi, ok := x.(int64); ok {
			if yi, ok := b.(int64); ok {
				return cmp.Compare(xi, yi)
			}
		}
		return cmp.Compare(dynFloat(a), dynFloat(b))
	}
	return strings.Compare(types.DynamicJSON(a), types.DynamicJSON(b))
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func dynKind(d any) int {
	switch d.(type) {
	case nil:
		return 0
	case bool:
		return 1
	case int64, float64:
		return 2
	case string:
		return 3
	case []any:
		return 4
	}
	return 5
}

func dynFloat(d any) float64 {
	switch x := d.(type) {
	case int64:
		return float64(x)
	case float64:
		return x
	}
	return math.NaN()
}

// dynEqual reports deep equality of dynamic payloads, with 1 == 1.0.
func dynEqual(a, b any) bool {
	switch x := a.(type) {
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !dynEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, xv := range x {
			yv, ok := y[k]
			if !ok || !dynEqual(xv, yv) {
				return false
			}
		}
		return true
	}
	if dynKind(a) != dynKind(b) {
		return false
	}
	return compareDyn(a, b) == 0 && !(dynKind(a) == 2 && math.IsNaN(dynFloat(a)))
}

// dynKey returns a string that identifies a dynamic payload for set
// operations (type-tagged so 1 and "1" differ).
func dynKey(d any) string {
	switch x := d.(type) {
	case nil:
		return "n"
	case bool:
		if x {
			return "bt"
		}
		return "bf"
	case int64:
		return "i" + strconv.FormatInt(x, 10)
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1e18 {
			return "i" + strconv.FormatInt(int64(x), 10)
		}
		return "f" + strconv.FormatFloat(x, 'g', -1, 64)
	case string:
		return "s" + x
	}
	return "j" + types.DynamicJSON(d)
}

// valueKey identifies a scalar value for distinct counting.
func valueKey(v types.Value) string {
	if v.IsNull() {
		return "\x00null"
	}
	switch v.T {
	case types.String, types.GUID:
		return "s" + v.S
	case types.Dynamic:
		return dynKey(v.D)
	case types.Real, types.Decimal:
		return dynKey(v.F)
	}
	return string(rune('A'+v.T)) + strconv.FormatInt(v.I, 10)
}

// sortedKeys returns a map's keys in order.
func sortedKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// argOr returns args[i] or def when the argument is missing.
func argOr(args []types.Value, i int, def types.Value) types.Value {
	if i < len(args) {
		return args[i]
	}
	return def
}

// typeArg reads a type argument (typeof(long) or a type name string) as
// the engine passes it: a string value naming the type, or any value
// whose T is the type.
func typeArg(v types.Value) (types.Type, bool) {
	if v.T == types.String {
		return types.ParseType(strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(v.S), "typeof("), ")"))
	}
	if v.T == types.Null {
		return types.Null, false
	}
	return v.T, true
}
