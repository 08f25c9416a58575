package funcs

import (
	"math"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/huntpack/huntpack/kql/types"
)

// bag_zip, around, covariance, series_iir/series_seasonal, the (exact)
// tdigest family and punycode.

func addMore(r *Registry) {
	scalar(r, "bag_zip", "bag_zip(keys: dynamic, values: dynamic): dynamic", "Builds a property bag from an array of keys and an array of values (non-string keys are skipped, missing values are null).",
		2, 2, fixed(types.Dynamic), evalBagZip)
	scalar(r, "around", "around(value: number|datetime|timespan, center: same, delta: same): bool", "True when value is within delta of center (inclusive).",
		3, 3, fixed(types.Bool), func(_ *Context, a []types.Value) types.Value {
			if anyNull(a) {
				return nullOf(types.Bool)
			}
			if a[0].T.UsesInts() && a[1].T.UsesInts() && a[2].T.UsesInts() {
				return boolV(a[0].I >= a[1].I-a[2].I && a[0].I <= a[1].I+a[2].I)
			}
			v, ok1 := asReal(a[0])
			c, ok2 := asReal(a[1])
			d, ok3 := asReal(a[2])
			if !ok1 || !ok2 || !ok3 {
				return nullOf(types.Bool)
			}
			return boolV(v >= c-d && v <= c+d)
		})
	scalar(r, "series_iir", "series_iir(series: dynamic, numerators: dynamic, denominators: dynamic): dynamic", "Applies an infinite impulse response filter: y[n] = (Σ b[k]·x[n-k] − Σ(k≥1) a[k]·y[n-k]) / a[0].",
		3, 3, fixed(types.Dynamic), evalSeriesIIR)
	scalar(r, "series_seasonal", "series_seasonal(series: dynamic [, period: int]): dynamic", "Returns the seasonal component: the per-phase median for the given or detected period (-1, the default, detects; 0 gives zeros).",
		1, 2, fixed(types.Dynamic), func(_ *Context, a []types.Value) types.Value {
			y, ok := fullSeries(a[0])
			if !ok {
				return dynNull()
			}
			p := int64(-1)
			if len(a) > 1 {
				if v, ok := asLong(a[1]); ok {
					p = v
				}
			}
			if p < 0 {
				p = int64(detectPeriod(y, 0.6))
			}
			return dynValue(floatsDyn(seasonalMedian(y, int(min(p, int64(len(y)))))))
		})
	for _, c := range []struct {
		name   string
		sample bool
	}{{"covariance", true}, {"covariancep", false}} {
		sample := c.sample
		withIf(r, c.name, c.name+"if", c.name+"(x: real, y: real): real", c.name+"if(x: real, y: real, predicate: bool): real",
			map[bool]string{true: "Sample covariance of the non-null pairs.", false: "Population covariance of the non-null pairs."}[sample],
			2, 2, fixed(types.Real), func([]types.Type, []*types.Value) Accumulator { return &covAcc{sample: sample} })
	}
	// covarianceif's predicate is the third argument, not the second.
	for _, name := range []string{"covarianceif", "covariancepif"} {
		f, _ := r.Aggregate(name)
		sample := name == "covarianceif"
		f.New = func([]types.Type, []*types.Value) Accumulator {
			return &ifAccumulator{pred: 2, inner: &covAcc{sample: sample}}
		}
		f.Result = fixed(types.Real)
	}
	addTDigest(r)
	addPunycode(r)
}

func evalBagZip(_ *Context, a []types.Value) types.Value {
	keys, ok := arrayArg(a[0])
	if !ok {
		return dynNull()
	}
	vals, _ := arrayArg(a[1])
	out := map[string]any{}
	for i, k := range keys {
		ks, ok := k.(string)
		if !ok {
			continue
		}
		var v any
		if i < len(vals) {
			v = vals[i]
		}
		out[ks] = v
	}
	return dynValue(out)
}

func evalSeriesIIR(_ *Context, a []types.Value) types.Value {
	x, ok := fullSeries(a[0])
	b, ok2 := fullSeries(a[1])
	den, ok3 := fullSeries(a[2])
	if !ok || !ok2 || !ok3 || len(den) == 0 || den[0] == 0 {
		return dynNull()
	}
	y := make([]float64, len(x))
	for n := range x {
		var s float64
		for k := 0; k < len(b) && k <= n; k++ {
			s += b[k] * x[n-k]
		}
		for k := 1; k < len(den) && k <= n; k++ {
			s -= den[k] * y[n-k]
		}
		y[n] = s / den[0]
	}
	return dynValue(floatsDyn(y))
}

// seasonalMedian returns the per-phase median for period p (zeros when
// p < 2).
func seasonalMedian(y []float64, p int) []float64 {
	out := make([]float64, len(y))
	if p < 2 {
		return out
	}
	med := make([]float64, p)
	for ph := 0; ph < p; ph++ {
		var vs []float64
		for i := ph; i < len(y); i += p {
			vs = append(vs, y[i])
		}
		sort.Float64s(vs)
		if n := len(vs); n%2 == 1 {
			med[ph] = vs[n/2]
		} else if n > 0 {
			med[ph] = (vs[n/2-1] + vs[n/2]) / 2
		}
	}
	for i := range out {
		out[i] = med[i%p]
	}
	return out
}

// covAcc accumulates co-moments (parallel-mergeable).
type covAcc struct {
	sample       bool
	n, mx, my, c float64
}

func (a *covAcc) Add(args []types.Value) {
	x, ok1 := asRealLoose(args[0])
	y, ok2 := asRealLoose(args[1])
	if !ok1 || !ok2 {
		return
	}
	a.n++
	dx := x - a.mx
	a.mx += dx / a.n
	a.my += (y - a.my) / a.n
	a.c += dx * (y - a.my)
}

func (a *covAcc) Merge(o Accumulator) {
	b := o.(*covAcc)
	if b.n == 0 {
		return
	}
	n := a.n + b.n
	a.c += b.c + (b.mx-a.mx)*(b.my-a.my)*a.n*b.n/n
	a.mx += (b.mx - a.mx) * b.n / n
	a.my += (b.my - a.my) * b.n / n
	a.n = n
}

func (a *covAcc) Result() types.Value {
	switch {
	case a.n == 0:
		return nullOf(types.Real)
	case a.sample && a.n == 1:
		return realV(0)
	case a.sample:
		return realV(a.c / (a.n - 1))
	}
	return realV(a.c / a.n)
}

// The tdigest family keeps every (value, weight) pair, so its percentiles
// are exact weighted nearest-rank values. A digest is a dynamic array of
// [value, weight] pairs; it is not Kusto's binary format.

func addTDigest(r *Registry) {
	agg(r, "tdigest", "tdigest(expr: any [, weight: long]): dynamic", "Builds an (exact) digest of the values for percentile_tdigest / rank_tdigest: an array of [value, weight] pairs.",
		1, 2, fixed(types.Dynamic), func([]types.Type, []*types.Value) Accumulator { return &digestAcc{} })
	agg(r, "tdigest_merge", "tdigest_merge(digest: dynamic): dynamic", "Merges digests made by tdigest().",
		1, 1, fixed(types.Dynamic), func([]types.Type, []*types.Value) Accumulator { return &digestAcc{merge: true} }, "merge_tdigests")
	scalar(r, "merge_tdigest", "merge_tdigest(digest1: dynamic, ...): dynamic", "Merges several digests into one.",
		1, 64, fixed(types.Dynamic), func(_ *Context, a []types.Value) types.Value {
			acc := &digestAcc{merge: true}
			for _, v := range a {
				acc.Add([]types.Value{v})
			}
			return acc.Result()
		})
	scalar(r, "percentile_tdigest", "percentile_tdigest(digest: dynamic, percentile: real [, typeLiteral: type]): real", "Returns the weighted nearest-rank percentile of a digest (optionally converted to typeLiteral).",
		2, 3, func(ts []types.Type) (types.Type, error) {
			if len(ts) < 3 || ts[2] == types.Null {
				return types.Real, nil
			}
			return ts[2], nil
		}, func(_ *Context, a []types.Value) types.Value {
			v := percentileTDigest(a)
			if len(a) > 2 && a[2].T == types.String {
				return strV(str(v)) // typeof passed as a type name: planned as string
			}
			return v
		})
	scalar(r, "percentiles_array_tdigest", "percentiles_array_tdigest(digest: dynamic, p1: real, ... | percentiles: dynamic): dynamic", "Returns weighted nearest-rank percentiles of a digest as an array.",
		2, 64, fixed(types.Dynamic), func(_ *Context, a []types.Value) types.Value {
			pairs, ok := digestPairs(a[0])
			if !ok {
				return dynNull()
			}
			ps := percentileList(a[1:])
			out := make([]any, len(ps))
			for i, p := range ps {
				out[i] = digestPercentile(pairs, p)
			}
			return dynValue(out)
		})
	scalar(r, "rank_tdigest", "rank_tdigest(digest: dynamic, value: any): long", "Returns the total weight of the digest's values less than or equal to value.",
		2, 2, fixed(types.Long), func(_ *Context, a []types.Value) types.Value {
			pairs, ok := digestPairs(a[0])
			if !ok || a[1].IsNull() {
				return nullOf(types.Long)
			}
			x := toDyn(a[1])
			var n int64
			for _, p := range pairs {
				if compareDyn(p.v, x) <= 0 {
					n += p.w
				}
			}
			return longV(n)
		})
}

// percentileTDigest evaluates percentile_tdigest(digest, p [, type]).
func percentileTDigest(a []types.Value) types.Value {
	want := types.Real
	if len(a) > 2 {
		if t, ok := typeArg(a[2]); ok {
			want = t
		}
	}
	p, ok := asReal(a[1])
	pairs, ok2 := digestPairs(a[0])
	if !ok || !ok2 {
		return nullOf(want)
	}
	v := digestPercentile(pairs, p)
	if v == nil {
		return nullOf(want)
	}
	if len(a) < 3 {
		return ToReal(dynValue(v))
	}
	return dynToScalar(v, want)
}

type digestPair struct {
	v any
	w int64
}

type digestAcc struct {
	merge bool
	pairs []digestPair
}

func (a *digestAcc) Add(args []types.Value) {
	if a.merge {
		if ps, ok := digestPairs(args[0]); ok {
			a.pairs = append(a.pairs, ps...)
		}
		return
	}
	if args[0].IsNull() {
		return
	}
	w := int64(1)
	if len(args) > 1 {
		if x, ok := asLong(args[1]); ok {
			w = x
		}
	}
	if w < 1 {
		return
	}
	a.pairs = append(a.pairs, digestPair{toDyn(args[0]), w})
}

func (a *digestAcc) Merge(o Accumulator) { a.pairs = append(a.pairs, o.(*digestAcc).pairs...) }

func (a *digestAcc) Result() types.Value {
	sort.SliceStable(a.pairs, func(i, j int) bool { return compareDyn(a.pairs[i].v, a.pairs[j].v) < 0 })
	out := make([]any, len(a.pairs))
	for i, p := range a.pairs {
		out[i] = []any{p.v, p.w}
	}
	return dynValue(out)
}

// digestPairs reads a digest made by tdigest().
func digestPairs(v types.Value) ([]digestPair, bool) {
	arr, ok := arrayArg(v)
	if !ok {
		return nil, false
	}
	out := make([]digestPair, 0, len(arr))
	for _, e := range arr {
		p, ok := e.([]any)
		if !ok || len(p) != 2 {
			return nil, false
		}
		w, ok := p[1].(int64)
		if !ok {
			return nil, false
		}
		out = append(out, digestPair{p[0], w})
	}
	sort.SliceStable(out, func(i, j int) bool { return compareDyn(out[i].v, out[j].v) < 0 })
	return out, true
}

func digestPercentile(pairs []digestPair, p float64) any {
	var total int64
	for _, x := range pairs {
		total += x.w
	}
	if total == 0 || math.IsNaN(p) {
		return nil
	}
	rank := max(1, min(int64(math.Ceil(p/100*float64(total))), total))
	var cum int64
	for _, x := range pairs {
		cum += x.w
		if cum >= rank {
			return x.v
		}
	}
	return nil
}

// Punycode (RFC 3492), written from the RFC's description. Kusto's names
// are: punycode_from_string / punycode_domain_to_string encode,
// punycode_to_string / punycode_domain_from_string decode.

const (
	pcBase        = 36
	pcTMin        = 1
	pcTMax        = 26
	pcSkew        = 38
	pcDamp        = 700
	pcInitialBias = 72
	pcInitialN    = 128
)

func pcAdapt(delta, numPoints int, first bool) int {
	if first {
		delta /= pcDamp
	} else {
		delta /= 2
	}
	delta += delta / numPoints
	k := 0
	for delta > ((pcBase-pcTMin)*pcTMax)/2 {
		delta /= pcBase - pcTMin
		k += pcBase
	}
	return k + (pcBase-pcTMin+1)*delta/(delta+pcSkew)
}

func pcDigit(d int) byte {
	if d < 26 {
		return byte('a' + d)
	}
	return byte('0' + d - 26)
}

func pcThreshold(k, bias int) int {
	switch {
	case k <= bias:
		return pcTMin
	case k >= bias+pcTMax:
		return pcTMax
	}
	return k - bias
}

// PunycodeEncode encodes a label; ok is false on overflow.
func PunycodeEncode(s string) (string, bool) {
	rs := []rune(s)
	var out []byte
	for _, r := range rs {
		if r < 0x80 {
			out = append(out, byte(r))
		}
	}
	b := len(out)
	h := b
	if b > 0 {
		out = append(out, '-')
	}
	n, delta, bias := pcInitialN, 0, pcInitialBias
	for h < len(rs) {
		m := math.MaxInt32
		for _, r := range rs {
			if int(r) >= n && int(r) < m {
				m = int(r)
			}
		}
		if (m - n) > (math.MaxInt32-delta)/(h+1) {
			return "", false
		}
		delta += (m - n) * (h + 1)
		n = m
		for _, r := range rs {
			if int(r) < n {
				delta++
				if delta < 0 {
					return "", false
				}
			}
			if int(r) != n {
				continue
			}
			q := delta
			for k := pcBase; ; k += pcBase {
				t := pcThreshold(k, bias)
				if q < t {
					break
				}
				out = append(out, pcDigit(t+(q-t)%(pcBase-t)))
				q = (q - t) / (pcBase - t)
			}
			out = append(out, pcDigit(q))
			bias = pcAdapt(delta, h+1, h == b)
			delta = 0
			h++
		}
		delta++
		n++
	}
	return string(out), true
}

// PunycodeDecode decodes a label; ok is false for invalid input.
func PunycodeDecode(s string) (string, bool) {
	var out []rune
	in := 0
	if b := strings.LastIndexByte(s, '-'); b > 0 {
		for _, c := range []byte(s[:b]) {
			if c >= 0x80 {
				return "", false
			}
			out = append(out, rune(c))
		}
		in = b + 1
	}
	n, i, bias := pcInitialN, 0, pcInitialBias
	for in < len(s) {
		oldi, w := i, 1
		for k := pcBase; ; k += pcBase {
			if in >= len(s) {
				return "", false
			}
			c := s[in]
			in++
			var d int
			switch {
			case c >= '0' && c <= '9':
				d = int(c-'0') + 26
			case c >= 'a' && c <= 'z':
				d = int(c - 'a')
			case c >= 'A' && c <= 'Z':
				d = int(c - 'A')
			default:
				return "", false
			}
			if d > (math.MaxInt32-i)/w {
				return "", false
			}
			i += d * w
			t := pcThreshold(k, bias)
			if d < t {
				break
			}
			if w > math.MaxInt32/(pcBase-t) {
				return "", false
			}
			w *= pcBase - t
		}
		l := len(out) + 1
		bias = pcAdapt(i-oldi, l, oldi == 0)
		if i/l > math.MaxInt32-n {
			return "", false
		}
		n += i / l
		i %= l
		if n > utf8.MaxRune || (n >= 0xD800 && n <= 0xDFFF) {
			return "", false
		}
		out = append(out, 0)
		copy(out[i+1:], out[i:])
		out[i] = rune(n)
		i++
	}
	return string(out), true
}

// domainLabels splits a domain at '.', U+3002, U+FF0E and U+FF61.
func domainLabels(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == '.' || r == '\u3002' || r == '\uff0e' || r == '\uff61' })
}

func addPunycode(r *Registry) {
	scalar(r, "punycode_from_string", "punycode_from_string(input_string: string): string", "Encodes a string with Punycode (RFC 3492), without the xn-- prefix.",
		1, 1, fixed(types.String), unary(func(v types.Value) types.Value {
			s, ok := PunycodeEncode(str(v))
			if !ok {
				return strV("")
			}
			return strV(s)
		}))
	scalar(r, "punycode_to_string", "punycode_to_string(encoded_string: string): string", "Decodes a Punycode string (without xn--); \"\" when invalid.",
		1, 1, fixed(types.String), unary(func(v types.Value) types.Value {
			s, ok := PunycodeDecode(str(v))
			if !ok {
				return strV("")
			}
			return strV(s)
		}))
	scalar(r, "punycode_domain_to_string", "punycode_domain_to_string(domain: string): string", "Encodes every non-ASCII label of a domain as xn--<punycode>.",
		1, 1, fixed(types.String), unary(func(v types.Value) types.Value {
			labels := domainLabels(str(v))
			for i, l := range labels {
				if isASCIIString(l) {
					continue
				}
				e, ok := PunycodeEncode(l)
				if !ok {
					return strV("")
				}
				labels[i] = "xn--" + e
			}
			return strV(strings.Join(labels, "."))
		}))
	scalar(r, "punycode_domain_from_string", "punycode_domain_from_string(encoded_domain: string): string", "Decodes every xn-- label of a domain (IDN homograph hunting); \"\" when a label is invalid.",
		1, 1, fixed(types.String), unary(func(v types.Value) types.Value {
			labels := strings.Split(str(v), ".")
			for i, l := range labels {
				if len(l) < 4 || !strings.EqualFold(l[:4], "xn--") {
					continue
				}
				d, ok := PunycodeDecode(l[4:])
				if !ok {
					return strV("")
				}
				labels[i] = d
			}
			return strV(strings.Join(labels, "."))
		}))
}
