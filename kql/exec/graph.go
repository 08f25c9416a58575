package exec

// Graph semantics: make-graph builds an in-memory property graph from an
// edges table (and optional node tables); graph-match,
// graph-shortest-paths, graph-to-table and graph-mark-components consume
// it. A graph flows between operators as a *graphNode, a node whose rows
// cannot be read directly: the graph operator that follows turns it back
// into a table.
//
// Supported (Microsoft's docs are the spec):
//   - make-graph Src --> Dst [with T1 on Id1 [, T2 on Id2] | with_node_id=Name]
//     [partitioned-by Col (graph-match|graph-shortest-paths|graph-to-table ...)].
//     Node tables come first (duplicate ids merge, first non-empty value
//     wins), then endpoints seen only in edges, whose id columns get the key.
//   - graph-match [cycles=unique_edges|none|all] Pattern [where P] project ...
//     with several comma-separated sequences sharing node variables;
//     patterns (n) (), -[e]-> <-[e]- -[e]- --> <-- --, -[e*min..max]->.
//     unique_edges (default): no edge twice in a match; none: also no node
//     twice within a sequence (explicitly repeated variables may close it).
//   - graph-shortest-paths [output=any|all]: per (first, last) node pair, the
//     paths of minimal total length that satisfy where (iterative deepening).
//   - graph-to-table nodes [with_node_id=C] / edges [with_source_id=C]
//     [with_target_id=C] [as T] / nodes as N ..., edges as E (both names
//     are bound; the operator yields the nodes table). Node ids are the
//     xxHash64 of the key's text, like hash().
//   - graph-mark-components [kind=weak|strong] [with_component_id=C].
//   - in where/project: v.prop, bare v (a property bag; an array of bags
//     for a variable-length edge), e.prop of a variable-length edge (an
//     array), all()/any()/map() over an edge or inner_nodes(e),
//     node_degree_in/out(), node_id(), labels() (always [] for make-graph
//     graphs, as documented). A where conjunct reading only a
//     variable-length edge's properties applies to every edge of its path.
//
// Graphs, the search state and shortest-path bookkeeping are counted in
// Options.MaxMemory; matches are evaluated in chunks, so output streams.

import (
	"github.com/huntpack/huntpack/kql/funcs"
	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

// graphData is a built graph. Nodes and edges keep their properties as
// batches; adjacency is stored compressed (CSR) by source and by target.
type graphData struct {
	nodes *types.Batch  // one row per node (schema = node properties)
	keys  []types.Value // node id per node
	edges *types.Batch  // one row per edge (schema = edge columns)
	src   []int32       // source node per edge
	dst   []int32       // target node per edge
	// outOff[n]..outOff[n+1] index outEdges: the edges leaving node n, in
	// edge order; inOff/inEdges likewise for entering edges.
	outOff, outEdges []int32
	inOff, inEdges   []int32
}

func (g *graphData) numNodes() int { return len(g.keys) }

func (g *graphData) out(n int32) []int32 { return g.outEdges[g.outOff[n]:g.outOff[n+1]] }
func (g *graphData) in(n int32) []int32  { return g.inEdges[g.inOff[n]:g.inOff[n+1]] }

// graphBytes estimates the memory a graph holds (for MaxMemory).
func graphBytes(g *graphData) int64 {
	n := batchBytes(g.nodes) + batchBytes(g.edges)
	n += int64(len(g.keys)) * 40
	n += 4 * int64(len(g.src)+len(g.dst)+len(g.outOff)+len(g.outEdges)+len(g.inOff)+len(g.inEdges))
	return n
}

// graphIndex builds the adjacency arrays from src/dst.
func (g *graphData) index() {
	n := len(g.keys)
	build := func(ends []int32) ([]int32, []int32) {
		off := make([]int32, n+1)
		for _, v := range ends {
			off[v+1]++
		}
		for i := 0; i < n; i++ {
			off[i+1] += off[i]
		}
		fill := append([]int32(nil), off[:n]...)
		list := make([]int32, len(ends))
		for e, v := range ends {
			list[fill[v]] = int32(e)
			fill[v]++
		}
		return off, list
	}
	g.outOff, g.outEdges = build(g.src)
	g.inOff, g.inEdges = build(g.dst)
}

// graphSchema is what a graph looks like at planning time.
type graphSchema struct {
	nodes types.Schema
	edges types.Schema
	key   types.Type // type of node ids
}

// graphNode is a graph flowing between operators.
type graphNode struct {
	gs    graphSchema
	build func(rt *runtime) ([]*graphData, error) // one graph (or one per partition)
	span  syntax.Span
}

func (n *graphNode) schema() types.Schema { return nil }

func (n *graphNode) run(rt *runtime, out emitFunc) error {
	return errAt(n.span, "a graph must be followed by a graph operator (graph-match, graph-to-table, ...)")
}

// graphIsOp reports whether a generic operator is one of the graph operators.
func graphIsOp(name string) bool {
	switch name {
	case "make-graph", "graph-match", "graph-shortest-paths", "graph-to-table", "graph-mark-components":
		return true
	}
	return false
}

// graphOperator plans make-graph and the graph-* operators.
func (p *planner) graphOperator(o *syntax.GenericOp, in node, sc *scope) (node, error) {
	base := p.graphTextBase(o)
	if o.Name == "make-graph" {
		return p.graphMake(o, base, in, sc)
	}
	gn, ok := in.(*graphNode)
	if !ok {
		return nil, errAt(o.Loc, "%s needs a graph as input (use make-graph first)", o.Name)
	}
	if o.Name == "graph-mark-components" {
		return p.graphMarkComponents(gn, o.Text, base)
	}
	sch, consume, err := p.graphConsumer(o.Name, o.Text, base, gn.gs, sc, o.Loc)
	if err != nil {
		return nil, err
	}
	return &funcNode{s: sch, f: func(rt *runtime, out emitFunc) error {
		gs, err := gn.build(rt)
		if err != nil {
			return err
		}
		defer func() {
			// the graphs die with this operator: give their memory back
			for _, g := range gs {
				rt.release(graphBytes(g))
			}
		}()
		for _, g := range gs {
			if err := consume(rt, g, out); err != nil {
				return err
			}
		}
		return nil
	}}, nil
}

// graphTextBase returns the offset of the operator's Text in the query.
func (p *planner) graphTextBase(o *syntax.GenericOp) int {
	base := o.Loc.End - len(o.Text)
	if p.q != nil && base >= 0 && base+len(o.Text) <= len(p.q.Src) && p.q.Src[base:base+len(o.Text)] == o.Text {
		return base
	}
	if base < 0 {
		return 0
	}
	return base
}

// graphConsume runs a graph operator over one graph.
type graphConsume func(rt *runtime, g *graphData, out emitFunc) error

// graphConsumer plans an operator that turns a graph into a table.
func (p *planner) graphConsumer(name, text string, base int, gs graphSchema, sc *scope, loc syntax.Span) (types.Schema, graphConsume, error) {
	switch name {
	case "graph-match", "graph-shortest-paths":
		spec, err := graphParseMatch(name, text, base)
		if err != nil {
			return nil, nil, err
		}
		return p.graphMatch(name, spec, gs, sc)
	case "graph-to-table":
		parts, err := graphParseToTable(text, base)
		if err != nil {
			return nil, nil, err
		}
		return p.graphToTable(parts, gs, sc)
	}
	return nil, nil, errAt(loc, "%s cannot be used here: expected graph-match, graph-shortest-paths or graph-to-table", name)
}

// graphMake plans make-graph.
func (p *planner) graphMake(o *syntax.GenericOp, base int, in node, sc *scope) (node, error) {
	spec, err := graphParseMake(o.Text, base)
	if err != nil {
		return nil, err
	}
	es := in.schema()
	si, di := es.Index(spec.src), es.Index(spec.dst)
	if si < 0 {
		return nil, errAt(spec.srcSpan, "unknown column %q%s", spec.src, suggest(spec.src, es.Names()))
	}
	if di < 0 {
		return nil, errAt(spec.dstSpan, "unknown column %q%s", spec.dst, suggest(spec.dst, es.Names()))
	}
	gs := graphSchema{edges: es, key: es[si].Type}
	var tabs []node
	var onIdx []int
	switch {
	case spec.nodeID != "":
		gs.nodes = types.Schema{{Name: spec.nodeID, Type: gs.key}}
	default:
		for _, t := range spec.tables {
			n, err := p.tabular(t.table, sc)
			if err != nil {
				return nil, err
			}
			ts := n.schema()
			ci := ts.Index(t.on)
			if ci < 0 {
				return nil, errAt(t.span, "unknown column %q in the nodes table%s", t.on, suggest(t.on, ts.Names()))
			}
			for _, f := range ts {
				if gs.nodes.Index(f.Name) < 0 {
					gs.nodes = append(gs.nodes, f)
				}
			}
			tabs, onIdx = append(tabs, n), append(onIdx, ci)
		}
	}
	b := &graphBuilder{spec: spec, gs: gs, si: si, di: di, tabs: tabs, onIdx: onIdx}
	if spec.partition != "" {
		return p.graphPartitioned(spec, b, in, sc, o.Loc)
	}
	return &graphNode{gs: gs, span: o.Loc, build: func(rt *runtime) ([]*graphData, error) {
		edges, nodeBs, err := b.collect(rt, in)
		if err != nil {
			return nil, err
		}
		g, err := b.build(rt, edges, nodeBs)
		if err != nil {
			return nil, err
		}
		return []*graphData{g}, nil
	}}, nil
}

// graphBuilder holds what make-graph needs at run time.
type graphBuilder struct {
	spec   *graphMakeSpec
	gs     graphSchema
	si, di int
	tabs   []node
	onIdx  []int
}

func (b *graphBuilder) collect(rt *runtime, in node) (*types.Batch, []*types.Batch, error) {
	edges, err := collect(rt, in)
	if err != nil {
		return nil, nil, err
	}
	var nodeBs []*types.Batch
	for _, t := range b.tabs {
		nb, err := collect(rt, t)
		if err != nil {
			return nil, nil, err
		}
		nodeBs = append(nodeBs, nb)
	}
	return edges, nodeBs, nil
}

// build creates a graph from collected edges and node tables; it
// reserves the graph's memory in the run's budget.
func (b *graphBuilder) build(rt *runtime, edges *types.Batch, nodeBs []*types.Batch) (*graphData, error) {
	g := &graphData{}
	ids := map[key]int32{}
	var rows [][]types.Value // node properties, row per node
	ns := b.gs.nodes
	newNode := func(k types.Value) int32 {
		id := int32(len(g.keys))
		ids[keyOf(k)] = id
		g.keys = append(g.keys, k)
		row := make([]types.Value, len(ns))
		for j, f := range ns {
			row[j] = types.NullOf(f.Type)
		}
		rows = append(rows, row)
		return id
	}
	// node tables first, in their row order; duplicates merge (first non-null wins)
	for t, nb := range nodeBs {
		pos := make([]int, len(nb.Schema))
		for j, f := range nb.Schema {
			pos[j] = ns.Index(f.Name)
		}
		for r := 0; r < nb.Len; r++ {
			k := nb.Cols[b.onIdx[t]].Value(r)
			if k.IsNull() {
				continue
			}
			if k = convert(k, b.gs.key); k.IsNull() {
				continue
			}
			id, ok := ids[keyOf(k)]
			if !ok {
				id = newNode(k)
			}
			for j, c := range nb.Cols {
				if v := c.Value(r); !graphUnset(v) && graphUnset(rows[id][pos[j]]) {
					rows[id][pos[j]] = convert(v, ns[pos[j]].Type)
				}
			}
		}
	}
	// edges: endpoints missing from the node tables become nodes whose id
	// properties hold the key.
	keep := make([]int, 0, edges.Len)
	idCols := []int{}
	if b.spec.nodeID != "" {
		idCols = append(idCols, 0)
	}
	for t := range nodeBs {
		if j := ns.Index(nodeBs[t].Schema[b.onIdx[t]].Name); j >= 0 {
			idCols = append(idCols, j)
		}
	}
	endpoint := func(v types.Value) int32 {
		if id, ok := ids[keyOf(v)]; ok {
			return id
		}
		id := newNode(v)
		for _, j := range idCols {
			rows[id][j] = convert(v, ns[j].Type)
		}
		return id
	}
	for r := 0; r < edges.Len; r++ {
		s := convert(edges.Cols[b.si].Value(r), b.gs.key)
		d := convert(edges.Cols[b.di].Value(r), b.gs.key)
		if s.IsNull() || d.IsNull() {
			continue // an edge without both endpoints is dropped
		}
		g.src = append(g.src, endpoint(s))
		g.dst = append(g.dst, endpoint(d))
		keep = append(keep, r)
		if r%4096 == 0 {
			if err := rt.ctx.Err(); err != nil {
				return nil, err
			}
		}
	}
	if len(keep) == edges.Len {
		g.edges = edges
	} else {
		g.edges = gather(edges, keep)
	}
	nb := types.NewBatch(ns, len(rows))
	for _, row := range rows {
		for j, v := range row {
			nb.Cols[j].Append(v)
		}
	}
	nb.Len = len(rows)
	g.nodes = nb
	g.index()
	if err := rt.reserve("make-graph", graphBytes(g)); err != nil {
		return nil, err
	}
	return g, nil
}

// graphPartitioned plans make-graph ... partitioned-by Col (GraphOperator):
// one graph per value of Col, the operator run on each, results unioned.
func (p *planner) graphPartitioned(spec *graphMakeSpec, b *graphBuilder, in node, sc *scope, loc syntax.Span) (node, error) {
	pe := b.gs.edges.Index(spec.partition)
	if pe < 0 {
		return nil, errAt(spec.partitionSpan, "unknown column %q in the edges%s", spec.partition, suggest(spec.partition, b.gs.edges.Names()))
	}
	pn := make([]int, len(b.tabs))
	for i, t := range b.tabs {
		if pn[i] = t.schema().Index(spec.partition); pn[i] < 0 {
			return nil, errAt(spec.partitionSpan, "the nodes table %d has no partition column %q", i+1, spec.partition)
		}
	}
	if spec.innerName == "graph-mark-components" || spec.innerName == "make-graph" {
		return nil, errAt(spec.innerNameSpans, "%s cannot be the operator of partitioned-by", spec.innerName)
	}
	sch, consume, err := p.graphConsumer(spec.innerName, spec.innerText, spec.innerBase, b.gs, sc, spec.innerNameSpans)
	if err != nil {
		return nil, err
	}
	return &funcNode{s: sch, f: func(rt *runtime, out emitFunc) error {
		edges, nodeBs, err := b.collect(rt, in)
		if err != nil {
			return err
		}
		parts, order := graphSplit(edges, pe)
		for _, k := range order {
			var sub []*types.Batch
			for i, nb := range nodeBs {
				var idx []int
				for r := 0; r < nb.Len; r++ {
					if keyOf(nb.Cols[pn[i]].Value(r)) == k {
						idx = append(idx, r)
					}
				}
				sub = append(sub, gather(nb, idx))
			}
			g, err := b.build(rt, gather(edges, parts[k]), sub)
			if err != nil {
				return err
			}
			err = consume(rt, g, out)
			rt.release(graphBytes(g))
			if err != nil {
				return err
			}
		}
		return nil
	}}, nil
}

// graphSplit groups the rows of b by column c, keeping first-seen order.
func graphSplit(b *types.Batch, c int) (map[key][]int, []key) {
	parts := map[key][]int{}
	var order []key
	for r := 0; r < b.Len; r++ {
		k := keyOf(b.Cols[c].Value(r))
		if _, ok := parts[k]; !ok {
			order = append(order, k)
		}
		parts[k] = append(parts[k], r)
	}
	return parts, order
}

// graphNodeHash is the node hash id graph-to-table exports: the
// xxHash64 of the id's text, as hash() computes it (checked against the
// documented graph-to-table examples).
func graphNodeHash(v types.Value) int64 {
	if v.IsNull() {
		return 0
	}
	if v.T == types.String {
		return int64(funcs.XXHash64([]byte(v.S), 0))
	}
	return int64(funcs.XXHash64([]byte(types.FormatValue(v)), 0))
}

// graphUnset reports a missing property value (null, or an empty string).
func graphUnset(v types.Value) bool {
	return v.IsNull() || (v.T == types.String && v.S == "")
}
