package record

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"
	"unsafe"

	"github.com/huntpack/huntpack/kql/types"
)

var nullText = []byte("null")

// isNull reports whether raw text is a null for a column of type t.
func isNull(b []byte, t types.Type) bool {
	if b == nil {
		return true
	}
	if t.UsesStrs() {
		return false
	}
	return len(b) == 0 || bytes.Equal(b, nullText)
}

// str views b as a string without copying; the result must not outlive b
// unless b is never modified again.
func str(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// ParseLong parses integer text; integral real text ("1.61248E+12") is
// accepted too.
func ParseLong(b []byte) (int64, bool) {
	if n, ok := parseInt(b); ok {
		return n, true
	}
	f, err := strconv.ParseFloat(str(trimSpace(b)), 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 9.2e18 {
		return 0, false
	}
	return int64(f), true
}

func parseInt(b []byte) (int64, bool) {
	b = trimSpace(b)
	if len(b) == 0 || len(b) > 19 {
		if len(b) > 19 {
			n, err := strconv.ParseInt(str(b), 10, 64)
			return n, err == nil
		}
		return 0, false
	}
	neg := false
	i := 0
	if b[0] == '-' || b[0] == '+' {
		neg = b[0] == '-'
		i = 1
		if len(b) == 1 {
			return 0, false
		}
	}
	var n int64
	for ; i < len(b); i++ {
		c := b[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// ParseReal parses real text, including NaN and Infinity.
func ParseReal(b []byte) (float64, bool) {
	f, err := strconv.ParseFloat(str(trimSpace(b)), 64)
	return f, err == nil
}

// ParseBool parses true/false in any case, and 1/0.
func ParseBool(b []byte) (bool, bool) {
	b = trimSpace(b)
	switch {
	case bytes.EqualFold(b, []byte("true")), len(b) == 1 && b[0] == '1':
		return true, true
	case bytes.EqualFold(b, []byte("false")), len(b) == 1 && b[0] == '0':
		return false, true
	}
	return false, false
}

// ParseDateTimeIn parses datetime text; text without an explicit zone is
// taken to be in loc (nil = UTC). Epoch seconds (with fraction) are
// accepted when epoch is set.
func ParseDateTimeIn(b []byte, loc *time.Location, epoch bool) (int64, bool) {
	b = trimSpace(b)
	if epoch {
		if t, ok := parseEpoch(b); ok {
			return t, true
		}
	}
	t, ok := parseUSPortal(b)
	var err error
	if !ok {
		t, err = types.ParseDateTime(str(b))
	}
	if err != nil {
		var ok bool
		if t, ok = parseExtraLayouts(str(b)); !ok {
			return 0, false
		}
	}
	if loc != nil && loc != time.UTC && !hasZone(b) {
		t = shiftToUTC(t, loc)
	}
	return t, true
}

// parseUSPortal parses the Log Analytics portal export form
// "M/D/YYYY, h:mm:ss[.fffffff] AM|PM" (comma optional) without
// allocating; it reports false for anything else.
func parseUSPortal(b []byte) (int64, bool) {
	i := 0
	num := func(maxDigits int) (int, bool) {
		n, start := 0, i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' && i-start < maxDigits {
			n = n*10 + int(b[i]-'0')
			i++
		}
		return n, i > start
	}
	expect := func(c byte) bool {
		if i < len(b) && b[i] == c {
			i++
			return true
		}
		return false
	}
	mo, ok1 := num(2)
	ok2 := expect('/')
	d, ok3 := num(2)
	ok4 := expect('/')
	y, ok5 := num(4)
	if !(ok1 && ok2 && ok3 && ok4 && ok5) || i != len(b) && b[i] != ',' && b[i] != ' ' {
		return 0, false
	}
	expect(',')
	if !expect(' ') {
		return 0, false
	}
	h, ok6 := num(2)
	ok7 := expect(':')
	mi, ok8 := num(2)
	ok9 := expect(':')
	se, ok10 := num(2)
	if !(ok6 && ok7 && ok8 && ok9 && ok10) {
		return 0, false
	}
	var frac int64
	if expect('.') {
		scale := types.TicksPerSecond / 10
		start := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			frac += int64(b[i]-'0') * scale
			scale /= 10
			i++
		}
		if i == start {
			return 0, false
		}
	}
	if !expect(' ') || i+2 != len(b) || (b[i+1] != 'M' && b[i+1] != 'm') {
		return 0, false
	}
	switch b[i] {
	case 'A', 'a':
		if h == 12 {
			h = 0
		}
	case 'P', 'p':
		if h != 12 {
			h += 12
		}
	default:
		return 0, false
	}
	if mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 59 || y < 1 {
		return 0, false
	}
	t := time.Date(y, time.Month(mo), d, h, mi, se, 0, time.UTC)
	if t.Day() != d {
		return 0, false
	}
	return types.TicksFromTime(t) + frac, true
}

// extraLayouts are datetime forms seen in log exports that
// types.ParseDateTime does not take: minute-precision US dates (Excel /
// pandas re-saves), dotted European dates (Windows DNS debug logs in
// German locales), syslog-style "Jan 2 2006 15:04:05" (CEF rt/start/end).
var extraLayouts = []string{
	"1/2/2006 15:04",
	"1/2/2006, 15:04",
	"1/2/2006, 15:04:05.999999999",
	"2.1.2006 15:04:05",
	"2.1.2006 15:04",
	"Jan 2 2006 15:04:05.999999999",
	"Jan 2 2006 15:04:05.999999999 MST",
	"2006-01-02T15:04:05.999999999 -0700",
}

func parseExtraLayouts(s string) (int64, bool) {
	for _, l := range extraLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return types.TicksFromTime(t), true
		}
	}
	return 0, false
}

// parseEpoch parses "1692161622.036086" exactly to 100 ns ticks.
func parseEpoch(b []byte) (int64, bool) {
	whole, frac, _ := bytes.Cut(b, []byte("."))
	sec, ok := parseInt(whole)
	if !ok {
		return 0, false
	}
	var ticks int64
	scale := types.TicksPerSecond / 10
	for _, c := range frac {
		if c < '0' || c > '9' {
			return 0, false
		}
		ticks += int64(c-'0') * scale
		scale /= 10
	}
	if sec > 253402300799 || sec < -62135596800 {
		return 0, false
	}
	return types.UnixEpochTicks + sec*types.TicksPerSecond + ticks, true
}

// hasZone reports whether datetime text carries a zone (Z or ±hh:mm).
func hasZone(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	if c := b[len(b)-1]; c == 'Z' || c == 'z' {
		return true
	}
	if len(b) > 19 {
		tail := b[19:]
		if bytes.ContainsAny(tail, "+-") {
			return true
		}
	}
	return bytes.Contains(b, []byte("GMT")) || bytes.Contains(b, []byte("UTC"))
}

// shiftToUTC reinterprets wall-clock ticks (parsed as if UTC) as local
// time in loc and returns the UTC ticks.
func shiftToUTC(ticks int64, loc *time.Location) int64 {
	wall := types.TimeFromTicks(ticks)
	t := time.Date(wall.Year(), wall.Month(), wall.Day(), wall.Hour(), wall.Minute(), wall.Second(), wall.Nanosecond(), loc)
	return types.TicksFromTime(t)
}

// ParseDynamic parses JSON text; text that is not JSON is kept as a string.
func ParseDynamic(b []byte) any {
	t := trimSpace(b)
	if len(t) > 0 && (t[0] == '{' || t[0] == '[' || t[0] == '"') {
		var v any
		d := json.NewDecoder(bytes.NewReader(t))
		d.UseNumber()
		if d.Decode(&v) == nil && !d.More() {
			return normaliseJSON(v)
		}
	}
	if n, ok := parseInt(t); ok {
		return n
	}
	if f, ok := ParseReal(t); ok && len(t) > 0 && (t[0] == '-' || t[0] >= '0' && t[0] <= '9') {
		return f
	}
	if bl, ok := ParseBool(t); ok && len(t) > 1 {
		return bl
	}
	return string(b)
}

// normaliseJSON turns json.Number into int64 or float64, as types.Column
// expects for dynamic payloads.
func normaliseJSON(v any) any {
	switch x := v.(type) {
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n
		}
		f, _ := x.Float64()
		return f
	case []any:
		for i := range x {
			x[i] = normaliseJSON(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = normaliseJSON(x[k])
		}
	}
	return v
}

// Convert converts raw text to a value of type t, for callers outside the
// hot loop (tests, ASIM argument handling). Empty/`null` text gives a null.
func Convert(b []byte, t types.Type, loc *time.Location, epoch bool) (types.Value, error) {
	if isNull(b, t) {
		return types.NullOf(t), nil
	}
	var ok bool
	v := types.Value{T: t}
	switch {
	case t == types.Bool:
		var x bool
		x, ok = ParseBool(b)
		v = types.BoolValue(x)
	case t == types.Int:
		v.I, ok = ParseLong(b)
		ok = ok && v.I == int64(int32(v.I))
	case t == types.Long:
		v.I, ok = ParseLong(b)
	case t.UsesReals():
		v.F, ok = ParseReal(b)
	case t == types.DateTime:
		v.I, ok = ParseDateTimeIn(b, loc, epoch)
	case t == types.TimeSpan:
		var err error
		v.I, err = types.ParseTimeSpan(string(b))
		ok = err == nil
	case t.UsesStrs():
		v.S, ok = string(b), true
	default:
		v, ok = types.DynamicValue(ParseDynamic(b)), true
	}
	if !ok {
		return types.NullOf(t), fmt.Errorf("cannot convert %q to %v", clip(b), t)
	}
	return v, nil
}

func clip(b []byte) string {
	if len(b) > 60 {
		return string(b[:60]) + "..."
	}
	return string(b)
}
