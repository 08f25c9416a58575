package funcs

import (
	"fmt"
	"math"
	"sort"

	"github.com/huntpack/huntpack/kql/types"
)

// Aggregates. Design notes:
//
//   - Nulls are ignored by every aggregate except make_list_with_nulls
//     and the row-picking ones (take_any, arg_max, arg_min), which still
//     return a row when every value is null.
//   - An accumulator that saw no rows returns Kusto's empty-input
//     default: 0 for count, countif, dcount, sum, stdev, variance; [] for
//     make_*; null for the others.
//   - The *if variants are the plain aggregate behind a predicate filter
//     (ifAccumulator): the predicate is dropped from the arguments.
//   - dcount, dcountif, count_distinct and hll are exact (a set of
//     values), not HyperLogLog estimates; results can differ from Kusto's
//     estimates on large inputs. hll() returns the distinct values as a
//     dynamic array, which hll_merge() and dcount_hll() understand; it is
//     not interchangeable with Kusto's binary sketches.
//   - percentile(s) are exact nearest-rank percentiles: the value at rank
//     ceil(P/100 * N) (1-based) of the sorted non-null values, P = 0 giving
//     the minimum. Kusto estimates with T-Digest, which also returns a
//     value of the input for small inputs.
//   - arg_max(expr, col1, ...) and arg_min: the engine passes expr first
//     and then the columns to return (it expands `*`); the accumulator
//     keeps a copy of the argument row with the largest (smallest)
//     non-null expr, the first one on ties, and returns it through
//     MultiAccumulator.Results. When every expr is null the first row is
//     returned. Column naming is the engine's.
//   - count(x) with a bool argument counts true values (Microsoft's parser
//     declares count(predicate) as an obsolete countif); with any other
//     argument it counts rows, as the summarize page's example shows.

// Compile-time checks that the accumulators implement the interfaces.
var (
	_ MultiAccumulator = (*argAcc)(nil)
	_ MultiAccumulator = (*takeAnyAcc)(nil)
	_ MultiAccumulator = (*percentileAcc)(nil)
	_ MultiAccumulator = (*weightedAcc)(nil)
	_ MultiAccumulator = (*ifAccumulator)(nil)
	_ Accumulator      = (*countAcc)(nil)
	_ Accumulator      = (*distinctAcc)(nil)
	_ Accumulator      = (*sumAcc)(nil)
	_ Accumulator      = (*avgAcc)(nil)
	_ Accumulator      = (*extremeAcc)(nil)
	_ Accumulator      = (*listAcc)(nil)
	_ Accumulator      = (*setAcc)(nil)
	_ Accumulator      = (*bagAcc)(nil)
	_ Accumulator      = (*varAcc)(nil)
	_ Accumulator      = (*bitAcc)(nil)
	_ Accumulator      = (*hllAcc)(nil)
	_ Accumulator      = (*covAcc)(nil)
	_ Accumulator      = (*digestAcc)(nil)
)

func agg(r *Registry, name, sig, doc string, minArgs, maxArgs int, res ResultFunc,
	newAcc func(argTypes []types.Type, consts []*types.Value) Accumulator, aliases ...string) *Aggregate {
	a := &Aggregate{Name: name, Aliases: aliases, Sig: sig, Doc: doc, MinArgs: minArgs, MaxArgs: maxArgs, Result: res, New: newAcc}
	r.AddAggregate(a)
	return a
}

// withIf registers name and name+"if" (predicate at argument index 1).
func withIf(r *Registry, name, ifName, sig, ifSig, doc string, minArgs, maxArgs int, res ResultFunc,
	newAcc func(argTypes []types.Type, consts []*types.Value) Accumulator, aliases ...string) {
	agg(r, name, sig, doc, minArgs, maxArgs, res, newAcc, aliases...)
	ifRes := func(a []types.Type) (types.Type, error) { return res(dropArg(a, 1)) }
	agg(r, ifName, ifSig, doc+" Only rows where the predicate is true are included.", minArgs+1, maxArgs+1, ifRes,
		func(ts []types.Type, cs []*types.Value) Accumulator {
			var inCs []*types.Value
			if cs != nil {
				inCs = dropArg(cs, 1)
			}
			return &ifAccumulator{pred: 1, inner: newAcc(dropArg(ts, 1), inCs)}
		})
}

func dropArg[T any](a []T, i int) []T {
	if i >= len(a) {
		return a
	}
	out := make([]T, 0, len(a)-1)
	out = append(out, a[:i]...)
	return append(out, a[i+1:]...)
}

func constLong(cs []*types.Value, i int, def int64) int64 {
	if i < len(cs) && cs[i] != nil {
		if v, ok := asLong(*cs[i]); ok {
			return v
		}
	}
	return def
}

func argType(a []types.Type, i int) types.Type {
	if i < len(a) {
		return a[i]
	}
	return types.Null
}

func addAggregates(r *Registry) {
	agg(r, "count", "count(): long", "Counts the rows of the group.", 0, 1, fixed(types.Long),
		func(ts []types.Type, _ []*types.Value) Accumulator {
			return &countAcc{pred: len(ts) == 1 && ts[0] == types.Bool}
		})
	agg(r, "countif", "countif(predicate: bool): long", "Counts the rows for which the predicate is true.", 1, 1, fixed(types.Long),
		func([]types.Type, []*types.Value) Accumulator { return &countAcc{pred: true} })
	withIf(r, "dcount", "dcountif", "dcount(expr: any [, accuracy: int]): long", "dcountif(expr: any, predicate: bool [, accuracy: int]): long",
		"Counts distinct non-null values (exactly; the accuracy argument is accepted and ignored).", 1, 2, fixed(types.Long),
		func([]types.Type, []*types.Value) Accumulator { return &distinctAcc{m: map[string]struct{}{}} })
	withIf(r, "count_distinct", "count_distinctif", "count_distinct(expr: any): long", "count_distinctif(expr: any, predicate: bool): long",
		"Counts distinct non-null values exactly.", 1, 1, fixed(types.Long),
		func([]types.Type, []*types.Value) Accumulator { return &distinctAcc{m: map[string]struct{}{}} })
	withIf(r, "sum", "sumif", "sum(expr: number|timespan): same", "sumif(expr: number|timespan, predicate: bool): same",
		"Sums the non-null values (int sums are long).", 1, 1, sumResult,
		func(ts []types.Type, _ []*types.Value) Accumulator { t, _ := sumResult(ts); return &sumAcc{t: t} })
	withIf(r, "avg", "avgif", "avg(expr: number|datetime|timespan): real", "avgif(expr: number, predicate: bool): real",
		"Averages the non-null values.", 1, 1, avgResult,
		func(ts []types.Type, _ []*types.Value) Accumulator { t, _ := avgResult(ts); return &avgAcc{t: t} })
	withIf(r, "min", "minif", "min(expr: any): same", "minif(expr: any, predicate: bool): same",
		"Returns the smallest non-null value.", 1, 1, sameAsArg(0, types.Real),
		func(ts []types.Type, _ []*types.Value) Accumulator { return &extremeAcc{sign: -1, t: argType(ts, 0)} })
	withIf(r, "max", "maxif", "max(expr: any): same", "maxif(expr: any, predicate: bool): same",
		"Returns the largest non-null value.", 1, 1, sameAsArg(0, types.Real),
		func(ts []types.Type, _ []*types.Value) Accumulator { return &extremeAcc{sign: 1, t: argType(ts, 0)} })
	withIf(r, "make_list", "make_list_if", "make_list(expr: any [, maxSize: int]): dynamic", "make_list_if(expr: any, predicate: bool [, maxSize: int]): dynamic",
		"Returns a dynamic array of the non-null values (default cap 1,048,576).", 1, 2, fixed(types.Dynamic),
		func(_ []types.Type, cs []*types.Value) Accumulator { return &listAcc{max: constLong(cs, 1, 1<<20)} }, "makelist")
	agg(r, "make_list_with_nulls", "make_list_with_nulls(expr: any): dynamic", "Returns a dynamic array of all values, nulls included.", 1, 1,
		fixed(types.Dynamic), func([]types.Type, []*types.Value) Accumulator { return &listAcc{max: 1 << 20, withNulls: true} })
	withIf(r, "make_set", "make_set_if", "make_set(expr: any [, maxSize: int]): dynamic", "make_set_if(expr: any, predicate: bool [, maxSize: int]): dynamic",
		"Returns a dynamic array of the distinct non-null values in first-seen order, elements of array values included (default cap 1,048,576).", 1, 2, fixed(types.Dynamic),
		func(_ []types.Type, cs []*types.Value) Accumulator {
			return &setAcc{max: constLong(cs, 1, 1<<20), seen: map[string]struct{}{}}
		}, "makeset")
	withIf(r, "make_bag", "make_bag_if", "make_bag(expr: dynamic [, maxSize: int]): dynamic", "make_bag_if(expr: dynamic, predicate: bool [, maxSize: int]): dynamic",
		"Merges the property bags of the group into one (first value wins for a repeated key).", 1, 2, fixed(types.Dynamic),
		func(_ []types.Type, cs []*types.Value) Accumulator {
			return &bagAcc{max: constLong(cs, 1, 1<<20), m: map[string]any{}}
		})
	ta := agg(r, "take_any", "take_any(expr: any, ...): same", "Returns the values of one arbitrary row of the group (the first with a non-empty first argument).",
		1, -1, sameAsArg(0, types.Real), func([]types.Type, []*types.Value) Accumulator { return &takeAnyAcc{} }, "any")
	ta.Results = func(a []types.Type) ([]types.Type, error) { return a, nil }
	agg(r, "take_anyif", "take_anyif(expr: any, predicate: bool): same", "Returns the value of one arbitrary row where the predicate is true.",
		2, 2, sameAsArg(0, types.Real), func([]types.Type, []*types.Value) Accumulator {
			return &ifAccumulator{pred: 1, inner: &takeAnyAcc{}}
		}, "anyif")
	for _, s := range []struct {
		name  string
		sign  int
		alias string
	}{{"arg_max", 1, "argmax"}, {"arg_min", -1, "argmin"}} {
		sign := s.sign
		a := agg(r, s.name, s.name+"(expr: any, col1: any, ...): (expr, col1, ...)", "Returns the row of the group with the "+map[int]string{1: "largest", -1: "smallest"}[sign]+" expr (the first on ties); the engine expands * into the columns.",
			1, -1, sameAsArg(0, types.Real), func([]types.Type, []*types.Value) Accumulator { return &argAcc{sign: sign} }, s.alias)
		a.Results = func(ts []types.Type) ([]types.Type, error) { return ts, nil }
	}
	addPercentiles(r)
	addWeightedPercentiles(r)
	addVariance(r)
	for _, b := range []struct {
		name string
		init int64
		f    func(a, b int64) int64
	}{{"binary_all_and", -1, func(a, b int64) int64 { return a & b }},
		{"binary_all_or", 0, func(a, b int64) int64 { return a | b }},
		{"binary_all_xor", 0, func(a, b int64) int64 { return a ^ b }}} {
		init, f := b.init, b.f
		agg(r, b.name, b.name+"(expr: long): long", "Folds the non-null values with a bitwise operation.", 1, 1, fixed(types.Long),
			func([]types.Type, []*types.Value) Accumulator { return &bitAcc{v: init, f: f} })
	}
	agg(r, "hll", "hll(expr: any [, accuracy: int]): dynamic", "Returns an (exact) distinct-count sketch: the distinct values as a dynamic array.",
		1, 2, fixed(types.Dynamic), func([]types.Type, []*types.Value) Accumulator { return &hllAcc{m: map[string]struct{}{}} })
	agg(r, "hll_merge", "hll_merge(hll: dynamic): dynamic", "Merges sketches made by hll().",
		1, 1, fixed(types.Dynamic), func([]types.Type, []*types.Value) Accumulator { return &hllAcc{m: map[string]struct{}{}, merge: true} })
	scalar(r, "dcount_hll", "dcount_hll(hll: dynamic): long", "Returns the distinct count held by a sketch from hll() or hll_merge().",
		1, 1, fixed(types.Long), unary(func(v types.Value) types.Value {
			arr, ok := v.D.([]any)
			if v.T != types.Dynamic || !ok {
				return nullOf(types.Long)
			}
			return longV(int64(len(arr)))
		}))
}

// ifAccumulator filters rows by the predicate at index pred.
type ifAccumulator struct {
	pred  int
	inner Accumulator
	buf   []types.Value
}

func (a *ifAccumulator) Add(args []types.Value) {
	if a.pred >= len(args) || !truthy(args[a.pred]) {
		return
	}
	a.buf = append(a.buf[:0], args[:a.pred]...)
	a.buf = append(a.buf, args[a.pred+1:]...)
	a.inner.Add(a.buf)
}

func (a *ifAccumulator) Merge(o Accumulator) {
	if b, ok := o.(*ifAccumulator); ok {
		a.inner.Merge(b.inner)
	}
}

func (a *ifAccumulator) Result() types.Value { return a.inner.Result() }

// Results forwards to a multi-column inner accumulator.
func (a *ifAccumulator) Results() []types.Value {
	if m, ok := a.inner.(MultiAccumulator); ok {
		return m.Results()
	}
	return []types.Value{a.inner.Result()}
}

type countAcc struct {
	n    int64
	pred bool
}

func (a *countAcc) Add(args []types.Value) {
	if !a.pred || (len(args) > 0 && truthy(args[0])) {
		a.n++
	}
}
func (a *countAcc) Merge(o Accumulator) { a.n += o.(*countAcc).n }
func (a *countAcc) Result() types.Value { return longV(a.n) }

type distinctAcc struct{ m map[string]struct{} }

func (a *distinctAcc) Add(args []types.Value) {
	if len(args) == 0 || args[0].IsNull() {
		return
	}
	a.m[valueKey(args[0])] = struct{}{}
}
func (a *distinctAcc) Merge(o Accumulator) {
	for k := range o.(*distinctAcc).m {
		a.m[k] = struct{}{}
	}
}
func (a *distinctAcc) Result() types.Value { return longV(int64(len(a.m))) }

func sumResult(a []types.Type) (types.Type, error) {
	switch t := argType(a, 0); t {
	case types.Int, types.Long, types.Bool:
		return types.Long, nil
	case types.Real, types.Decimal, types.TimeSpan:
		return t, nil
	case types.Null, types.Dynamic, types.String:
		return types.Real, nil
	default:
		return types.Null, fmt.Errorf("sum() cannot add values of type %s", t)
	}
}

type sumAcc struct {
	t types.Type
	i int64
	f float64
}

func (a *sumAcc) Add(args []types.Value) {
	v := args[0]
	if v.IsNull() {
		return
	}
	if a.t == types.Long || a.t == types.TimeSpan {
		if i, ok := asLong(v); ok {
			a.i += i
		}
		return
	}
	if f, ok := asRealLoose(v); ok {
		a.f += f
	}
}
func (a *sumAcc) Merge(o Accumulator) { b := o.(*sumAcc); a.i += b.i; a.f += b.f }
func (a *sumAcc) Result() types.Value {
	if a.t == types.Long || a.t == types.TimeSpan {
		return types.Value{T: a.t, I: a.i}
	}
	return types.Value{T: a.t, F: a.f}
}

func avgResult(a []types.Type) (types.Type, error) {
	switch t := argType(a, 0); t {
	case types.DateTime, types.TimeSpan:
		return t, nil
	case types.Int, types.Long, types.Real, types.Decimal, types.Bool, types.Null, types.Dynamic, types.String:
		return types.Real, nil
	default:
		return types.Null, fmt.Errorf("avg() cannot average values of type %s", t)
	}
}

type avgAcc struct {
	t   types.Type
	sum float64
	n   int64
}

func (a *avgAcc) Add(args []types.Value) {
	if f, ok := asRealLoose(args[0]); ok {
		a.sum += f
		a.n++
	}
}
func (a *avgAcc) Merge(o Accumulator) { b := o.(*avgAcc); a.sum += b.sum; a.n += b.n }
func (a *avgAcc) Result() types.Value {
	if a.n == 0 {
		return nullOf(a.t)
	}
	m := a.sum / float64(a.n)
	if a.t == types.DateTime || a.t == types.TimeSpan {
		return types.Value{T: a.t, I: int64(math.Round(m))}
	}
	return realV(m)
}

type extremeAcc struct {
	sign int
	t    types.Type
	best types.Value
	has  bool
}

func (a *extremeAcc) Add(args []types.Value) {
	v := args[0]
	if v.IsNull() || (v.T == types.Real && math.IsNaN(v.F)) {
		return
	}
	if !a.has || compareValues(v, a.best)*a.sign > 0 {
		a.best, a.has = v, true
	}
}
func (a *extremeAcc) Merge(o Accumulator) {
	if b := o.(*extremeAcc); b.has {
		a.Add([]types.Value{b.best})
	}
}
func (a *extremeAcc) Result() types.Value {
	if !a.has {
		return nullOf(a.t)
	}
	if a.t != types.Null && a.best.T != a.t {
		return convertTo(a.best, a.t)
	}
	return a.best
}

type listAcc struct {
	items     []any
	max       int64
	withNulls bool
}

func (a *listAcc) Add(args []types.Value) {
	v := args[0]
	if (v.IsNull() && !a.withNulls) || int64(len(a.items)) >= a.max {
		return
	}
	d := toDyn(v)
	if arr, ok := d.([]any); ok && !a.withNulls {
		// A dynamic array contributes its elements, as make_set's does:
		// the docs wrap values in pack_array() to keep them whole
		// (geo_point_in_polygon's multipolygon example) and flatten
		// make_list(rings) of geo_h3cell_rings.
		for _, e := range arr {
			if int64(len(a.items)) >= a.max {
				return
			}
			a.items = append(a.items, e)
		}
		return
	}
	a.items = append(a.items, d)
}
func (a *listAcc) Merge(o Accumulator) {
	for _, it := range o.(*listAcc).items {
		if int64(len(a.items)) >= a.max {
			return
		}
		a.items = append(a.items, it)
	}
}
func (a *listAcc) Result() types.Value {
	if a.items == nil {
		return dynValue([]any{})
	}
	return dynValue(a.items)
}

type setAcc struct {
	items []any
	seen  map[string]struct{}
	max   int64
}

func (a *setAcc) add(d any) {
	if d == nil || int64(len(a.items)) >= a.max {
		return
	}
	k := dynKey(d)
	if _, ok := a.seen[k]; ok {
		return
	}
	a.seen[k] = struct{}{}
	a.items = append(a.items, d)
}

// Add adds a value; a dynamic array contributes its elements, as the
// make_set page's "set from array column" example shows.
func (a *setAcc) Add(args []types.Value) {
	d := toDyn(args[0])
	if arr, ok := d.([]any); ok && args[0].T == types.Dynamic {
		for _, e := range arr {
			a.add(e)
		}
		return
	}
	a.add(d)
}
func (a *setAcc) Merge(o Accumulator) {
	for _, it := range o.(*setAcc).items {
		a.add(it)
	}
}
func (a *setAcc) Result() types.Value {
	if a.items == nil {
		return dynValue([]any{})
	}
	return dynValue(a.items)
}

type bagAcc struct {
	m   map[string]any
	max int64
}

func (a *bagAcc) put(bag map[string]any) {
	for _, k := range sortedKeys(bag) {
		if _, ok := a.m[k]; ok || int64(len(a.m)) >= a.max {
			continue
		}
		a.m[k] = bag[k]
	}
}
func (a *bagAcc) Add(args []types.Value) {
	v := args[0]
	if s, ok := asString(v); ok && v.T != types.Dynamic {
		if d, err := ParseJSON(s); err == nil {
			v = dynValue(d)
		}
	}
	if bag, ok := v.D.(map[string]any); ok {
		a.put(bag)
	}
}
func (a *bagAcc) Merge(o Accumulator) { a.put(o.(*bagAcc).m) }
func (a *bagAcc) Result() types.Value { return dynValue(a.m) }

type takeAnyAcc struct {
	row  []types.Value
	good bool
}

func (a *takeAnyAcc) Add(args []types.Value) {
	if a.good {
		return
	}
	if a.row == nil || !isEmpty(args[0]) {
		a.row = append(a.row[:0], args...)
		a.good = !isEmpty(args[0])
	}
}
func (a *takeAnyAcc) Merge(o Accumulator) {
	if b := o.(*takeAnyAcc); b.row != nil {
		a.Add(b.row)
	}
}
func (a *takeAnyAcc) Result() types.Value {
	if a.row == nil {
		return nullOf(types.Null)
	}
	return a.row[0]
}
func (a *takeAnyAcc) Results() []types.Value { return a.row }

type argAcc struct {
	sign int
	row  []types.Value
	good bool // row has a non-null expr
}

func (a *argAcc) Add(args []types.Value) {
	if len(args) == 0 {
		return
	}
	null := args[0].IsNull() || (args[0].T == types.Real && math.IsNaN(args[0].F))
	switch {
	case a.row == nil:
	case null || (a.good && compareValues(args[0], a.row[0])*a.sign <= 0):
		return
	}
	a.row = append(a.row[:0], args...)
	a.good = !null
}
func (a *argAcc) Merge(o Accumulator) {
	if b := o.(*argAcc); b.row != nil {
		if !b.good && a.row != nil {
			return
		}
		a.Add(b.row)
	}
}
func (a *argAcc) Result() types.Value {
	if a.row == nil {
		return nullOf(types.Null)
	}
	return a.row[0]
}

// Results returns expr and the other columns of the chosen row (nil when
// the group was empty; the engine then emits nulls).
func (a *argAcc) Results() []types.Value { return a.row }

func addPercentiles(r *Registry) {
	agg(r, "percentile", "percentile(expr: number|datetime|timespan, percentile: real): same", "Returns the nearest-rank percentile of the non-null values (exact).",
		2, 2, sameAsArg(0, types.Real), func(ts []types.Type, cs []*types.Value) Accumulator {
			return newPercentileAcc(ts, cs, pctSingle)
		})
	p := agg(r, "percentiles", "percentiles(expr: number|datetime|timespan, p1: real, p2: real, ...): same per percentile", "Returns several nearest-rank percentiles, one column each.",
		2, -1, sameAsArg(0, types.Real), func(ts []types.Type, cs []*types.Value) Accumulator {
			return newPercentileAcc(ts, cs, pctMulti)
		})
	p.Results = func(ts []types.Type) ([]types.Type, error) {
		out := make([]types.Type, len(ts)-1)
		for i := range out {
			out[i] = ts[0]
		}
		return out, nil
	}
	agg(r, "percentiles_array", "percentiles_array(expr: number, p1: real, ... | percentiles: dynamic): dynamic", "Returns nearest-rank percentiles as a dynamic array.",
		2, -1, fixed(types.Dynamic), func(ts []types.Type, cs []*types.Value) Accumulator {
			return newPercentileAcc(ts, cs, pctArray)
		})
}

const (
	pctSingle = iota
	pctMulti
	pctArray
)

type percentileAcc struct {
	mode int
	t    types.Type
	ps   []float64 // nil until known (non-constant percentile arguments)
	vals []types.Value
}

func newPercentileAcc(ts []types.Type, cs []*types.Value, mode int) *percentileAcc {
	a := &percentileAcc{mode: mode, t: argType(ts, 0)}
	if len(cs) > 1 {
		var vs []types.Value
		for _, c := range cs[1:] {
			if c == nil {
				return a
			}
			vs = append(vs, *c)
		}
		a.ps = percentileList(vs)
	}
	return a
}

// percentileList reads the percentile arguments (numbers or one array).
func percentileList(vs []types.Value) []float64 {
	var ps []float64
	for _, v := range vs {
		if arr, ok := v.D.([]any); ok && v.T == types.Dynamic {
			for _, e := range arr {
				ps = append(ps, dynFloat(e))
			}
			continue
		}
		f, _ := asReal(v)
		ps = append(ps, f)
	}
	return ps
}

func (a *percentileAcc) Add(args []types.Value) {
	if a.ps == nil {
		a.ps = percentileList(args[1:])
	}
	v := args[0]
	if v.IsNull() || (v.T.UsesReals() && math.IsNaN(v.F)) {
		return
	}
	a.vals = append(a.vals, v)
}
func (a *percentileAcc) Merge(o Accumulator) {
	b := o.(*percentileAcc)
	if a.ps == nil {
		a.ps = b.ps
	}
	a.vals = append(a.vals, b.vals...)
}

// NearestRank returns the index of the P-th percentile in n sorted values.
func NearestRank(p float64, n int) int {
	if n == 0 {
		return -1
	}
	rank := int(math.Ceil(p / 100 * float64(n)))
	if rank < 1 {
		rank = 1
	}
	if rank > n {
		rank = n
	}
	return rank - 1
}

func (a *percentileAcc) compute() []types.Value {
	sort.SliceStable(a.vals, func(i, j int) bool { return compareValues(a.vals[i], a.vals[j]) < 0 })
	out := make([]types.Value, len(a.ps))
	for i, p := range a.ps {
		idx := NearestRank(p, len(a.vals))
		if idx < 0 || math.IsNaN(p) {
			out[i] = nullOf(a.t)
			continue
		}
		out[i] = a.vals[idx]
	}
	return out
}

func (a *percentileAcc) Result() types.Value {
	rs := a.compute()
	if a.mode == pctArray {
		arr := make([]any, len(rs))
		for i, v := range rs {
			arr[i] = toDyn(v)
		}
		return dynValue(arr)
	}
	if len(rs) == 0 {
		return nullOf(a.t)
	}
	return rs[0]
}

func (a *percentileAcc) Results() []types.Value { return a.compute() }

func addVariance(r *Registry) {
	for _, v := range []struct {
		name, doc   string
		sample, sq  bool
		withIfAlias bool
	}{
		{"stdev", "Sample standard deviation of the non-null values.", true, true, true},
		{"stdevp", "Population standard deviation of the non-null values.", false, true, true},
		{"variance", "Sample variance of the non-null values.", true, false, true},
		{"variancep", "Population variance of the non-null values.", false, false, true},
	} {
		sample, sq := v.sample, v.sq
		withIf(r, v.name, v.name+"if", v.name+"(expr: number): real", v.name+"if(expr: number, predicate: bool): real",
			v.doc, 1, 1, fixed(types.Real), func([]types.Type, []*types.Value) Accumulator {
				return &varAcc{sample: sample, sqrt: sq}
			})
	}
}

// varAcc is Welford's online variance with Chan et al.'s parallel merge.
type varAcc struct {
	sample, sqrt bool
	n            float64
	mean, m2     float64
}

func (a *varAcc) Add(args []types.Value) {
	x, ok := asRealLoose(args[0])
	if !ok {
		return
	}
	a.n++
	d := x - a.mean
	a.mean += d / a.n
	a.m2 += d * (x - a.mean)
}
func (a *varAcc) Merge(o Accumulator) {
	b := o.(*varAcc)
	if b.n == 0 {
		return
	}
	n := a.n + b.n
	d := b.mean - a.mean
	a.m2 += b.m2 + d*d*a.n*b.n/n
	a.mean += d * b.n / n
	a.n = n
}
func (a *varAcc) Result() types.Value {
	var v float64
	switch {
	case a.n == 0 || (a.sample && a.n == 1):
		v = 0
	case a.sample:
		v = a.m2 / (a.n - 1)
	default:
		v = a.m2 / a.n
	}
	if a.sqrt {
		v = math.Sqrt(v)
	}
	return realV(v)
}

type bitAcc struct {
	v   int64
	has bool
	f   func(a, b int64) int64
}

func (a *bitAcc) Add(args []types.Value) {
	if i, ok := asLong(args[0]); ok {
		a.v = a.f(a.v, i)
		a.has = true
	}
}
func (a *bitAcc) Merge(o Accumulator) {
	if b := o.(*bitAcc); b.has {
		a.v = a.f(a.v, b.v)
		a.has = true
	}
}
func (a *bitAcc) Result() types.Value {
	if !a.has {
		return nullOf(types.Long)
	}
	return longV(a.v)
}

type hllAcc struct {
	m     map[string]struct{}
	merge bool
}

func (a *hllAcc) Add(args []types.Value) {
	v := args[0]
	if v.IsNull() {
		return
	}
	if a.merge {
		if arr, ok := v.D.([]any); ok {
			for _, e := range arr {
				if s, ok := e.(string); ok {
					a.m[s] = struct{}{}
				}
			}
		}
		return
	}
	a.m[valueKey(v)] = struct{}{}
}
func (a *hllAcc) Merge(o Accumulator) {
	for k := range o.(*hllAcc).m {
		a.m[k] = struct{}{}
	}
}
func (a *hllAcc) Result() types.Value {
	ks := make([]string, 0, len(a.m))
	for k := range a.m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	arr := make([]any, len(ks))
	for i, k := range ks {
		arr[i] = k
	}
	return dynValue(arr)
}

func addWeightedPercentiles(r *Registry) {
	newW := func(mode int) func(ts []types.Type, cs []*types.Value) Accumulator {
		return func(ts []types.Type, cs []*types.Value) Accumulator {
			a := &weightedAcc{percentileAcc: percentileAcc{mode: mode, t: argType(ts, 0)}}
			if len(cs) > 2 {
				var vs []types.Value
				for _, c := range cs[2:] {
					if c == nil {
						return a
					}
					vs = append(vs, *c)
				}
				a.ps = percentileList(vs)
			}
			return a
		}
	}
	agg(r, "percentilew", "percentilew(expr: number, weight: long, percentile: real): same", "Weighted nearest-rank percentile (each value counts weight times; exact).",
		3, 3, sameAsArg(0, types.Real), newW(pctSingle))
	w := agg(r, "percentilesw", "percentilesw(expr: number, weight: long, p1: real, ...): same per percentile", "Several weighted nearest-rank percentiles, one column each.",
		3, -1, sameAsArg(0, types.Real), newW(pctMulti))
	w.Results = func(ts []types.Type) ([]types.Type, error) {
		out := make([]types.Type, max(len(ts)-2, 0))
		for i := range out {
			out[i] = ts[0]
		}
		return out, nil
	}
	agg(r, "percentilesw_array", "percentilesw_array(expr: number, weight: long, p1: real, ... | percentiles: dynamic): dynamic", "Weighted nearest-rank percentiles as a dynamic array.",
		3, -1, fixed(types.Dynamic), newW(pctArray))
}

// weightedAcc is percentileAcc with integer weights (weights < 1 drop the
// row).
type weightedAcc struct {
	percentileAcc
	weights []int64
}

func (a *weightedAcc) Add(args []types.Value) {
	if a.ps == nil && len(args) > 2 {
		a.ps = percentileList(args[2:])
	}
	v := args[0]
	w, ok := asLong(args[1])
	if v.IsNull() || !ok || w < 1 || (v.T.UsesReals() && math.IsNaN(v.F)) {
		return
	}
	a.vals = append(a.vals, v)
	a.weights = append(a.weights, w)
}

func (a *weightedAcc) Merge(o Accumulator) {
	b := o.(*weightedAcc)
	if a.ps == nil {
		a.ps = b.ps
	}
	a.vals = append(a.vals, b.vals...)
	a.weights = append(a.weights, b.weights...)
}

func (a *weightedAcc) compute() []types.Value {
	idx := make([]int, len(a.vals))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool { return compareValues(a.vals[idx[i]], a.vals[idx[j]]) < 0 })
	var total int64
	for _, w := range a.weights {
		total += w
	}
	out := make([]types.Value, len(a.ps))
	for i, p := range a.ps {
		out[i] = nullOf(a.t)
		if total == 0 || math.IsNaN(p) {
			continue
		}
		rank := int64(math.Ceil(p / 100 * float64(total)))
		rank = max(1, min(rank, total))
		var cum int64
		for _, k := range idx {
			cum += a.weights[k]
			if cum >= rank {
				out[i] = a.vals[k]
				break
			}
		}
	}
	return out
}

func (a *weightedAcc) Result() types.Value {
	rs := a.compute()
	if a.mode == pctArray {
		arr := make([]any, len(rs))
		for i, v := range rs {
			arr[i] = toDyn(v)
		}
		return dynValue(arr)
	}
	if len(rs) == 0 {
		return nullOf(a.t)
	}
	return rs[0]
}

func (a *weightedAcc) Results() []types.Value { return a.compute() }
