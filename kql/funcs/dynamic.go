package funcs

import (
	"sort"
	"strconv"
	"strings"

	"github.com/huntpack/huntpack/kql/types"
)

// Dynamic (array and property bag) functions. Inputs that are not of the
// expected shape give null (array_length of a bag is null, as in Kusto).

// arrayArg returns the array payload of v.
func arrayArg(v types.Value) ([]any, bool) {
	if v.T != types.Dynamic {
		return nil, false
	}
	a, ok := v.D.([]any)
	return a, ok
}

// bagArg returns the property-bag payload of v.
func bagArg(v types.Value) (map[string]any, bool) {
	if v.T != types.Dynamic {
		return nil, false
	}
	m, ok := v.D.(map[string]any)
	return m, ok
}

func dynNull() types.Value { return dynValue(nil) }

func addDynamic(r *Registry) {
	scalar(r, "array_length", "array_length(array: dynamic): long", "Returns the number of elements of a dynamic array; null when the value is not an array.",
		1, 1, fixed(types.Long), unary(func(v types.Value) types.Value {
			a, ok := arrayArg(v)
			if !ok {
				return nullOf(types.Long)
			}
			return longV(int64(len(a)))
		}), "arraylength")
	scalar(r, "array_concat", "array_concat(array1: dynamic, ...): dynamic", "Concatenates dynamic arrays; null when an argument is not an array.",
		1, 64, fixed(types.Dynamic), func(_ *Context, a []types.Value) types.Value {
			out := []any{}
			for _, v := range a {
				arr, ok := arrayArg(v)
				if !ok {
					return dynNull()
				}
				out = append(out, arr...)
			}
			return dynValue(out)
		})
	scalar(r, "array_slice", "array_slice(array: dynamic, start: long, end: long): dynamic", "Returns the elements from start to end inclusive; negative indexes count from the end.",
		3, 3, fixed(types.Dynamic), evalArraySlice)
	scalar(r, "array_index_of", "array_index_of(array: dynamic, value: any [, start: long [, length: long [, occurrence: long]]]): long", "Returns the index of the first element equal to value, or -1.",
		2, 5, fixed(types.Long), evalArrayIndexOf)
	scalar(r, "array_reverse", "array_reverse(array: dynamic): dynamic", "Reverses a dynamic array.",
		1, 1, fixed(types.Dynamic), unary(func(v types.Value) types.Value {
			a, ok := arrayArg(v)
			if !ok {
				return dynNull()
			}
			out := make([]any, len(a))
			for i, e := range a {
				out[len(a)-1-i] = e
			}
			return dynValue(out)
		}))
	for _, srt := range []struct {
		name string
		dir  int
	}{{"array_sort_asc", 1}, {"array_sort_desc", -1}} {
		order := "ascending"
		if srt.dir < 0 {
			order = "descending"
		}
		r.AddScalar(&Scalar{Name: srt.name, Sig: srt.name + "(array1: dynamic [, array2, ...] [, nulls_last: bool]): dynamic",
			Doc:     "Sorts an array " + order + " (nulls last unless nulls_last is false); further arrays of the same length are reordered like the first, one output each.",
			MinArgs: 1, MaxArgs: 64, Result: fixed(types.Dynamic), Eval: evalArraySort(srt.dir), Results: m2ArraySortResults})
	}
	scalar(r, "array_sum", "array_sum(array: dynamic): real", "Sums the numeric elements of an array; null when one is not numeric.",
		1, 1, fixed(types.Real), unary(func(v types.Value) types.Value {
			a, ok := arrayArg(v)
			if !ok {
				return nullOf(types.Real)
			}
			s := 0.0
			for _, e := range a {
				if dynKind(e) != 2 {
					return nullOf(types.Real)
				}
				s += dynFloat(e)
			}
			return realV(s)
		}))
	scalar(r, "array_split", "array_split(array: dynamic, index: long|dynamic): dynamic", "Splits an array at the given index or indexes into an array of arrays.",
		2, 2, fixed(types.Dynamic), evalArraySplit)
	scalar(r, "set_has_element", "set_has_element(set: dynamic, value: any): bool", "True when the array contains the value.",
		2, 2, fixed(types.Bool), func(_ *Context, a []types.Value) types.Value {
			arr, ok := arrayArg(a[0])
			if !ok {
				return nullOf(types.Bool)
			}
			return boolV(indexOfDyn(arr, toDyn(a[1]), 0) >= 0)
		})
	scalar(r, "set_union", "set_union(set1: dynamic, set2: dynamic, ...): dynamic", "Returns the distinct elements of all the arrays.",
		2, 64, fixed(types.Dynamic), evalSetOp(setUnion))
	scalar(r, "set_intersect", "set_intersect(set1: dynamic, set2: dynamic, ...): dynamic", "Returns the distinct elements present in every array.",
		2, 64, fixed(types.Dynamic), evalSetOp(setIntersect))
	scalar(r, "set_difference", "set_difference(set1: dynamic, set2: dynamic, ...): dynamic", "Returns the distinct elements of the first array that are in none of the others.",
		2, 64, fixed(types.Dynamic), evalSetOp(setDifference))
	scalar(r, "jaccard_index", "jaccard_index(set1: dynamic, set2: dynamic): real", "Returns |intersection| / |union| of the distinct elements of two arrays.",
		2, 2, fixed(types.Real), func(_ *Context, a []types.Value) types.Value {
			x, ok1 := arrayArg(a[0])
			y, ok2 := arrayArg(a[1])
			if !ok1 || !ok2 {
				return nullOf(types.Real)
			}
			u := setUnion([][]any{x, y})
			if len(u) == 0 {
				return nullOf(types.Real)
			}
			return realV(float64(len(setIntersect([][]any{x, y}))) / float64(len(u)))
		})
	scalar(r, "pack_array", "pack_array(value1: any, ...): dynamic", "Packs the arguments into a dynamic array.",
		0, -1, fixed(types.Dynamic), func(_ *Context, a []types.Value) types.Value {
			out := make([]any, len(a))
			for i, v := range a {
				out[i] = toDyn(v)
			}
			return dynValue(out)
		})
	scalar(r, "bag_pack", "bag_pack(key1: string, value1: any, ...): dynamic", "Builds a property bag from key/value pairs.",
		0, -1, fixed(types.Dynamic), evalBagPack, "pack", "pack_dictionary")
	scalar(r, "bag_keys", "bag_keys(bag: dynamic): dynamic", "Returns the keys of a property bag as an array (sorted).",
		1, 1, fixed(types.Dynamic), unary(func(v types.Value) types.Value {
			m, ok := bagArg(v)
			if !ok {
				return dynNull()
			}
			ks := sortedKeys(m)
			out := make([]any, len(ks))
			for i, k := range ks {
				out[i] = k
			}
			return dynValue(out)
		}))
	scalar(r, "bag_merge", "bag_merge(bag1: dynamic, bag2: dynamic, ...): dynamic", "Merges property bags; on a repeated key the first bag wins.",
		2, 64, fixed(types.Dynamic), func(_ *Context, a []types.Value) types.Value {
			out := map[string]any{}
			for _, v := range a {
				m, ok := bagArg(v)
				if !ok {
					continue
				}
				for k, e := range m {
					if _, dup := out[k]; !dup {
						out[k] = e
					}
				}
			}
			return dynValue(out)
		})
	scalar(r, "bag_remove_keys", "bag_remove_keys(bag: dynamic, keys: dynamic): dynamic", "Removes the listed keys (or JSONPath-style paths like $.a.b) from a property bag.",
		2, 2, fixed(types.Dynamic), evalBagRemoveKeys)
	scalar(r, "bag_has_key", "bag_has_key(bag: dynamic, key: string): bool", "True when the property bag has the key (or path $.a.b).",
		2, 2, fixed(types.Bool), func(_ *Context, a []types.Value) types.Value {
			if _, ok := bagArg(a[0]); !ok {
				return nullOf(types.Bool)
			}
			_, found := jsonPathGet(a[0].D, keyPath(str(a[1])))
			return boolV(found)
		})
	scalar(r, "bag_set_key", "bag_set_key(bag: dynamic, key: string, value: dynamic): dynamic", "Returns a copy of the bag with key (or path $.a.b) set to value.",
		3, 3, fixed(types.Dynamic), evalBagSetKey)
	scalar(r, "zip", "zip(array1: dynamic, array2: dynamic, ...): dynamic", "Zips arrays into an array of tuples, padding shorter arrays with null.",
		2, 16, fixed(types.Dynamic), evalZip)
	scalar(r, "treepath", "treepath(object: dynamic): dynamic", "Enumerates the JSONPath expressions of every leaf and node of a dynamic object.",
		1, 1, fixed(types.Dynamic), unary(evalTreepath))
	scalar(r, "extractjson", "extractjson(jsonPath: string, dataSource: string [, type: typeof]): string", "Reads the element at a JSONPath ($.a.b[0], $['k']) from a JSON text; null/\"\" when absent.",
		2, 3, extractResult3, evalExtractJSON, "extract_json")
	scalar(r, "dynamic_to_json", "dynamic_to_json(value: dynamic): string", "Renders a dynamic value as JSON text with sorted keys.",
		1, 1, fixed(types.String), unary(func(v types.Value) types.Value { return strV(jsonText(toDyn(v))) }))
	scalar(r, "range", "range(start: number|datetime, stop: same, [step: number|timespan]): dynamic", "Returns an array of values from start to stop (inclusive) by step.",
		2, 3, fixed(types.Dynamic), evalRange)
	scalar(r, "repeat", "repeat(value: any, count: long): dynamic", "Returns an array holding value count times.",
		2, 2, fixed(types.Dynamic), func(_ *Context, a []types.Value) types.Value {
			n, ok := asLong(a[1])
			if !ok || n < 0 || n > 1<<20 {
				return dynNull()
			}
			out := make([]any, n)
			d := toDyn(a[0])
			for i := range out {
				out[i] = d
			}
			return dynValue(out)
		})
	scalar(r, "unicode_codepoints_to_string", "unicode_codepoints_to_string(values: int|dynamic, ...): string", "Builds a string from Unicode code points (same as make_string).",
		1, 64, fixed(types.String), evalMakeString)
}

func normIndex(i, n int64) int64 {
	if i < 0 {
		i += n
	}
	return i
}

func evalArraySlice(_ *Context, a []types.Value) types.Value {
	arr, ok := arrayArg(a[0])
	st, ok1 := asLong(a[1])
	en, ok2 := asLong(a[2])
	if !ok || !ok1 || !ok2 {
		return dynNull()
	}
	n := int64(len(arr))
	st, en = normIndex(st, n), normIndex(en, n)
	if st < 0 {
		st = 0
	}
	if en >= n {
		en = n - 1
	}
	if st > en || st >= n {
		return dynValue([]any{})
	}
	return dynValue(append([]any{}, arr[st:en+1]...))
}

func indexOfDyn(arr []any, want any, start int) int {
	for i := start; i < len(arr); i++ {
		if dynEqual(arr[i], want) {
			return i
		}
	}
	return -1
}

func evalArrayIndexOf(_ *Context, a []types.Value) types.Value {
	arr, ok := arrayArg(a[0])
	if !ok {
		return nullOf(types.Long)
	}
	n := int64(len(arr))
	start, length, occ := int64(0), int64(-1), int64(1)
	if len(a) > 2 {
		if start, ok = asLong(a[2]); !ok {
			return nullOf(types.Long)
		}
		start = normIndex(start, n)
		if start < 0 {
			start = 0
		}
	}
	if len(a) > 3 {
		length, _ = asLong(a[3])
	}
	if len(a) > 4 {
		occ, _ = asLong(a[4])
	}
	end := n
	if length >= 0 && start+length < n {
		end = start + length
	}
	if occ == 0 || start > n {
		return longV(-1)
	}
	want := toDyn(a[1])
	if occ < 0 {
		cnt := int64(0)
		for i := end - 1; i >= start; i-- {
			if dynEqual(arr[i], want) {
				cnt--
				if cnt == occ {
					return longV(i)
				}
			}
		}
		return longV(-1)
	}
	cnt := int64(0)
	for i := start; i < end; i++ {
		if dynEqual(arr[i], want) {
			cnt++
			if cnt == occ {
				return longV(i)
			}
		}
	}
	return longV(-1)
}

func evalArraySort(dir int) EvalFunc {
	return func(_ *Context, a []types.Value) types.Value {
		nullsLast := true
		var arrays [][]any
		for i, v := range a {
			if i > 0 && v.T == types.Bool {
				if !v.IsNull() {
					nullsLast = v.I != 0
				}
				continue
			}
			arr, ok := arrayArg(v)
			if !ok || (len(arrays) > 0 && len(arr) != len(arrays[0])) {
				return dynNull()
			}
			arrays = append(arrays, arr)
		}
		if len(arrays) == 0 {
			return dynNull()
		}
		key := arrays[0]
		perm := make([]int, len(key))
		for i := range perm {
			perm[i] = i
		}
		sort.SliceStable(perm, func(i, j int) bool {
			x, y := key[perm[i]], key[perm[j]]
			if (x == nil) != (y == nil) {
				return (x == nil) != nullsLast
			}
			return compareDyn(x, y)*dir < 0
		})
		outs := make([]any, len(arrays))
		for k, arr := range arrays {
			out := make([]any, len(arr))
			for i, p := range perm {
				out[i] = arr[p]
			}
			outs[k] = out
		}
		if len(outs) == 1 {
			return dynValue(outs[0])
		}
		// several arrays: one output each (print/extend name them
		// <arg>_sorted), as a dynamic array of the sorted arrays.
		return dynValue(outs)
	}
}

// m2ArraySortResults gives one dynamic output per array argument.
func m2ArraySortResults(a []types.Type) ([]types.Type, error) {
	var out []types.Type
	for i, t := range a {
		if i > 0 && t == types.Bool {
			continue
		}
		out = append(out, types.Dynamic)
	}
	return out, nil
}

func evalArraySplit(_ *Context, a []types.Value) types.Value {
	arr, ok := arrayArg(a[0])
	if !ok {
		return dynNull()
	}
	var idx []int64
	if ia, ok := arrayArg(a[1]); ok {
		for _, e := range ia {
			i, ok := e.(int64)
			if !ok {
				return dynNull()
			}
			idx = append(idx, i)
		}
	} else if i, ok := asLong(a[1]); ok {
		idx = []int64{i}
	} else {
		return dynNull()
	}
	n := int64(len(arr))
	out := []any{}
	prev := int64(0)
	for _, i := range idx {
		i = normIndex(i, n)
		i = max(min(i, n), prev)
		out = append(out, append([]any{}, arr[prev:i]...))
		prev = i
	}
	out = append(out, append([]any{}, arr[prev:]...))
	return dynValue(out)
}

func evalSetOp(f func([][]any) []any) EvalFunc {
	return func(_ *Context, a []types.Value) types.Value {
		sets := make([][]any, len(a))
		for i, v := range a {
			arr, ok := arrayArg(v)
			if !ok {
				return dynNull()
			}
			sets[i] = arr
		}
		return dynValue(f(sets))
	}
}

func distinctDyn(arr []any) ([]any, map[string]bool) {
	seen := map[string]bool{}
	out := []any{}
	for _, e := range arr {
		k := dynKey(e)
		if !seen[k] {
			seen[k] = true
			out = append(out, e)
		}
	}
	return out, seen
}

func setUnion(sets [][]any) []any {
	var all []any
	for _, s := range sets {
		all = append(all, s...)
	}
	out, _ := distinctDyn(all)
	return out
}

func setIntersect(sets [][]any) []any {
	first, _ := distinctDyn(sets[0])
	out := []any{}
	for _, e := range first {
		k := dynKey(e)
		in := true
		for _, s := range sets[1:] {
			_, seen := distinctDyn(s)
			if !seen[k] {
				in = false
				break
			}
		}
		if in {
			out = append(out, e)
		}
	}
	return out
}

func setDifference(sets [][]any) []any {
	first, _ := distinctDyn(sets[0])
	drop := map[string]bool{}
	for _, s := range sets[1:] {
		for _, e := range s {
			drop[dynKey(e)] = true
		}
	}
	out := []any{}
	for _, e := range first {
		if !drop[dynKey(e)] {
			out = append(out, e)
		}
	}
	return out
}

func evalBagPack(_ *Context, a []types.Value) types.Value {
	if len(a)%2 != 0 {
		return dynNull()
	}
	out := make(map[string]any, len(a)/2)
	for i := 0; i+1 < len(a); i += 2 {
		out[str(a[i])] = toDyn(a[i+1])
	}
	return dynValue(out)
}

// keyPath turns "key" or "$.a.b" / "$['a'].b" into path steps.
func keyPath(k string) []any {
	if strings.HasPrefix(k, "$") {
		if p, ok := parseJSONPath(k); ok {
			return p
		}
	}
	return []any{k}
}

// copyDyn deep-copies a dynamic payload (bags and arrays).
func copyDyn(d any) any {
	switch x := d.(type) {
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = copyDyn(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = copyDyn(e)
		}
		return out
	}
	return d
}

func evalBagRemoveKeys(_ *Context, a []types.Value) types.Value {
	m, ok := bagArg(a[0])
	keys, ok2 := arrayArg(a[1])
	if !ok || !ok2 {
		return dynNull()
	}
	out := copyDyn(m).(map[string]any)
	for _, k := range keys {
		ks, ok := k.(string)
		if !ok {
			continue
		}
		p := keyPath(ks)
		parent, found := jsonPathGet(out, p[:len(p)-1])
		if pm, ok := parent.(map[string]any); found && ok {
			if last, ok := p[len(p)-1].(string); ok {
				delete(pm, last)
			}
		}
	}
	return dynValue(out)
}

func evalBagSetKey(_ *Context, a []types.Value) types.Value {
	m, ok := bagArg(a[0])
	if !ok {
		return dynNull()
	}
	out := copyDyn(m).(map[string]any)
	p := keyPath(str(a[1]))
	cur := out
	for i, step := range p {
		k, ok := step.(string)
		if !ok {
			return dynNull()
		}
		if i == len(p)-1 {
			cur[k] = toDyn(a[2])
			break
		}
		next, ok := cur[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			cur[k] = next
		}
		cur = next
	}
	return dynValue(out)
}

func evalZip(_ *Context, a []types.Value) types.Value {
	arrs := make([][]any, len(a))
	n := 0
	for i, v := range a {
		arr, ok := arrayArg(v)
		if !ok {
			return dynNull()
		}
		arrs[i] = arr
		n = max(n, len(arr))
	}
	out := make([]any, n)
	for i := range out {
		row := make([]any, len(arrs))
		for j, arr := range arrs {
			if i < len(arr) {
				row[j] = arr[i]
			}
		}
		out[i] = row
	}
	return dynValue(out)
}

func evalTreepath(v types.Value) types.Value {
	if v.T != types.Dynamic {
		return dynNull()
	}
	seen := map[string]bool{}
	out := []any{}
	var walk func(d any, path string)
	walk = func(d any, path string) {
		switch x := d.(type) {
		case map[string]any:
			for _, k := range sortedKeys(x) {
				p := path + "['" + k + "']"
				if isPlainKey(k) {
					p = path + "." + k
				}
				if !seen[p] {
					seen[p] = true
					out = append(out, p)
				}
				walk(x[k], p)
			}
		case []any:
			p := path + "[0]"
			if !seen[p] && len(x) > 0 {
				seen[p] = true
				out = append(out, p)
			}
			for _, e := range x {
				walk(e, path+"[0]")
			}
		}
	}
	walk(v.D, "$")
	return dynValue(out)
}

func isPlainKey(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		if !(k[i] == '_' || isAlnumASCII(k[i])) {
			return false
		}
	}
	return true
}

// parseJSONPath parses the JSONPath subset Kusto supports: $, .name,
// ['name'] / ["name"], [index]. Steps are strings (keys) or ints.
func parseJSONPath(p string) ([]any, bool) {
	p = strings.TrimSpace(p)
	if !strings.HasPrefix(p, "$") {
		return nil, false
	}
	var steps []any
	for i := 1; i < len(p); {
		switch p[i] {
		case '.':
			j := i + 1
			for j < len(p) && p[j] != '.' && p[j] != '[' {
				j++
			}
			if j == i+1 {
				return nil, false
			}
			steps = append(steps, p[i+1:j])
			i = j
		case '[':
			end := strings.IndexByte(p[i:], ']')
			if end < 0 {
				return nil, false
			}
			inner := strings.TrimSpace(p[i+1 : i+end])
			if len(inner) >= 2 && (inner[0] == '\'' || inner[0] == '"') && inner[len(inner)-1] == inner[0] {
				steps = append(steps, inner[1:len(inner)-1])
			} else if n, err := strconv.Atoi(inner); err == nil {
				steps = append(steps, n)
			} else {
				return nil, false
			}
			i += end + 1
		default:
			return nil, false
		}
	}
	return steps, true
}

// jsonPathGet follows path steps through a dynamic payload.
func jsonPathGet(d any, path []any) (any, bool) {
	for _, st := range path {
		switch k := st.(type) {
		case string:
			m, ok := d.(map[string]any)
			if !ok {
				return nil, false
			}
			if d, ok = m[k]; !ok {
				return nil, false
			}
		case int:
			arr, ok := d.([]any)
			if !ok {
				return nil, false
			}
			if k < 0 {
				k += len(arr)
			}
			if k < 0 || k >= len(arr) {
				return nil, false
			}
			d = arr[k]
		}
	}
	return d, true
}

func extractResult3(a []types.Type) (types.Type, error) {
	if len(a) == 3 && a[2] != types.Null && a[2] != types.String {
		return a[2], nil
	}
	return types.String, nil
}

func evalExtractJSON(_ *Context, a []types.Value) types.Value {
	want := types.String
	if len(a) == 3 {
		if t, ok := typeArg(a[2]); ok {
			want = t
		}
	}
	path, ok := parseJSONPath(str(a[0]))
	if !ok {
		if len(a) == 3 && a[2].T == types.String {
			return strV("")
		}
		return nullOf(want)
	}
	var doc any
	if a[1].T == types.Dynamic {
		doc = a[1].D
	} else {
		d, err := ParseJSON(str(a[1]))
		if err != nil {
			if len(a) == 3 && a[2].T == types.String {
				return strV("")
			}
			return nullOf(want)
		}
		doc = d
	}
	v, found := jsonPathGet(doc, path)
	if len(a) == 3 && a[2].T == types.String {
		if !found {
			return strV("")
		}
		return strV(str(dynToScalar(v, want)))
	}
	if !found {
		return nullOf(want)
	}
	return dynToScalar(v, want)
}

func evalRange(_ *Context, a []types.Value) types.Value {
	const maxLen = 1 << 20
	if anyNull(a) {
		return dynNull()
	}
	if a[0].T == types.DateTime || a[0].T == types.TimeSpan {
		step := types.TicksPerHour
		if len(a) > 2 {
			step = a[2].I
		}
		if step == 0 {
			return dynNull()
		}
		out := []any{}
		for t := a[0].I; (step > 0 && t <= a[1].I || step < 0 && t >= a[1].I) && len(out) < maxLen; t += step {
			out = append(out, toDyn(types.Value{T: a[0].T, I: t}))
		}
		return dynValue(out)
	}
	if a[0].T.IsIntegral() && a[1].T.IsIntegral() && (len(a) < 3 || a[2].T.IsIntegral()) {
		step := int64(1)
		if len(a) > 2 {
			step = a[2].I
		}
		if step == 0 {
			return dynNull()
		}
		out := []any{}
		for i := a[0].I; (step > 0 && i <= a[1].I || step < 0 && i >= a[1].I) && len(out) < maxLen; i += step {
			out = append(out, i)
		}
		return dynValue(out)
	}
	st, ok1 := asReal(a[0])
	en, ok2 := asReal(a[1])
	step := 1.0
	if len(a) > 2 {
		step, _ = asReal(a[2])
	}
	if !ok1 || !ok2 || step == 0 {
		return dynNull()
	}
	out := []any{}
	for i := 0; len(out) < maxLen; i++ {
		x := st + float64(i)*step
		if step > 0 && x > en || step < 0 && x < en {
			break
		}
		out = append(out, x)
	}
	return dynValue(out)
}
