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
	call := &aggCall{f: f, args: args, names: names}
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
	case "count", "countif":
		return []string{prefix + "_"}
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

// summarize plans the summarize operator.
func (p *planner) summarize(o *syntax.SummarizeOp, in node, sc *scope) (node, error) {
	inS := in.schema()
	taken := map[string]bool{}
	auto := 0
	var keys []*cexpr
	var keyNames []string
	for _, k := range o.By {
		e, name := k, ""
		if ne, ok := k.(*syntax.NamedExpr); ok {
			e, name = ne.Value, ne.Names[0].Name
		}
		c, err := p.expr(e, &env{schema: inS, sc: sc})
		if err != nil {
			return nil, err
		}
		if name == "" {
			auto++
			name = keyName(e, fmt.Sprintf("Column%d", auto))
		}
		keys = append(keys, c)
		keyNames = append(keyNames, uniqueName(name, taken))
	}
	ac := &aggCollector{in: inS}
	for i, c := range keys {
		ac.post = append(ac.post, types.Field{Name: keyNames[i], Type: c.t})
	}
	type outCol struct {
		name string
		e    *cexpr
	}
	var outs []outCol
	for _, it := range o.Aggs {
		e, names := it, []string(nil)
		if ne, ok := it.(*syntax.NamedExpr); ok {
			e = ne.Value
			for _, n := range ne.Names {
				names = append(names, n.Name)
			}
		}
		if call, ok := unparen(e).(*syntax.CallExpr); ok && call.Name != nil {
			if f, ok := p.reg.Aggregate(call.Name.Name); ok && call.Target == nil {
				ref, ac1, err := p.aggregate(f, call, &env{sc: sc, aggs: ac})
				if err != nil {
					return nil, err
				}
				n := len(ac1.outTs)
				if len(names) == 0 {
					names = aggNames(call.Name.Name, call, ac1.names, n)
				}
				if len(names) == 1 && n > 1 && f.Name != "arg_max" && f.Name != "arg_min" {
					base := names[0]
					names = nil
					for i := 0; i < n; i++ {
						names = append(names, fmt.Sprintf("%s_%d", base, i))
					}
				}
				if len(names) < n {
					gen := aggNames(call.Name.Name, call, ac1.names, n)
					for len(names) < n && len(gen) == n {
						names = append(names, gen[len(names)])
					}
				}
				if len(names) != n {
					return nil, errAt(it.Span(), "%s yields %d columns but %d names were given", f.Name, n, len(names))
				}
				for i := 0; i < n; i++ {
					outs = append(outs, outCol{name: names[i], e: colExpr(ac.post, ref.col+i, call.Loc)})
				}
				continue
			}
		}
		c, err := p.expr(e, &env{schema: ac.post, sc: sc, aggs: ac})
		if err != nil {
			return nil, err
		}
		if len(ac.calls) == 0 {
			return nil, errAt(it.Span(), "summarize needs an aggregate function here")
		}
		name := ""
		if len(names) == 1 {
			name = names[0]
		} else {
			auto++
			name = exprName(e, fmt.Sprintf("Column%d", auto))
		}
		outs = append(outs, outCol{name: name, e: c})
	}
	// Final output: keys then items, names made unique.
	var out types.Schema
	var finals []*cexpr
	for i, k := range keyNames {
		out = append(out, types.Field{Name: k, Type: keys[i].t})
		finals = append(finals, colExpr(ac.post, i, syntax.NoSpan))
	}
	for _, oc := range outs {
		out = append(out, types.Field{Name: uniqueName(oc.name, taken), Type: oc.e.t})
		finals = append(finals, oc.e)
	}
	g := &grouper{keys: keys, calls: ac.calls, post: ac.post}
	return &funcNode{s: out, f: func(rt *runtime, emit emitFunc) error {
		b, err := g.run(rt, in, len(o.By) == 0)
		if err != nil {
			return err
		}
		res := &types.Batch{Schema: out, Len: b.Len}
		for _, f := range finals {
			res.Cols = append(res.Cols, f.eval(b))
		}
		return (&batchNode{b: res}).run(rt, emit)
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
	defer func() { rt.release(held) }()
	err := in.run(rt, func(b *types.Batch) error {
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
		for r := 0; r < b.Len; r++ {
			for i, c := range keyCols {
				kv[i] = c.Value(r)
			}
			ks := rowKey(kv)
			gi, ok := index[ks]
			if !ok {
				gi = len(groups)
				index[ks] = gi
				groups = append(groups, g.newGroup(append([]types.Value(nil), kv...)))
				n := int64(len(ks)*2 + 64 + 64*len(g.calls))
				held += n
				if err := rt.reserve("summarize", n); err != nil {
					return err
				}
			}
			gr := groups[gi]
			for i, cols := range argCols {
				args := make([]types.Value, len(cols))
				for j, c := range cols {
					args[j] = c.Value(r)
				}
				gr.accs[i].Add(args)
			}
		}
		return nil
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
			var vals []types.Value
			if ma, ok := gr.accs[i].(funcs.MultiAccumulator); ok && c.f.Results != nil {
				vals = ma.Results()
			} else {
				vals = []types.Value{gr.accs[i].Result()}
			}
			for j := range c.outTs {
				v := types.NullOf(c.outTs[j])
				if j < len(vals) {
					v = vals[j]
				}
				out.Cols[col].Append(convert(v, c.outTs[j]))
				col++
			}
		}
	}
	out.Len = len(groups)
	return out, nil
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
		b, err := g.run(rt, in, false)
		if err != nil {
			return err
		}
		return (&batchNode{b: b}).run(rt, emit)
	}}, nil
}
