package exec

import (
	"strings"

	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

// find plans `find [withsource=C] [in (Tables)] where Pred [project Cols
// | project-smart]` (find-operator.md): tables whose columns the
// predicate cannot use are left out; output is source_, then the
// projected columns (project) or the predicate's and the common columns
// (project-smart), and a pack_ bag of the other columns.
func (p *planner) find(o *syntax.FindOp, sc *scope) (node, error) {
	srcName := "source_"
	for _, prm := range o.Params {
		if strings.EqualFold(prm.Name, "withsource") {
			srcName = paramText(prm.Value)
		}
	}
	var legs []unionLeg
	if len(o.Tables) == 0 {
		for _, name := range p.cat.TableNames() {
			t, _ := p.cat.Table(name)
			legs = append(legs, unionLeg{name: name, n: p.scan(t, nil, sc)})
		}
	}
	for _, t := range o.Tables {
		ls, err := p.unionLegs(t, sc)
		if err != nil {
			return nil, err
		}
		legs = append(legs, ls...)
	}
	pred := searchPred(o.Pred)
	all := unionSchema(legs, false)
	var refs types.Schema
	walkAST(o.Pred, func(n syntax.Node) bool {
		if id, ok := n.(*syntax.Ident); ok {
			if i := all.Index(id.Name); i >= 0 && refs.Index(id.Name) < 0 {
				refs = append(refs, all[i])
			}
		}
		return true
	})
	var kept []unionLeg
	for _, l := range legs {
		// a table lacking some of the predicate's columns sees them as
		// nulls; one lacking all of them is left out.
		ls := l.n.schema()
		var missing types.Schema
		for _, f := range refs {
			if ls.Index(f.Name) < 0 {
				missing = append(missing, f)
			}
		}
		if len(refs) > 0 && len(missing) == len(refs) {
			continue
		}
		n := withNullColumns(l.n, missing)
		if w, err := p.where(&syntax.WhereOp{Loc: o.Loc, Pred: pred}, n, sc); err == nil {
			kept = append(kept, unionLeg{name: l.name, n: w})
		}
	}
	if len(kept) == 0 {
		return nil, errAt(o.Loc, "find: no table has the columns the predicate uses")
	}
	cols, pack := findColumns(o, kept)
	out := types.Schema{{Name: srcName, Type: types.String}}
	out = append(out, cols...)
	if pack {
		out = append(out, types.Field{Name: "pack_", Type: types.Dynamic})
	}
	packAll := o.Project != nil
	return &funcNode{s: out, f: func(rt *runtime, emit emitFunc) error {
		for _, leg := range kept {
			m := findMapper(leg, out, pack, packAll)
			if err := leg.n.run(rt, func(b *types.Batch) error { return emit(m(b)) }); err != nil {
				return err
			}
		}
		return nil
	}}, nil
}

// findColumns picks the output columns and whether a pack_ column is added.
func findColumns(o *syntax.FindOp, legs []unionLeg) (types.Schema, bool) {
	all := unionSchema(legs, false)
	if o.Project != nil {
		var cols types.Schema
		pack := false
		for _, e := range o.Project {
			if c, ok := e.(*syntax.CallExpr); ok && c.Name != nil && c.Name.Name == "pack_all" {
				pack = true
				continue
			}
			name := exprName(e, "")
			if i := all.Index(name); i >= 0 {
				cols = append(cols, all[i])
			} else if name != "" {
				cols = append(cols, types.Field{Name: name, Type: types.String})
			}
		}
		return cols, pack
	}
	used := map[string]bool{}
	walkAST(o.Pred, func(n syntax.Node) bool {
		if id, ok := n.(*syntax.Ident); ok {
			used[id.Name] = true
		}
		return true
	})
	common := unionSchema(legs, true)
	var cols types.Schema
	for _, f := range all {
		if used[f.Name] || common.Index(f.Name) >= 0 {
			cols = append(cols, f)
		}
	}
	return cols, len(cols) < len(all)
}

// findMapper maps one leg's batches to the find output schema.
func findMapper(leg unionLeg, out types.Schema, pack, packAll bool) func(*types.Batch) *types.Batch {
	base := unionMapper(unionLeg{name: leg.name, n: leg.n}, out[:len(out)-b2iInt(pack)], true)
	ls := leg.n.schema()
	var packIdx []int
	for i, f := range ls {
		if packAll || out.Index(f.Name) < 0 {
			packIdx = append(packIdx, i)
		}
	}
	return func(b *types.Batch) *types.Batch {
		r := base(b)
		if !pack {
			return r
		}
		bag := &types.Column{Type: types.Dynamic, Dyns: make([]any, b.Len)}
		for row := 0; row < b.Len; row++ {
			m := map[string]any{}
			for _, i := range packIdx {
				if v := b.Cols[i].Value(row); !v.IsNull() {
					m[ls[i].Name] = toDyn(v)
				}
			}
			bag.Dyns[row] = m
		}
		r.Schema = out
		r.Cols = append(r.Cols, bag)
		return r
	}
}

func b2iInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// withNullColumns appends null columns to every batch of in.
func withNullColumns(in node, cols types.Schema) node {
	if len(cols) == 0 {
		return in
	}
	s := append(append(types.Schema(nil), in.schema()...), cols...)
	return &streamNode{child: in, s: s, f: func(b *types.Batch) (*types.Batch, error) {
		r := &types.Batch{Schema: s, Len: b.Len, Cols: append([]*types.Column(nil), b.Cols...)}
		for _, f := range cols {
			r.Cols = append(r.Cols, constColumn(types.NullOf(f.Type), f.Type, b.Len))
		}
		return r, nil
	}}
}
