package funcs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/huntpack/huntpack/kql/types"
)

// Conversion functions. They never fail: input that cannot be converted
// gives a null of the target type (tostring gives "" for null).

// ToString implements tostring().
func ToString(v types.Value) types.Value { return strV(str(v)) }

// ToLong implements tolong(): integers as is, reals truncated toward zero,
// bools 0/1, datetimes and timespans as ticks, strings holding an integer
// ("3.14" is null, as in Kusto), dynamic numbers and strings likewise.
func ToLong(v types.Value) types.Value {
	if i, ok := asLong(v); ok {
		return longV(i)
	}
	if s, ok := asString(v); ok {
		if i, ok := parseLong(s); ok {
			return longV(i)
		}
	}
	return nullOf(types.Long)
}

// ToInt implements toint(): like tolong, then 32-bit. A string outside the
// int range is null; a number outside it wraps (Kusto's overflow rule).
func ToInt(v types.Value) types.Value {
	if s, ok := asString(v); ok {
		i, err := strconv.ParseInt(strings.TrimSpace(s), 10, 32)
		if err != nil {
			return nullOf(types.Int)
		}
		return intV(i)
	}
	if i, ok := asLong(v); ok {
		return intV(i)
	}
	return nullOf(types.Int)
}

// ToReal implements toreal()/todouble(): numbers, bools, ticks, numeric
// strings (including NaN/Infinity).
func ToReal(v types.Value) types.Value {
	if f, ok := asRealLoose(v); ok {
		return realV(f)
	}
	return nullOf(types.Real)
}

// ToDecimal implements todecimal() (decimals are approximated by float64).
func ToDecimal(v types.Value) types.Value {
	if f, ok := asRealLoose(v); ok {
		return types.Value{T: types.Decimal, F: f}
	}
	return nullOf(types.Decimal)
}

// ToBool implements tobool(): "true"/"false" in any case, numbers (non-zero
// is true), strings holding an integer, dynamic bools.
func ToBool(v types.Value) types.Value {
	if v.IsNull() {
		return nullOf(types.Bool)
	}
	if s, ok := asString(v); ok {
		t := strings.TrimSpace(s)
		switch {
		case strings.EqualFold(t, "true"):
			return boolV(true)
		case strings.EqualFold(t, "false"):
			return boolV(false)
		}
		if i, ok := parseLong(t); ok {
			return boolV(i != 0)
		}
		return nullOf(types.Bool)
	}
	if f, ok := asReal(v); ok && v.T != types.DateTime && v.T != types.TimeSpan {
		return boolV(f != 0)
	}
	return nullOf(types.Bool)
}

// ToDateTime implements todatetime(): strings in the forms ParseDateTime
// accepts, datetimes as is, longs as ticks.
func ToDateTime(v types.Value) types.Value {
	if v.IsNull() {
		return nullOf(types.DateTime)
	}
	switch v.T {
	case types.DateTime:
		return v
	case types.Int, types.Long:
		return types.DateTimeValue(v.I)
	}
	if s, ok := asString(v); ok {
		if t, err := types.ParseDateTime(s); err == nil {
			return types.DateTimeValue(t)
		}
		if t, ok := parseExtraDateTime(s); ok {
			return types.DateTimeValue(t)
		}
	}
	return nullOf(types.DateTime)
}

// extraDateTimeLayouts are forms todatetime() accepts that
// types.ParseDateTime does not (yet): unpadded ISO dates
// ("1970-5-12", dayofweek page) and US dashed dates ("12-02-2022",
// todatetime page).
var extraDateTimeLayouts = []string{
	"2006-1-2", "2006-1-2 15:04", "2006-1-2 15:04:05.999999999", "2006-1-2T15:04:05.999999999Z07:00",
	"01-02-2006", "01-02-2006 15:04:05.999999999", "1-2-2006",
}

func parseExtraDateTime(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	for _, l := range extraDateTimeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			ticks := types.TicksFromTime(t)
			return ticks, ticks >= types.MinTicks && ticks <= types.MaxTicks
		}
	}
	return 0, false
}

// ToTimeSpan implements totimespan(): strings in timespan forms,
// timespans as is, numbers as ticks.
func ToTimeSpan(v types.Value) types.Value {
	if v.IsNull() {
		return nullOf(types.TimeSpan)
	}
	switch v.T {
	case types.TimeSpan:
		return v
	case types.Int, types.Long:
		return types.TimeSpanValue(v.I)
	case types.Real, types.Decimal:
		if i, ok := realToLong(v.F); ok {
			return types.TimeSpanValue(i)
		}
	}
	if s, ok := asString(v); ok {
		if t, err := types.ParseTimeSpan(s); err == nil {
			return types.TimeSpanValue(t)
		}
	}
	return nullOf(types.TimeSpan)
}

// ToGUID implements toguid(): a 32-hex-digit GUID with or without dashes
// or braces, returned in canonical lower-case 8-4-4-4-12 form.
func ToGUID(v types.Value) types.Value {
	if v.T == types.GUID {
		return v
	}
	s, ok := asString(v)
	if !ok {
		return nullOf(types.GUID)
	}
	if g, ok := canonicalGUID(s); ok {
		return types.Value{T: types.GUID, S: g}
	}
	return nullOf(types.GUID)
}

// canonicalGUID normalises a GUID string.
func canonicalGUID(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && (s[0] == '{' && s[len(s)-1] == '}' || s[0] == '(' && s[len(s)-1] == ')') {
		s = s[1 : len(s)-1]
	}
	// Dashes are optional and, as the toguid page's example shows, not
	// checked for position; 32 hex digits must remain.
	if strings.Count(s, "-") > 4 {
		return "", false
	}
	hex := []byte(strings.ReplaceAll(s, "-", ""))
	if len(hex) != 32 {
		return "", false
	}
	for i, c := range hex {
		switch {
		case '0' <= c && c <= '9', 'a' <= c && c <= 'f':
		case 'A' <= c && c <= 'F':
			hex[i] = c + 32
		default:
			return "", false
		}
	}
	h := string(hex)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], true
}

// ToDynamic implements parse_json()/todynamic(): a string holding JSON is
// parsed (integers become long, other numbers real); a string that is not
// JSON becomes a dynamic string; dynamic values pass through; other
// scalars are wrapped.
func ToDynamic(v types.Value) types.Value {
	if v.IsNull() {
		return dynValue(nil)
	}
	if v.T == types.Dynamic {
		if s, ok := v.D.(string); ok {
			if d, err := ParseJSON(s); err == nil {
				return dynValue(d)
			}
		}
		return v
	}
	if v.T == types.String {
		d, err := ParseJSON(v.S)
		if err != nil {
			return dynValue(v.S)
		}
		return dynValue(d)
	}
	return dynValue(toDyn(v))
}

// ParseJSON parses one JSON document into a dynamic payload: nil, bool,
// int64 (integers that fit), float64, string, []any, map[string]any.
func ParseJSON(s string) (any, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var d any
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("parse json: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("parse json: trailing data after the value")
	}
	return normalizeJSON(d), nil
}

// normalizeJSON turns json.Number into int64 or float64.
func normalizeJSON(d any) any {
	switch x := d.(type) {
	case json.Number:
		if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return i
		}
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil {
			return math.NaN()
		}
		return f
	case []any:
		for i := range x {
			x[i] = normalizeJSON(x[i])
		}
	case map[string]any:
		for k, e := range x {
			x[k] = normalizeJSON(e)
		}
	}
	return d
}

// jsonText renders a dynamic payload as compact JSON without escaping
// HTML characters (Kusto writes <, > and & as is).
func jsonText(d any) string {
	if s, ok := d.(string); ok {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			return "null"
		}
		return strings.TrimSuffix(b.String(), "\n")
	}
	return types.DynamicJSON(d)
}

// dynToScalar converts a dynamic payload to the scalar type t (used by
// extractjson and the typed forms of extract).
func dynToScalar(d any, t types.Type) types.Value {
	v := dynValue(d)
	switch t {
	case types.String:
		if d == nil {
			return strV("")
		}
		return strV(str(v))
	case types.Long:
		return ToLong(v)
	case types.Int:
		return ToInt(v)
	case types.Real:
		return ToReal(v)
	case types.Decimal:
		return ToDecimal(v)
	case types.Bool:
		return ToBool(v)
	case types.DateTime:
		return ToDateTime(v)
	case types.TimeSpan:
		return ToTimeSpan(v)
	case types.GUID:
		return ToGUID(v)
	case types.Dynamic:
		return v
	}
	return nullOf(t)
}

// convertStringTo converts text to type t (extract's typeLiteral).
func convertStringTo(s string, t types.Type) types.Value {
	if t == types.Dynamic {
		return ToDynamic(strV(s))
	}
	return dynToScalar(s, t)
}
