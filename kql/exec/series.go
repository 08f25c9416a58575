package exec

import (
	"fmt"
	"math"
	"strings"

	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

// seriesPlan is a compiled make-series.
type seriesPlan struct {
	axis     *cexpr
	keys     []*cexpr
	binIdx   *cexpr
	aggs     []seriesAgg
	bounds   *seriesRange
	g        *grouper
	out      types.Schema
	nonempty bool
}

// makeSeries plans make-series: rows are grouped by the by keys and by
// the bin of the axis; each aggregate becomes an array with one element
// per bin (the default, 0 unless given, where a bin has no rows).
func (p *planner) makeSeries(o *syntax.MakeSeriesOp, in node, sc *scope) (node, error) {
	inS := in.schema()
	axis, err := p.expr(o.On, &env{schema: inS, sc: sc})
	if err != nil {
		return nil, err
	}
	sp := &seriesPlan{}
	if sp.bounds, err = p.seriesBounds(o, sc); err != nil {
		return nil, err
	}
	for _, prm := range o.Params {
		if strings.EqualFold(prm.Name, "kind") && strings.EqualFold(paramText(prm.Value), "nonempty") {
			sp.nonempty = true
		}
	}
	taken := map[string]bool{}
	keys, keyNames, err := p.groupKeys(o.By, inS, sc, taken)
	if err != nil {
		return nil, err
	}
	sp.keys = keys
	sp.axis = axis
	sp.binIdx = binIndexExpr(axis, sp.bounds)
	ac := &aggCollector{in: inS}
	for i, c := range keys {
		ac.post = append(ac.post, types.Field{Name: keyNames[i], Type: c.t})
	}
	ac.post = append(ac.post, types.Field{Name: "\x00bin", Type: types.Long})
	for _, a := range o.Aggs {
		sa, err := p.seriesAggregate(a, ac, sc)
		if err != nil {
			return nil, err
		}
		sa.name = uniqueName(sa.name, taken)
		sp.aggs = append(sp.aggs, sa)
	}
	for i, k := range keyNames {
		sp.out = append(sp.out, types.Field{Name: k, Type: keys[i].t})
	}
	for _, a := range sp.aggs {
		sp.out = append(sp.out, types.Field{Name: a.name, Type: types.Dynamic})
	}
	sp.out = append(sp.out, types.Field{Name: uniqueName(exprName(o.On, "Column1"), taken), Type: types.Dynamic})
	sp.g = &grouper{keys: append(append([]*cexpr(nil), keys...), sp.binIdx), calls: ac.calls, post: ac.post}
	return &funcNode{s: sp.out, f: func(rt *runtime, emit emitFunc) error {
		res, err := sp.run(rt, in)
		if err != nil {
			return err
		}
		return (&batchNode{b: res}).run(rt, emit)
	}}, nil
}

// binIndexExpr maps the axis to its bin index (null outside the range).
func binIndexExpr(axis *cexpr, bounds *seriesRange) *cexpr {
	return &cexpr{t: types.Long, col: -1, fn: func(b *types.Batch) *types.Column {
		ac := axis.eval(b)
		out := &types.Column{Type: types.Long, Ints: make([]int64, b.Len)}
		for r := 0; r < b.Len; r++ {
			i, ok := bounds.index(ac.Value(r))
			if !ok {
				setNull(out, r)
				continue
			}
			out.Ints[r] = i
		}
		return out
	}}
}

// seriesAggregate compiles one `[Name =] Agg [default = D]`.
func (p *planner) seriesAggregate(a *syntax.MakeSeriesAgg, ac *aggCollector, sc *scope) (seriesAgg, error) {
	e, name := a.X, ""
	if ne, ok := e.(*syntax.NamedExpr); ok {
		e, name = ne.Value, ne.Names[0].Name
	}
	c, err := p.expr(e, &env{schema: ac.post, sc: sc, aggs: ac})
	if err != nil {
		return seriesAgg{}, err
	}
	if name == "" {
		if call, ok := unparen(e).(*syntax.CallExpr); ok && call.Name != nil {
			name = aggNames(call.Name.Name, call, []string{exprName(firstArg(call), "")}, 1)[0]
		} else {
			name = exprName(e, "Column1")
		}
	}
	def := convert(types.LongValue(0), c.t)
	if a.Default != nil {
		d, err := p.expr(a.Default, &env{sc: sc})
		if err != nil {
			return seriesAgg{}, err
		}
		if d.konst == nil {
			return seriesAgg{}, errAt(a.Default.Span(), "make-series default must be a constant")
		}
		def = *d.konst
	}
	return seriesAgg{name: name, e: c, def: def}, nil
}

// run groups the input and assembles one row per series.
func (sp *seriesPlan) run(rt *runtime, in node) (*types.Batch, error) {
	inS := in.schema()
	if sp.bounds.fromData || sp.bounds.toData {
		all, err := collect(rt, in)
		if err != nil {
			return nil, err
		}
		if err := sp.bounds.fitData(sp.axis.eval(all), all.Len); err != nil {
			return nil, &runtimeError{fmt.Errorf("make-series: %w", err)}
		}
		in = &batchNode{b: all}
	}
	gb, err := sp.g.run(rt, &streamNode{child: in, s: inS, f: func(b *types.Batch) (*types.Batch, error) {
		return gather(b, truthy(notNullCol(sp.binIdx.eval(b)), b.Len)), nil
	}}, false)
	if err != nil {
		return nil, err
	}
	nk := len(sp.keys)
	vals := make([]*types.Column, len(sp.aggs))
	for i, a := range sp.aggs {
		vals[i] = a.e.eval(gb)
	}
	series := map[string]int{}
	var rows [][]types.Value
	var arrays [][][]any
	kv := make([]types.Value, nk)
	for r := 0; r < gb.Len; r++ {
		for i := 0; i < nk; i++ {
			kv[i] = gb.Cols[i].Value(r)
		}
		ks := rowKey(kv)
		si, ok := series[ks]
		if !ok {
			si = len(rows)
			series[ks] = si
			rows = append(rows, append([]types.Value(nil), kv...))
			arrays = append(arrays, sp.bounds.defaults(aggsDefaults(sp.aggs)))
		}
		bin := gb.Cols[nk].Ints[r]
		for i := range sp.aggs {
			arrays[si][i][bin] = toDyn(vals[i].Value(r))
		}
	}
	if len(rows) == 0 && sp.nonempty && nk == 0 {
		rows = append(rows, nil)
		arrays = append(arrays, sp.bounds.defaults(aggsDefaults(sp.aggs)))
	}
	res := types.NewBatch(sp.out, len(rows))
	for si, row := range rows {
		for i := 0; i < nk; i++ {
			res.Cols[i].Append(row[i])
		}
		for i := range sp.aggs {
			res.Cols[nk+i].Append(types.DynamicValue(arrays[si][i]))
		}
		res.Cols[len(sp.out)-1].Append(types.DynamicValue(sp.bounds.axis()))
	}
	res.Len = len(rows)
	return res, nil
}

func firstArg(c *syntax.CallExpr) syntax.Expr {
	if len(c.Args) == 0 {
		return nil
	}
	return c.Args[0]
}

// seriesAgg is one compiled make-series aggregate.
type seriesAgg struct {
	name string
	e    *cexpr
	def  types.Value
}

func aggsDefaults(aggs []seriesAgg) []types.Value {
	out := make([]types.Value, len(aggs))
	for i, a := range aggs {
		out[i] = a.def
	}
	return out
}

// notNullCol turns a column into a bool column: true where not null.
func notNullCol(c *types.Column) *types.Column {
	n := c.Len()
	out := boolColumn(n)
	for i := 0; i < n; i++ {
		out.Bools[i] = !c.IsNull(i)
	}
	return out
}

// seriesRange is the axis of a make-series: from, step and bin count.
type seriesRange struct {
	t                types.Type
	from, to         float64
	step             float64
	n                int64
	fromData, toData bool // bound taken from the data at run time
}

// seriesBounds compiles from/to/step. A missing from or to is taken
// from the data when the query runs (fromData/toData set).
func (p *planner) seriesBounds(o *syntax.MakeSeriesOp, sc *scope) (*seriesRange, error) {
	step, err := p.seriesConst(o.Step, sc)
	if err != nil {
		return nil, err
	}
	r := &seriesRange{}
	if r.step, _ = numOrTicks(step); r.step <= 0 {
		return nil, errAt(o.Step.Span(), "make-series step must be positive")
	}
	if o.From == nil {
		r.fromData = true
	} else {
		f, err := p.seriesConst(o.From, sc)
		if err != nil {
			return nil, err
		}
		r.t = f.T
		r.from, _ = numOrTicks(f)
	}
	if o.To == nil {
		r.toData = true
	} else {
		t, err := p.seriesConst(o.To, sc)
		if err != nil {
			return nil, err
		}
		r.to, _ = numOrTicks(t)
	}
	if !r.fromData && !r.toData {
		if err := r.setCount(); err != nil {
			return nil, errAt(o.Loc, "make-series: %v", err)
		}
	}
	return r, nil
}

// seriesConst evaluates a constant, non-null make-series bound.
func (p *planner) seriesConst(e syntax.Expr, sc *scope) (types.Value, error) {
	c, err := p.expr(e, &env{sc: sc})
	if err != nil {
		return types.Value{}, err
	}
	if c.konst == nil || c.konst.IsNull() {
		return types.Value{}, errAt(e.Span(), "make-series bounds must be non-null constants")
	}
	return *c.konst, nil
}

// setCount computes the number of bins in [from, to).
func (r *seriesRange) setCount() error {
	n := (r.to - r.from) / r.step
	r.n = int64(n)
	if float64(r.n) < n {
		r.n++
	}
	if r.n < 0 {
		r.n = 0
	}
	if r.n > 10_000_000 {
		return fmt.Errorf("%d bins is too many", r.n)
	}
	return nil
}

// fitData sets a missing from (the smallest axis value, floored to the
// step) and to (just past the largest) from the axis values.
func (r *seriesRange) fitData(axis *types.Column, n int) error {
	lo, hi, seen := 0.0, 0.0, false
	for i := 0; i < n; i++ {
		v := axis.Value(i)
		x, ok := numOrTicks(v)
		if v.IsNull() || !ok {
			continue
		}
		if r.t == types.Null {
			r.t = v.T
		}
		if !seen || x < lo {
			lo = x
		}
		if !seen || x > hi {
			hi = x
		}
		seen = true
	}
	if !seen {
		r.n = 0
		return nil
	}
	if r.fromData {
		r.from = math.Floor(lo/r.step) * r.step
	}
	if r.toData {
		r.to = hi + r.step
		if r.to-r.from > 0 {
			r.to = r.from + math.Floor((hi-r.from)/r.step)*r.step + r.step
		}
	}
	return r.setCount()
}

// numOrTicks returns a number, or the ticks of a datetime/timespan.
func numOrTicks(v types.Value) (float64, bool) {
	if v.T == types.DateTime || v.T == types.TimeSpan {
		return float64(v.I), true
	}
	return asReal(v)
}

func (r *seriesRange) index(v types.Value) (int64, bool) {
	if v.IsNull() {
		return 0, false
	}
	x, ok := numOrTicks(v)
	if !ok || x < r.from {
		return 0, false
	}
	i := int64((x - r.from) / r.step)
	if i >= r.n {
		return 0, false
	}
	return i, true
}

func (r *seriesRange) defaults(defs []types.Value) [][]any {
	out := make([][]any, len(defs))
	for i, d := range defs {
		arr := make([]any, r.n)
		dv := toDyn(d)
		for j := range arr {
			arr[j] = dv
		}
		out[i] = arr
	}
	return out
}

func (r *seriesRange) axis() []any {
	out := make([]any, r.n)
	for i := range out {
		x := r.from + float64(i)*r.step
		switch {
		case r.t == types.DateTime || r.t == types.TimeSpan:
			out[i] = toDyn(types.Value{T: r.t, I: int64(r.from) + int64(i)*int64(r.step)})
		case r.t.IsIntegral():
			out[i] = int64(x)
		default:
			out[i] = x
		}
	}
	return out
}
