package exec

// The pattern search of graph-match / graph-shortest-paths and the
// evaluation of a batch of matches.

import (
	"github.com/huntpack/huntpack/kql/types"
)

// graphChunkSize is how many matches are evaluated together.
const graphChunkSize = 1024

// graphChunk holds matches: per match, the node of every node variable
// and the path (edges in pattern order) of every edge variable.
type graphChunk struct {
	n      int
	nodes  []int32 // n * len(nodeNames)
	pathLo []int32 // n * len(edges), into paths
	pathHi []int32
	paths  []int32
	totals []int32 // total path length per match
}

func (c *graphChunk) reset() {
	c.n = 0
	c.nodes, c.pathLo, c.pathHi, c.paths, c.totals = c.nodes[:0], c.pathLo[:0], c.pathHi[:0], c.paths[:0], c.totals[:0]
}

// graphSearch is the state of one depth-first search.
type graphSearch struct {
	rt      *runtime
	plan    *graphMatchPlan
	g       *graphData
	bind    []int32
	nodeOK  [][]bool // per node var
	edgeOK  [][]bool // per edge var: allowed edges
	innerOK [][]bool // per edge var: allowed inner nodes
	used    []bool
	seen    []uint64
	stacks  [][]int32 // per edge var, in traversal order
	total   int
	exact   int // required total path length, -1 for any
	ticks   int
	chunk   graphChunk
	flush   func(c *graphChunk) error
}

// run executes the plan over one graph.
func (plan *graphMatchPlan) run(rt *runtime, g *graphData, out emitFunc) error {
	s := &graphSearch{rt: rt, plan: plan, g: g, exact: -1,
		bind:    make([]int32, len(plan.nodeNames)),
		nodeOK:  make([][]bool, len(plan.nodeNames)),
		edgeOK:  make([][]bool, len(plan.edges)),
		innerOK: make([][]bool, len(plan.edges)),
		stacks:  make([][]int32, len(plan.edges)),
	}
	for i := range s.bind {
		s.bind[i] = -1
	}
	if plan.cycles != graphCyclesAll {
		s.used = make([]bool, len(g.src))
	}
	if plan.cycles == graphCyclesNone {
		s.seen = make([]uint64, g.numNodes())
	}
	if err := s.applyPushes(); err != nil {
		return err
	}
	cost := int64(len(plan.nodeNames)+len(plan.edges)) * int64(g.numNodes()+len(g.src))
	if err := rt.reserve("graph-match", cost); err != nil {
		return err
	}
	defer rt.release(cost)
	if !plan.shortest {
		s.flush = func(c *graphChunk) error { return plan.emitChunk(s, c, nil, out) }
		if err := s.step(0); err != nil {
			return err
		}
		return s.flush(&s.chunk)
	}
	// shortest paths: iterative deepening on the total path length; a
	// (first, last) node pair found at one length is done.
	done := map[[2]int32]bool{}
	var held int64
	defer func() { rt.release(held) }()
	for l := plan.minTotal; l <= plan.maxTotal; l++ {
		s.exact = l
		level := map[[2]int32]bool{}
		pick := func(c *graphChunk, rows []int) []int {
			var keep []int
			nv := len(plan.nodeNames)
			for _, r := range rows {
				k := [2]int32{c.nodes[r*nv+plan.firstLast[0]], c.nodes[r*nv+plan.firstLast[1]]}
				if done[k] || (level[k] && !plan.all) {
					continue
				}
				level[k] = true
				keep = append(keep, r)
			}
			return keep
		}
		s.flush = func(c *graphChunk) error {
			before := len(level)
			if err := plan.emitChunk(s, c, pick, out); err != nil {
				return err
			}
			// each (source, target) pair found is remembered: count it
			n := int64(len(level)-before) * 64
			held += n
			return rt.reserve("graph-shortest-paths", n)
		}
		if err := s.step(0); err != nil {
			return err
		}
		if err := s.flush(&s.chunk); err != nil {
			return err
		}
		s.chunk.reset()
		for k := range level {
			done[k] = true
		}
	}
	return nil
}

// applyPushes evaluates the pushed-down conjuncts into candidate sets.
func (s *graphSearch) applyPushes() error {
	g, plan := s.g, s.plan
	for _, pu := range plan.pushes {
		var ok []bool
		switch pu.kind {
		case graphPushNode, graphPushEdge:
			n := g.numNodes()
			if pu.kind == graphPushEdge {
				n = len(g.src)
			}
			b := &types.Batch{Schema: plan.schema, Cols: make([]*types.Column, len(plan.schema)), Len: n}
			all := make([]int32, n)
			for i := range all {
				all[i] = int32(i)
			}
			for i, c := range plan.cols {
				isEdge := c.kind == graphColEdgeProp || c.kind == graphColEdgeBag
				if c.v != pu.v || isEdge != (pu.kind == graphPushEdge) {
					continue
				}
				if c.kind == graphColEdgeBag {
					b.Cols[i] = &types.Column{Type: types.Dynamic, Dyns: make([]any, n)}
					for r := 0; r < n; r++ {
						b.Cols[i].Dyns[r] = graphBag(g.edges, r)
					}
				} else if c.kind == graphColEdgeProp {
					b.Cols[i] = gatherColumn(g.edges.Cols[c.prop], graphInts(all))
				} else {
					b.Cols[i] = graphNodeColumn(g, c, all)
				}
			}
			ok = graphTruth(pu.c.eval(b), n)
		case graphPushPathEdges, graphPushInner:
			var b *types.Batch
			if pu.kind == graphPushInner {
				all := make([]int32, g.numNodes())
				for i := range all {
					all[i] = int32(i)
				}
				b = graphNodeElements(g, all)
			} else {
				b = &types.Batch{Schema: pu.job.elSchema, Cols: g.edges.Cols, Len: len(g.src)}
			}
			ok = graphTruth(pu.job.c.eval(b), b.Len)
		}
		dst := &s.nodeOK[pu.v]
		switch pu.kind {
		case graphPushEdge, graphPushPathEdges:
			dst = &s.edgeOK[pu.v]
		case graphPushInner:
			dst = &s.innerOK[pu.v]
		}
		if *dst == nil {
			*dst = ok
		} else {
			for i := range ok {
				(*dst)[i] = (*dst)[i] && ok[i]
			}
		}
	}
	return nil
}

func graphInts(xs []int32) []int {
	out := make([]int, len(xs))
	for i, x := range xs {
		out[i] = int(x)
	}
	return out
}

func graphTruth(c *types.Column, n int) []bool {
	ok := make([]bool, n)
	for _, i := range truthy(c, n) {
		ok[i] = true
	}
	return ok
}

// graphNodeColumn builds a node-variable column for the given nodes.
func graphNodeColumn(g *graphData, c graphCol, nodes []int32) *types.Column {
	switch c.kind {
	case graphColNodeProp:
		return gatherColumn(g.nodes.Cols[c.prop], graphInts(nodes))
	case graphColNodeID:
		col := types.NewColumn(c.t, len(nodes))
		for _, n := range nodes {
			col.Append(convert(g.keys[n], c.t))
		}
		return col
	case graphColNodeBag:
		col := types.NewColumn(types.Dynamic, len(nodes))
		for _, n := range nodes {
			col.Append(types.DynamicValue(graphBag(g.nodes, int(n))))
		}
		return col
	case graphColDegIn, graphColDegOut:
		col := &types.Column{Type: types.Long, Ints: make([]int64, len(nodes))}
		for i, n := range nodes {
			if c.kind == graphColDegIn {
				col.Ints[i] = int64(g.inOff[n+1] - g.inOff[n])
			} else {
				col.Ints[i] = int64(g.outOff[n+1] - g.outOff[n])
			}
		}
		return col
	}
	return nil
}

// graphNodeElements builds the element batch of nodes for inner_nodes().
func graphNodeElements(g *graphData, nodes []int32) *types.Batch {
	ns := g.nodes.Schema
	s := append(append(types.Schema(nil), ns...), types.Field{Name: graphElID}, types.Field{Name: graphElDegIn, Type: types.Long},
		types.Field{Name: graphElDegOut, Type: types.Long})
	b := &types.Batch{Schema: s, Len: len(nodes)}
	idx := graphInts(nodes)
	for _, c := range g.nodes.Cols {
		b.Cols = append(b.Cols, gatherColumn(c, idx))
	}
	var keyT types.Type = types.String
	if len(g.keys) > 0 {
		keyT = g.keys[0].T
	}
	s[len(ns)].Type = keyT
	b.Cols = append(b.Cols, graphNodeColumn(g, graphCol{kind: graphColNodeID, t: keyT}, nodes),
		graphNodeColumn(g, graphCol{kind: graphColDegIn}, nodes), graphNodeColumn(g, graphCol{kind: graphColDegOut}, nodes))
	return b
}

// step runs search step i.
func (s *graphSearch) step(i int) error {
	plan := s.plan
	if i == len(plan.steps) {
		return s.record()
	}
	st := plan.steps[i]
	if !st.start {
		return s.walk(i, s.bind[st.from], 0, false)
	}
	if b := s.bind[st.v]; b >= 0 {
		s.mark(b, st.seq, true)
		err := s.step(i + 1)
		s.mark(b, st.seq, false)
		return err
	}
	ok := s.nodeOK[st.v]
	for n := int32(0); int(n) < s.g.numNodes(); n++ {
		if ok != nil && !ok[n] {
			continue
		}
		s.bind[st.v] = n
		s.mark(n, st.seq, true)
		err := s.step(i + 1)
		s.mark(n, st.seq, false)
		s.bind[st.v] = -1
		if err != nil {
			return err
		}
	}
	return nil
}

// mark records node n as visited in sequence seq (cycles=none only).
func (s *graphSearch) mark(n int32, seq int, on bool) {
	if s.seen == nil {
		return
	}
	if on {
		s.seen[n] |= 1 << uint(seq)
	} else {
		s.seen[n] &^= 1 << uint(seq)
	}
}

func (s *graphSearch) isSeen(n int32, seq int) bool {
	return s.seen != nil && s.seen[n]&(1<<uint(seq)) != 0
}

// walk extends the path of walk step i from node cur at the given depth.
// closing is set when cur was already visited in the sequence: the path
// may only end there (at a bound variable).
func (s *graphSearch) walk(i int, cur int32, depth int, closing bool) error {
	plan := s.plan
	st := plan.steps[i]
	ep := plan.edges[st.e]
	if s.ticks++; s.ticks&4095 == 0 {
		if err := s.rt.ctx.Err(); err != nil {
			return err
		}
	}
	if depth >= ep.min {
		if err := s.arrive(i, cur, closing); err != nil {
			return err
		}
	}
	if closing || depth >= ep.max {
		return nil
	}
	if s.exact >= 0 && s.total >= s.exact {
		return nil
	}
	if depth > 0 && s.innerOK[st.e] != nil && !s.innerOK[st.e][cur] {
		return nil
	}
	dir := ep.dir
	if st.reverse {
		switch dir {
		case graphDirRight:
			dir = graphDirLeft
		case graphDirLeft:
			dir = graphDirRight
		}
	}
	try := func(e int32, next int32) error {
		if ok := s.edgeOK[st.e]; ok != nil && !ok[e] {
			return nil
		}
		if s.used != nil {
			if s.used[e] {
				return nil
			}
			s.used[e] = true
			defer func() { s.used[e] = false }()
		}
		nextClosing := false
		if s.seen != nil && s.isSeen(next, st.seq) {
			b := s.bind[st.to]
			if b != next || depth+1 < ep.min {
				return nil
			}
			nextClosing = true
		}
		s.stacks[st.e] = append(s.stacks[st.e], e)
		s.total++
		if !nextClosing {
			s.mark(next, st.seq, true)
		}
		err := s.walk(i, next, depth+1, nextClosing)
		if !nextClosing {
			s.mark(next, st.seq, false)
		}
		s.total--
		s.stacks[st.e] = s.stacks[st.e][:len(s.stacks[st.e])-1]
		return err
	}
	g := s.g
	if dir == graphDirRight || dir == graphDirAny {
		for _, e := range g.out(cur) {
			if err := try(e, g.dst[e]); err != nil {
				return err
			}
		}
	}
	if dir == graphDirLeft || dir == graphDirAny {
		for _, e := range g.in(cur) {
			if dir == graphDirAny && g.src[e] == g.dst[e] {
				continue // a self-loop was already walked as an out-edge
			}
			if err := try(e, g.src[e]); err != nil {
				return err
			}
		}
	}
	return nil
}

// arrive ends the path of walk step i at node n.
func (s *graphSearch) arrive(i int, n int32, closing bool) error {
	st := s.plan.steps[i]
	if b := s.bind[st.to]; b >= 0 {
		if b != n {
			return nil
		}
		return s.step(i + 1)
	}
	if closing {
		return nil
	}
	if ok := s.nodeOK[st.to]; ok != nil && !ok[n] {
		return nil
	}
	s.bind[st.to] = n
	err := s.step(i + 1)
	s.bind[st.to] = -1
	return err
}

// record appends the current match to the chunk, flushing a full chunk.
func (s *graphSearch) record() error {
	if s.exact >= 0 && s.total != s.exact {
		return nil
	}
	c := &s.chunk
	c.nodes = append(c.nodes, s.bind...)
	for e, st := range s.stacks {
		c.pathLo = append(c.pathLo, int32(len(c.paths)))
		if s.reversed(e) {
			for k := len(st) - 1; k >= 0; k-- {
				c.paths = append(c.paths, st[k])
			}
		} else {
			c.paths = append(c.paths, st...)
		}
		c.pathHi = append(c.pathHi, int32(len(c.paths)))
	}
	c.totals = append(c.totals, int32(s.total))
	c.n++
	if c.n >= graphChunkSize {
		if err := s.flush(c); err != nil {
			return err
		}
		c.reset()
	}
	return nil
}

// reversed reports whether edge var e is walked right-to-left.
func (s *graphSearch) reversed(e int) bool {
	for _, st := range s.plan.steps {
		if !st.start && st.e == e {
			return st.reverse
		}
	}
	return false
}

// emitChunk evaluates a chunk of matches: base columns, jobs, where,
// then (for shortest paths) pick, then project.
func (plan *graphMatchPlan) emitChunk(s *graphSearch, c *graphChunk, pick func(*graphChunk, []int) []int, out emitFunc) error {
	if c.n == 0 {
		return nil
	}
	g := s.g
	nv, ne := len(plan.nodeNames), len(plan.edges)
	b := &types.Batch{Schema: plan.schema, Len: c.n}
	for _, col := range plan.cols {
		if col.kind != graphColEdgeProp && col.kind != graphColEdgeBag {
			nodes := make([]int32, c.n)
			for r := range nodes {
				nodes[r] = c.nodes[r*nv+col.v]
			}
			b.Cols = append(b.Cols, graphNodeColumn(g, col, nodes))
			continue
		}
		if col.kind == graphColEdgeBag {
			b.Cols = append(b.Cols, plan.edgeBags(g, c, col.v))
			continue
		}
		src := g.edges.Cols[col.prop]
		if !plan.edges[col.v].varLen {
			idx := make([]int, c.n)
			for r := range idx {
				idx[r] = int(c.paths[c.pathLo[r*ne+col.v]])
			}
			b.Cols = append(b.Cols, gatherColumn(src, idx))
			continue
		}
		dc := types.NewColumn(types.Dynamic, c.n)
		for r := 0; r < c.n; r++ {
			arr := []any{}
			for _, e := range c.paths[c.pathLo[r*ne+col.v]:c.pathHi[r*ne+col.v]] {
				arr = append(arr, toDyn(src.Value(int(e))))
			}
			dc.Append(types.DynamicValue(arr))
		}
		b.Cols = append(b.Cols, dc)
	}
	for _, j := range plan.jobs {
		b.Cols = append(b.Cols, plan.evalJob(s, c, b, j))
	}
	rows := make([]int, c.n)
	for i := range rows {
		rows[i] = i
	}
	if plan.where != nil {
		rows = truthy(plan.where.eval(b), b.Len)
	}
	if pick != nil {
		rows = pick(c, rows)
	}
	if len(rows) == 0 {
		return nil
	}
	if len(rows) != b.Len {
		b = gather(b, rows)
	}
	res := &types.Batch{Schema: plan.out, Len: b.Len}
	for _, pe := range plan.proj {
		col := pe.eval(b)
		if col.Type != pe.t {
			vals := make([]types.Value, b.Len)
			for i := range vals {
				vals[i] = col.Value(i)
			}
			col = valuesColumn(pe.t, vals)
		}
		res.Cols = append(res.Cols, col)
	}
	return out(res)
}

// evalJob computes one all/any/map column for a chunk.
func (plan *graphMatchPlan) evalJob(s *graphSearch, c *graphChunk, b *types.Batch, j *graphJob) *types.Column {
	g := s.g
	nv, ne := len(plan.nodeNames), len(plan.edges)
	var elems []int32
	var owner []int
	for r := 0; r < c.n; r++ {
		path := c.paths[c.pathLo[r*ne+j.e]:c.pathHi[r*ne+j.e]]
		if !j.inner {
			for _, e := range path {
				elems = append(elems, e)
				owner = append(owner, r)
			}
			continue
		}
		cur := c.nodes[r*nv+plan.edgeLeft[j.e]]
		for k, e := range path {
			if g.src[e] == cur {
				cur = g.dst[e]
			} else {
				cur = g.src[e]
			}
			if k < len(path)-1 {
				elems = append(elems, cur)
				owner = append(owner, r)
			}
		}
	}
	var eb *types.Batch
	if j.inner {
		eb = graphNodeElements(g, elems)
	} else {
		eb = &types.Batch{Schema: g.edges.Schema, Len: len(elems)}
		idx := graphInts(elems)
		for _, col := range g.edges.Cols {
			eb.Cols = append(eb.Cols, gatherColumn(col, idx))
		}
	}
	eb.Schema = j.elSchema
	if j.needOuter {
		for i := range plan.cols {
			eb.Cols = append(eb.Cols, gatherColumn(b.Cols[i], owner))
		}
	}
	vals := j.c.eval(eb)
	switch j.kind {
	case graphJobMap:
		arrs := make([][]any, c.n)
		for i, r := range owner {
			arrs[r] = append(arrs[r], toDyn(vals.Value(i)))
		}
		out := types.NewColumn(types.Dynamic, c.n)
		for _, a := range arrs {
			if a == nil {
				a = []any{}
			}
			out.Append(types.DynamicValue(a))
		}
		return out
	default:
		truth := graphTruth(vals, len(owner))
		res := make([]bool, c.n)
		if j.kind == graphJobAll {
			for i := range res {
				res[i] = true
			}
		}
		for i, r := range owner {
			if j.kind == graphJobAll {
				res[r] = res[r] && truth[i]
			} else {
				res[r] = res[r] || truth[i]
			}
		}
		return &types.Column{Type: types.Bool, Bools: res}
	}
}

// graphBag returns row r of b as a property bag (nulls left out).
func graphBag(b *types.Batch, r int) map[string]any {
	m := make(map[string]any, len(b.Cols))
	for j, c := range b.Cols {
		if v := c.Value(r); !v.IsNull() {
			m[b.Schema[j].Name] = toDyn(v)
		}
	}
	return m
}

// edgeBags builds the bag column of edge variable e: a bag per match, or
// an array of bags for a variable-length edge.
func (plan *graphMatchPlan) edgeBags(g *graphData, c *graphChunk, e int) *types.Column {
	ne := len(plan.edges)
	col := types.NewColumn(types.Dynamic, c.n)
	for r := 0; r < c.n; r++ {
		path := c.paths[c.pathLo[r*ne+e]:c.pathHi[r*ne+e]]
		if !plan.edges[e].varLen {
			col.Append(types.DynamicValue(graphBag(g.edges, int(path[0]))))
			continue
		}
		arr := make([]any, 0, len(path))
		for _, x := range path {
			arr = append(arr, graphBag(g.edges, int(x)))
		}
		col.Append(types.DynamicValue(arr))
	}
	return col
}
