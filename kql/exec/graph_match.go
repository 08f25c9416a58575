package exec

// graph-match and graph-shortest-paths: pattern search over a graph.

import (
	"fmt"
	"strings"

	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

// cycle handling of graph-match.
const (
	graphCyclesUniqueEdges = iota // default: no edge twice in a match
	graphCyclesNone               // additionally no node twice in a sequence
	graphCyclesAll                // no restriction
)

// graphStep is one step of the search: bind a start node, or walk one
// edge element from a bound node to the next node variable.
type graphStep struct {
	start    bool
	v        int // start: the node variable
	e        int // walk: edge variable
	from, to int // walk: node variables
	reverse  bool
	seq      int
}

// graphPush is a where conjunct evaluated before the search to restrict
// the candidates of one variable.
type graphPush struct {
	kind int // graphPushNode, graphPushEdge, graphPushPathEdges, graphPushInner
	v    int
	c    *cexpr
	job  *graphJob
}

const (
	graphPushNode      = iota // conjunct reads only one node variable
	graphPushEdge             // conjunct reads only one single-hop edge variable
	graphPushPathEdges        // all(e, pred): every edge of e satisfies pred
	graphPushInner            // all(inner_nodes(e), pred)
)

// graphMatchPlan is a planned graph-match / graph-shortest-paths.
type graphMatchPlan struct {
	shortest  bool
	all       bool // graph-shortest-paths output=all
	cycles    int
	nodeNames []string // per node var ("" anonymous)
	edges     []graphEdgePat
	edgeLeft  []int // left node var of each edge var
	steps     []graphStep
	nseq      int
	firstLast [2]int // shortest paths: the end node variables
	minTotal  int
	maxTotal  int
	cols      []graphCol
	jobs      []*graphJob
	schema    types.Schema // match batch schema: cols then jobs
	where     *cexpr
	pushes    []graphPush
	proj      []*cexpr
	out       types.Schema
}

// graphMatch plans graph-match and graph-shortest-paths.
func (p *planner) graphMatch(op string, spec *graphMatchSpec, gs graphSchema, sc *scope) (types.Schema, graphConsume, error) {
	plan := &graphMatchPlan{shortest: op == "graph-shortest-paths"}
	switch spec.option {
	case "":
	case "unique_edges":
		if plan.shortest {
			return nil, nil, errAt(spec.span, "output must be any or all")
		}
	case "none":
		plan.cycles = graphCyclesNone
	case "all":
		if plan.shortest {
			plan.all = true
		} else {
			plan.cycles = graphCyclesAll
		}
	case "any":
		if !plan.shortest {
			return nil, nil, errAt(spec.span, "cycles must be all, none or unique_edges")
		}
	default:
		if plan.shortest {
			return nil, nil, errAt(spec.span, "output must be any or all, not %s", spec.option)
		}
		return nil, nil, errAt(spec.span, "cycles must be all, none or unique_edges, not %s", spec.option)
	}
	if plan.shortest && len(spec.paths) != 1 {
		return nil, nil, errAt(spec.span, "graph-shortest-paths takes a single path pattern")
	}
	w := &graphRewriter{gs: gs, nodeVar: map[string]int{}, edgeVar: map[string]int{}, colIdx: map[string]int{}}
	if err := plan.vars(spec.paths, w); err != nil {
		return nil, nil, err
	}
	// names of unnamed project items come from the original expressions
	var names []string
	auto := 0
	for _, it := range spec.proj {
		if ne, ok := it.(*syntax.NamedExpr); ok {
			if len(ne.Names) != 1 {
				return nil, nil, errAt(ne.Loc, "graph project items take one name")
			}
			names = append(names, ne.Names[0].Name)
			continue
		}
		auto++
		name := exprName(it, fmt.Sprintf("Column%d", auto))
		if c, ok := it.(*syntax.CallExpr); ok {
			if _, isNodeFn := graphNodeFuncs[graphCallName(c)]; isNodeFn {
				name = graphCallName(c)
			}
		}
		names = append(names, name)
	}
	var where []syntax.Expr
	for _, c := range graphConjuncts(spec.where) {
		c = w.varLenConjunct(c)
		r, err := w.outer(c)
		if err != nil {
			return nil, nil, err
		}
		where = append(where, r)
	}
	proj := make([]syntax.Expr, len(spec.proj))
	for i, it := range spec.proj {
		if ne, ok := it.(*syntax.NamedExpr); ok {
			it = ne.Value
		}
		r, err := w.outer(it)
		if err != nil {
			return nil, nil, err
		}
		proj[i] = r
	}
	plan.cols, plan.jobs = w.cols, w.jobs
	for _, c := range plan.cols {
		plan.schema = append(plan.schema, types.Field{Name: c.name, Type: c.t})
	}
	for _, j := range plan.jobs {
		if err := p.graphCompileJob(j, plan, gs, sc); err != nil {
			return nil, nil, err
		}
		t := types.Bool
		if j.kind == graphJobMap {
			t = types.Dynamic
		}
		plan.schema = append(plan.schema, types.Field{Name: j.name, Type: t})
	}
	en := &env{schema: plan.schema, sc: sc}
	var preds []*cexpr
	for _, c := range where {
		ce, err := p.expr(c, en)
		if err != nil {
			return nil, nil, err
		}
		preds = append(preds, ce)
		if push, ok := plan.pushdown(c, ce, w); ok {
			plan.pushes = append(plan.pushes, push)
		}
	}
	if len(preds) > 0 {
		plan.where = graphAnd(preds)
	}
	for i, e := range proj {
		ce, err := p.expr(e, en)
		if err != nil {
			return nil, nil, err
		}
		if ce.t == types.Null {
			ce = retype(ce, types.String)
		}
		if plan.out.Index(names[i]) >= 0 {
			return nil, nil, errAt(spec.proj[i].Span(), "column %s is projected twice", names[i])
		}
		plan.out = append(plan.out, types.Field{Name: names[i], Type: ce.t})
		plan.proj = append(plan.proj, ce)
	}
	return plan.out, func(rt *runtime, g *graphData, out emitFunc) error {
		return plan.run(rt, g, out)
	}, nil
}

// graphAnd combines predicates (null counts as false).
func graphAnd(ps []*cexpr) *cexpr {
	if len(ps) == 1 {
		return ps[0]
	}
	return &cexpr{t: types.Bool, col: -1, span: ps[0].span, fn: func(b *types.Batch) *types.Column {
		keep := make([]bool, b.Len)
		for i := range keep {
			keep[i] = true
		}
		for _, pr := range ps {
			c := pr.eval(b)
			ok := make([]bool, b.Len)
			for _, i := range truthy(c, b.Len) {
				ok[i] = true
			}
			for i := range keep {
				keep[i] = keep[i] && ok[i]
			}
		}
		return &types.Column{Type: types.Bool, Bools: keep}
	}}
}

// vars assigns variables to the pattern and plans the search steps.
func (plan *graphMatchPlan) vars(paths []graphPathPat, w *graphRewriter) error {
	nodeOf := func(name string) int {
		if name != "" {
			if v, ok := w.nodeVar[name]; ok {
				return v
			}
			w.nodeVar[name] = len(plan.nodeNames)
		}
		plan.nodeNames = append(plan.nodeNames, name)
		return len(plan.nodeNames) - 1
	}
	bound := map[int]bool{}
	plan.nseq = len(paths)
	if plan.nseq > 64 {
		return errAt(paths[64].spans[0], "too many pattern sequences (at most 64)")
	}
	for s, path := range paths {
		vs := make([]int, len(path.nodes))
		for i, n := range path.nodes {
			vs[i] = nodeOf(n)
		}
		es := make([]int, len(path.edges))
		for i, e := range path.edges {
			if e.name != "" {
				if _, dup := w.edgeVar[e.name]; dup {
					return errAt(e.span, "edge variable %s is used twice in the pattern", e.name)
				}
				if _, dup := w.nodeVar[e.name]; dup {
					return errAt(e.span, "%s is both a node and an edge variable", e.name)
				}
				w.edgeVar[e.name] = len(plan.edges)
			}
			es[i] = len(plan.edges)
			plan.edges = append(plan.edges, e)
			plan.edgeLeft = append(plan.edgeLeft, vs[i])
			plan.minTotal += e.min
			plan.maxTotal += e.max
		}
		if s > 0 {
			shared := false
			for _, v := range vs {
				shared = shared || bound[v]
			}
			if !shared {
				return errAt(path.spans[0], "pattern sequences must share a node variable (only connected patterns are supported)")
			}
		}
		anchor := 0
		for i, v := range vs {
			if bound[v] {
				anchor = i
				break
			}
		}
		plan.steps = append(plan.steps, graphStep{start: true, v: vs[anchor], seq: s})
		for i := anchor; i < len(es); i++ {
			plan.steps = append(plan.steps, graphStep{e: es[i], from: vs[i], to: vs[i+1], seq: s})
		}
		for i := anchor - 1; i >= 0; i-- {
			plan.steps = append(plan.steps, graphStep{e: es[i], from: vs[i+1], to: vs[i], reverse: true, seq: s})
		}
		for _, v := range vs {
			bound[v] = true
		}
		if s == 0 {
			plan.firstLast = [2]int{vs[0], vs[len(vs)-1]}
		}
	}
	w.edges = plan.edges
	for name := range w.nodeVar {
		if _, dup := w.edgeVar[name]; dup {
			return errAt(paths[0].spans[0], "%s is both a node and an edge variable", name)
		}
	}
	return nil
}

// graphCompileJob compiles the inner expression of all/any/map.
func (p *planner) graphCompileJob(j *graphJob, plan *graphMatchPlan, gs graphSchema, sc *scope) error {
	var s types.Schema
	if j.inner {
		s = append(s, gs.nodes...)
		s = append(s, types.Field{Name: graphElID, Type: gs.key}, types.Field{Name: graphElDegIn, Type: types.Long},
			types.Field{Name: graphElDegOut, Type: types.Long})
	} else {
		s = append(s, gs.edges...)
	}
	if j.needOuter {
		for _, c := range plan.cols {
			s = append(s, types.Field{Name: c.name, Type: c.t})
		}
	}
	j.elSchema = s
	c, err := p.expr(j.expr, &env{schema: s, sc: sc})
	if err != nil {
		return err
	}
	if j.kind != graphJobMap && !isBoolish(c.t) && c.t != types.Dynamic {
		return errAt(j.expr.Span(), "the predicate of all()/any() must be boolean, not %s", c.t)
	}
	j.c = c
	return nil
}

// pushdown decides whether a compiled where conjunct can restrict one
// variable before the search.
func (plan *graphMatchPlan) pushdown(c syntax.Expr, ce *cexpr, w *graphRewriter) (graphPush, bool) {
	names, rowish := graphRefs(c)
	if rowish {
		return graphPush{}, false
	}
	if id, ok := c.(*syntax.Ident); ok {
		for _, j := range plan.jobs {
			if j.name == id.Name && j.kind == graphJobAll && !j.needOuter && plan.edges[j.e].varLen {
				if j.inner {
					return graphPush{kind: graphPushInner, v: j.e, job: j}, true
				}
				return graphPush{kind: graphPushPathEdges, v: j.e, job: j}, true
			}
		}
	}
	kind, v := -1, -1
	for _, n := range names {
		i, ok := w.colIdx[n]
		if !ok {
			if strings.HasPrefix(n, "#") {
				return graphPush{}, false
			}
			continue // a let scalar or a function name
		}
		col := plan.cols[i]
		k := graphPushNode
		if col.kind == graphColEdgeProp || col.kind == graphColEdgeBag {
			if plan.edges[col.v].varLen {
				return graphPush{}, false
			}
			k = graphPushEdge
		}
		if (kind >= 0 && kind != k) || (v >= 0 && v != col.v) {
			return graphPush{}, false
		}
		kind, v = k, col.v
	}
	if v < 0 {
		return graphPush{}, false
	}
	return graphPush{kind: kind, v: v, c: ce}, true
}
