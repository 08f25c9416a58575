package funcs

import (
	"math"

	"github.com/huntpack/huntpack/kql/types"
)

// Series functions work on dynamic arrays of numbers (as make-series
// produces them). Non-numeric and missing elements give null elements.

// seriesArg reads a numeric array; non-numeric elements are NaN and
// flagged in ok[i] = false. A scalar argument broadcasts (n = -1).
func seriesArg(v types.Value) (xs []float64, ok []bool, ints []bool, isArray bool) {
	if arr, isArr := arrayArg(v); isArr {
		xs = make([]float64, len(arr))
		ok = make([]bool, len(arr))
		ints = make([]bool, len(arr))
		for i, e := range arr {
			switch x := e.(type) {
			case int64:
				xs[i], ok[i], ints[i] = float64(x), true, true
			case float64:
				xs[i], ok[i] = x, true
			case bool:
				xs[i], ok[i], ints[i] = float64(b2i(x)), true, true
			default:
				xs[i] = math.NaN()
			}
		}
		return xs, ok, ints, true
	}
	if f, good := asReal(v); good {
		return []float64{f}, []bool{true}, []bool{v.T.IsIntegral()}, false
	}
	return nil, nil, nil, false
}

// seriesAt returns element i of a series or of a broadcast scalar.
func seriesAt(xs []float64, ok, ints []bool, isArray bool, i int) (float64, bool, bool) {
	if !isArray {
		if len(xs) == 0 {
			return 0, false, false
		}
		return xs[0], ok[0], ints[0]
	}
	if i >= len(xs) {
		return 0, false, false
	}
	return xs[i], ok[i], ints[i]
}

// numDyn returns an int64 when the value is integral and intOK, else a
// float64; NaN and infinities become null as in Kusto's JSON.
func numDyn(f float64, intOK bool) any {
	if math.IsNaN(f) {
		return nil
	}
	if intOK && f == math.Trunc(f) && math.Abs(f) < 1<<62 {
		return int64(f)
	}
	return f
}

func addSeries(r *Registry) {
	bin := []struct {
		name, doc string
		f         func(a, b float64) float64
		keepInt   bool
	}{
		{"series_add", "Element-wise addition of two series (or a series and a number).", func(a, b float64) float64 { return a + b }, true},
		{"series_subtract", "Element-wise subtraction.", func(a, b float64) float64 { return a - b }, true},
		{"series_multiply", "Element-wise multiplication.", func(a, b float64) float64 { return a * b }, true},
		{"series_divide", "Element-wise division (always real; division by zero gives null for 0/0, ±Infinity otherwise).", func(a, b float64) float64 { return a / b }, false},
		{"series_pow", "Element-wise power.", math.Pow, false},
	}
	for _, b := range bin {
		f, keepInt := b.f, b.keepInt
		scalar(r, b.name, b.name+"(series1: dynamic, series2: dynamic): dynamic", b.doc, 2, 2, fixed(types.Dynamic),
			seriesBinary(func(x, y float64, xi, yi bool) any { return numDyn(f(x, y), keepInt && xi && yi) }))
	}
	cmp := []struct {
		name string
		f    func(a, b float64) bool
	}{
		{"series_greater", func(a, b float64) bool { return a > b }},
		{"series_greater_equals", func(a, b float64) bool { return a >= b }},
		{"series_less", func(a, b float64) bool { return a < b }},
		{"series_less_equals", func(a, b float64) bool { return a <= b }},
		{"series_equals", func(a, b float64) bool { return a == b }},
		{"series_not_equals", func(a, b float64) bool { return a != b }},
	}
	for _, c := range cmp {
		f := c.f
		scalar(r, c.name, c.name+"(series1: dynamic, series2: dynamic): dynamic", "Element-wise comparison, giving an array of bools.", 2, 2,
			fixed(types.Dynamic), seriesBinary(func(x, y float64, _, _ bool) any { return f(x, y) }))
	}
	un := []struct {
		name    string
		f       func(float64) float64
		keepInt bool
	}{
		{"series_abs", math.Abs, true}, {"series_acos", math.Acos, false}, {"series_asin", math.Asin, false},
		{"series_atan", math.Atan, false}, {"series_ceiling", math.Ceil, false}, {"series_cos", math.Cos, false},
		{"series_exp", math.Exp, false}, {"series_floor", math.Floor, false}, {"series_log", math.Log, false},
		{"series_sign", func(x float64) float64 {
			switch {
			case x > 0:
				return 1
			case x < 0:
				return -1
			}
			return 0
		}, false},
		{"series_sin", math.Sin, false}, {"series_tan", math.Tan, false},
	}
	for _, u := range un {
		f, keepInt := u.f, u.keepInt
		scalar(r, u.name, u.name+"(series: dynamic): dynamic", "Applies "+u.name[len("series_"):]+"() to every element.", 1, 1,
			fixed(types.Dynamic), unary(func(v types.Value) types.Value {
				xs, ok, ints, isArr := seriesArg(v)
				if !isArr {
					return dynNull()
				}
				out := make([]any, len(xs))
				for i, x := range xs {
					if ok[i] {
						out[i] = numDyn(f(x), keepInt && ints[i])
					}
				}
				return dynValue(out)
			}))
	}
	agg := []struct {
		name, doc string
		f         func(xs []float64) float64
	}{
		{"series_sum", "Sum of the numeric elements.", func(xs []float64) float64 {
			s := 0.0
			for _, x := range xs {
				s += x
			}
			return s
		}},
		{"series_product", "Product of the numeric elements.", func(xs []float64) float64 {
			p := 1.0
			for _, x := range xs {
				p *= x
			}
			return p
		}},
		{"series_magnitude", "Euclidean norm of the numeric elements.", func(xs []float64) float64 {
			s := 0.0
			for _, x := range xs {
				s += x * x
			}
			return math.Sqrt(s)
		}},
	}
	for _, a := range agg {
		f := a.f
		scalar(r, a.name, a.name+"(series: dynamic): real", a.doc, 1, 1, fixed(types.Real), unary(func(v types.Value) types.Value {
			xs, ok, _, isArr := seriesArg(v)
			if !isArr {
				return nullOf(types.Real)
			}
			return realV(f(numericOnly(xs, ok)))
		}))
	}
	scalar(r, "series_dot_product", "series_dot_product(series1: dynamic, series2: dynamic): real", "Dot product of two series.", 2, 2,
		fixed(types.Real), func(_ *Context, a []types.Value) types.Value {
			x, y, ok := seriesPair(a[0], a[1])
			if !ok {
				return nullOf(types.Real)
			}
			s := 0.0
			for i := range x {
				s += x[i] * y[i]
			}
			return realV(s)
		})
	scalar(r, "series_cosine_similarity", "series_cosine_similarity(series1: dynamic, series2: dynamic): real", "Cosine similarity of two series.", 2, 2,
		fixed(types.Real), func(_ *Context, a []types.Value) types.Value {
			x, y, ok := seriesPair(a[0], a[1])
			if !ok {
				return nullOf(types.Real)
			}
			var d, nx, ny float64
			for i := range x {
				d += x[i] * y[i]
				nx += x[i] * x[i]
				ny += y[i] * y[i]
			}
			return realV(d / math.Sqrt(nx*ny))
		})
	scalar(r, "series_pearson_correlation", "series_pearson_correlation(series1: dynamic, series2: dynamic): real", "Pearson correlation coefficient of two series.", 2, 2,
		fixed(types.Real), func(_ *Context, a []types.Value) types.Value {
			x, y, ok := seriesPair(a[0], a[1])
			if !ok || len(x) == 0 {
				return nullOf(types.Real)
			}
			mx, my := mean(x), mean(y)
			var sxy, sxx, syy float64
			for i := range x {
				sxy += (x[i] - mx) * (y[i] - my)
				sxx += (x[i] - mx) * (x[i] - mx)
				syy += (y[i] - my) * (y[i] - my)
			}
			return realV(sxy / math.Sqrt(sxx*syy))
		})
	scalar(r, "series_stats_dynamic", "series_stats_dynamic(series: dynamic [, ignore_nonfinite: bool]): dynamic", "Returns {min, min_idx, max, max_idx, avg, stdev, variance, sum, len} of the numeric elements.",
		1, 2, fixed(types.Dynamic), unary(func(v types.Value) types.Value {
			xs, ok, _, isArr := seriesArg(v)
			if !isArr {
				return dynNull()
			}
			return dynValue(seriesStats(xs, ok))
		}))
	r.AddScalar(&Scalar{Name: "series_stats", Sig: "series_stats(series: dynamic [, ignore_nonfinite: bool]): (min: real, min_idx: long, max: real, max_idx: long, avg: real, stdev: real, variance: real)",
		Doc: "Statistics of the numeric elements, one output each (see series_stats_dynamic for a property bag).", MinArgs: 1, MaxArgs: 2,
		Result:  fixed(types.Dynamic),
		Results: multiResult(types.Real, types.Long, types.Real, types.Long, types.Real, types.Real, types.Real),
		Eval: unary(func(v types.Value) types.Value {
			xs, ok, _, isArr := seriesArg(v)
			if !isArr {
				return dynNull()
			}
			m := seriesStats(xs, ok)
			out := []any{}
			for _, k := range []string{"min", "min_idx", "max", "max_idx", "avg", "stdev", "variance"} {
				out = append(out, m[k])
			}
			return dynValue(out)
		})})
	addSeriesFill(r)
	addSeriesDecompose(r)
}

func numericOnly(xs []float64, ok []bool) []float64 {
	out := make([]float64, 0, len(xs))
	for i, x := range xs {
		if ok[i] {
			out = append(out, x)
		}
	}
	return out
}

func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// seriesPair reads two equal-length all-numeric series; a number in
// place of one of them is repeated to the other's length.
func seriesPair(a, b types.Value) ([]float64, []float64, bool) {
	x, okx, _, ax := seriesArg(a)
	y, oky, _, ay := seriesArg(b)
	switch {
	case ax && !ay && len(y) == 1:
		y, oky = repeatScalar(y[0], len(x)), repeatTrue(len(x))
	case ay && !ax && len(x) == 1:
		x, okx = repeatScalar(x[0], len(y)), repeatTrue(len(y))
	case !ax || !ay:
		return nil, nil, false
	}
	if len(x) != len(y) {
		return nil, nil, false
	}
	for i := range x {
		if !okx[i] || !oky[i] {
			return nil, nil, false
		}
	}
	return x, y, true
}

func seriesBinary(f func(x, y float64, xi, yi bool) any) EvalFunc {
	return func(_ *Context, a []types.Value) types.Value {
		x, okx, ix, ax := seriesArg(a[0])
		y, oky, iy, ay := seriesArg(a[1])
		if x == nil && !ax || y == nil && !ay || !ax && !ay {
			return dynNull()
		}
		n := max(len(x), len(y))
		if !ax {
			n = len(y)
		}
		if !ay {
			n = len(x)
		}
		out := make([]any, n)
		for i := range out {
			xv, xo, xi := seriesAt(x, okx, ix, ax, i)
			yv, yo, yi := seriesAt(y, oky, iy, ay, i)
			if xo && yo {
				out[i] = f(xv, yv, xi, yi)
			}
		}
		return dynValue(out)
	}
}

func seriesStats(xs []float64, ok []bool) map[string]any {
	vals := numericOnly(xs, ok)
	out := map[string]any{"min": nil, "min_idx": nil, "max": nil, "max_idx": nil, "avg": nil, "stdev": nil,
		"variance": nil, "sum": nil, "len": int64(len(xs))}
	if len(vals) == 0 {
		return out
	}
	minI, maxI := -1, -1
	for i, x := range xs {
		if !ok[i] {
			continue
		}
		if minI < 0 || x < xs[minI] {
			minI = i
		}
		if maxI < 0 || x > xs[maxI] {
			maxI = i
		}
	}
	acc := &varAcc{sample: true}
	sum := 0.0
	for _, x := range vals {
		acc.Add([]types.Value{realV(x)})
		sum += x
	}
	variance := acc.Result().F
	out["min"], out["min_idx"] = xs[minI], int64(minI)
	out["max"], out["max_idx"] = xs[maxI], int64(maxI)
	out["avg"], out["sum"] = sum/float64(len(vals)), sum
	out["variance"], out["stdev"] = variance, math.Sqrt(variance)
	return out
}

func addSeriesFill(r *Registry) {
	scalar(r, "series_fill_const", "series_fill_const(series: dynamic, constant_value: any [, missing_value_placeholder: any]): dynamic", "Replaces null (or the placeholder) elements with a constant.",
		2, 3, fixed(types.Dynamic), func(_ *Context, a []types.Value) types.Value {
			arr, ok := arrayArg(a[0])
			if !ok {
				return dynNull()
			}
			c := toDyn(a[1])
			out := make([]any, len(arr))
			for i, e := range arr {
				if isMissing(e, a) {
					out[i] = c
				} else {
					out[i] = e
				}
			}
			return dynValue(out)
		})
	fill := func(name, doc string, f func(arr []any, missing func(any) bool) []any) {
		scalar(r, name, name+"(series: dynamic [, missing_value_placeholder: any]): dynamic", doc, 1, 2, fixed(types.Dynamic),
			func(_ *Context, a []types.Value) types.Value {
				arr, ok := arrayArg(a[0])
				if !ok {
					return dynNull()
				}
				var ph []types.Value
				if len(a) > 1 {
					ph = []types.Value{{}, {}, a[1]}
				}
				return dynValue(f(append([]any{}, arr...), func(e any) bool { return isMissing(e, ph) }))
			})
	}
	fill("series_fill_forward", "Replaces missing elements with the last present value before them.", func(arr []any, missing func(any) bool) []any {
		var last any
		for i, e := range arr {
			if missing(e) {
				arr[i] = last
			} else {
				last = e
			}
		}
		return arr
	})
	fill("series_fill_backward", "Replaces missing elements with the next present value after them.", func(arr []any, missing func(any) bool) []any {
		var next any
		for i := len(arr) - 1; i >= 0; i-- {
			if missing(arr[i]) {
				arr[i] = next
			} else {
				next = arr[i]
			}
		}
		return arr
	})
	scalar(r, "series_fill_linear", "series_fill_linear(series: dynamic [, missing_value_placeholder: any [, fill_edges: bool [, constant_value: real]]]): dynamic",
		"Linearly interpolates missing elements; edges take the nearest value unless fill_edges is false; an all-missing series becomes constant_value (default 0). Integer series stay integral (truncated).",
		1, 4, fixed(types.Dynamic), evalFillLinear)
}

// isMissing: null, or equal to the placeholder argument (index 2).
func isMissing(e any, a []types.Value) bool {
	if len(a) > 2 {
		return dynEqual(e, toDyn(a[2]))
	}
	return e == nil
}

func evalFillLinear(_ *Context, a []types.Value) types.Value {
	arr, ok := arrayArg(a[0])
	if !ok {
		return dynNull()
	}
	missing := func(e any) bool { return e == nil || dynKind(e) != 2 }
	if len(a) > 1 && !a[1].IsNull() {
		ph := toDyn(a[1])
		missing = func(e any) bool { return e == nil || dynKind(e) != 2 || dynEqual(e, ph) }
	}
	edges := len(a) < 3 || a[2].IsNull() || truthy(a[2])
	constant := 0.0
	if len(a) > 3 {
		constant, _ = asReal(a[3])
	}
	allInt := true
	present := 0
	for _, e := range arr {
		if !missing(e) {
			present++
			if _, isInt := e.(int64); !isInt {
				allInt = false
			}
		}
	}
	out := append([]any{}, arr...)
	if present == 0 {
		for i := range out {
			out[i] = constant
		}
		return dynValue(out)
	}
	num := func(f float64) any {
		if allInt {
			return int64(f)
		}
		return f
	}
	prev := -1
	for i := 0; i <= len(arr); i++ {
		if i < len(arr) && missing(arr[i]) {
			continue
		}
		for j := prev + 1; j < i || (i == len(arr) && j < len(arr)); j++ {
			switch {
			case prev >= 0 && i < len(arr):
				x, y := dynFloat(arr[prev]), dynFloat(arr[i])
				out[j] = num(x + (y-x)*float64(j-prev)/float64(i-prev))
			case !edges:
				out[j] = arr[j]
			case prev >= 0:
				out[j] = arr[prev]
			default:
				out[j] = arr[i]
			}
		}
		prev = i
	}
	return dynValue(out)
}

func repeatScalar(f float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = f
	}
	return out
}

func repeatTrue(n int) []bool {
	out := make([]bool, n)
	for i := range out {
		out[i] = true
	}
	return out
}
