package exec

import (
	"fmt"
	"strings"
	"sync"

	"github.com/huntpack/huntpack/kql/funcs"
	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

// aggCall is one aggregate function call found in a summarize item.
type aggCall struct {
	f      *funcs.Aggregate
	args   []*cexpr // compiled against the input schema
	argTs  []types.Type
	consts []*types.Value
	outTs  []types.Type // one per output column
	names  []string     // argument names (* expanded) for generated names
	first  int          // index of its first output column in the group batch
	x      *syntax.CallExpr
}

// aggCollector gathers the aggregate calls of a summarize item list.
// Expressions around aggregates (count() * 2) are compiled against the
// group batch: keys, then every aggregate's output columns.
type aggCollector struct {
	in    types.Schema // input schema (aggregate arguments)
	post  types.Schema // keys + aggregate outputs so far
	calls []*aggCall
}

// aggregate registers an aggregate call and returns a reference to its
// first output column in the group batch.
func (p *planner) aggregate(f *funcs.Aggregate, x *syntax.CallExpr, en *env) (*cexpr, *aggCall, error) {
	ac := en.aggs
	n := len(x.Args)
	if n < f.MinArgs || (f.MaxArgs >= 0 && n > f.MaxArgs) {
		return nil, nil, errAt(x.Loc, "%s: wrong number of arguments (%d); signature: %s", f.Name, n, f.Sig)
	}
	inEnv := &env{schema: ac.in, sc: en.sc}
	var args []*cexpr
	var names []string
	for i, a := range x.Args {
		if _, ok := a.(*syntax.StarExpr); ok {
			if i == 0 {
				return nil, nil, errAt(a.Span(), "* is not allowed as the first argument")
			}
			skip := map[string]bool{exprName(x.Args[0], ""): true}
			for _, k := range ac.post {
				skip[k.Name] = true
			}
			for j, fl := range ac.in {
				if !skip[fl.Name] {
					args = append(args, colExpr(ac.in, j, a.Span()))
					names = append(names, fl.Name)
				}
			}
			continue
		}
		cs, err := p.callArgs([]syntax.Expr{a}, inEnv)
		if err != nil {
			return nil, nil, err
		}
		args = append(args, cs[0])
		names = append(names, exprName(a, ""))
	}
	call := &aggCall{f: f, args: args, names: names, x: x}
	for _, a := range args {
		call.argTs = append(call.argTs, a.t)
		call.consts = append(call.consts, a.konst)
	}
	if f.Results != nil {
		ts, err := f.Results(call.argTs)
		if err != nil {
			return nil, nil, errAt(x.Loc, "%s: %v", f.Name, err)
		}
		call.outTs = ts
	} else {
		t, err := f.Result(call.argTs)
		if err != nil {
			return nil, nil, errAt(x.Loc, "%s: %v", f.Name, err)
		}
		call.outTs = []types.Type{t}
	}
	call.first = len(ac.post)
	for i, t := range call.outTs {
		ac.post = append(ac.post, types.Field{Name: fmt.Sprintf("\x00agg%d_%d", len(ac.calls), i), Type: t})
	}
	ac.calls = append(ac.calls, call)
	return colExpr(ac.post, call.first, x.Loc), call, nil
}

// aggPrefix is the generated-name prefix of an aggregate.
var aggPrefix = map[string]string{
	"make_set": "set", "makeset": "set", "make_set_if": "set", "make_list": "list", "makelist": "list",
	"make_list_if": "list", "make_list_with_nulls": "list", "make_bag": "bag", "make_bag_if": "bag",
	"take_any": "any", "any": "any", "take_anyif": "anyif", "anyif": "anyif", "buildschema": "schema",
	"variancep": "variance", "percentiles": "percentile", "percentilesw": "percentile", "percentilew": "percentile",
	"arg_max": "max", "arg_min": "min", "argmax": "max", "argmin": "min",
	"percentiles_array": "percentile", "percentilesw_array": "percentile",
}

// aggNames derives the output column names of an unnamed aggregate call.
func aggNames(name string, x *syntax.CallExpr, argNames []string, n int) []string {
	prefix := name
	if p, ok := aggPrefix[name]; ok {
		prefix = p
	}
	first := ""
	if len(argNames) > 0 {
		first = argNames[0]
	}
	switch name {
	case "arg_max", "arg_min", "argmax", "argmin", "take_any", "any":
		if n > 1 || name == "take_any" || name == "any" {
			out := make([]string, 0, n)
			if name == "take_any" || name == "any" {
				if len(x.Args) == 1 && first != "" {
					return []string{"any_" + first}
				}
			}
			for _, a := range argNames {
				if a == "" {
					a = prefix + "_"
				}
				out = append(out, a)
			}
			return out
		}
	case "percentile", "percentiles", "percentilew", "percentilesw":
		var out []string
		lits := x.Args[1:]
		if strings.HasSuffix(name, "w") && len(lits) > 0 {
			lits = lits[1:]
		}
		for _, l := range lits {
			out = append(out, "percentile_"+first+"_"+strings.ReplaceAll(exprText(l), ".", "_"))
		}
		if len(out) == n {
			return out
		}
	case "countif":
		return []string{prefix + "_"}
	case "count":
		return []string{prefix + "_" + first}
	}
	names := prefix + "_" + first
	if name == "covariance" || name == "covariancep" || name == "covarianceif" || name == "covariancepif" {
		if len(argNames) > 1 {
			names += "_" + argNames[1]
		}
	}
	return []string{names}
}

// exprText returns the source-ish text of a literal for names.
func exprText(e syntax.Expr) string {
	if l, ok := e.(*syntax.Literal); ok {
		return types.FormatValue(l.Value)
	}
	return ""
}

// uniqueName returns name, or name1, name2... when taken.
func uniqueName(name string, taken map[string]bool) string {
	if !taken[name] {
		taken[name] = true
		return name
	}
	for i := 1; ; i++ {
		n := fmt.Sprintf("%s%d", name, i)
		if !taken[n] {
			taken[n] = true
			return n
		}
	}
}

// keyName derives a group-key column name: a column keeps its name, and
// bin(Col, ...)/floor(Col, ...) is named after Col.
func keyName(e syntax.Expr, def string) string {
	if c, ok := e.(*syntax.CallExpr); ok && c.Name != nil && len(c.Args) > 0 {
		switch c.Name.Name {
		case "bin", "floor", "bin_at", "startofday", "startofweek", "startofmonth", "startofyear", "todatetime", "tostring", "tolower", "toupper":
			if n := exprName(c.Args[0], ""); n != "" {
				return n
			}
		}
	}
	return exprName(e, def)
}

// groupKeys compiles `by` expressions and names them (Col, bin(Col, ..)
// -> Col, ColumnN otherwise), registering the names in taken.
func (p *planner) groupKeys(by []syntax.Expr, inS types.Schema, sc *scope, taken map[string]bool) ([]*cexpr, []string, error) {
	var keys []*cexpr
	var names []string
	for i, k := range by {
		e, name := k, ""
		if ne, ok := k.(*syntax.NamedExpr); ok {
			e, name = ne.Value, ne.Names[0].Name
		}
		c, err := p.expr(e, &env{schema: inS, sc: sc})
		if err != nil {
			return nil, nil, err
		}
		if name == "" {
			name = keyName(e, fmt.Sprintf("Column%d", i+1))
		}
		keys = append(keys, c)
		names = append(names, uniqueName(name, taken))
	}
	return keys, names, nil
}

// aggOut is one output column of summarize: its name and its expression
// over the group batch.
type aggOut struct {
	name string
	e    *cexpr
}

// summarizeItem compiles one summarize item: a direct aggregate call
// (one or several output columns) or an expression over aggregates.
func (p *planner) summarizeItem(it syntax.Expr, ac *aggCollector, sc *scope, auto *int) ([]aggOut, error) {
	e, names := it, []string(nil)
	if ne, ok := it.(*syntax.NamedExpr); ok {
		e = ne.Value
		for _, n := range ne.Names {
			names = append(names, n.Name)
		}
	}
	if call, ok := unparen(e).(*syntax.CallExpr); ok && call.Name != nil && call.Target == nil {
		if f, ok := p.reg.Aggregate(call.Name.Name); ok {
			return p.directAggregate(f, call, names, ac, sc)
		}
	}
	before := len(ac.calls)
	c, err := p.expr(e, &env{schema: ac.post, sc: sc, aggs: ac})
	if err != nil {
		return nil, err
	}
	if len(ac.calls) == before {
		return nil, errAt(it.Span(), "summarize needs an aggregate function here")
	}
	name := ""
	switch {
	case len(names) == 1:
		name = names[0]
	case len(ac.calls) == before+1:
		// f(agg(x)) is named after the aggregate: tostring(make_set(x)) -> set_x
		inner := ac.calls[before]
		name = aggNames(inner.x.Name.Name, inner.x, inner.names, len(inner.outTs))[0]
	default:
		*auto++
		name = exprName(e, fmt.Sprintf("Column%d", *auto))
	}
	return []aggOut{{name: name, e: c}}, nil
}

// directAggregate compiles `[(names) =] agg(args)` and names its columns.
func (p *planner) directAggregate(f *funcs.Aggregate, call *syntax.CallExpr, names []string, ac *aggCollector, sc *scope) ([]aggOut, error) {
	ref, a, err := p.aggregate(f, call, &env{sc: sc, aggs: ac})
	if err != nil {
		return nil, err
	}
	n := len(a.outTs)
	gen := aggNames(call.Name.Name, call, a.names, n)
	switch {
	case len(names) == 0:
		names = gen
	case len(names) == 1 && n > 1 && f.Name != "arg_max" && f.Name != "arg_min":
		base := names[0]
		names = nil
		for i := 0; i < n; i++ {
			names = append(names, fmt.Sprintf("%s_%d", base, i))
		}
	}
	for len(names) < n && len(gen) == n {
		names = append(names, gen[len(names)])
	}
	if len(names) != n {
		return nil, errAt(call.Loc, "%s yields %d columns but %d names were given", f.Name, n, len(names))
	}
	outs := make([]aggOut, n)
	for i := range outs {
		outs[i] = aggOut{name: names[i], e: colExpr(ac.post, ref.col+i, call.Loc)}
	}
	return outs, nil
}

// summarize plans the summarize operator: group keys first (in by
// order), then the aggregate columns.
func (p *planner) summarize(o *syntax.SummarizeOp, in node, sc *scope) (node, error) {
	inS := in.schema()
	taken := map[string]bool{}
	keys, keyNames, err := p.groupKeys(o.By, inS, sc, taken)
	if err != nil {
		return nil, err
	}
	ac := &aggCollector{in: inS}
	var out types.Schema
	var finals []*cexpr
	for i, c := range keys {
		ac.post = append(ac.post, types.Field{Name: keyNames[i], Type: c.t})
		out = append(out, ac.post[i])
		finals = append(finals, colExpr(ac.post, i, syntax.NoSpan))
	}
	auto := len(o.By)
	for _, it := range o.Aggs {
		outs, err := p.summarizeItem(it, ac, sc, &auto)
		if err != nil {
			return nil, err
		}
		for _, oc := range outs {
			out = append(out, types.Field{Name: uniqueName(oc.name, taken), Type: oc.e.t})
			finals = append(finals, oc.e)
		}
	}
	g := &grouper{keys: keys, calls: ac.calls, post: ac.post}
	return &funcNode{s: out, f: func(rt *runtime, emit emitFunc) error {
		return g.runChunks(rt, in, len(o.By) == 0, func(b *types.Batch) error {
			res := &types.Batch{Schema: out, Len: b.Len}
			for _, f := range finals {
				res.Cols = append(res.Cols, f.eval(b))
			}
			return emit(res)
		})
	}}, nil
}

// grouper hashes rows into groups and folds aggregates.
type grouper struct {
	keys  []*cexpr
	calls []*aggCall
	post  types.Schema
}

type group struct {
	keys []types.Value
	accs []funcs.Accumulator
}

func (g *grouper) newGroup(keys []types.Value) *group {
	gr := &group{keys: keys, accs: make([]funcs.Accumulator, len(g.calls))}
	for i, c := range g.calls {
		gr.accs[i] = c.f.New(c.argTs, c.consts)
	}
	return gr
}

// run groups all rows of in and returns the group batch (keys, then
// aggregate outputs). With global set and no rows, one group is made.
func (g *grouper) run(rt *runtime, in node, global bool) (*types.Batch, error) {
	var mu sync.Mutex
	index := map[string]int{}
	var groups []*group
	var held int64
	var buf []byte
	defer func() { rt.release(held) }()
	var aggMem limAggCharge // growing aggregate state (make_set, ...)
	defer aggMem.free(rt)
	err := in.run(rt, func(b *types.Batch) error {
		if err := rt.ctx.Err(); err != nil {
			return err
		}
		keyCols := make([]*types.Column, len(g.keys))
		for i, k := range g.keys {
			keyCols[i] = k.eval(b)
		}
		argCols := make([][]*types.Column, len(g.calls))
		for i, c := range g.calls {
			for _, a := range c.args {
				argCols[i] = append(argCols[i], a.eval(b))
			}
		}
		mu.Lock()
		defer mu.Unlock()
		kv := make([]types.Value, len(keyCols))
		argBufs := make([][]types.Value, len(argCols))
		for i, cols := range argCols {
			argBufs[i] = make([]types.Value, len(cols))
		}
		for r := 0; r < b.Len; r++ {
			buf = appendRowKey(buf[:0], keyCols, r)
			gi, ok := index[string(buf)]
			if !ok {
				for i, c := range keyCols {
					kv[i] = c.Value(r)
				}
				gi = len(groups)
				index[string(buf)] = gi
				groups = append(groups, g.newGroup(append([]types.Value(nil), kv...)))
				n := int64(len(buf)*2 + 64 + 64*len(g.calls))
				held += n
				if err := rt.reserve("summarize", n); err != nil {
					return err
				}
			}
			gr := groups[gi]
			aggMem.touch(gi, gr.accs)
			for i, cols := range argCols {
				args := argBufs[i]
				for j, c := range cols {
					args[j] = c.Value(r)
				}
				gr.accs[i].Add(args)
			}
		}
		return aggMem.flush(rt, "summarize", func(gi int) []funcs.Accumulator { return groups[gi].accs })
	})
	if err != nil {
		return nil, err
	}
	if len(groups) == 0 && global {
		groups = append(groups, g.newGroup(nil))
	}
	out := types.NewBatch(g.post, len(groups))
	for _, gr := range groups {
		for i, k := range gr.keys {
			out.Cols[i].Append(convert(k, g.post[i].Type))
		}
		col := len(g.keys)
		for i, c := range g.calls {
			for j, v := range aggValues(c, gr.accs[i]) {
				out.Cols[col].Append(convert(v, c.outTs[j]))
				col++
			}
		}
	}
	out.Len = len(groups)
	return out, nil
}

// aggValues returns an accumulator's results, one per output column of
// its call (nulls for missing ones).
func aggValues(c *aggCall, acc funcs.Accumulator) []types.Value {
	var vals []types.Value
	if ma, ok := acc.(funcs.MultiAccumulator); ok && c.f.Results != nil {
		vals = ma.Results()
	} else {
		vals = []types.Value{acc.Result()}
	}
	out := make([]types.Value, len(c.outTs))
	for j := range c.outTs {
		out[j] = types.NullOf(c.outTs[j])
		if j < len(vals) {
			out[j] = vals[j]
		}
	}
	return out
}

// tgDisabled turns typed grouping off (tests compare both groupers).
var tgDisabled bool

// runChunks groups all rows of in and calls out with the group batch in
// chunks: typed grouping when the keys allow it (summarize_typed.go),
// else run.
func (g *grouper) runChunks(rt *runtime, in node, global bool, out func(*types.Batch) error) error {
	if g.typedGroups() && !tgDisabled {
		return g.runTyped(rt, in, out)
	}
	b, err := g.run(rt, in, global)
	if err != nil {
		return err
	}
	return (&batchNode{b: b}).run(rt, out)
}

// distinct plans `distinct Cols` / `distinct *`.
func (p *planner) distinct(o *syntax.DistinctOp, in node, sc *scope) (node, error) {
	inS := in.schema()
	var keys []*cexpr
	var out types.Schema
	for _, c := range o.Cols {
		if _, ok := c.(*syntax.StarExpr); ok {
			for i := range inS {
				keys = append(keys, colExpr(inS, i, c.Span()))
				out = append(out, inS[i])
			}
			continue
		}
		e, name := c, ""
		if ne, ok := c.(*syntax.NamedExpr); ok {
			e, name = ne.Value, ne.Names[0].Name
		}
		k, err := p.expr(e, &env{schema: inS, sc: sc})
		if err != nil {
			return nil, err
		}
		if name == "" {
			name = exprName(e, fmt.Sprintf("Column%d", len(keys)+1))
		}
		keys = append(keys, k)
		out = append(out, types.Field{Name: name, Type: k.t})
	}
	g := &grouper{keys: keys, post: out}
	return &funcNode{s: out, f: func(rt *runtime, emit emitFunc) error {
		return g.runChunks(rt, in, false, emit)
	}}, nil
}

// appendRowKey appends a canonical binary identity of row r's values to
// buf: values equal under == (1 and 1.0, int and long, a string and a
// dynamic string) get equal bytes. It is keyOf's encoding, with typed
// fast paths that avoid building Values.
func appendRowKey(buf []byte, cols []*types.Column, r int) []byte {
	for _, c := range cols {
		switch {
		case c.Type.UsesStrs():
			buf = appendKey(buf, key{k: 4, s: c.Strs[r]})
		case c.Nulls != nil && c.Nulls[r]:
			buf = appendKey(buf, key{k: 0, t: uint8(c.Type)})
		case c.Type.IsIntegral():
			buf = appendKey(buf, key{k: 2, i: c.Ints[r]})
		case c.Type == types.DateTime:
			buf = appendKey(buf, key{k: 5, i: c.Ints[r]})
		case c.Type == types.TimeSpan:
			buf = appendKey(buf, key{k: 6, i: c.Ints[r]})
		default:
			buf = appendKey(buf, keyOf(c.Value(r)))
		}
	}
	return buf
}

// appendKey encodes one key.
func appendKey(buf []byte, k key) []byte {
	buf = append(buf, k.k, k.t)
	buf = appendInt64(buf, k.i)
	n := len(k.s)
	buf = append(buf, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	return append(buf, k.s...)
}

func appendInt64(buf []byte, v int64) []byte {
	u := uint64(v)
	return append(buf, byte(u>>56), byte(u>>48), byte(u>>40), byte(u>>32), byte(u>>24), byte(u>>16), byte(u>>8), byte(u))
}
