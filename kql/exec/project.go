package exec

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

// exprName derives the column name of an unnamed expression: a column
// keeps its name, x.y becomes x_y, anything else gets def.
func exprName(e syntax.Expr, def string) string {
	switch x := e.(type) {
	case *syntax.Ident:
		return x.Name
	case *syntax.MemberExpr:
		base := exprName(x.X, "")
		if base == "" {
			return x.Name.Name
		}
		return base + "_" + x.Name.Name
	case *syntax.IndexExpr:
		base := exprName(x.X, "")
		if l, ok := x.Index.(*syntax.Literal); ok && base != "" {
			return base + "_" + types.FormatValue(l.Value)
		}
	case *syntax.ParenExpr:
		return exprName(x.X, def)
	case *syntax.CallExpr:
		if x.Name != nil && x.Name.Name == "column_ifexists" && len(x.Args) > 0 {
			if l, ok := x.Args[0].(*syntax.Literal); ok {
				return l.Value.S
			}
		}
		// a few functions are named f_Col (dcount_hll(merged) -> dcount_hll_merged).
		if x.Name != nil && x.Target == nil && len(x.Args) > 0 && prefixNamed[x.Name.Name] {
			if arg := exprName(x.Args[0], ""); arg != "" {
				return x.Name.Name + "_" + arg
			}
		}
	}
	return def
}

// prefixNamed lists the functions whose unnamed result column is named
// after the function and its first (column) argument, like aggregates;
// other calls get ColumnN.
var prefixNamed = map[string]bool{
	"dcount_hll": true, "percentile_tdigest": true, "percentrank_tdigest": true,
	"rank_tdigest": true, "percentiles_array_tdigest": true,
}

// projItem is one compiled output column.
type projItem struct {
	name string
	e    *cexpr
}

// project plans project (extend=false) and extend (extend=true).
func (p *planner) project(items []syntax.Expr, in node, sc *scope, extend bool) (node, error) {
	inS := in.schema()
	rc := &rowCtx{}
	cur := append(types.Schema(nil), inS...)
	if !extend {
		cur = nil
	}
	type step struct {
		e       *cexpr
		replace int          // index in cur of a replaced column, or -1
		after   types.Schema // the intermediate schema after this step
	}
	var steps []step
	auto := 0
	for _, it := range items {
		expr, names := it, []string(nil)
		if ne, ok := it.(*syntax.NamedExpr); ok {
			expr = ne.Value
			for _, n := range ne.Names {
				names = append(names, n.Name)
			}
		}
		evalSchema := inS
		if extend {
			evalSchema = cur
		}
		en := &env{schema: evalSchema, sc: sc, row: rc, packNames: inS.Names()}
		outs, outNames, err := p.multiOutput(expr, names, en)
		if err != nil {
			return nil, err
		}
		if outs == nil {
			if len(names) > 1 {
				return nil, errAt(it.Span(), "tuple assignment needs a function with several outputs")
			}
			e, err := p.expr(expr, en)
			if err != nil {
				return nil, err
			}
			name := ""
			if len(names) == 1 {
				name = names[0]
			} else {
				auto++
				name = exprName(expr, fmt.Sprintf("Column%d", auto))
			}
			outs, outNames = []*cexpr{e}, []string{name}
		}
		for i, e := range outs {
			name := outNames[i]
			if e.t == types.Null {
				e = retype(e, types.String)
			}
			rep := cur.Index(name)
			if rep >= 0 {
				if !extend {
					return nil, errAt(it.Span(), "column %s is projected twice", name)
				}
				cur = append(append(types.Schema(nil), cur[:rep]...), cur[rep+1:]...)
			}
			cur = append(cur, types.Field{Name: name, Type: e.t})
			steps = append(steps, step{e: e, replace: rep, after: append(types.Schema(nil), cur...)})
		}
	}
	out := cur
	f := func(b *types.Batch) (*types.Batch, error) {
		var cols []*types.Column
		s := types.Schema(nil)
		if extend {
			cols = append(cols, b.Cols...)
			s = inS
		}
		for _, st := range steps {
			src := b
			if extend {
				src = &types.Batch{Schema: s, Cols: cols, Len: b.Len}
			}
			c := st.e.eval(src)
			if st.replace >= 0 {
				cols = append(append([]*types.Column(nil), cols[:st.replace]...), cols[st.replace+1:]...)
			}
			cols = append(cols, c)
			s = st.after
		}
		return &types.Batch{Schema: out, Cols: cols, Len: b.Len}, nil
	}
	if rc.used {
		return wholeInput(in, out, f), nil
	}
	exprs, op := make([]*cexpr, len(steps)), "project"
	for i, st := range steps {
		exprs[i] = st.e
	}
	if extend {
		op = "extend"
	}
	return p.limStream(op, in, out, exprs, f), nil
}

// retype gives an expression another static type (null literals).
func retype(e *cexpr, t types.Type) *cexpr {
	c := *e
	c.t = t
	if c.konst != nil {
		v := convert(*c.konst, t)
		c.konst = &v
	}
	return &c
}

// matchNames returns the indexes of columns matching an identifier or a
// wildcard pattern, in schema order.
func matchNames(s types.Schema, e syntax.Expr) ([]int, error) {
	switch x := e.(type) {
	case *syntax.Ident:
		i := s.Index(x.Name)
		if i < 0 {
			return nil, errAt(x.Loc, "unknown column %q%s", x.Name, suggest(x.Name, s.Names()))
		}
		return []int{i}, nil
	case *syntax.WildcardExpr:
		var out []int
		for i, f := range s {
			if ok, _ := path.Match(x.Pattern, f.Name); ok {
				out = append(out, i)
			}
		}
		return out, nil
	}
	return nil, errAt(e.Span(), "expected a column name")
}

// pick builds a node keeping columns idx of its input, in that order,
// with optional new names.
func pick(in node, idx []int, names []string) node {
	s := in.schema()
	out := make(types.Schema, len(idx))
	for j, i := range idx {
		out[j] = s[i]
		if names != nil {
			out[j].Name = names[j]
		}
	}
	return &streamNode{child: in, s: out, f: func(b *types.Batch) (*types.Batch, error) {
		cols := make([]*types.Column, len(idx))
		for j, i := range idx {
			cols[j] = b.Cols[i]
		}
		return &types.Batch{Schema: out, Cols: cols, Len: b.Len}, nil
	}}
}

func (p *planner) projectAway(o *syntax.ProjectAwayOp, in node) (node, error) {
	s := in.schema()
	drop := map[int]bool{}
	for _, c := range o.Cols {
		idx, err := matchNames(s, c)
		if err != nil {
			return nil, err
		}
		for _, i := range idx {
			drop[i] = true
		}
	}
	var keep []int
	for i := range s {
		if !drop[i] {
			keep = append(keep, i)
		}
	}
	return pick(in, keep, nil), nil
}

func (p *planner) projectKeep(o *syntax.ProjectKeepOp, in node) (node, error) {
	s := in.schema()
	want := map[int]bool{}
	for _, c := range o.Cols {
		idx, err := matchNames(s, c)
		if err != nil {
			return nil, err
		}
		for _, i := range idx {
			want[i] = true
		}
	}
	var keep []int
	for i := range s {
		if want[i] {
			keep = append(keep, i)
		}
	}
	return pick(in, keep, nil), nil
}

func (p *planner) projectRename(o *syntax.ProjectRenameOp, in node) (node, error) {
	s := in.schema()
	names := s.Names()
	idx := make([]int, len(s))
	for i := range idx {
		idx[i] = i
	}
	for _, r := range o.Renames {
		old, ok := r.Value.(*syntax.Ident)
		if !ok || len(r.Names) != 1 {
			return nil, errAt(r.Loc, "project-rename expects NewName = OldName")
		}
		i := s.Index(old.Name)
		if i < 0 {
			return nil, errAt(old.Loc, "unknown column %q%s", old.Name, suggest(old.Name, s.Names()))
		}
		names[i] = r.Names[0].Name
	}
	return pick(in, idx, names), nil
}

func (p *planner) projectReorder(o *syntax.ProjectReorderOp, in node) (node, error) {
	s := in.schema()
	used := map[int]bool{}
	var order []int
	for _, c := range o.Cols {
		idx, err := matchNames(s, c.X)
		if err != nil {
			return nil, err
		}
		var fresh []int
		for _, i := range idx {
			if !used[i] {
				fresh = append(fresh, i)
			}
		}
		switch c.Order {
		case "asc", "granny-asc":
			sort.SliceStable(fresh, func(a, b int) bool { return strings.Compare(s[fresh[a]].Name, s[fresh[b]].Name) < 0 })
		case "desc", "granny-desc":
			sort.SliceStable(fresh, func(a, b int) bool { return strings.Compare(s[fresh[a]].Name, s[fresh[b]].Name) > 0 })
		}
		for _, i := range fresh {
			used[i] = true
			order = append(order, i)
		}
	}
	for i := range s {
		if !used[i] {
			order = append(order, i)
		}
	}
	return pick(in, order, nil), nil
}

// multiOutput handles calls of functions with several outputs
// (series_fit_line, series_stats, series_decompose_anomalies): with a
// tuple of names `(a, b) = f(x)` each name gets one output; unnamed, the
// outputs are named f_x_<output>. It returns nil when expr is not such a
// call.
func (p *planner) multiOutput(expr syntax.Expr, names []string, en *env) ([]*cexpr, []string, error) {
	call, ok := unparen(expr).(*syntax.CallExpr)
	if !ok || call.Name == nil || call.Target != nil {
		return nil, nil, nil
	}
	f, ok := p.reg.Scalar(call.Name.Name)
	if !ok || f.Results == nil || len(names) == 1 {
		return nil, nil, nil
	}
	if b, ok := en.sc.lookup(call.Name.Name); ok && b.fn != nil {
		return nil, nil, nil
	}
	whole, err := p.expr(call, en)
	if err != nil {
		return nil, nil, err
	}
	args, err := p.callArgs(call.Args, en)
	if err != nil {
		return nil, nil, err
	}
	ts := make([]types.Type, len(args))
	for i, a := range args {
		ts[i] = a.t
	}
	outTs, err := f.Results(ts)
	if err != nil {
		return nil, nil, errAt(call.Loc, "%s: %v", f.Name, err)
	}
	if len(outTs) < 2 && len(names) == 0 {
		return nil, nil, nil // one output this time (array_sort_asc of one array)
	}
	if len(names) == 0 && strings.HasPrefix(f.Name, "array_sort_") {
		for i := range outTs { // array_sort_asc(a1, a2): a1_sorted, a2_sorted
			names = append(names, exprName(call.Args[i], fmt.Sprintf("array%d", i+1))+"_sorted")
		}
	}
	if len(names) == 0 {
		base := f.Name
		if len(call.Args) > 0 {
			if a := exprName(call.Args[0], ""); a != "" {
				base += "_" + a
			}
		}
		for _, on := range sigOutputs(f.Sig, len(outTs)) {
			names = append(names, base+"_"+on)
		}
	}
	if len(names) > len(outTs) {
		return nil, nil, errAt(call.Loc, "%s has %d outputs, %d names given", f.Name, len(outTs), len(names))
	}
	outs := make([]*cexpr, len(names))
	for i := range names {
		i, t := i, outTs[i]
		outs[i] = rowExpr(t, call.Loc, []*cexpr{whole}, true, func(v []types.Value) types.Value {
			arr, ok := v[0].D.([]any)
			if v[0].T != types.Dynamic || !ok || i >= len(arr) {
				return types.NullOf(t)
			}
			return convert(types.DynamicValue(arr[i]), t)
		})
	}
	return outs, names, nil
}

// sigOutputs reads output names from a signature ending in
// "): (name: type, ...)"; missing names become out<i>.
func sigOutputs(sig string, n int) []string {
	var out []string
	if i := strings.LastIndex(sig, "): ("); i >= 0 {
		for _, part := range strings.Split(strings.TrimSuffix(sig[i+4:], ")"), ",") {
			name := strings.TrimSpace(part)
			if j := strings.IndexByte(name, ':'); j >= 0 {
				name = strings.TrimSpace(name[:j])
			}
			out = append(out, name)
		}
	}
	for len(out) < n {
		out = append(out, fmt.Sprintf("out%d", len(out)))
	}
	return out[:n]
}

// projectByNames is `project-by-names "A", "C*", dynamic([...])`: keep
// the named columns (wildcards allowed) in argument order; names that
// match nothing are ignored.
func (p *planner) projectByNames(o *syntax.GenericOp, in node, sc *scope) (node, error) {
	s := in.schema()
	used := map[int]bool{}
	var idx []int
	args := o.Args
	if len(args) == 0 && strings.TrimSpace(o.Text) != "" {
		// the parser keeps the argument text of operators it only knows
		// by name: parse it as a print list.
		q, diags := syntax.Parse("", "print "+o.Text)
		pr, ok := printOp(q)
		if diags.HasErrors() || !ok {
			return nil, errAt(o.Loc, "project-by-names: cannot parse the column list")
		}
		args = pr.Cols
	}
	for _, a := range args {
		c, err := p.expr(a, &env{sc: sc})
		if err != nil {
			return nil, atSpan(o.Loc, errAt(o.Loc, "project-by-names: %v", err))
		}
		if c.konst == nil {
			return nil, errAt(a.Span(), "project-by-names needs constant names")
		}
		for _, v := range flatten(*c.konst, nil) {
			pat := types.FormatValue(v)
			for i, f := range s {
				if ok, _ := path.Match(pat, f.Name); ok && !used[i] {
					used[i] = true
					idx = append(idx, i)
				}
			}
		}
	}
	return pick(in, idx, nil), nil
}

// printOp returns the print operator of a one-statement query.
func printOp(q *syntax.Query) (*syntax.PrintOp, bool) {
	if q == nil || len(q.Stmts) != 1 {
		return nil, false
	}
	es, ok := q.Stmts[0].(*syntax.ExprStmt)
	if !ok {
		return nil, false
	}
	pr, ok := es.Expr.(*syntax.PrintOp)
	return pr, ok
}
