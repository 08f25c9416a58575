package exec

// graph-to-table and graph-mark-components.

import (
	"github.com/huntpack/huntpack/kql/types"
)

// graphToTable plans graph-to-table. With two parts (nodes as N, edges as
// E) both tables are bound as N and E for later statements and the
// operator itself yields the nodes table.
func (p *planner) graphToTable(parts []graphTablePart, gs graphSchema, sc *scope) (types.Schema, graphConsume, error) {
	schemaOf := func(pt graphTablePart) types.Schema {
		var s types.Schema
		if pt.edges {
			if pt.src != "" {
				s = append(s, types.Field{Name: pt.src, Type: types.Long})
			}
			if pt.dst != "" {
				s = append(s, types.Field{Name: pt.dst, Type: types.Long})
			}
			for _, f := range gs.edges {
				if s.Index(f.Name) < 0 {
					s = append(s, f)
				}
			}
			return s
		}
		if pt.nodeID != "" {
			s = append(s, types.Field{Name: pt.nodeID, Type: types.Long})
		}
		for _, f := range gs.nodes {
			if s.Index(f.Name) < 0 {
				s = append(s, f)
			}
		}
		return s
	}
	tableOf := func(pt graphTablePart, g *graphData) *types.Batch {
		s := schemaOf(pt)
		src := g.nodes
		var ids [][]int32
		if pt.edges {
			src = g.edges
			if pt.src != "" {
				ids = append(ids, g.src)
			}
			if pt.dst != "" {
				ids = append(ids, g.dst)
			}
		} else if pt.nodeID != "" {
			all := make([]int32, len(g.keys))
			for i := range all {
				all[i] = int32(i)
			}
			ids = append(ids, all)
		}
		out := &types.Batch{Schema: s, Len: src.Len}
		for _, nodesOf := range ids {
			c := types.NewColumn(types.Long, len(nodesOf))
			for _, n := range nodesOf {
				c.Append(types.LongValue(graphNodeHash(g.keys[n])))
			}
			out.Cols = append(out.Cols, c)
		}
		for _, f := range s[len(ids):] {
			out.Cols = append(out.Cols, src.Cols[src.Schema.Index(f.Name)])
		}
		return out
	}
	// with two named parts, bind both names; each run appends its graphs' rows.
	var bound []*types.Batch
	if len(parts) == 2 || parts[0].as != "" {
		bound = make([]*types.Batch, len(parts))
		for i, pt := range parts {
			if pt.as == "" {
				continue
			}
			i, s := i, schemaOf(pt)
			sc.names[pt.as] = &binding{tab: func() (node, error) {
				return &lazyNode{s: s, get: func() (*types.Batch, error) {
					if bound[i] == nil {
						return emptyBatch(s), nil
					}
					return bound[i], nil
				}}, nil
			}}
		}
	}
	first := parts[0]
	return schemaOf(first), func(rt *runtime, g *graphData, out emitFunc) error {
		for i, pt := range parts {
			t := tableOf(pt, g)
			if bound != nil {
				if bound[i] == nil {
					bound[i] = t
				} else {
					bound[i] = concat(t.Schema, []*types.Batch{bound[i], t})
				}
			}
		}
		return (&batchNode{b: tableOf(first, g)}).run(rt, out)
	}, nil
}

// graphMarkComponents plans graph-mark-components: a new graph whose
// nodes get a long property with their component's zero-based index,
// components numbered in order of their first node.
func (p *planner) graphMarkComponents(gn *graphNode, text string, base int) (node, error) {
	strong, name, err := graphParseComponents(text, base)
	if err != nil {
		return nil, err
	}
	gs := gn.gs
	ns := append(types.Schema(nil), gs.nodes...)
	replace := ns.Index(name)
	if replace >= 0 {
		ns[replace].Type = types.Long
	} else {
		ns = append(ns, types.Field{Name: name, Type: types.Long})
	}
	gs.nodes = ns
	return &graphNode{gs: gs, span: gn.span, build: func(rt *runtime) ([]*graphData, error) {
		in, err := gn.build(rt)
		if err != nil {
			return nil, err
		}
		out := make([]*graphData, len(in))
		for i, g := range in {
			var comp []int64
			if strong {
				comp = graphStrongComponents(g)
			} else {
				comp = graphWeakComponents(g)
			}
			c := &types.Column{Type: types.Long, Ints: comp}
			ng := *g
			nodes := &types.Batch{Schema: ns, Len: g.nodes.Len, Cols: append([]*types.Column(nil), g.nodes.Cols...)}
			if replace >= 0 {
				nodes.Cols[replace] = c
			} else {
				nodes.Cols = append(nodes.Cols, c)
			}
			ng.nodes = nodes
			if err := rt.reserve("graph-mark-components", 8*int64(len(comp))); err != nil {
				return nil, err
			}
			out[i] = &ng
		}
		return out, nil
	}}, nil
}

// graphWeakComponents labels nodes by weakly connected component.
func graphWeakComponents(g *graphData) []int64 {
	n := g.numNodes()
	comp := make([]int64, n)
	for i := range comp {
		comp[i] = -1
	}
	var next int64
	stack := []int32{}
	for s := 0; s < n; s++ {
		if comp[s] >= 0 {
			continue
		}
		comp[s] = next
		stack = append(stack[:0], int32(s))
		for len(stack) > 0 {
			v := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			visit := func(u int32) {
				if comp[u] < 0 {
					comp[u] = next
					stack = append(stack, u)
				}
			}
			for _, e := range g.out(v) {
				visit(g.dst[e])
			}
			for _, e := range g.in(v) {
				visit(g.src[e])
			}
		}
		next++
	}
	return comp
}

// graphStrongComponents labels nodes by strongly connected component
// (iterative Tarjan), renumbered in order of each component's first node.
func graphStrongComponents(g *graphData) []int64 {
	n := g.numNodes()
	index := make([]int32, n)
	low := make([]int32, n)
	onStack := make([]bool, n)
	raw := make([]int64, n)
	for i := range index {
		index[i] = -1
	}
	var counter int32
	var ncomp int64
	var stack []int32
	type frame struct {
		v  int32
		ei int32
	}
	for s := 0; s < n; s++ {
		if index[s] >= 0 {
			continue
		}
		call := []frame{{v: int32(s)}}
		index[s], low[s] = counter, counter
		counter++
		stack = append(stack, int32(s))
		onStack[s] = true
		for len(call) > 0 {
			f := &call[len(call)-1]
			outs := g.out(f.v)
			if int(f.ei) < len(outs) {
				w := g.dst[outs[f.ei]]
				f.ei++
				if index[w] < 0 {
					index[w], low[w] = counter, counter
					counter++
					stack = append(stack, w)
					onStack[w] = true
					call = append(call, frame{v: w})
				} else if onStack[w] && index[w] < low[f.v] {
					low[f.v] = index[w]
				}
				continue
			}
			v := f.v
			if low[v] == index[v] {
				for {
					w := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					onStack[w] = false
					raw[w] = ncomp
					if w == v {
						break
					}
				}
				ncomp++
			}
			call = call[:len(call)-1]
			if len(call) > 0 {
				u := call[len(call)-1].v
				if low[v] < low[u] {
					low[u] = low[v]
				}
			}
		}
	}
	// renumber by first node
	remap := make([]int64, ncomp)
	for i := range remap {
		remap[i] = -1
	}
	var next int64
	for v := 0; v < n; v++ {
		if remap[raw[v]] < 0 {
			remap[raw[v]] = next
			next++
		}
		raw[v] = remap[raw[v]]
	}
	return raw
}
