package exec

// Expressions of graph-match and graph-shortest-paths. Pattern variable
// references (n.prop, node_degree_in(n), node_id(n)) are rewritten to
// columns of a "match batch" with one row per match; all(), any() and
// map() over a variable-length edge or its inner_nodes() become "jobs":
// their inner expression is compiled against the element's properties,
// evaluated over all path elements of a batch of matches, and reduced to
// one column of the match batch.

import (
	"reflect"
	"strconv"

	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

// graph match batch column kinds.
const (
	graphColNodeProp = iota
	graphColNodeID
	graphColDegIn
	graphColDegOut
	graphColEdgeProp
	graphColNodeBag // a bare node variable: its properties as a bag
	graphColEdgeBag // a bare edge variable: a bag (an array of bags when variable-length)
)

// graphCol is one base column of the match batch.
type graphCol struct {
	kind int
	v    int // node var or edge var
	prop int // property index (props only)
	name string
	t    types.Type
}

// graph job kinds.
const (
	graphJobAll = iota
	graphJobAny
	graphJobMap
)

// graphJob is one all()/any()/map() over path elements.
type graphJob struct {
	kind      int
	e         int  // edge var
	inner     bool // over inner_nodes(e) instead of the edges
	expr      syntax.Expr
	outer     []int // base columns the inner expression reads (by index in plan cols)
	needOuter bool
	c         *cexpr
	elSchema  types.Schema
	name      string
}

// graph element hidden columns (node elements of inner_nodes()).
const (
	graphElID     = "#el_node_id"
	graphElDegIn  = "#el_node_degree_in"
	graphElDegOut = "#el_node_degree_out"
)

// graphRewriter resolves pattern variables in expressions.
type graphRewriter struct {
	gs      graphSchema
	nodeVar map[string]int
	edgeVar map[string]int
	edges   []graphEdgePat // per edge var
	cols    []graphCol
	colIdx  map[string]int
	jobs    []*graphJob
}

var graphExprType = reflect.TypeOf((*syntax.Expr)(nil)).Elem()

// graphReplace walks e top-down; f may replace a node (ok=true) in which
// case its children are not visited. The tree is modified in place.
func graphReplace(e syntax.Expr, f func(syntax.Expr) (syntax.Expr, bool, error)) (syntax.Expr, error) {
	if e == nil {
		return nil, nil
	}
	if r, ok, err := f(e); err != nil || ok {
		return r, err
	}
	v := reflect.ValueOf(e)
	if v.Kind() == reflect.Pointer && !v.IsNil() && v.Elem().Kind() == reflect.Struct {
		if err := graphReplaceIn(v.Elem(), f); err != nil {
			return nil, err
		}
	}
	return e, nil
}

func graphReplaceIn(v reflect.Value, f func(syntax.Expr) (syntax.Expr, bool, error)) error {
	set := func(dst reflect.Value) error {
		if dst.IsNil() {
			return nil
		}
		r, err := graphReplace(dst.Interface().(syntax.Expr), f)
		if err != nil {
			return err
		}
		if r != nil {
			dst.Set(reflect.ValueOf(r))
		}
		return nil
	}
	for i := 0; i < v.NumField(); i++ {
		if !v.Type().Field(i).IsExported() {
			continue
		}
		fv := v.Field(i)
		switch {
		case fv.Type() == graphExprType:
			if err := set(fv); err != nil {
				return err
			}
		case fv.Kind() == reflect.Slice && fv.Type().Elem() == graphExprType:
			for j := 0; j < fv.Len(); j++ {
				if err := set(fv.Index(j)); err != nil {
					return err
				}
			}
		case fv.Kind() == reflect.Slice && fv.Type().Elem().Kind() == reflect.Pointer &&
			fv.Type().Elem().Elem().Kind() == reflect.Struct:
			for j := 0; j < fv.Len(); j++ {
				if el := fv.Index(j); !el.IsNil() {
					if err := graphReplaceIn(el.Elem(), f); err != nil {
						return err
					}
				}
			}
		case fv.Kind() == reflect.Pointer && !fv.IsNil() && fv.Type().Elem().Kind() == reflect.Struct:
			if err := graphReplaceIn(fv.Elem(), f); err != nil {
				return err
			}
		}
	}
	return nil
}

// col registers (or finds) a base column and returns its name.
func (w *graphRewriter) col(c graphCol) string {
	if i, ok := w.colIdx[c.name]; ok {
		return w.cols[i].name
	}
	w.colIdx[c.name] = len(w.cols)
	w.cols = append(w.cols, c)
	return c.name
}

// graphNodeFuncs are the functions of a node variable.
var graphNodeFuncs = map[string]int{
	"node_degree_in": graphColDegIn, "node_degree_out": graphColDegOut, "node_id": graphColNodeID,
}

func graphCallName(x *syntax.CallExpr) string {
	if x.Target != nil || x.Name == nil {
		return ""
	}
	return x.Name.Name
}

// varRef resolves n.prop, e.prop and node functions of a named variable;
// it returns the base column's name.
func (w *graphRewriter) varRef(e syntax.Expr) (string, bool, error) {
	switch x := e.(type) {
	case *syntax.MemberExpr:
		id, ok := x.X.(*syntax.Ident)
		if !ok {
			return "", false, nil
		}
		if v, ok := w.nodeVar[id.Name]; ok {
			j := w.gs.nodes.Index(x.Name.Name)
			if j < 0 {
				return "", false, errAt(x.Loc, "node %s has no property %q%s", id.Name, x.Name.Name, suggest(x.Name.Name, w.gs.nodes.Names()))
			}
			return w.col(graphCol{kind: graphColNodeProp, v: v, prop: j, name: id.Name + "." + x.Name.Name, t: w.gs.nodes[j].Type}), true, nil
		}
		if v, ok := w.edgeVar[id.Name]; ok {
			j := w.gs.edges.Index(x.Name.Name)
			if j < 0 {
				return "", false, errAt(x.Loc, "edge %s has no property %q%s", id.Name, x.Name.Name, suggest(x.Name.Name, w.gs.edges.Names()))
			}
			t := w.gs.edges[j].Type
			if w.edges[v].varLen {
				t = types.Dynamic
			}
			return w.col(graphCol{kind: graphColEdgeProp, v: v, prop: j, name: id.Name + "." + x.Name.Name, t: t}), true, nil
		}
	case *syntax.CallExpr:
		name := graphCallName(x)
		kind, ok := graphNodeFuncs[name]
		if !ok || len(x.Args) != 1 {
			return "", false, nil
		}
		id, ok := x.Args[0].(*syntax.Ident)
		if !ok {
			return "", false, errAt(x.Loc, "%s() takes a node variable of the pattern", name)
		}
		v, ok := w.nodeVar[id.Name]
		if !ok {
			return "", false, errAt(id.Loc, "%s() takes a node variable of the pattern; %s is not one", name, id.Name)
		}
		t := types.Long
		if kind == graphColNodeID {
			t = w.gs.key
		}
		return w.col(graphCol{kind: kind, v: v, name: id.Name + "#" + name, t: t}), true, nil
	case *syntax.Ident:
		if v, ok := w.nodeVar[x.Name]; ok {
			return w.col(graphCol{kind: graphColNodeBag, v: v, name: x.Name + "#bag", t: types.Dynamic}), true, nil
		}
		if v, ok := w.edgeVar[x.Name]; ok {
			return w.col(graphCol{kind: graphColEdgeBag, v: v, name: x.Name + "#bag", t: types.Dynamic}), true, nil
		}
	}
	return "", false, nil
}

// outer rewrites a where/project expression.
func (w *graphRewriter) outer(e syntax.Expr) (syntax.Expr, error) {
	return graphReplace(e, func(x syntax.Expr) (syntax.Expr, bool, error) {
		if c, ok := x.(*syntax.CallExpr); ok {
			switch graphCallName(c) {
			case "all", "any", "map":
				if r, ok, err := w.job(c); ok || err != nil {
					return r, ok, err
				}
			case "inner_nodes":
				return nil, false, errAt(c.Loc, "inner_nodes() is only allowed as the first argument of all(), any() or map()")
			case "node_degree_in", "node_degree_out", "node_id":
				if len(c.Args) == 0 {
					return nil, false, errAt(c.Loc, "%s() without an argument is only allowed inside all(), any() or map() over inner_nodes()", graphCallName(c))
				}
			case "labels":
				return w.labels(c, false)
			}
		}
		name, ok, err := w.varRef(x)
		if err != nil || !ok {
			return nil, false, err
		}
		return &syntax.Ident{Loc: x.Span(), Name: name}, true, nil
	})
}

// job rewrites all/any/map(e, expr) and all/any/map(inner_nodes(e), expr).
func (w *graphRewriter) job(c *syntax.CallExpr) (syntax.Expr, bool, error) {
	if len(c.Args) != 2 {
		return nil, false, nil
	}
	j := &graphJob{}
	switch graphCallName(c) {
	case "all":
		j.kind = graphJobAll
	case "any":
		j.kind = graphJobAny
	default:
		j.kind = graphJobMap
	}
	target := c.Args[0]
	if in, ok := target.(*syntax.CallExpr); ok && graphCallName(in) == "inner_nodes" {
		if len(in.Args) != 1 {
			return nil, false, errAt(in.Loc, "inner_nodes() takes one edge variable")
		}
		j.inner = true
		target = in.Args[0]
	}
	id, ok := target.(*syntax.Ident)
	if !ok {
		if j.inner {
			return nil, false, errAt(target.Span(), "inner_nodes() takes an edge variable of the pattern")
		}
		return nil, false, nil
	}
	e, ok := w.edgeVar[id.Name]
	if !ok {
		if j.inner {
			return nil, false, errAt(id.Loc, "inner_nodes() takes an edge variable of the pattern; %s is not one", id.Name)
		}
		if _, isNode := w.nodeVar[id.Name]; isNode {
			return nil, false, errAt(id.Loc, "%s() takes an edge variable or inner_nodes(edge); %s is a node", graphCallName(c), id.Name)
		}
		return nil, false, nil
	}
	j.e = e
	props := w.gs.edges
	if j.inner {
		props = w.gs.nodes
	}
	inner, err := graphReplace(c.Args[1], func(x syntax.Expr) (syntax.Expr, bool, error) {
		if cc, ok := x.(*syntax.CallExpr); ok {
			name := graphCallName(cc)
			switch name {
			case "all", "any", "map", "inner_nodes":
				if len(cc.Args) == 2 || name == "inner_nodes" {
					return nil, false, errAt(cc.Loc, "%s() cannot be nested inside %s()", name, graphCallName(c))
				}
			case "labels":
				return w.labels(cc, true)
			case "node_degree_in", "node_degree_out", "node_id":
				if len(cc.Args) == 0 {
					if !j.inner {
						return nil, false, errAt(cc.Loc, "%s() without an argument needs node elements: use inner_nodes(%s)", name, id.Name)
					}
					return &syntax.Ident{Loc: cc.Loc, Name: "#el_" + name}, true, nil
				}
			}
		}
		if ident, ok := x.(*syntax.Ident); ok && props.Index(ident.Name) >= 0 {
			return x, true, nil
		}
		name, ok, err := w.varRef(x)
		if err != nil || !ok {
			return nil, false, err
		}
		j.needOuter = true
		j.outer = append(j.outer, w.colIdx[name])
		return &syntax.Ident{Loc: x.Span(), Name: name}, true, nil
	})
	if err != nil {
		return nil, false, err
	}
	j.expr = inner
	j.name = "#job" + strconv.Itoa(len(w.jobs))
	w.jobs = append(w.jobs, j)
	return &syntax.Ident{Loc: c.Loc, Name: j.name}, true, nil
}

// graphConjuncts splits a predicate on top-level and.
func graphConjuncts(e syntax.Expr) []syntax.Expr {
	if e == nil {
		return nil
	}
	switch x := e.(type) {
	case *syntax.ParenExpr:
		if b, ok := x.X.(*syntax.BinaryExpr); ok && b.Op == syntax.OpAnd {
			return graphConjuncts(b)
		}
	case *syntax.BinaryExpr:
		if x.Op == syntax.OpAnd {
			return append(graphConjuncts(x.X), graphConjuncts(x.Y)...)
		}
	}
	return []syntax.Expr{e}
}

// graphRefs returns the identifiers an expression reads and whether it
// calls a row-context function (which must not be pushed down).
func graphRefs(e syntax.Expr) ([]string, bool) {
	var names []string
	rowish := false
	syntax.Inspect(e, func(n syntax.Node) bool {
		switch x := n.(type) {
		case *syntax.Ident:
			names = append(names, x.Name)
		case *syntax.CallExpr:
			switch graphCallName(x) {
			case "pack_all", "row_number", "prev", "next", "row_cumsum", "column_ifexists", "rand", "bag_pack_columns":
				rowish = true
			}
			for _, a := range x.Args {
				graphNames, r := graphRefs(a)
				names = append(names, graphNames...)
				rowish = rowish || r
			}
			return false
		}
		return true
	})
	return names, rowish
}

// varLenConjunct turns a where conjunct that reads only properties of one
// variable-length edge (e.prop == x) into all(e, prop == x): Kusto applies
// such constraints to every edge of the path.
func (w *graphRewriter) varLenConjunct(c syntax.Expr) syntax.Expr {
	var name string
	refs, members, other := 0, 0, false
	syntax.Inspect(c, func(n syntax.Node) bool {
		switch x := n.(type) {
		case *syntax.MemberExpr:
			if id, ok := x.X.(*syntax.Ident); ok {
				if e, ok := w.edgeVar[id.Name]; ok && w.edges[e].varLen {
					members++
				}
			}
		case *syntax.CallExpr:
			switch graphCallName(x) {
			case "all", "any", "map", "inner_nodes", "node_degree_in", "node_degree_out", "node_id", "labels":
				other = true
			}
		case *syntax.Ident:
			if _, ok := w.nodeVar[x.Name]; ok {
				other = true
			}
			if e, ok := w.edgeVar[x.Name]; ok {
				if !w.edges[e].varLen || (name != "" && name != x.Name) {
					other = true
				}
				name = x.Name
				refs++
			}
		}
		return !other
	})
	if other || name == "" || refs != members {
		return c
	}
	inner, err := graphReplace(c, func(x syntax.Expr) (syntax.Expr, bool, error) {
		if m, ok := x.(*syntax.MemberExpr); ok {
			if id, ok := m.X.(*syntax.Ident); ok && id.Name == name {
				return &syntax.Ident{Loc: m.Loc, Name: m.Name.Name}, true, nil
			}
		}
		return nil, false, nil
	})
	if err != nil {
		return c
	}
	loc := c.Span()
	return &syntax.CallExpr{Loc: loc, Name: &syntax.Ident{Loc: loc, Name: "all"},
		Args: []syntax.Expr{&syntax.Ident{Loc: loc, Name: name}, inner}}
}

// labels rewrites labels(v) (and labels() on path elements): graphs built
// by make-graph carry no label metadata, so Kusto returns an empty array.
func (w *graphRewriter) labels(c *syntax.CallExpr, element bool) (syntax.Expr, bool, error) {
	switch {
	case len(c.Args) == 0 && !element:
		return nil, false, errAt(c.Loc, "labels() without an argument is only allowed inside all(), any() or map()")
	case len(c.Args) == 1:
		id, ok := c.Args[0].(*syntax.Ident)
		_, isNode := w.nodeVar[graphIdentName(id)]
		_, isEdge := w.edgeVar[graphIdentName(id)]
		if !ok || (!isNode && !isEdge) {
			return nil, false, errAt(c.Loc, "labels() takes a node or edge variable of the pattern")
		}
	case len(c.Args) > 1:
		return nil, false, errAt(c.Loc, "labels() takes at most one argument")
	}
	return &syntax.Literal{Loc: c.Loc, Value: types.DynamicValue([]any{}), Raw: "dynamic([])"}, true, nil
}

func graphIdentName(id *syntax.Ident) string {
	if id == nil {
		return ""
	}
	return id.Name
}
