package exec

import (
	"cmp"
	"math"
	"strconv"
	"strings"

	"github.com/huntpack/huntpack/kql/funcs"
	"github.com/huntpack/huntpack/kql/types"
)

// toDyn converts a scalar value to a dynamic payload (datetimes, timespans
// and guids become their text, as in Kusto's JSON).
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
		return types.FormatDateTime(v.I)
	case types.TimeSpan:
		return types.FormatTimeSpan(v.I)
	case types.Dynamic:
		return v.D
	}
	return nil
}

// fromDyn turns a dynamic payload into the closest scalar value; arrays and
// bags stay dynamic.
func fromDyn(d any) types.Value {
	switch x := d.(type) {
	case nil:
		return types.NullOf(types.Dynamic)
	case bool:
		return types.BoolValue(x)
	case int64:
		return types.LongValue(x)
	case float64:
		return types.RealValue(x)
	case string:
		return types.StringValue(x)
	}
	return types.DynamicValue(d)
}

// convert converts v to type t (implicit conversions used by the engine:
// numeric promotion, typed nulls, dynamic wrapping and unwrapping).
func convert(v types.Value, t types.Type) types.Value {
	if v.T == t {
		return v
	}
	if v.IsNull() {
		return types.NullOf(t)
	}
	switch t {
	case types.Int:
		return funcs.ToInt(v)
	case types.Long:
		return funcs.ToLong(v)
	case types.Real:
		return funcs.ToReal(v)
	case types.Decimal:
		return funcs.ToDecimal(v)
	case types.Bool:
		return funcs.ToBool(v)
	case types.String:
		return funcs.ToString(v)
	case types.DateTime:
		if v.T == types.Dynamic || v.T == types.String {
			return funcs.ToDateTime(v)
		}
	case types.TimeSpan:
		if v.T == types.Dynamic || v.T == types.String {
			return funcs.ToTimeSpan(v)
		}
	case types.GUID:
		return funcs.ToGUID(v)
	case types.Dynamic:
		return types.DynamicValue(toDyn(v))
	case types.Null:
		return v
	}
	return types.NullOf(t)
}

// asReal returns a numeric value as float64.
func asReal(v types.Value) (float64, bool) {
	switch {
	case v.IsNull():
		return 0, false
	case v.T.IsIntegral() || v.T == types.Bool:
		return float64(v.I), true
	case v.T.UsesReals():
		return v.F, true
	case v.T == types.Dynamic:
		switch x := v.D.(type) {
		case int64:
			return float64(x), true
		case float64:
			return x, true
		}
	}
	return 0, false
}

// unwrapDyn turns a dynamic scalar into a plain value so it can be
// compared with a typed value; other values are returned unchanged.
func unwrapDyn(v types.Value) types.Value {
	if v.T != types.Dynamic {
		return v
	}
	return fromDyn(v.D)
}

// cmpKind classifies a type for comparisons.
func cmpKind(t types.Type) int {
	switch t {
	case types.Int, types.Long, types.Real, types.Decimal:
		return 1
	case types.String, types.GUID:
		return 2
	case types.DateTime:
		return 3
	case types.TimeSpan:
		return 4
	case types.Bool:
		return 5
	case types.Dynamic:
		return 6
	}
	return 0
}

// compareNonNull orders two non-null values; ok is false when they are not
// comparable.
func compareNonNull(a, b types.Value) (int, bool) {
	a, b = unwrapDyn(a), unwrapDyn(b)
	if a.T == types.Dynamic || b.T == types.Dynamic {
		return strings.Compare(types.FormatValue(a), types.FormatValue(b)), a.T == b.T
	}
	ka, kb := cmpKind(a.T), cmpKind(b.T)
	if ka == 2 || kb == 2 {
		if ka == kb {
			return strings.Compare(a.S, b.S), true
		}
		// string vs other: Kusto compares the text (a common case is a
		// dynamic string vs a datetime/long).
		return cmpOther(a, b)
	}
	if ka == 1 && kb == 1 {
		if a.T.IsIntegral() && b.T.IsIntegral() {
			return cmp.Compare(a.I, b.I), true
		}
		af, _ := asReal(a)
		bf, _ := asReal(b)
		return cmp.Compare(af, bf), true
	}
	if ka == kb {
		return cmp.Compare(a.I, b.I), true
	}
	if (ka == 1 && kb == 5) || (ka == 5 && kb == 1) {
		return cmp.Compare(a.I, b.I), true
	}
	return 0, false
}

// cmpOther compares a string with a non-string by converting the string
// to the other value's type.
func cmpOther(a, b types.Value) (int, bool) {
	if a.T.UsesStrs() {
		c, ok := cmpOther(b, a)
		return -c, ok
	}
	bc := convert(b, a.T)
	if bc.IsNull() {
		return strings.Compare(types.FormatValue(a), b.S), true
	}
	return compareNonNull(a, bc)
}

// equalValues implements == on two non-null values (case-sensitive
// strings, numeric promotion, deep equality for dynamic arrays and bags).
func equalValues(a, b types.Value, fold bool) bool {
	a, b = unwrapDyn(a), unwrapDyn(b)
	if a.T == types.Dynamic || b.T == types.Dynamic {
		if a.T == b.T {
			return types.DynamicJSON(a.D) == types.DynamicJSON(b.D)
		}
		return false
	}
	if a.T.UsesStrs() && b.T.UsesStrs() {
		if fold {
			return funcs.EqualFold(a.S, b.S)
		}
		return a.S == b.S
	}
	if a.T.UsesStrs() || b.T.UsesStrs() {
		// a string against a number or datetime: compare as text.
		sa, sb := types.FormatValue(a), types.FormatValue(b)
		if fold {
			return funcs.EqualFold(sa, sb)
		}
		return sa == sb
	}
	if (a.T.UsesReals() || b.T.UsesReals()) && cmpKind(a.T) == 1 && cmpKind(b.T) == 1 {
		af, _ := asReal(a)
		bf, _ := asReal(b)
		return af == bf
	}
	c, ok := compareNonNull(a, b)
	return ok && c == 0
}

// sortCompare orders values for sort/top: nulls (and NaN) compare lowest;
// values of different kinds order by kind.
func sortCompare(a, b types.Value) int {
	an, bn := isNullOrNaN(a), isNullOrNaN(b)
	switch {
	case an && bn:
		return 0
	case an:
		return -1
	case bn:
		return 1
	}
	if c, ok := compareNonNull(a, b); ok {
		return c
	}
	return cmp.Compare(int64(cmpKind(a.T)), int64(cmpKind(b.T)))
}

func isNullOrNaN(v types.Value) bool {
	if v.IsNull() {
		return true
	}
	if v.T.UsesReals() {
		return math.IsNaN(v.F)
	}
	if v.T == types.Dynamic {
		if f, ok := v.D.(float64); ok {
			return math.IsNaN(f)
		}
	}
	return false
}

// keyOf returns a comparable key for grouping, distinct and joins. Values
// that are equal under == get the same key (1 and 1.0 included).
func keyOf(v types.Value) key {
	if v.IsNull() {
		return key{k: 0, t: uint8(v.T)}
	}
	switch {
	case v.T == types.Bool:
		return key{k: 1, i: v.I}
	case v.T.IsIntegral():
		return key{k: 2, i: v.I}
	case v.T.UsesReals():
		if v.F == math.Trunc(v.F) && math.Abs(v.F) < 9e18 {
			return key{k: 2, i: int64(v.F)}
		}
		return key{k: 3, s: strconv.FormatFloat(v.F, 'g', -1, 64)}
	case v.T.UsesStrs():
		return key{k: 4, s: v.S}
	case v.T == types.DateTime:
		return key{k: 5, i: v.I}
	case v.T == types.TimeSpan:
		return key{k: 6, i: v.I}
	case v.T == types.Dynamic:
		switch x := v.D.(type) {
		case string:
			return key{k: 4, s: x}
		case int64:
			return key{k: 2, i: x}
		case float64:
			return keyOf(types.RealValue(x))
		case bool:
			return key{k: 1, i: b2i(x)}
		}
		return key{k: 7, s: types.DynamicJSON(v.D)}
	}
	return key{}
}

// key is a hashable identity of one value.
type key struct {
	k uint8
	t uint8
	i int64
	s string
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// rowKey is the identity of several values (group keys, join keys).
func rowKey(vs []types.Value) string {
	var b strings.Builder
	for _, v := range vs {
		k := keyOf(v)
		b.WriteByte(k.k)
		b.WriteByte(k.t)
		b.WriteString(strconv.FormatInt(k.i, 36))
		b.WriteByte(0)
		b.WriteString(strconv.Itoa(len(k.s)))
		b.WriteByte(':')
		b.WriteString(k.s)
	}
	return b.String()
}
