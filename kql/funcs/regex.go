package funcs

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/huntpack/huntpack/kql/types"
)

// Kusto's regular expressions are RE2 (regex.md), which Go's regexp
// implements; patterns are compiled once and cached.

// regexCache maps a pattern to its *regexp.Regexp. Reads are lock-free
// (the engine evaluates rows in parallel); the cache is dropped when it
// reaches maxCachedRegexes, so per-row patterns built from data cannot
// grow it without limit.
var (
	regexCache     sync.Map
	regexCacheSize atomic.Int64
)

const maxCachedRegexes = 4096

// CompileRegex compiles a KQL regular expression (RE2 syntax, as Kusto's
// regex.md documents), caching the result. The engine uses it for
// `matches regex` and `parse kind=regex`.
func CompileRegex(pattern string) (*regexp.Regexp, error) {
	if re, ok := regexCache.Load(pattern); ok {
		return re.(*regexp.Regexp), nil
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, fmt.Errorf("invalid regular expression %q: %w", pattern, err)
	}
	if regexCacheSize.Add(1) > maxCachedRegexes {
		regexCache.Clear()
		regexCacheSize.Store(1)
	}
	regexCache.Store(pattern, re)
	return re, nil
}

// regexArg compiles the pattern in v; nil when it is invalid.
func regexArg(v types.Value) *regexp.Regexp {
	re, err := CompileRegex(str(v))
	if err != nil {
		return nil
	}
	return re
}

func addRegexFuncs(r *Registry) {
	scalar(r, "extract", "extract(regex: string, captureGroup: int, source: string [, typeLiteral: type]): string", "Returns the given capture group of the first regex match (0 = whole match), optionally converted to typeLiteral; \"\" (or null) when there is no match.",
		3, 4, extractResult, evalExtract)
	scalar(r, "extract_all", "extract_all(regex: string, [captureGroups: dynamic,] source: string): dynamic", "Returns all matches of the regex: an array of strings for one capture group, an array of arrays for several; null when nothing matches.",
		2, 3, fixed(types.Dynamic), evalExtractAll, "extractall")
	scalar(r, "replace_regex", "replace_regex(source: string, lookup_regex: string, rewrite_pattern: string): string", "Replaces all regex matches with the rewrite pattern (\\1..\\9 refer to capture groups).",
		3, 3, fixed(types.String), func(_ *Context, a []types.Value) types.Value { return replaceRegex(a[0], a[1], a[2]) })
	scalar(r, "replace", "replace(regex: string, rewrite: string, source: string): string", "Deprecated form of replace_regex with the arguments in the order regex, rewrite, source.",
		3, 3, fixed(types.String), func(_ *Context, a []types.Value) types.Value { return replaceRegex(a[2], a[0], a[1]) })
	scalar(r, "trim", "trim(regex: string, source: string): string", "Removes all leading and trailing matches of the regex.",
		2, 2, fixed(types.String), evalTrim(true, true))
	scalar(r, "trim_start", "trim_start(regex: string, source: string): string", "Removes all leading matches of the regex.",
		2, 2, fixed(types.String), evalTrim(true, false))
	scalar(r, "trim_end", "trim_end(regex: string, source: string): string", "Removes all trailing matches of the regex.",
		2, 2, fixed(types.String), evalTrim(false, true))
	scalar(r, "countof", "countof(source: string, search: string [, kind: string]): long", "Counts occurrences of search: overlapping plain-string matches (kind \"normal\", the default) or regex matches (kind \"regex\").",
		2, 3, fixed(types.Long), evalCountOf)
	scalar(r, "indexof_regex", "indexof_regex(source: string, lookup: string [, start: long [, length: long [, occurrence: long]]]): long", "Returns the zero-based character index of the n-th regex match, or -1.",
		2, 5, fixed(types.Long), evalIndexOfRegex)
	scalar(r, "regex_quote", "regex_quote(value: string): string", "Escapes every regex metacharacter in the string.",
		1, 1, fixed(types.String), unary(func(v types.Value) types.Value { return strV(regexp.QuoteMeta(str(v))) }))
}

func extractResult(a []types.Type) (types.Type, error) {
	if len(a) == 4 && a[3] != types.Null && a[3] != types.String {
		return a[3], nil
	}
	return types.String, nil
}

func evalExtract(_ *Context, a []types.Value) types.Value {
	want := types.String
	if len(a) == 4 {
		if t, ok := typeArg(a[3]); ok {
			want = t
		}
	}
	miss := nullOf(want)
	if len(a) == 4 && a[3].T == types.String {
		miss = strV("")
	}
	re := regexArg(a[0])
	g, ok := asLong(a[1])
	if re == nil || !ok || g < 0 || int(g) > re.NumSubexp() {
		return miss
	}
	src := str(a[2])
	m := re.FindStringSubmatchIndex(src)
	if m == nil || m[2*g] < 0 {
		return miss
	}
	s := src[m[2*g]:m[2*g+1]]
	if want == types.String {
		return strV(s)
	}
	return typedResult(convertStringTo(s, want), a[3])
}

// typedResult keeps a typed extract/extractjson result consistent with
// the type the planner saw for the type argument: a typed null (or any
// value of type T) plans as T and gets the converted value; a type name
// passed as a string plans as string and gets the converted value's text
// ("" when it did not convert).
func typedResult(v types.Value, typeArgValue types.Value) types.Value {
	if typeArgValue.T == types.String {
		return strV(str(v))
	}
	return v
}

func evalExtractAll(_ *Context, a []types.Value) types.Value {
	re := regexArg(a[0])
	if re == nil {
		return dynValue(nil)
	}
	src := str(a[len(a)-1])
	groups, ok := captureGroups(re, a)
	if !ok {
		return dynValue(nil)
	}
	ms := re.FindAllStringSubmatchIndex(src, -1)
	if len(ms) == 0 {
		return dynValue(nil)
	}
	out := make([]any, 0, len(ms))
	for _, m := range ms {
		if len(groups) == 1 {
			out = append(out, groupText(src, m, groups[0]))
			continue
		}
		row := make([]any, len(groups))
		for i, g := range groups {
			row[i] = groupText(src, m, g)
		}
		out = append(out, row)
	}
	return dynValue(out)
}

// captureGroups resolves extract_all's group selection: the explicit
// dynamic array (indexes or names), else every group, else group 0.
func captureGroups(re *regexp.Regexp, a []types.Value) ([]int, bool) {
	n := re.NumSubexp()
	if len(a) == 3 {
		arr, ok := a[1].D.([]any)
		if !ok || len(arr) == 0 {
			return nil, false
		}
		var gs []int
		for _, e := range arr {
			switch x := e.(type) {
			case int64:
				if x < 0 || int(x) > n {
					return nil, false
				}
				gs = append(gs, int(x))
			case string:
				i := re.SubexpIndex(x)
				if i < 0 {
					return nil, false
				}
				gs = append(gs, i)
			default:
				return nil, false
			}
		}
		return gs, true
	}
	if n == 0 {
		return []int{0}, true
	}
	gs := make([]int, n)
	for i := range gs {
		gs[i] = i + 1
	}
	return gs, true
}

func groupText(src string, m []int, g int) any {
	if m[2*g] < 0 {
		return ""
	}
	return src[m[2*g]:m[2*g+1]]
}

// kustoRewrite converts a Kusto rewrite pattern (\0..\9 for groups) to
// Go's template syntax, escaping literal dollars.
func kustoRewrite(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '$':
			b.WriteString("$$")
		case c == '\\' && i+1 < len(p) && p[i+1] >= '0' && p[i+1] <= '9':
			b.WriteString("${" + string(p[i+1]) + "}")
			i++
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func replaceRegex(src, pat, rewrite types.Value) types.Value {
	re := regexArg(pat)
	if re == nil {
		return strV(str(src))
	}
	return strV(re.ReplaceAllString(str(src), kustoRewrite(str(rewrite))))
}

func evalTrim(start, end bool) EvalFunc {
	return func(_ *Context, a []types.Value) types.Value {
		p := str(a[0])
		s := str(a[1])
		if start {
			if re, err := CompileRegex("^(?:" + p + ")+"); err == nil {
				if m := re.FindStringIndex(s); m != nil {
					s = s[m[1]:]
				}
			}
		}
		if end {
			if re, err := CompileRegex("(?:" + p + ")+$"); err == nil {
				if m := re.FindStringIndex(s); m != nil {
					s = s[:m[0]]
				}
			}
		}
		return strV(s)
	}
}

func evalCountOf(_ *Context, a []types.Value) types.Value {
	src, search := str(a[0]), str(a[1])
	kind := "normal"
	if len(a) > 2 {
		kind = strings.ToLower(str(a[2]))
	}
	switch kind {
	case "regex":
		re := regexArg(a[1])
		if re == nil {
			return nullOf(types.Long)
		}
		return longV(int64(len(re.FindAllStringIndex(src, -1))))
	case "normal", "":
		if search == "" {
			return longV(0)
		}
		n := int64(0)
		for i := 0; ; {
			j := strings.Index(src[i:], search)
			if j < 0 {
				break
			}
			n++
			_, size := firstRune(search)
			i += j + size
		}
		return longV(n)
	}
	return nullOf(types.Long)
}

// firstRune returns the first rune of s and its size (for overlapping
// search advancing by one character).
func firstRune(s string) (rune, int) {
	for i, r := range s {
		if i == 0 {
			return r, len(string(r))
		}
	}
	return 0, 1
}

func evalIndexOfRegex(_ *Context, a []types.Value) types.Value {
	if anyNull(a) {
		return nullOf(types.Long)
	}
	re := regexArg(a[1])
	if re == nil {
		return nullOf(types.Long)
	}
	src := []rune(str(a[0]))
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
		return nullOf(types.Long)
	}
	if start > n || occ <= 0 || length < -1 {
		return longV(-1)
	}
	end := n
	if length >= 0 && start+length < n {
		end = start + length
	}
	sub := string(src[start:end])
	ms := re.FindAllStringIndex(sub, -1)
	if int64(len(ms)) < occ {
		return longV(-1)
	}
	off := ms[occ-1][0]
	return longV(start + int64(len([]rune(sub[:off]))))
}
