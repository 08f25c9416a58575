package funcs

import (
	"strings"
	"unicode/utf8"

	"github.com/huntpack/huntpack/kql/types"
)

// String functions. Positions and lengths count Unicode code points
// (runes), which is what Kusto's examples show for non-ASCII text;
// string_size counts UTF-8 bytes.

func addStrings(r *Registry) {
	scalar(r, "strlen", "strlen(source: string): long", "Returns the length of the string in characters.",
		1, 1, fixed(types.Long), unary(func(v types.Value) types.Value { return longV(int64(utf8.RuneCountInString(str(v)))) }))
	scalar(r, "string_size", "string_size(source: string): long", "Returns the size of the string in bytes (UTF-8).",
		1, 1, fixed(types.Long), unary(func(v types.Value) types.Value { return longV(int64(len(str(v)))) }))
	scalar(r, "substring", "substring(source: string, startingIndex: long [, length: long]): string", "Extracts a substring starting at a zero-based character index.",
		2, 3, fixed(types.String), evalSubstring)
	scalar(r, "tolower", "tolower(source: string): string", "Converts the string to lower case.",
		1, 1, fixed(types.String), unary(func(v types.Value) types.Value { return strV(strings.ToLower(str(v))) }))
	scalar(r, "toupper", "toupper(source: string): string", "Converts the string to upper case.",
		1, 1, fixed(types.String), unary(func(v types.Value) types.Value { return strV(strings.ToUpper(str(v))) }))
	scalar(r, "strcat", "strcat(arg1: any, arg2: any, ...): string", "Concatenates 1 to 64 arguments, converting each to a string.",
		1, 64, fixed(types.String), evalStrcat)
	scalar(r, "strcat_delim", "strcat_delim(delimiter: string, arg1: any, arg2: any, ...): string", "Concatenates 2 to 64 arguments with a delimiter between them.",
		3, 65, fixed(types.String), evalStrcatDelim)
	scalar(r, "strcat_array", "strcat_array(array: dynamic, delimiter: string): string", "Joins the elements of a dynamic array with a delimiter.",
		2, 2, fixed(types.String), evalStrcatArray, "array_strcat")
	scalar(r, "split", "split(source: string, delimiter: string [, requestedIndex: int]): dynamic", "Splits a string by a delimiter into a dynamic array of strings; with an index, an array holding only that element.",
		2, 3, fixed(types.Dynamic), evalSplit)
	scalar(r, "replace_string", "replace_string(text: string, lookup: string, rewrite: string): string", "Replaces every occurrence of lookup (a plain string) with rewrite.",
		3, 3, fixed(types.String), func(_ *Context, a []types.Value) types.Value {
			lookup := str(a[1])
			if lookup == "" {
				return strV(str(a[0]))
			}
			return strV(strings.ReplaceAll(str(a[0]), lookup, str(a[2])))
		})
	scalar(r, "indexof", "indexof(source: string, lookup: string [, start: long [, length: long [, occurrence: long]]]): long", "Returns the zero-based character index of the n-th occurrence of lookup, or -1.",
		2, 5, fixed(types.Long), evalIndexOf)
	scalar(r, "reverse", "reverse(value: string): string", "Reverses the characters of the value's text (datetimes in their 7-digit round-trip form).",
		1, 1, fixed(types.String), unary(func(v types.Value) types.Value { return strV(reverseRunes(roundTripText(v))) }))
	scalar(r, "strrep", "strrep(value: any, multiplier: int [, delimiter: string]): string", "Repeats the string multiplier times, with an optional delimiter.",
		2, 3, fixed(types.String), evalStrrep)
	scalar(r, "translate", "translate(searchList: string, replacementList: string, source: string): string", "Replaces characters of searchList with the character at the same position in replacementList (the last one when it is shorter; removes them when it is empty).",
		3, 3, fixed(types.String), evalTranslate)
	scalar(r, "isascii", "isascii(value: string): bool", "True when every character is ASCII.",
		1, 1, fixed(types.Bool), unary(func(v types.Value) types.Value { return boolV(isASCIIString(str(v))) }))
	scalar(r, "isutf8", "isutf8(value: string): bool", "True when the string is valid UTF-8.",
		1, 1, fixed(types.Bool), unary(func(v types.Value) types.Value { return boolV(utf8.ValidString(str(v))) }))
	scalar(r, "make_string", "make_string(arg1: int|dynamic, ...): string", "Builds a string from Unicode code points (ints or arrays of ints).",
		1, 64, fixed(types.String), evalMakeString)
	scalar(r, "unicode_codepoints_from_string", "unicode_codepoints_from_string(value: string): dynamic", "Returns the Unicode code points of the string as a dynamic array.",
		1, 1, fixed(types.Dynamic), unary(func(v types.Value) types.Value {
			out := []any{}
			for _, r := range str(v) {
				out = append(out, int64(r))
			}
			return dynValue(out)
		}))
	scalar(r, "to_utf8", "to_utf8(value: string): dynamic", "Returns the UTF-8 bytes of the string as a dynamic array of longs.",
		1, 1, fixed(types.Dynamic), unary(func(v types.Value) types.Value {
			s := str(v)
			out := make([]any, len(s))
			for i := 0; i < len(s); i++ {
				out[i] = int64(s[i])
			}
			return dynValue(out)
		}))
}

func isASCIIString(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func reverseRunes(s string) string {
	rs := []rune(s)
	for i, j := 0, len(rs)-1; i < j; i, j = i+1, j-1 {
		rs[i], rs[j] = rs[j], rs[i]
	}
	return string(rs)
}

func evalSubstring(_ *Context, a []types.Value) types.Value {
	start, ok := asLong(a[1])
	if !ok {
		return strV("")
	}
	rs := []rune(str(a[0]))
	n := int64(len(rs))
	length := n
	if len(a) > 2 {
		l, ok := asLong(a[2])
		if !ok {
			if !a[2].IsNull() {
				return strV("")
			}
		} else {
			length = l
		}
	}
	if start < 0 {
		// A negative start counts from the end of the string.
		start += n
		if start < 0 {
			length += start
			start = 0
		}
	}
	if start >= n || length <= 0 {
		return strV("")
	}
	end := start + length
	if end > n || end < start {
		end = n
	}
	return strV(string(rs[start:end]))
}

func evalStrcat(_ *Context, a []types.Value) types.Value {
	var b strings.Builder
	for _, v := range a {
		b.WriteString(str(v))
	}
	return strV(b.String())
}

func evalStrcatDelim(_ *Context, a []types.Value) types.Value {
	d := str(a[0])
	var b strings.Builder
	for i, v := range a[1:] {
		if i > 0 {
			b.WriteString(d)
		}
		b.WriteString(str(v))
	}
	return strV(b.String())
}

func evalStrcatArray(_ *Context, a []types.Value) types.Value {
	arr, ok := a[0].D.([]any)
	if a[0].T != types.Dynamic || !ok {
		return strV("")
	}
	d := str(a[1])
	var b strings.Builder
	for i, e := range arr {
		if i > 0 {
			b.WriteString(d)
		}
		b.WriteString(str(dynValue(e)))
	}
	return strV(b.String())
}

func evalSplit(_ *Context, a []types.Value) types.Value {
	s, d := str(a[0]), str(a[1])
	var parts []string
	if d == "" {
		parts = []string{s}
	} else {
		parts = strings.Split(s, d)
	}
	if len(a) > 2 {
		i, ok := asLong(a[2])
		if !ok {
			return dynValue(nil)
		}
		if i < 0 {
			i += int64(len(parts))
		}
		if i < 0 || i >= int64(len(parts)) {
			return dynValue([]any{})
		}
		return dynValue([]any{parts[i]})
	}
	out := make([]any, len(parts))
	for i, p := range parts {
		out[i] = p
	}
	return dynValue(out)
}

func evalIndexOf(_ *Context, a []types.Value) types.Value {
	if anyNull(a) {
		return nullOf(types.Long)
	}
	src := []rune(str(a[0]))
	lookup := []rune(str(a[1]))
	n := int64(len(src))
	start, length, occ := int64(0), int64(-1), int64(1)
	if len(a) > 2 {
		start, _ = asLong(a[2])
	}
	if len(a) > 3 {
		length, _ = asLong(a[3])
	}
	if len(a) > 4 {
		occ, _ = asLong(a[4])
	}
	if start < 0 {
		start += n
		if start < 0 {
			start = 0
		}
	}
	if start > n || occ <= 0 || length < -1 {
		return longV(-1)
	}
	// Each occurrence is searched in a window of length characters from
	// just after the previous one (this reproduces the page's example
	// indexof("abcdefgabcdefg", "cde", 1, 10, 2) == 9).
	m := int64(len(lookup))
	for count := int64(1); ; count++ {
		end := n
		if length >= 0 && start+length < n {
			end = start + length
		}
		found := int64(-1)
		for i := start; i+m <= end; i++ {
			if runesEqualAt(src, lookup, i) {
				found = i
				break
			}
		}
		if found < 0 {
			return longV(-1)
		}
		if count == occ {
			return longV(found)
		}
		start = found + 1
	}
}

func runesEqualAt(src, sub []rune, i int64) bool {
	for j, r := range sub {
		if src[i+int64(j)] != r {
			return false
		}
	}
	return true
}

func evalStrrep(_ *Context, a []types.Value) types.Value {
	n, ok := asLong(a[1])
	if !ok || n <= 0 {
		return strV("")
	}
	s := str(a[0])
	d := ""
	if len(a) > 2 {
		d = str(a[2])
	}
	if n > 1024 || int64(len(s)+len(d))*n > 1<<20 {
		return strV("") // keep memory bounded; Kusto caps the result too
	}
	var b strings.Builder
	for i := int64(0); i < n; i++ {
		if i > 0 {
			b.WriteString(d)
		}
		b.WriteString(s)
	}
	return strV(b.String())
}

func evalTranslate(_ *Context, a []types.Value) types.Value {
	search := []rune(str(a[0]))
	repl := []rune(str(a[1]))
	m := map[rune]rune{}
	drop := map[rune]bool{}
	for i, r := range search {
		if _, seen := m[r]; seen || drop[r] {
			continue
		}
		switch {
		case len(repl) == 0:
			drop[r] = true
		case i < len(repl):
			m[r] = repl[i]
		default:
			m[r] = repl[len(repl)-1]
		}
	}
	var b strings.Builder
	for _, r := range str(a[2]) {
		if drop[r] {
			continue
		}
		if x, ok := m[r]; ok {
			r = x
		}
		b.WriteRune(r)
	}
	return strV(b.String())
}

func evalMakeString(_ *Context, a []types.Value) types.Value {
	var b strings.Builder
	var add func(d any) bool
	add = func(d any) bool {
		switch x := d.(type) {
		case int64:
			if x < 0 || x > utf8.MaxRune {
				return false
			}
			b.WriteRune(rune(x))
		case []any:
			for _, e := range x {
				if !add(e) {
					return false
				}
			}
		default:
			return false
		}
		return true
	}
	for _, v := range a {
		if !add(toDyn(v)) {
			return strV("")
		}
	}
	return strV(b.String())
}
