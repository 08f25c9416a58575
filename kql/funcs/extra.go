package funcs

import (
	"math"
	"math/bits"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // datetime_utc_to_local needs the IANA zone database on every OS

	"github.com/huntpack/huntpack/kql/types"
)

// Less common functions: array shifting, element-wise iff, multi-string
// replacement, byte formatting, time zones and CIDR lists.

func addExtra(r *Registry) {
	for _, s := range []struct {
		name, doc string
		dir       int
		rotate    bool
	}{
		{"array_shift_left", "Shifts the elements left by n, filling with fill (default null); a negative n shifts right.", -1, false},
		{"array_shift_right", "Shifts the elements right by n, filling with fill (default null); a negative n shifts left.", 1, false},
		{"array_rotate_left", "Rotates the elements left by n.", -1, true},
		{"array_rotate_right", "Rotates the elements right by n.", 1, true},
	} {
		dir, rotate := s.dir, s.rotate
		sig := s.name + "(array: dynamic, n: int [, fill: any]): dynamic"
		maxArgs := 3
		if rotate {
			sig = s.name + "(array: dynamic, n: int): dynamic"
			maxArgs = 2
		}
		scalar(r, s.name, sig, s.doc, 2, maxArgs, fixed(types.Dynamic), func(_ *Context, a []types.Value) types.Value {
			arr, ok := arrayArg(a[0])
			n, ok2 := asLong(a[1])
			if !ok || !ok2 {
				return dynNull()
			}
			var fill any
			if len(a) > 2 {
				fill = toDyn(a[2])
			}
			return dynValue(shiftArray(arr, n*int64(dir), rotate, fill))
		})
	}
	scalar(r, "array_iff", "array_iff(condition: dynamic, ifTrue: dynamic|scalar, ifFalse: dynamic|scalar): dynamic", "Element-wise iff over arrays; a non-bool condition element gives null.",
		3, 3, fixed(types.Dynamic), evalArrayIff, "array_iif")
	scalar(r, "replace_strings", "replace_strings(text: string, lookups: dynamic, rewrites: dynamic): string", "Replaces several strings at once; earlier lookups take priority and replaced text is not rescanned.",
		3, 3, fixed(types.String), evalReplaceStrings)
	scalar(r, "format_bytes", "format_bytes(size: long [, precision: int [, units: string [, base: int]]]): string", "Formats a byte count with a unit (Bytes, KB, MB, ...), base 1024 by default.",
		1, 4, fixed(types.String), evalFormatBytes)
	scalar(r, "erf", "erf(x: real): real", "The error function.", 1, 1, fixed(types.Real), realFunc1(math.Erf))
	scalar(r, "erfc", "erfc(x: real): real", "The complementary error function.", 1, 1, fixed(types.Real), realFunc1(math.Erfc))
	scalar(r, "strcmp", "strcmp(string1: string, string2: string): int", "Compares two strings ordinally: -1, 0 or 1.",
		2, 2, fixed(types.Int), func(_ *Context, a []types.Value) types.Value {
			return intV(int64(strings.Compare(str(a[0]), str(a[1]))))
		})
	scalar(r, "has_any_index", "has_any_index(source: string, values: dynamic): long", "Returns the index of the first value that source has as a term, or -1.",
		2, 2, fixed(types.Long), func(_ *Context, a []types.Value) types.Value {
			arr, ok := arrayArg(a[1])
			if !ok {
				return nullOf(types.Long)
			}
			s := str(a[0])
			for i, e := range arr {
				if Has(s, str(dynValue(e))) {
					return longV(int64(i))
				}
			}
			return longV(-1)
		})
	scalar(r, "datetime_utc_to_local", "datetime_utc_to_local(from: datetime, timezone: string): datetime", "Converts a UTC datetime to local time in an IANA time zone; null for an unknown zone.",
		2, 2, fixed(types.DateTime), evalTZ(true))
	scalar(r, "datetime_local_to_utc", "datetime_local_to_utc(from: datetime, timezone: string): datetime", "Converts a local datetime in an IANA time zone to UTC; null for an unknown zone.",
		2, 2, fixed(types.DateTime), evalTZ(false))
	scalar(r, "ipv4_range_to_cidr_list", "ipv4_range_to_cidr_list(startAddress: string, endAddress: string): dynamic", "Returns the smallest list of CIDR blocks covering an IPv4 range.",
		2, 2, fixed(types.Dynamic), evalRangeToCIDR)
}

func shiftArray(arr []any, n int64, rotate bool, fill any) []any {
	l := int64(len(arr))
	out := make([]any, l)
	if l == 0 {
		return out
	}
	if rotate {
		n = ((n % l) + l) % l
		for i := int64(0); i < l; i++ {
			out[(i+n)%l] = arr[i]
		}
		return out
	}
	for i := range out {
		out[i] = fill
	}
	for i := int64(0); i < l; i++ {
		if j := i + n; j >= 0 && j < l {
			out[j] = arr[i]
		}
	}
	return out
}

func evalArrayIff(_ *Context, a []types.Value) types.Value {
	conds, ok := arrayArg(a[0])
	if !ok {
		return dynNull()
	}
	pick := func(v types.Value, i int) any {
		if arr, ok := arrayArg(v); ok {
			if i < len(arr) {
				return arr[i]
			}
			return nil
		}
		return toDyn(v)
	}
	out := make([]any, len(conds))
	for i, c := range conds {
		var b, ok bool
		switch x := c.(type) {
		case bool:
			b, ok = x, true
		case int64:
			b, ok = x != 0, true
		case float64:
			b, ok = x != 0, true
		}
		switch {
		case !ok:
			out[i] = nil
		case b:
			out[i] = pick(a[1], i)
		default:
			out[i] = pick(a[2], i)
		}
	}
	return dynValue(out)
}

func evalReplaceStrings(_ *Context, a []types.Value) types.Value {
	look, ok1 := arrayArg(a[1])
	rep, ok2 := arrayArg(a[2])
	s := str(a[0])
	if !ok1 || !ok2 {
		return strV(s)
	}
	var pairs [][2]string
	for i, l := range look {
		ls, ok := l.(string)
		if !ok || ls == "" {
			continue
		}
		var rs string
		if i < len(rep) {
			rs, ok = rep[i].(string)
		} else {
			ok = false
		}
		if !ok {
			rs = ls // a non-string replacement keeps the matched text (page example)
		}
		pairs = append(pairs, [2]string{ls, rs})
	}
	return strV(replaceSeq(s, pairs))
}

// replaceSeq gives earlier lookups priority: the text is split at every
// occurrence of the first lookup, the rest are applied to the pieces in
// between, and replaced text is never rescanned (replace_strings page).
func replaceSeq(s string, pairs [][2]string) string {
	if len(pairs) == 0 || s == "" {
		return s
	}
	parts := strings.Split(s, pairs[0][0])
	for i, p := range parts {
		parts[i] = replaceSeq(p, pairs[1:])
	}
	return strings.Join(parts, pairs[0][1])
}

var byteUnits = []string{"Bytes", "KB", "MB", "GB", "TB", "PB", "EB"}

func evalFormatBytes(_ *Context, a []types.Value) types.Value {
	size, ok := asReal(a[0])
	if !ok {
		return strV("")
	}
	prec := int64(0)
	if len(a) > 1 {
		prec, _ = asLong(a[1])
		prec = max(0, min(prec, 15))
	}
	base := 1024.0
	if len(a) > 3 {
		if b, ok := asLong(a[3]); ok && b == 1000 {
			base = 1000
		}
	}
	unit := -1
	if len(a) > 2 {
		want := strings.ToLower(str(a[2]))
		for i, u := range byteUnits {
			if strings.ToLower(u) == want || (i == 0 && want == "b") {
				unit = i
			}
		}
	}
	if unit < 0 {
		unit = 0
		for v := math.Abs(size); v >= base && unit < len(byteUnits)-1; v /= base {
			unit++
		}
	}
	v := size / math.Pow(base, float64(unit))
	return strV(strconv.FormatFloat(roundHalfAway(v, int(prec)), 'f', int(prec), 64) + " " + byteUnits[unit])
}

func roundHalfAway(v float64, prec int) float64 {
	p := math.Pow(10, float64(prec))
	return math.Round(v*p) / p
}

func evalTZ(toLocal bool) EvalFunc {
	return func(_ *Context, a []types.Value) types.Value {
		ticks, ok := datetimeArg(a[0])
		if !ok {
			return nullOf(types.DateTime)
		}
		loc, err := time.LoadLocation(strings.TrimSpace(str(a[1])))
		if err != nil || str(a[1]) == "" {
			return nullOf(types.DateTime)
		}
		t := types.TimeFromTicks(ticks)
		if toLocal {
			_, off := t.In(loc).Zone()
			return types.DateTimeValue(ticks + int64(off)*types.TicksPerSecond)
		}
		local := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc)
		_, off := local.Zone()
		return types.DateTimeValue(ticks - int64(off)*types.TicksPerSecond)
	}
}

func evalRangeToCIDR(_ *Context, a []types.Value) types.Value {
	lo, _, ok1 := ipv4Arg(a[0])
	hi, _, ok2 := ipv4Arg(a[1])
	if !ok1 || !ok2 || lo > hi {
		return dynNull()
	}
	out := []any{}
	cur := uint64(lo)
	for cur <= uint64(hi) {
		// Largest block aligned at cur that fits in the range.
		size := 32
		if cur != 0 {
			size = bits.TrailingZeros64(cur)
			if size > 32 {
				size = 32
			}
		}
		for size > 0 && cur+(1<<uint(size))-1 > uint64(hi) {
			size--
		}
		out = append(out, FormatIPv4(uint32(cur))+"/"+strconv.Itoa(32-size))
		cur += 1 << uint(size)
	}
	return dynValue(out)
}
