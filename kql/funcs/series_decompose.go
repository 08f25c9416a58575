package funcs

import (
	"math"
	"sort"
	"strings"

	"github.com/huntpack/huntpack/kql/types"
)

// Time-series decomposition and anomaly detection, following the
// description in Microsoft's docs (series_decompose, series_outliers,
// series_decompose_anomalies, series_fit_line). Kusto's internals are not
// published; huntpack's choices are:
//
//   - seasonality -1 detects the period by autocorrelation of the
//     detrended series (lags 4 .. n/4, i.e. at least four cycles, as the
//     series_seasonal page's examples imply; the best lag wins when its
//     autocorrelation reaches seasonality_threshold, default 0.6); 0 means
//     none; a positive number is the period in bins;
//   - the seasonal component is the per-phase average of the detrended
//     series; the trend is the mean ("avg"), a least-squares line
//     ("linefit") or zero ("none"), fitted after removing seasonality;
//   - series_outliers' "ctukey" score (the default, percentiles 10 and 90)
//     and "tukey" (25 and 75): above the upper percentile the score is
//     (x - P_hi) / (P_hi - P_lo), below the lower one -(P_lo - x) / (P_hi -
//     P_lo), else 0; percentiles interpolate linearly;
//   - series_decompose_anomalies flags residual scores beyond ±threshold
//     (default 1.5) as +1/-1.
//
// Multi-output functions return a dynamic array of their outputs (see
// Scalar.Results).

func multiResult(ts ...types.Type) func([]types.Type) ([]types.Type, error) {
	return func([]types.Type) ([]types.Type, error) { return ts, nil }
}

func addSeriesDecompose(r *Registry) {
	r.AddScalar(&Scalar{Name: "series_fit_line", Sig: "series_fit_line(series: dynamic): (rsquare: real, slope: real, variance: real, rvariance: real, interception: real, line_fit: dynamic)",
		Doc: "Least-squares line through the series (x = 1, 2, ...): R², slope, variance, residual variance, interception and the fitted values.", MinArgs: 1, MaxArgs: 1,
		Result: fixed(types.Dynamic), Results: multiResult(types.Real, types.Real, types.Real, types.Real, types.Real, types.Dynamic),
		Eval: unary(func(v types.Value) types.Value {
			y, ok := fullSeries(v)
			if !ok || len(y) == 0 {
				return dynNull()
			}
			slope, icpt, fit := lineFit(y)
			m := mean(y)
			var vy, vr float64
			for i := range y {
				vy += (y[i] - m) * (y[i] - m)
				vr += (y[i] - fit[i]) * (y[i] - fit[i])
			}
			n := float64(len(y))
			rsq := 1 - vr/vy
			if vy == 0 {
				rsq = 1
			}
			return dynValue([]any{rsq, slope, vy / n, vr / n, icpt, floatsDyn(fit)})
		})})
	r.AddScalar(&Scalar{Name: "series_decompose", Sig: "series_decompose(series: dynamic [, seasonality: int [, trend: string [, test_points: int [, seasonality_threshold: real]]]]): (baseline, seasonal, trend, residual: dynamic)",
		Doc: "Splits a series into seasonal, trend and residual components (baseline = seasonal + trend).", MinArgs: 1, MaxArgs: 5,
		Result: fixed(types.Dynamic), Results: multiResult(types.Dynamic, types.Dynamic, types.Dynamic, types.Dynamic),
		Eval: func(_ *Context, a []types.Value) types.Value {
			y, ok := fullSeries(a[0])
			if !ok {
				return dynNull()
			}
			d := decompose(y, decomposeOpts(a, 1, "avg"))
			return dynValue([]any{floatsDyn(d.baseline), floatsDyn(d.seasonal), floatsDyn(d.trend), floatsDyn(d.residual)})
		}})
	r.AddScalar(&Scalar{Name: "series_outliers", Sig: "series_outliers(series: dynamic [, kind: string [, ignore_val: real [, min_percentile: real [, max_percentile: real]]]]): dynamic",
		Doc: "Scores each point by Tukey's fences (kind \"ctukey\": percentiles 10/90 by default; \"tukey\": 25/75).", MinArgs: 1, MaxArgs: 5,
		Result: fixed(types.Dynamic), Eval: func(_ *Context, a []types.Value) types.Value {
			y, ok := fullSeries(a[0])
			if !ok {
				return dynNull()
			}
			lo, hi := 10.0, 90.0
			if len(a) > 1 && strings.EqualFold(str(a[1]), "tukey") {
				lo, hi = 25, 75
			}
			if len(a) > 3 {
				if f, ok := asReal(a[3]); ok {
					lo = f
				}
			}
			if len(a) > 4 {
				if f, ok := asReal(a[4]); ok {
					hi = f
				}
			}
			return dynValue(floatsDyn(outlierScores(y, lo, hi)))
		}})
	r.AddScalar(&Scalar{Name: "series_decompose_anomalies", Sig: "series_decompose_anomalies(series: dynamic [, threshold: real [, seasonality: int [, trend: string [, test_points: int [, method: string [, seasonality_threshold: real]]]]]]): (ad_flag, ad_score, baseline: dynamic)",
		Doc: "Decomposes the series and flags residuals whose Tukey score exceeds the threshold (+1 above, -1 below).", MinArgs: 1, MaxArgs: 7,
		Result: fixed(types.Dynamic), Results: multiResult(types.Dynamic, types.Dynamic, types.Dynamic),
		Eval: func(_ *Context, a []types.Value) types.Value {
			y, ok := fullSeries(a[0])
			if !ok {
				return dynNull()
			}
			threshold := 1.5
			if len(a) > 1 {
				if f, ok := asReal(a[1]); ok {
					threshold = f
				}
			}
			opts := decomposeOpts(a, 2, "linefit")
			if len(a) > 6 {
				if f, ok := asReal(a[6]); ok {
					opts.threshold = f
				}
			}
			d := decompose(y, opts)
			scores := outlierScores(d.residual, 10, 90)
			flags := make([]any, len(scores))
			for i, s := range scores {
				switch {
				case s > threshold:
					flags[i] = int64(1)
				case s < -threshold:
					flags[i] = int64(-1)
				default:
					flags[i] = int64(0)
				}
			}
			return dynValue([]any{flags, floatsDyn(scores), floatsDyn(d.baseline)})
		}})
}

// fullSeries reads a series; nulls become 0 (make-series' default fill).
func fullSeries(v types.Value) ([]float64, bool) {
	xs, ok, _, isArr := seriesArg(v)
	if !isArr {
		return nil, false
	}
	for i := range xs {
		if !ok[i] {
			xs[i] = 0
		}
	}
	return xs, true
}

func floatsDyn(xs []float64) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = numDyn(x, false)
	}
	return out
}

// lineFit fits y = slope*x + icpt with x = 1..n.
func lineFit(y []float64) (slope, icpt float64, fit []float64) {
	n := float64(len(y))
	var sx, sy, sxx, sxy float64
	for i, v := range y {
		x := float64(i + 1)
		sx += x
		sy += v
		sxx += x * x
		sxy += x * v
	}
	den := n*sxx - sx*sx
	if den != 0 {
		slope = (n*sxy - sx*sy) / den
	}
	icpt = (sy - slope*sx) / n
	fit = make([]float64, len(y))
	for i := range y {
		fit[i] = slope*float64(i+1) + icpt
	}
	return slope, icpt, fit
}

type decomposeOptions struct {
	period    int // -1 detect, 0 none
	trend     string
	threshold float64
}

// decomposeOpts reads (seasonality, trend, test_points, ...) starting at
// argument i.
func decomposeOpts(a []types.Value, i int, defTrend string) decomposeOptions {
	o := decomposeOptions{period: -1, trend: defTrend, threshold: 0.6}
	if len(a) > i {
		if p, ok := asLong(a[i]); ok {
			o.period = int(max(-1, min(p, 1<<20)))
		}
	}
	if len(a) > i+1 && a[i+1].T == types.String {
		o.trend = strings.ToLower(a[i+1].S)
	}
	if len(a) > i+3 && i == 1 {
		if f, ok := asReal(a[i+3]); ok {
			o.threshold = f
		}
	}
	return o
}

type decomposition struct{ baseline, seasonal, trend, residual []float64 }

func decompose(y []float64, o decomposeOptions) decomposition {
	n := len(y)
	d := decomposition{baseline: make([]float64, n), seasonal: make([]float64, n), trend: make([]float64, n), residual: make([]float64, n)}
	if n == 0 {
		return d
	}
	// A first trend estimate to detect and average the seasonality.
	first := trendOf(y, o.trend)
	detr := make([]float64, n)
	for i := range y {
		detr[i] = y[i] - first[i]
	}
	p := o.period
	if p < 0 {
		p = detectPeriod(detr, o.threshold)
	}
	if p > 1 && p < n {
		sum := make([]float64, p)
		cnt := make([]float64, p)
		for i, v := range detr {
			sum[i%p] += v
			cnt[i%p]++
		}
		for i := range d.seasonal {
			d.seasonal[i] = sum[i%p] / cnt[i%p]
		}
	}
	deseason := make([]float64, n)
	for i := range y {
		deseason[i] = y[i] - d.seasonal[i]
	}
	d.trend = trendOf(deseason, o.trend)
	for i := range y {
		d.baseline[i] = d.seasonal[i] + d.trend[i]
		d.residual[i] = y[i] - d.baseline[i]
	}
	return d
}

func trendOf(y []float64, kind string) []float64 {
	out := make([]float64, len(y))
	switch kind {
	case "linefit":
		_, _, fit := lineFit(y)
		return fit
	case "none":
		return out
	default:
		m := mean(y)
		for i := range out {
			out[i] = m
		}
		return out
	}
}

// detectPeriod returns the lag in [4, n/2] with the highest
// autocorrelation if it reaches threshold, else 0.
func detectPeriod(x []float64, threshold float64) int {
	n := len(x)
	m := mean(x)
	var den float64
	for _, v := range x {
		den += (v - m) * (v - m)
	}
	if den == 0 {
		return 0
	}
	best, bestLag := threshold, 0
	for lag := 4; lag <= n/4; lag++ {
		var num float64
		for i := 0; i+lag < n; i++ {
			num += (x[i] - m) * (x[i+lag] - m)
		}
		// Normalised per overlapping pair, so long lags are not penalised.
		if ac := (num / float64(n-lag)) / (den / float64(n)); ac >= best {
			best, bestLag = ac, lag
		}
	}
	return bestLag
}

// interpPercentile returns the p-th percentile of sorted xs, linearly
// interpolated.
func interpPercentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	pos := p / 100 * float64(len(sorted)-1)
	lo := int(math.Floor(pos))
	if lo < 0 {
		return sorted[0]
	}
	if lo >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	frac := pos - float64(lo)
	return sorted[lo] + frac*(sorted[lo+1]-sorted[lo])
}

func outlierScores(y []float64, loP, hiP float64) []float64 {
	sorted := append([]float64(nil), y...)
	sort.Float64s(sorted)
	lo, hi := interpPercentile(sorted, loP), interpPercentile(sorted, hiP)
	iqr := hi - lo
	out := make([]float64, len(y))
	for i, v := range y {
		switch {
		case iqr <= 0:
			out[i] = 0
		case v > hi:
			out[i] = (v - hi) / iqr
		case v < lo:
			out[i] = -(lo - v) / iqr
		}
	}
	return out
}
