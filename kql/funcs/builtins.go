package funcs

import (
	"fmt"
	"math"

	"github.com/huntpack/huntpack/kql/types"
)

// Builtins returns a registry holding every built-in scalar and aggregate
// function huntpack implements. Each call builds a fresh registry.
func Builtins() *Registry {
	r := NewRegistry()
	addConversions(r)
	addConditionals(r)
	addStrings(r)
	addRegexFuncs(r)
	addDateTime(r)
	addMath(r)
	addIP(r)
	addDynamic(r)
	addEncoding(r)
	addParsers(r)
	addExtra(r)
	addSeries(r)
	addMore(r)
	addGeoShapes(r)
	addGeoCells(r)
	addAggregates(r)
	addMisc2(r)
	return r
}

// scalar registers one scalar function.
func scalar(r *Registry, name, sig, doc string, minArgs, maxArgs int, res ResultFunc, eval EvalFunc, aliases ...string) {
	r.AddScalar(&Scalar{Name: name, Aliases: aliases, Sig: sig, Doc: doc, MinArgs: minArgs, MaxArgs: maxArgs, Result: res, Eval: eval})
}

// unary adapts a one-argument function.
func unary(f func(types.Value) types.Value) EvalFunc {
	return func(_ *Context, a []types.Value) types.Value { return f(a[0]) }
}

func addConversions(r *Registry) {
	scalar(r, "tostring", "tostring(value: any): string", "Converts the input to its string representation; null becomes \"\".",
		1, 1, fixed(types.String), unary(ToString))
	scalar(r, "toint", "toint(value: any): int", "Converts the input to an int; null when it cannot be converted (a string must hold an integer).",
		1, 1, fixed(types.Int), unary(ToInt))
	scalar(r, "tolong", "tolong(value: any): long", "Converts the input to a long; null when it cannot be converted.",
		1, 1, fixed(types.Long), unary(ToLong))
	scalar(r, "toreal", "toreal(value: any): real", "Converts the input to a real; null when it cannot be converted.",
		1, 1, fixed(types.Real), unary(ToReal), "todouble")
	scalar(r, "todecimal", "todecimal(value: any): decimal", "Converts the input to a decimal (approximated by a 64-bit float here).",
		1, 1, fixed(types.Decimal), unary(ToDecimal))
	scalar(r, "tobool", "tobool(value: any): bool", "Converts the input to a bool (\"true\"/\"false\" in any case, non-zero numbers are true).",
		1, 1, fixed(types.Bool), unary(ToBool), "toboolean")
	scalar(r, "todatetime", "todatetime(value: any): datetime", "Converts the input to a datetime; null when it cannot be parsed.",
		1, 1, fixed(types.DateTime), unary(ToDateTime))
	scalar(r, "totimespan", "totimespan(value: any): timespan", "Converts the input to a timespan; null when it cannot be parsed.",
		1, 1, fixed(types.TimeSpan), unary(ToTimeSpan), "totime")
	scalar(r, "toguid", "toguid(value: string): guid", "Converts a string to a guid; null when it is not a GUID.",
		1, 1, fixed(types.GUID), unary(ToGUID))
	scalar(r, "parse_json", "parse_json(json: string): dynamic", "Parses a JSON string as a dynamic value (text that is not JSON stays a dynamic string); other values are wrapped.",
		1, 1, fixed(types.Dynamic), unary(ToDynamic), "todynamic", "parsejson", "toobject")
	scalar(r, "tohex", "tohex(value: long [, minLength: long]): string", "Converts a number to a lower-case hexadecimal string (two's complement for negatives).",
		1, 2, fixed(types.String), evalToHex)
	scalar(r, "gettype", "gettype(value: any): string", "Returns the runtime type of the value as a string (for dynamic, the type of the payload).",
		1, 1, fixed(types.String), unary(getType))
}

func evalToHex(_ *Context, a []types.Value) types.Value {
	i, ok := asLong(a[0])
	if !ok {
		return strV("")
	}
	// Negative numbers are written in two's complement of their width:
	// 32 bits for an int, 64 for a long (tohex-function.md).
	s := fmt.Sprintf("%x", uint64(i))
	if a[0].T == types.Int {
		s = fmt.Sprintf("%x", uint32(i))
	}
	if i >= 0 {
		s = fmt.Sprintf("%x", i)
	}
	if len(a) > 1 {
		if n, ok := asLong(a[1]); ok {
			for int64(len(s)) < n && n < 1<<16 {
				s = "0" + s
			}
		}
	}
	return strV(s)
}

// getType implements gettype().
func getType(v types.Value) types.Value {
	if v.T == types.Dynamic {
		switch d := v.D.(type) {
		case nil:
			return strV("null")
		case bool:
			return strV("bool")
		case int64:
			if d >= math.MinInt32 && d <= math.MaxInt32 {
				return strV("int")
			}
			return strV("long")
		case float64:
			return strV("real")
		case string:
			return strV("string")
		case []any:
			return strV("array")
		case map[string]any:
			return strV("dictionary")
		}
	}
	if v.T == types.Int && !v.IsNull() {
		return strV("int")
	}
	if v.IsNull() && v.T != types.String {
		return strV(v.T.String())
	}
	return strV(v.T.String())
}

func addConditionals(r *Registry) {
	scalar(r, "iff", "iff(condition: bool, then: T, else: T): T", "Returns then when condition is true, else otherwise (also when condition is null).",
		3, 3, func(a []types.Type) (types.Type, error) { return commonType(a[1:]) }, evalIff, "iif")
	scalar(r, "case", "case(pred1: bool, then1: T, ..., else: T): T", "Returns the value paired with the first true predicate, or the final else value.",
		3, -1, caseResult, evalCase)
	scalar(r, "coalesce", "coalesce(arg1: T, arg2: T, ...): T", "Returns the first argument that is not null (for strings, not empty).",
		1, 64, commonType, evalCoalesce)
	scalar(r, "isempty", "isempty(value: any): bool", "True when the value is null or the empty string.",
		1, 1, fixed(types.Bool), unary(func(v types.Value) types.Value { return boolV(isEmpty(v)) }))
	scalar(r, "isnotempty", "isnotempty(value: any): bool", "True when the value is neither null nor the empty string.",
		1, 1, fixed(types.Bool), unary(func(v types.Value) types.Value { return boolV(!isEmpty(v)) }), "notempty")
	scalar(r, "isnull", "isnull(value: any): bool", "True when the value is null. Strings are never null: isnull(\"\") is false.",
		1, 1, fixed(types.Bool), unary(func(v types.Value) types.Value { return boolV(v.IsNull()) }))
	scalar(r, "isnotnull", "isnotnull(value: any): bool", "True when the value is not null.",
		1, 1, fixed(types.Bool), unary(func(v types.Value) types.Value { return boolV(!v.IsNull()) }), "notnull")
	scalar(r, "max_of", "max_of(arg1: T, arg2: T, ...): T", "Returns the largest argument, ignoring nulls.",
		1, 64, commonType, evalExtremeOf(1))
	scalar(r, "min_of", "min_of(arg1: T, arg2: T, ...): T", "Returns the smallest argument, ignoring nulls.",
		1, 64, commonType, evalExtremeOf(-1))
}

// isEmpty: null, "", and (dynamic) null, "" or empty array/bag.
func isEmpty(v types.Value) bool {
	if v.IsNull() {
		return true
	}
	switch v.T {
	case types.String, types.GUID:
		return v.S == ""
	case types.Dynamic:
		switch d := v.D.(type) {
		case string:
			return d == ""
		}
	}
	return false
}

func evalIff(_ *Context, a []types.Value) types.Value {
	t, err := commonType([]types.Type{a[1].T, a[2].T})
	if err != nil {
		t = a[1].T
	}
	if !a[0].IsNull() && truthy(a[0]) {
		return convertTo(a[1], t)
	}
	return convertTo(a[2], t)
}

// truthy reads a bool (or dynamic bool, or non-zero number).
func truthy(v types.Value) bool {
	if v.IsNull() {
		return false
	}
	switch v.T {
	case types.Bool, types.Int, types.Long:
		return v.I != 0
	case types.Dynamic:
		b, ok := v.D.(bool)
		return ok && b
	}
	return false
}

func caseResult(a []types.Type) (types.Type, error) {
	if len(a)%2 == 0 {
		return types.Null, fmt.Errorf("case() needs pairs of predicate and value followed by an else value, got %d arguments", len(a))
	}
	vals := make([]types.Type, 0, len(a)/2+1)
	for i := 1; i < len(a); i += 2 {
		vals = append(vals, a[i])
	}
	vals = append(vals, a[len(a)-1])
	return commonType(vals)
}

func evalCase(_ *Context, a []types.Value) types.Value {
	ts := make([]types.Type, 0, len(a)/2+1)
	for i := 1; i < len(a); i += 2 {
		ts = append(ts, a[i].T)
	}
	ts = append(ts, a[len(a)-1].T)
	t, err := commonType(ts)
	if err != nil {
		t = a[len(a)-1].T
	}
	for i := 0; i+1 < len(a); i += 2 {
		if truthy(a[i]) {
			return convertTo(a[i+1], t)
		}
	}
	return convertTo(a[len(a)-1], t)
}

func evalCoalesce(_ *Context, a []types.Value) types.Value {
	ts := make([]types.Type, len(a))
	for i, v := range a {
		ts[i] = v.T
	}
	t, err := commonType(ts)
	if err != nil {
		t = a[0].T
	}
	for _, v := range a {
		if v.IsNull() || (v.T == types.String && v.S == "") {
			continue
		}
		return convertTo(v, t)
	}
	return nullOf(t)
}

func evalExtremeOf(sign int) EvalFunc {
	return func(_ *Context, a []types.Value) types.Value {
		ts := make([]types.Type, len(a))
		for i, v := range a {
			ts[i] = v.T
		}
		t, err := commonType(ts)
		if err != nil {
			t = a[0].T
		}
		var best types.Value
		found := false
		for _, v := range a {
			if v.IsNull() {
				continue
			}
			if !found || compareValues(v, best)*sign > 0 {
				best, found = v, true
			}
		}
		if !found {
			return nullOf(t)
		}
		return convertTo(best, t)
	}
}
