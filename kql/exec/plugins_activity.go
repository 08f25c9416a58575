package exec

import (
	"fmt"
	"math"
	"sort"

	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

// The user-analytics plugins of Microsoft's docs: sliding_window_counts,
// activity_counts_metrics, active_users_count, activity_metrics,
// new_activity_metrics, rolling_percentile and dcount_intersect. Each
// reads its whole input, groups rows into time bins (aligned at Start, or
// at 0 for rolling_percentile) and, where dimension columns follow the
// fixed arguments, computes the metrics per dimension combination.

// plugArgs holds the compiled arguments of a plugin call.
type plugArgs struct {
	pos   []*cexpr
	spans []syntax.Span
	call  *syntax.CallExpr
}

// plugCompile compiles the positional arguments of a plugin against the
// input schema.
func (p *planner) plugCompile(call *syntax.CallExpr, inS types.Schema, sc *scope) (*plugArgs, error) {
	a := &plugArgs{call: call}
	for _, e := range call.Args {
		if ne, ok := e.(*syntax.NamedExpr); ok {
			return nil, errAt(e.Span(), "%s: named argument %s is not supported", callName(call), ne.Names[0].Name)
		}
		c, err := p.expr(e, &env{schema: inS, sc: sc})
		if err != nil {
			return nil, err
		}
		a.pos = append(a.pos, c)
		a.spans = append(a.spans, e.Span())
	}
	return a, nil
}

// need checks the argument count.
func (a *plugArgs) need(min int, usage string) error {
	if len(a.pos) < min {
		return errAt(a.call.Loc, "%s", usage)
	}
	return nil
}

// konst returns argument i converted to t; it must be a constant.
func (a *plugArgs) konst(i int, what string, t types.Type) (types.Value, error) {
	if a.pos[i].konst == nil {
		return types.Value{}, errAt(a.spans[i], "%s: %s must be a constant", callName(a.call), what)
	}
	v := convert(*a.pos[i].konst, t)
	if v.IsNull() {
		return v, errAt(a.spans[i], "%s: %s must be a %s", callName(a.call), what, t)
	}
	return v, nil
}

// column returns argument i, which must be a plain column reference.
func (a *plugArgs) column(i int, what string) (*cexpr, error) {
	if a.pos[i].col < 0 {
		return nil, errAt(a.spans[i], "%s: %s must be a column", callName(a.call), what)
	}
	return a.pos[i], nil
}

// plugDims are the dimension columns from argument `from` on.
func (a *plugArgs) dims(from int) ([]*cexpr, types.Schema, error) {
	var cols []*cexpr
	var s types.Schema
	for i := from; i < len(a.pos); i++ {
		c, err := a.column(i, "a dimension")
		if err != nil {
			return nil, nil, err
		}
		cols = append(cols, c)
		s = append(s, types.Field{Name: c.name, Type: c.t})
	}
	return cols, s, nil
}

// plugGroup is the rows of one dimension combination.
type plugGroup struct {
	dims []types.Value
	rows []int
}

// plugGroups splits the rows of b by the dimension columns, in order of
// first appearance.
func plugGroups(b *types.Batch, dims []*cexpr) []*plugGroup {
	cols := evalAll(dims, b)
	idx := map[string]*plugGroup{}
	var out []*plugGroup
	var buf []byte
	for r := 0; r < b.Len; r++ {
		buf = appendRowKey(buf[:0], cols, r)
		g, ok := idx[string(buf)]
		if !ok {
			g = &plugGroup{}
			for _, c := range cols {
				g.dims = append(g.dims, c.Value(r))
			}
			idx[string(buf)] = g
			out = append(out, g)
		}
		g.rows = append(g.rows, r)
	}
	return out
}

// plugBinIndex is the index of the bin of t, bins of width w from origin.
func plugBinIndex(t, origin, w int64) int64 {
	d := t - origin
	i := d / w
	if d%w != 0 && d < 0 {
		i--
	}
	return i
}

// plugTimeline holds the common arguments of the activity plugins.
type plugTimeline struct {
	id, ts     *cexpr
	start, end int64
	tsType     types.Type
}

func (a *plugArgs) timeline() (*plugTimeline, error) {
	id := a.pos[0]
	ts, err := a.column(1, "the timeline column")
	if err != nil {
		return nil, err
	}
	if ts.t != types.DateTime {
		return nil, errAt(a.spans[1], "%s: the timeline column must be a datetime", callName(a.call))
	}
	s, err := a.konst(2, "Start", types.DateTime)
	if err != nil {
		return nil, err
	}
	e, err := a.konst(3, "End", types.DateTime)
	if err != nil {
		return nil, err
	}
	return &plugTimeline{id: id, ts: ts, start: s.I, end: e.I, tsType: ts.t}, nil
}

// plugMaxWindows bounds the windows between Start and End (a typo such
// as a 1s window over a year would otherwise loop for minutes).
const plugMaxWindows = 100000

// windows returns the index of End's window, checking the bound; max is
// plugMaxWindows or a smaller bound for quadratic plugins.
func (tl *plugTimeline) windows(a *plugArgs, w int64, max int64) (int64, error) {
	if tl.end < tl.start {
		return 0, errAt(a.call.Loc, "%s: End is before Start", callName(a.call))
	}
	n := plugBinIndex(tl.end, tl.start, w)
	if n+1 > max {
		return 0, errAt(a.call.Loc, "%s: %d windows between Start and End, more than the %d supported; use a larger window", callName(a.call), n+1, max)
	}
	return n, nil
}

// plugOutput builds the output batch row by row.
type plugOutput struct {
	b *types.Batch
}

func newPlugOutput(s types.Schema) *plugOutput { return &plugOutput{b: types.NewBatch(s, 0)} }

func (o *plugOutput) add(vals ...types.Value) {
	for j, v := range vals {
		o.b.Cols[j].Append(convert(v, o.b.Schema[j].Type))
	}
	o.b.Len++
}

// plugTableNode runs f over the collected input.
func plugTableNode(in node, out types.Schema, name string, f func(b *types.Batch, o *plugOutput)) node {
	return &funcNode{s: out, f: func(rt *runtime, emit emitFunc) error {
		b, err := collect(rt, in)
		if err != nil {
			return err
		}
		n := batchBytes(b)
		if err := rt.reserve(name, n); err != nil {
			return err
		}
		defer rt.release(n)
		o := newPlugOutput(out)
		f(b, o)
		return (&batchNode{b: o.b}).run(rt, emit)
	}}
}

// plugIDs returns the id of each row as a key ("" for null ids) and a
// validity mask.
func plugIDs(c *types.Column, n int) ([]string, []bool) {
	keys := make([]string, n)
	ok := make([]bool, n)
	for r := 0; r < n; r++ {
		v := c.Value(r)
		if v.IsNull() {
			continue
		}
		keys[r], ok[r] = valueKeyString(v), true
	}
	return keys, ok
}

// valueKeyString is a type-tagged key of a value.
func valueKeyString(v types.Value) string {
	return v.T.String() + ":" + types.FormatValue(v)
}

func appendVals(a []types.Value, b ...types.Value) []types.Value {
	return append(append([]types.Value(nil), a...), b...)
}

// slidingWindowCounts is sliding_window_counts(IdColumn, TimelineColumn,
// Start, End, LookbackWindow, Bin [, dim...]): for each bin from Start to
// End, the count and distinct count of ids in the lookback window ending
// with that bin.
func (p *planner) slidingWindowCounts(call *syntax.CallExpr, in node, sc *scope) (node, error) {
	a, err := p.plugCompile(call, in.schema(), sc)
	if err != nil {
		return nil, err
	}
	if err := a.need(6, "sliding_window_counts(IdColumn, TimelineColumn, Start, End, LookbackWindow, Bin [, dim1, ...])"); err != nil {
		return nil, err
	}
	tl, err := a.timeline()
	if err != nil {
		return nil, err
	}
	look, err := a.konst(4, "LookbackWindow", types.TimeSpan)
	if err != nil {
		return nil, err
	}
	bin, err := a.konst(5, "Bin", types.TimeSpan)
	if err != nil || bin.I <= 0 {
		return nil, errAt(a.spans[5], "sliding_window_counts: Bin must be a positive timespan")
	}
	dims, dimS, err := a.dims(6)
	if err != nil {
		return nil, err
	}
	out := append(append(types.Schema{{Name: tl.ts.name, Type: tl.tsType}}, dimS...),
		types.Field{Name: "Count", Type: types.Long}, types.Field{Name: "dcount", Type: types.Long})
	nBins, err := tl.windows(a, bin.I, plugMaxWindows)
	if err != nil {
		return nil, err
	}
	span := max(int64(1), (look.I+bin.I-1)/bin.I) // bins in the window
	return plugTableNode(in, out, "sliding_window_counts", func(b *types.Batch, o *plugOutput) {
		ids, valid := plugIDs(tl.id.eval(b), b.Len)
		ts := tl.ts.eval(b)
		for _, g := range plugGroups(b, dims) {
			byBin := map[int64][]int{}
			for _, r := range g.rows {
				t := ts.Value(r)
				if t.IsNull() {
					continue
				}
				i := plugBinIndex(t.I, tl.start, bin.I)
				byBin[i] = append(byBin[i], r)
			}
			for i := int64(0); i <= nBins; i++ {
				count, seen := int64(0), map[string]bool{}
				for j := i - span + 1; j <= i; j++ {
					for _, r := range byBin[j] {
						count++
						if valid[r] {
							seen[ids[r]] = true
						}
					}
				}
				if count == 0 {
					continue
				}
				o.add(appendVals(append([]types.Value{types.DateTimeValue(tl.start + i*bin.I)}, g.dims...),
					types.LongValue(count), types.LongValue(int64(len(seen))))...)
			}
		}
	}), nil
}

// activityCountsMetrics is activity_counts_metrics(IdColumn,
// TimelineColumn, Start, End, Window [, dim...]): per window, the row
// count, distinct ids, ids not seen in earlier windows and the running
// distinct count.
func (p *planner) activityCountsMetrics(call *syntax.CallExpr, in node, sc *scope) (node, error) {
	a, err := p.plugCompile(call, in.schema(), sc)
	if err != nil {
		return nil, err
	}
	if err := a.need(5, "activity_counts_metrics(IdColumn, TimelineColumn, Start, End, Window [, dim1, ...])"); err != nil {
		return nil, err
	}
	tl, err := a.timeline()
	if err != nil {
		return nil, err
	}
	w, err := a.konst(4, "Window", types.TimeSpan)
	if err != nil || w.I <= 0 {
		return nil, errAt(a.spans[4], "activity_counts_metrics: Window must be a positive timespan")
	}
	dims, dimS, err := a.dims(5)
	if err != nil {
		return nil, err
	}
	out := append(append(types.Schema{{Name: tl.ts.name, Type: tl.tsType}}, dimS...),
		types.Field{Name: "count", Type: types.Long}, types.Field{Name: "dcount", Type: types.Long},
		types.Field{Name: "new_dcount", Type: types.Long}, types.Field{Name: "aggregated_dcount", Type: types.Long})
	nBins, err := tl.windows(a, w.I, plugMaxWindows)
	if err != nil {
		return nil, err
	}
	return plugTableNode(in, out, "activity_counts_metrics", func(b *types.Batch, o *plugOutput) {
		ids, valid := plugIDs(tl.id.eval(b), b.Len)
		ts := tl.ts.eval(b)
		for _, g := range plugGroups(b, dims) {
			byBin := map[int64][]int{}
			for _, r := range g.rows {
				t := ts.Value(r)
				if t.IsNull() || t.I < tl.start || t.I > tl.end {
					continue
				}
				i := plugBinIndex(t.I, tl.start, w.I)
				byBin[i] = append(byBin[i], r)
			}
			all := map[string]bool{}
			for i := int64(0); i <= nBins; i++ {
				seen, fresh := map[string]bool{}, 0
				for _, r := range byBin[i] {
					if valid[r] && !seen[ids[r]] {
						seen[ids[r]] = true
						if !all[ids[r]] {
							fresh++
						}
					}
				}
				for k := range seen {
					all[k] = true
				}
				o.add(appendVals(append([]types.Value{types.DateTimeValue(tl.start + i*w.I)}, g.dims...),
					types.LongValue(int64(len(byBin[i]))), types.LongValue(int64(len(seen))),
					types.LongValue(int64(fresh)), types.LongValue(int64(len(all))))...)
			}
		}
	}), nil
}

// activeUsersCount is active_users_count(IdColumn, TimelineColumn, Start,
// End, LookbackWindow, Period, ActivePeriodsCount, Bin [, dim...]): per
// bin, the distinct ids with an appearance in the bin at which they had
// appeared in at least ActivePeriodsCount distinct periods of the
// lookback window (appearance - LookbackWindow, appearance]. Bins with no
// active id are not output.
func (p *planner) activeUsersCount(call *syntax.CallExpr, in node, sc *scope) (node, error) {
	a, err := p.plugCompile(call, in.schema(), sc)
	if err != nil {
		return nil, err
	}
	if err := a.need(8, "active_users_count(IdColumn, TimelineColumn, Start, End, LookbackWindow, Period, ActivePeriodsCount, Bin [, dim1, ...])"); err != nil {
		return nil, err
	}
	tl, err := a.timeline()
	if err != nil {
		return nil, err
	}
	look, err := a.konst(4, "LookbackWindow", types.TimeSpan)
	if err != nil {
		return nil, err
	}
	period, err := a.konst(5, "Period", types.TimeSpan)
	if err != nil || period.I <= 0 {
		return nil, errAt(a.spans[5], "active_users_count: Period must be a positive timespan")
	}
	minPeriods, err := a.konst(6, "ActivePeriodsCount", types.Long)
	if err != nil {
		return nil, err
	}
	bin, err := a.konst(7, "Bin", types.TimeSpan)
	if err != nil || bin.I <= 0 {
		return nil, errAt(a.spans[7], "active_users_count: Bin must be a positive timespan")
	}
	dims, dimS, err := a.dims(8)
	if err != nil {
		return nil, err
	}
	out := append(append(types.Schema{{Name: tl.ts.name, Type: tl.tsType}}, dimS...), types.Field{Name: "dcount", Type: types.Long})
	return plugTableNode(in, out, "active_users_count", func(b *types.Batch, o *plugOutput) {
		ids, valid := plugIDs(tl.id.eval(b), b.Len)
		ts := tl.ts.eval(b)
		for _, g := range plugGroups(b, dims) {
			times := map[string][]int64{} // appearances per id, sorted
			for _, r := range g.rows {
				if t := ts.Value(r); valid[r] && !t.IsNull() {
					times[ids[r]] = append(times[ids[r]], t.I)
				}
			}
			active := map[int64]map[string]bool{}
			for id, tt := range times {
				sort.Slice(tt, func(i, j int) bool { return tt[i] < tt[j] })
				// slide the window (t-look, t] over the sorted appearances,
				// counting appearances per period
				periods := map[int64]int{}
				left, right := 0, 0
				for _, t := range tt {
					for ; right < len(tt) && tt[right] <= t; right++ {
						periods[plugBinIndex(tt[right], 0, period.I)]++
					}
					for ; left < right && tt[left] <= t-look.I; left++ {
						k := plugBinIndex(tt[left], 0, period.I)
						if periods[k]--; periods[k] == 0 {
							delete(periods, k)
						}
					}
					if t < tl.start || t > tl.end {
						continue
					}
					if int64(len(periods)) >= minPeriods.I {
						i := plugBinIndex(t, tl.start, bin.I)
						if active[i] == nil {
							active[i] = map[string]bool{}
						}
						active[i][id] = true
					}
				}
			}
			var bins []int64
			for i := range active {
				bins = append(bins, i)
			}
			sort.Slice(bins, func(i, j int) bool { return bins[i] < bins[j] })
			for _, i := range bins {
				o.add(appendVals(append([]types.Value{types.DateTimeValue(tl.start + i*bin.I)}, g.dims...),
					types.LongValue(int64(len(active[i]))))...)
			}
		}
	}), nil
}

// plugWindowSets returns the distinct ids per window index from Start to
// End of one group.
func plugWindowSets(g *plugGroup, ids []string, valid []bool, ts *types.Column, tl *plugTimeline, w int64) (map[int64]map[string]bool, int64) {
	sets := map[int64]map[string]bool{}
	for _, r := range g.rows {
		t := ts.Value(r)
		if !valid[r] || t.IsNull() || t.I < tl.start || t.I > tl.end {
			continue
		}
		i := plugBinIndex(t.I, tl.start, w)
		if sets[i] == nil {
			sets[i] = map[string]bool{}
		}
		sets[i][ids[r]] = true
	}
	return sets, plugBinIndex(tl.end, tl.start, w)
}

func plugRatio(a, b int) float64 {
	if b == 0 {
		return math.NaN()
	}
	return float64(a) / float64(b)
}

// activityMetrics is activity_metrics(IdColumn, TimelineColumn, Start,
// End, Window [, dim...]): per window, distinct ids, ids new since Start,
// and the retention and churn rates against the previous window.
func (p *planner) activityMetrics(call *syntax.CallExpr, in node, sc *scope) (node, error) {
	a, err := p.plugCompile(call, in.schema(), sc)
	if err != nil {
		return nil, err
	}
	if err := a.need(5, "activity_metrics(IdColumn, TimelineColumn, Start, End, Window [, dim1, ...])"); err != nil {
		return nil, err
	}
	tl, err := a.timeline()
	if err != nil {
		return nil, err
	}
	w, err := a.konst(4, "Window", types.TimeSpan)
	if err != nil || w.I <= 0 {
		return nil, errAt(a.spans[4], "activity_metrics: Window must be a positive timespan")
	}
	if _, err := tl.windows(a, w.I, plugMaxWindows); err != nil {
		return nil, err
	}
	dims, dimS, err := a.dims(5)
	if err != nil {
		return nil, err
	}
	out := append(append(types.Schema{{Name: tl.ts.name, Type: tl.tsType}}, dimS...),
		types.Field{Name: "dcount_values", Type: types.Long}, types.Field{Name: "dcount_newvalues", Type: types.Long},
		types.Field{Name: "retention_rate", Type: types.Real}, types.Field{Name: "churn_rate", Type: types.Real})
	return plugTableNode(in, out, "activity_metrics", func(b *types.Batch, o *plugOutput) {
		ids, valid := plugIDs(tl.id.eval(b), b.Len)
		ts := tl.ts.eval(b)
		for _, g := range plugGroups(b, dims) {
			sets, n := plugWindowSets(g, ids, valid, ts, tl, w.I)
			all := map[string]bool{}
			for i := int64(0); i <= n; i++ {
				cur, prev := sets[i], sets[i-1]
				fresh, kept := 0, 0
				for id := range cur {
					if !all[id] {
						fresh++
					}
					if prev[id] {
						kept++
					}
				}
				for id := range cur {
					all[id] = true
				}
				ret := plugRatio(kept, len(prev))
				o.add(appendVals(append([]types.Value{types.DateTimeValue(tl.start + i*w.I)}, g.dims...),
					types.LongValue(int64(len(cur))), types.LongValue(int64(fresh)),
					types.RealValue(ret), types.RealValue(1-ret))...)
			}
		}
	}), nil
}

// newActivityMetrics is new_activity_metrics(IdColumn, TimelineColumn,
// Start, End, Window [, Cohort [, dim...]] [, Lookback]): for each cohort
// window (ids first seen in it) and each window from it on, the ids of
// the cohort still active and the retention and churn rates. A constant
// Cohort datetime keeps the cohort of that window only; ids found in the
// Lookback table (same id column) are never new.
func (p *planner) newActivityMetrics(call *syntax.CallExpr, in node, sc *scope) (node, error) {
	// a tabular last argument is the lookback data: ids in it are never new
	var lookback node
	if n := len(call.Args); n > 5 && p.isTabular(call.Args[n-1], sc) {
		lb, err := p.tabular(call.Args[n-1], sc)
		if err != nil {
			return nil, err
		}
		lookback = lb
		trimmed := *call
		trimmed.Args = call.Args[:n-1]
		call = &trimmed
	}
	a, err := p.plugCompile(call, in.schema(), sc)
	if err != nil {
		return nil, err
	}
	if err := a.need(5, "new_activity_metrics(IdColumn, TimelineColumn, Start, End, Window [, Cohort, dim1, ...])"); err != nil {
		return nil, err
	}
	tl, err := a.timeline()
	if err != nil {
		return nil, err
	}
	w, err := a.konst(4, "Window", types.TimeSpan)
	if err != nil || w.I <= 0 {
		return nil, errAt(a.spans[4], "new_activity_metrics: Window must be a positive timespan")
	}
	cohort := int64(-1)
	dimFrom := 5
	if len(a.pos) > 5 {
		c, err := a.konst(5, "Cohort", types.DateTime)
		if err != nil {
			return nil, err
		}
		cohort = plugBinIndex(c.I, tl.start, w.I)
		dimFrom = 6
	}
	if _, err := tl.windows(a, w.I, 2000); err != nil { // cohort x window pairs
		return nil, err
	}
	dims, dimS, err := a.dims(dimFrom)
	if err != nil {
		return nil, err
	}
	var lbID *cexpr
	if lookback != nil {
		if lbID, err = p.expr(call.Args[0], &env{schema: lookback.schema(), sc: sc}); err != nil {
			return nil, errAt(call.Args[0].Span(), "new_activity_metrics: the lookback table needs the id column: %v", err)
		}
	}
	from, to := "from_"+tl.ts.name, "to_"+tl.ts.name
	out := append(append(types.Schema{{Name: from, Type: tl.tsType}, {Name: to, Type: tl.tsType}}, dimS...),
		types.Field{Name: "dcount_new_values", Type: types.Long}, types.Field{Name: "dcount_retained_values", Type: types.Long},
		types.Field{Name: "dcount_churn_values", Type: types.Long},
		types.Field{Name: "retention_rate", Type: types.Real}, types.Field{Name: "churn_rate", Type: types.Real})
	run := func(old map[string]bool) node { // old: ids of the lookback data
		return plugTableNode(in, out, "new_activity_metrics", func(b *types.Batch, o *plugOutput) {
			ids, valid := plugIDs(tl.id.eval(b), b.Len)
			ts := tl.ts.eval(b)
			for _, g := range plugGroups(b, dims) {
				sets, n := plugWindowSets(g, ids, valid, ts, tl, w.I)
				seen := map[string]bool{}
				for k := range old {
					seen[k] = true
				}
				for i := int64(0); i <= n; i++ {
					newIDs := map[string]bool{}
					for id := range sets[i] {
						if !seen[id] {
							newIDs[id] = true
						}
					}
					for id := range sets[i] {
						seen[id] = true
					}
					if cohort >= 0 && i != cohort {
						continue
					}
					for j := i; j <= n; j++ {
						kept := 0
						for id := range newIDs {
							if sets[j][id] {
								kept++
							}
						}
						ret := plugRatio(kept, len(newIDs))
						o.add(appendVals(append([]types.Value{types.DateTimeValue(tl.start + i*w.I), types.DateTimeValue(tl.start + j*w.I)}, g.dims...),
							types.LongValue(int64(len(newIDs))), types.LongValue(int64(kept)),
							types.LongValue(int64(len(newIDs)-kept)), types.RealValue(ret), types.RealValue(1-ret))...)
					}
				}
			}
		})
	}
	if lookback == nil {
		return run(nil), nil
	}
	return &funcNode{s: out, f: func(rt *runtime, emit emitFunc) error {
		lb, err := collect(rt, lookback)
		if err != nil {
			return err
		}
		old := map[string]bool{}
		keys, valid := plugIDs(lbID.eval(lb), lb.Len)
		for i, k := range keys {
			if valid[i] {
				old[k] = true
			}
		}
		return run(old).run(rt, emit)
	}}, nil
}

// rollingPercentile is rolling_percentile(ValueColumn, Percentile,
// IndexColumn, Bin, BinsToLookBack [, dim...]): per bin of the index, the
// percentile of the values of that bin and the BinsToLookBack-1 before it.
func (p *planner) rollingPercentile(call *syntax.CallExpr, in node, sc *scope) (node, error) {
	a, err := p.plugCompile(call, in.schema(), sc)
	if err != nil {
		return nil, err
	}
	if err := a.need(5, "rolling_percentile(ValueColumn, Percentile, IndexColumn, Bin, BinsToLookBack [, dim1, ...])"); err != nil {
		return nil, err
	}
	val, err := a.column(0, "the value column")
	if err != nil {
		return nil, err
	}
	pct, err := a.konst(1, "Percentile", types.Real)
	if err != nil {
		return nil, err
	}
	idx, err := a.column(2, "the index column")
	if err != nil {
		return nil, err
	}
	binT := idx.t
	if binT == types.DateTime {
		binT = types.TimeSpan
	}
	binArg, err := a.konst(3, "Bin", binT)
	if err != nil {
		return nil, err
	}
	if (binArg.T == types.Real && binArg.F <= 0) || (binArg.T != types.Real && binArg.I <= 0) {
		return nil, errAt(a.spans[3], "rolling_percentile: Bin must be positive")
	}
	back, err := a.konst(4, "BinsToLookBack", types.Long)
	if err != nil || back.I < 1 {
		return nil, errAt(a.spans[4], "rolling_percentile: BinsToLookBack must be a positive number")
	}
	dims, dimS, err := a.dims(5)
	if err != nil {
		return nil, err
	}
	agg, ok := p.reg.Aggregate("percentile")
	if !ok {
		return nil, errAt(call.Loc, "rolling_percentile needs the percentile aggregate")
	}
	name := fmt.Sprintf("rolling_%d_percentile_%s_%s", back.I, val.name, types.FormatValue(*a.pos[1].konst))
	resT, err := agg.Result([]types.Type{val.t, types.Real})
	if err != nil {
		return nil, errAt(a.spans[0], "rolling_percentile: %v", err)
	}
	out := append(append(types.Schema{{Name: idx.name, Type: idx.t}}, dimS...), types.Field{Name: name, Type: resT})
	w := binArg.I
	isReal := idx.t == types.Real || idx.t == types.Decimal
	return plugTableNode(in, out, "rolling_percentile", func(b *types.Batch, o *plugOutput) {
		vals, ix := val.eval(b), idx.eval(b)
		for _, g := range plugGroups(b, dims) {
			byBin := map[int64][]int{}
			for _, r := range g.rows {
				x := ix.Value(r)
				if x.IsNull() {
					continue
				}
				var i int64
				if isReal {
					i = int64(math.Floor(x.F / binArg.F))
				} else {
					i = plugBinIndex(x.I, 0, w)
				}
				byBin[i] = append(byBin[i], r)
			}
			var bins []int64
			for i := range byBin {
				bins = append(bins, i)
			}
			sort.Slice(bins, func(i, j int) bool { return bins[i] < bins[j] })
			for _, i := range bins {
				acc := agg.New([]types.Type{val.t, types.Real}, []*types.Value{nil, &pct})
				for j := i - back.I + 1; j <= i; j++ {
					for _, r := range byBin[j] {
						acc.Add([]types.Value{vals.Value(r), pct})
					}
				}
				key := types.Value{T: idx.t, I: i * w}
				if isReal {
					key = types.RealValue(float64(i) * binArg.F)
				}
				o.add(appendVals(append([]types.Value{key}, g.dims...), acc.Result())...)
			}
		}
	}), nil
}

// dcountIntersect is dcount_intersect(hll1, hll2, ...): s0 is the distinct
// count of hll1, s1 of hll1 ∩ hll2, and so on, for each input row.
func (p *planner) dcountIntersect(call *syntax.CallExpr, in node, sc *scope) (node, error) {
	inS := in.schema()
	a, err := p.plugCompile(call, inS, sc)
	if err != nil {
		return nil, err
	}
	if err := a.need(2, "dcount_intersect(hll1, hll2 [, hll3, ...])"); err != nil {
		return nil, err
	}
	out := append(types.Schema(nil), inS...)
	for i := range a.pos {
		out = append(out, types.Field{Name: fmt.Sprintf("s%d", i), Type: types.Long})
	}
	return plugTableNode(in, out, "dcount_intersect", func(b *types.Batch, o *plugOutput) {
		cols := evalAll(a.pos, b)
		for r := 0; r < b.Len; r++ {
			row := make([]types.Value, 0, len(out))
			for _, c := range b.Cols {
				row = append(row, c.Value(r))
			}
			var cur map[string]bool
			for i, c := range cols {
				next := map[string]bool{}
				arr, _ := c.Value(r).D.([]any)
				for _, e := range arr {
					k := types.DynamicJSON(e)
					if i == 0 || cur[k] {
						next[k] = true
					}
				}
				cur = next
				row = append(row, types.LongValue(int64(len(cur))))
			}
			o.add(row...)
		}
	}), nil
}
