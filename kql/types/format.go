package types

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
)

// FormatValue renders v as text the way Kusto's tostring() and CSV output
// do: datetimes as ISO 8601 UTC ending in Z, timespans as [d.]hh:mm:ss,
// dynamic values as compact JSON, and nulls as the empty string.
func FormatValue(v Value) string {
	if v.IsNull() {
		return ""
	}
	switch v.T {
	case Bool:
		if v.I != 0 {
			return "true"
		}
		return "false"
	case Int, Long:
		return strconv.FormatInt(v.I, 10)
	case Real, Decimal:
		return FormatReal(v.F)
	case String, GUID:
		return v.S
	case DateTime:
		return FormatDateTime(v.I)
	case TimeSpan:
		return FormatTimeSpan(v.I)
	case Dynamic:
		if s, ok := v.D.(string); ok {
			return s
		}
		return DynamicJSON(v.D)
	}
	return ""
}

// FormatReal renders a real as Kusto does: shortest round-trip form, with
// NaN and infinities spelled NaN, Infinity and -Infinity.
func FormatReal(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if strings.Contains(s, "e+") {
		// Kusto writes 1E+20 style exponents.
		s = strings.Replace(s, "e+", "E+", 1)
	} else if strings.Contains(s, "e-") {
		s = strings.Replace(s, "e-", "E-", 1)
	}
	return s
}

// DynamicJSON renders a dynamic payload as compact JSON. Map keys are
// written in sorted order (encoding/json's rule), which keeps output
// deterministic; Kusto does not promise key order either.
func DynamicJSON(d any) string {
	b, err := json.Marshal(jsonable(d))
	if err != nil {
		return "null"
	}
	return string(b)
}

// jsonable replaces values encoding/json cannot write (NaN, ±Inf).
func jsonable(d any) any {
	switch x := d.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return FormatReal(x)
		}
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = jsonable(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = jsonable(e)
		}
		return out
	}
	return d
}

// ToJSON returns v as a value for encoding/json: nil for nulls, bool,
// int64, float64 (NaN/Inf as strings), string, or the dynamic payload.
func ToJSON(v Value) any {
	if v.IsNull() {
		if v.T == String {
			return ""
		}
		return nil
	}
	switch v.T {
	case Bool:
		return v.I != 0
	case Int, Long:
		return v.I
	case Real, Decimal:
		if math.IsNaN(v.F) || math.IsInf(v.F, 0) {
			return FormatReal(v.F)
		}
		return v.F
	case Dynamic:
		return jsonable(v.D)
	}
	return FormatValue(v)
}
