package check

import (
	"path"
	"strconv"

	"github.com/huntpack/huntpack/kql/syntax"
)

// apply checks one pipeline operator against its input columns and returns
// its output columns.
func (c *checker) apply(op syntax.Operator, in *colset) *colset {
	switch o := op.(type) {
	case *syntax.WhereOp:
		c.scalar(o.Pred, in)
		return in
	case *syntax.ExtendOp:
		out := in.clone()
		for _, col := range o.Cols {
			c.scalar(col, out)
			c.addExtendName(out, col)
		}
		return out
	case *syntax.ProjectOp:
		out := newSet("")
		for _, col := range o.Cols {
			c.scalar(col, in)
			c.addResultName(out, col)
		}
		if in.open {
			out.open = true
		}
		return out
	case *syntax.ProjectAwayOp:
		return c.projectAway(o.Cols, in, false)
	case *syntax.ProjectKeepOp:
		return c.projectAway(o.Cols, in, true)
	case *syntax.ProjectRenameOp:
		out := in.clone()
		for _, r := range o.Renames {
			c.scalar(r.Value, in)
			if id, ok := r.Value.(*syntax.Ident); ok && !out.open {
				delete(out.cols, id.Name)
			}
			out.add(r.Names[0].Name)
		}
		return out
	case *syntax.ProjectReorderOp:
		for _, s := range o.Cols {
			if id, ok := s.X.(*syntax.Ident); ok {
				c.column(id, in)
			}
		}
		return in
	case *syntax.SummarizeOp:
		return c.summarize(o.Aggs, o.By, in)
	case *syntax.CountOp:
		if o.As != nil {
			return newSet("", o.As.Name)
		}
		return newSet("", "Count")
	case *syntax.DistinctOp:
		out := newSet("")
		out.open = in.open
		for _, col := range o.Cols {
			if _, star := col.(*syntax.StarExpr); star {
				return in
			}
			c.scalar(col, in)
			c.addResultName(out, col)
		}
		return out
	case *syntax.TakeOp:
		c.scalar(o.Count, nil)
		return in
	case *syntax.SampleOp:
		return in
	case *syntax.TopOp:
		c.sortKeys(o.By, in)
		return in
	case *syntax.SortOp:
		c.sortKeys(o.By, in)
		return in
	case *syntax.SerializeOp:
		out := in.clone()
		for _, col := range o.Cols {
			c.scalar(col, out)
			c.addExtendName(out, col)
		}
		return out
	case *syntax.JoinOp:
		return c.join(o.Right, o.On, o.Where, o.Kind(), in)
	case *syntax.LookupOp:
		return c.join(o.Right, o.On, false, "leftouter", in)
	case *syntax.UnionOp:
		return c.unionLegs(o, in)
	case *syntax.MvExpandOp:
		out := in.clone()
		for _, it := range o.Items {
			c.scalar(it.X, in)
			c.addExtendName(out, it.X)
		}
		for _, p := range o.Params {
			if p.Name == "with_itemindex" {
				if id, ok := p.Value.(*syntax.Ident); ok {
					out.add(id.Name)
				}
			}
		}
		return out
	case *syntax.ParseOp:
		c.scalar(o.Source, in)
		out := in.clone()
		for _, n := range o.Pattern {
			if d, ok := n.(*syntax.ColumnDecl); ok {
				out.add(d.Name.Name)
			}
		}
		return out
	case *syntax.ParseKvOp:
		c.scalar(o.Source, in)
		out := in.clone()
		for _, d := range o.Keys {
			out.add(d.Name.Name)
		}
		return out
	case *syntax.MakeSeriesOp:
		return c.makeSeries(o, in)
	case *syntax.RenderOp, *syntax.AsOp, *syntax.ConsumeOp:
		return in
	case *syntax.GetSchemaOp:
		return newSet("", "ColumnName", "ColumnOrdinal", "DataType", "ColumnType")
	}
	// evaluate, invoke, mv-apply, top-nested, fork, facet, partition, scan,
	// reduce, search, find, sample-distinct...: output columns unknown.
	return openSet()
}

// addExtendName adds the column created by an extend-like item. An
// unnamed item that is not a plain column gets a generated name
// (Column1, ...), so the set becomes open.
func (c *checker) addExtendName(cs *colset, e syntax.Expr) {
	switch e := e.(type) {
	case *syntax.NamedExpr:
		for _, n := range e.Names {
			cs.add(n.Name)
		}
	case *syntax.Ident:
	default:
		cs.open = true
	}
}

func (c *checker) sortKeys(keys []*syntax.SortExpr, in *colset) {
	for _, k := range keys {
		c.scalar(k.X, in)
	}
}

func (c *checker) projectAway(cols []syntax.Expr, in *colset, keep bool) *colset {
	if in.open {
		return in
	}
	match := map[string]bool{}
	for _, col := range cols {
		switch x := col.(type) {
		case *syntax.Ident:
			c.column(x, in)
			match[x.Name] = true
		case *syntax.WildcardExpr:
			for k := range in.cols {
				if ok, _ := path.Match(x.Pattern, k); ok {
					match[k] = true
				}
			}
		}
	}
	out := newSet(in.table)
	for k := range in.cols {
		if match[k] == keep {
			out.add(k)
		}
	}
	return out
}

func (c *checker) summarize(aggs, by []syntax.Expr, in *colset) *colset {
	out := newSet("")
	out.open = in.open // unknown input: names may be wrong, do not judge
	for _, b := range by {
		c.scalar(b, in)
		c.addKeyName(out, b)
	}
	for _, a := range aggs {
		c.scalar(a, in)
		c.addAggName(out, a, in)
	}
	return out
}

// addKeyName adds a by-key column: named, a plain column, or bin(Col, ...).
func (c *checker) addKeyName(out *colset, e syntax.Expr) {
	if call, ok := e.(*syntax.CallExpr); ok && len(call.Args) > 0 {
		switch call.Name.Name {
		case "bin", "floor", "bin_at":
			if id, ok := call.Args[0].(*syntax.Ident); ok {
				out.add(id.Name)
				return
			}
		}
	}
	c.addResultName(out, e)
}

// aggPrefix maps aggregate functions to the prefix of their generated
// column name (prefix_Column), per the summarize documentation.
var aggPrefix = map[string]string{
	"sum": "sum", "avg": "avg", "min": "min", "max": "max", "dcount": "dcount",
	"stdev": "stdev", "variance": "variance", "make_set": "set", "makeset": "set",
	"make_list": "list", "makelist": "list", "make_bag": "bag", "make_set_if": "set",
	"make_list_if": "list", "sumif": "sumif", "avgif": "avgif", "dcountif": "dcountif",
	"minif": "minif", "maxif": "maxif",
}

// addAggName adds the column(s) an aggregate creates.
func (c *checker) addAggName(out *colset, e syntax.Expr, in *colset) {
	if ne, ok := e.(*syntax.NamedExpr); ok {
		for _, n := range ne.Names {
			out.add(n.Name)
		}
		if call, ok := ne.Value.(*syntax.CallExpr); ok && isArgMax(call.Name.Name) {
			c.addArgMax(out, call, in, true)
		}
		return
	}
	call, ok := e.(*syntax.CallExpr)
	if !ok || call.Target != nil {
		out.open = true
		return
	}
	name := call.Name.Name
	switch name {
	case "count":
		if len(call.Args) == 1 {
			if id, ok := call.Args[0].(*syntax.Ident); ok {
				out.add("count_" + id.Name)
				return
			}
		}
		out.add("count_")
		return
	case "take_any", "any", "take_anyif", "anyif":
		if len(call.Args) > 1 || len(call.Args) == 1 && isStar(call.Args[0]) {
			c.addArgMax(out, &syntax.CallExpr{Args: append([]syntax.Expr{nil}, call.Args...)}, in, false)
			return
		}
		out.open = true
		return
	case "countif":
		out.add("countif_")
		return
	case "arg_max", "arg_min", "argmax", "argmin":
		c.addArgMax(out, call, in, false)
		return
	case "percentile", "percentiles":
		if len(call.Args) >= 2 {
			if id, ok := call.Args[0].(*syntax.Ident); ok {
				for _, p := range call.Args[1:] {
					lit, ok := p.(*syntax.Literal)
					if !ok {
						out.open = true
						return
					}
					out.add("percentile_" + id.Name + "_" + literalName(lit))
				}
				return
			}
		}
	}
	if prefix, ok := aggPrefix[name]; ok && len(call.Args) >= 1 {
		if id, ok := call.Args[0].(*syntax.Ident); ok {
			out.add(prefix + "_" + id.Name)
			return
		}
	}
	out.open = true
}

func isStar(e syntax.Expr) bool {
	_, ok := e.(*syntax.StarExpr)
	return ok
}

// addDedup adds a column; when the name is taken Kusto appends a number,
// so both spellings are accepted.
func addDedup(out *colset, name string) {
	if out.has(name) {
		out.add(name + "1")
	}
	out.add(name)
}

func isArgMax(name string) bool {
	switch name {
	case "arg_max", "arg_min", "argmax", "argmin":
		return true
	}
	return false
}

func literalName(l *syntax.Literal) string {
	if l.Value.T.IsIntegral() {
		return strconv.FormatInt(l.Value.I, 10)
	}
	return l.Raw
}

// addArgMax adds the columns of arg_max(by, cols...): with * every input
// column, otherwise the named or plain columns.
func (c *checker) addArgMax(out *colset, call *syntax.CallExpr, in *colset, named bool) {
	for i, a := range call.Args {
		switch x := a.(type) {
		case *syntax.StarExpr:
			if in.open {
				out.open = true
				return
			}
			for k := range in.cols {
				addDedup(out, k)
			}
		case nil:
		case *syntax.Ident:
			if !(named && i == 0) {
				addDedup(out, x.Name)
			}
		case *syntax.NamedExpr:
			for _, n := range x.Names {
				out.add(n.Name)
			}
		default:
			if !named {
				out.open = true
			}
		}
	}
}

func (c *checker) makeSeries(o *syntax.MakeSeriesOp, in *colset) *colset {
	out := newSet("")
	out.open = in.open
	for _, a := range o.Aggs {
		c.scalar(a.X, in)
		c.addAggName(out, a.X, in)
	}
	c.scalar(o.On, in)
	if id, ok := o.On.(*syntax.Ident); ok {
		out.add(id.Name)
	} else {
		out.open = true
	}
	for _, e := range []syntax.Expr{o.From, o.To, o.Step} {
		c.scalar(e, nil)
	}
	for _, b := range o.By {
		c.scalar(b, in)
		c.addKeyName(out, b)
	}
	return out
}

// join checks a join/lookup and returns its output columns.
func (c *checker) join(right syntax.Expr, on []syntax.Expr, where bool, kind string, left *colset) *colset {
	rs, _ := c.tabular(right, true)
	if rs == nil {
		rs = openSet()
	}
	if where {
		return openSet()
	}
	for _, cond := range on {
		c.joinCond(cond, left, rs)
	}
	switch kind {
	case "leftsemi", "leftanti", "anti", "leftantisemi":
		return left
	case "rightsemi", "rightanti", "rightantisemi":
		return rs
	}
	out := union(left, rs)
	if !out.open {
		for k := range rs.cols {
			if left.cols[k] {
				out.add(k + "1")
			}
		}
	}
	return out
}

func (c *checker) joinCond(cond syntax.Expr, left, right *colset) {
	switch x := cond.(type) {
	case *syntax.Ident:
		c.column(x, left)
		c.column(x, right)
	case *syntax.BinaryExpr:
		c.joinSide(x.X, left, right)
		c.joinSide(x.Y, left, right)
	}
}

// joinSide checks $left.X / $right.Y references.
func (c *checker) joinSide(e syntax.Expr, left, right *colset) {
	m, ok := e.(*syntax.MemberExpr)
	if !ok {
		return
	}
	id, ok := m.X.(*syntax.Ident)
	if !ok {
		return
	}
	switch id.Name {
	case "$left":
		c.column(m.Name, left)
	case "$right":
		c.column(m.Name, right)
	}
}
