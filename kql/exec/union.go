package exec

import (
	"fmt"
	"path"
	"strings"

	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

// unionLeg is one input of a union with the name withsource reports.
type unionLeg struct {
	name string
	n    node
}

// union plans union (as a source when in is nil, else with the piped
// input as the first leg).
func (p *planner) union(o *syntax.UnionOp, in node, sc *scope) (node, error) {
	fuzzy := strings.EqualFold(o.Param("isfuzzy"), "true")
	kind := strings.ToLower(o.Param("kind"))
	withSource := o.Param("withsource")
	if withSource == "" {
		withSource = o.Param("WithSource")
	}
	var legs []unionLeg
	if in != nil {
		legs = append(legs, unionLeg{name: "", n: in})
	}
	for _, t := range o.Tables {
		ls, err := p.unionLegs(t, sc)
		if err != nil {
			if fuzzy && !isRuntime(err) {
				p.rt.note(fmt.Sprintf("union isfuzzy=true: skipped a leg: %v", err))
				continue
			}
			return nil, err
		}
		legs = append(legs, ls...)
	}
	if len(legs) == 0 {
		if fuzzy {
			return &batchNode{b: emptyBatch(nil)}, nil
		}
		return nil, errAt(o.Loc, "union has no tables")
	}
	out := unionSchema(legs, kind == "inner")
	if withSource != "" {
		out = append(types.Schema{{Name: withSource, Type: types.String}}, out...)
	}
	return &funcNode{s: out, f: func(rt *runtime, emit emitFunc) error {
		for _, leg := range legs {
			m := unionMapper(leg, out, withSource != "")
			if err := leg.n.run(rt, func(b *types.Batch) error { return emit(m(b)) }); err != nil {
				return err
			}
		}
		return nil
	}}, nil
}

// unionLegs resolves one union argument to one or more legs.
func (p *planner) unionLegs(e syntax.Expr, sc *scope) ([]unionLeg, error) {
	switch x := e.(type) {
	case *syntax.Ident:
		n, err := p.tableRef(x, sc, nil)
		if err != nil {
			return nil, err
		}
		return []unionLeg{{name: x.Name, n: n}}, nil
	case *syntax.WildcardExpr:
		var legs []unionLeg
		for _, name := range p.cat.TableNames() {
			if ok, _ := path.Match(x.Pattern, name); ok {
				t, _ := p.cat.Table(name)
				legs = append(legs, unionLeg{name: name, n: p.scan(t, nil, sc)})
			}
		}
		return legs, nil
	}
	n, err := p.tabular(e, sc)
	if err != nil {
		return nil, err
	}
	name := ""
	switch x := unparen(e).(type) {
	case *syntax.Ident:
		name = x.Name
	case *syntax.PipeExpr:
		name = resultName(x)
	}
	return []unionLeg{{name: name, n: n}}, nil
}

// unionSchema merges leg schemas: columns by first appearance; the same
// name with different types becomes name_type columns (outer), or only
// columns common to all legs (inner).
func unionSchema(legs []unionLeg, inner bool) types.Schema {
	typesOf := map[string][]types.Type{}
	var order []string
	count := map[string]int{}
	for _, l := range legs {
		for _, f := range l.n.schema() {
			ts := typesOf[f.Name]
			if len(ts) == 0 {
				order = append(order, f.Name)
			}
			found := false
			for _, t := range ts {
				found = found || t == f.Type
			}
			if !found {
				typesOf[f.Name] = append(ts, f.Type)
			}
			count[f.Name]++
		}
	}
	var out types.Schema
	real := map[string]bool{}
	for _, name := range order {
		if len(typesOf[name]) == 1 {
			real[name] = true
		}
	}
	taken := map[string]bool{}
	for n := range real {
		taken[n] = true
	}
	for _, name := range order {
		if inner && count[name] < len(legs) {
			continue
		}
		ts := typesOf[name]
		if len(ts) == 1 {
			out = append(out, types.Field{Name: name, Type: ts[0]})
			continue
		}
		for _, t := range ts {
			out = append(out, types.Field{Name: uniqueName(name+"_"+t.String(), taken), Type: t})
		}
	}
	return out
}

// unionMapper maps a leg's batches onto the union schema.
func unionMapper(leg unionLeg, out types.Schema, withSource bool) func(*types.Batch) *types.Batch {
	ls := leg.n.schema()
	src := make([]int, len(out))
	used := map[int]bool{}
	for i, f := range out {
		src[i] = -1
		for j, lf := range ls {
			if lf.Type == f.Type && lf.Name == f.Name && !used[j] {
				src[i] = j
				used[j] = true
				break
			}
		}
	}
	for i, f := range out {
		if src[i] >= 0 {
			continue
		}
		for j, lf := range ls {
			if lf.Type == f.Type && !used[j] && strings.HasPrefix(f.Name, lf.Name+"_"+lf.Type.String()) {
				src[i] = j
				used[j] = true
				break
			}
		}
	}
	name := leg.name
	return func(b *types.Batch) *types.Batch {
		r := &types.Batch{Schema: out, Len: b.Len, Cols: make([]*types.Column, len(out))}
		for i, f := range out {
			switch {
			case withSource && i == 0:
				r.Cols[i] = constColumn(types.StringValue(name), types.String, b.Len)
			case src[i] >= 0:
				r.Cols[i] = b.Cols[src[i]]
			default:
				r.Cols[i] = constColumn(types.NullOf(f.Type), f.Type, b.Len)
			}
		}
		return r
	}
}
