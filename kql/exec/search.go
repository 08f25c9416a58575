package exec

import (
	"strings"

	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

// searchPred rewrites a search predicate: a bare string literal means
// `* has "text"` (with a leading/trailing * meaning contains/hasprefix/
// hassuffix), inside and/or/not too.
func searchPred(e syntax.Expr) syntax.Expr {
	switch x := e.(type) {
	case *syntax.Literal:
		if x.Value.T != types.String {
			return e
		}
		s := x.Value.S
		op := syntax.OpHas
		pre, suf := strings.HasPrefix(s, "*"), strings.HasSuffix(s, "*") && len(s) > 1
		switch {
		case pre && suf:
			op, s = syntax.OpContains, strings.Trim(s, "*")
		case pre:
			op, s = syntax.OpHasSuffix, strings.TrimPrefix(s, "*")
		case suf:
			op, s = syntax.OpHasPrefix, strings.TrimSuffix(s, "*")
		}
		lit := *x
		lit.Value = types.StringValue(s)
		return &syntax.BinaryExpr{Loc: x.Loc, Op: op, OpLoc: x.Loc, X: &syntax.StarExpr{Loc: x.Loc}, Y: &lit}
	case *syntax.ParenExpr:
		return &syntax.ParenExpr{Loc: x.Loc, X: searchPred(x.X)}
	case *syntax.BinaryExpr:
		if x.Op == syntax.OpAnd || x.Op == syntax.OpOr {
			c := *x
			c.X, c.Y = searchPred(x.X), searchPred(x.Y)
			return &c
		}
	case *syntax.CallExpr:
		if x.Name != nil && x.Name.Name == "not" && len(x.Args) == 1 {
			c := *x
			c.Args = []syntax.Expr{searchPred(x.Args[0])}
			return &c
		}
	}
	return e
}

// search plans the search operator: over the piped input (in != nil) it
// is a where; as a source it searches the listed tables (or every
// catalog table) and adds a $table column.
func (p *planner) search(o *syntax.SearchOp, in node, sc *scope) (node, error) {
	pred := searchPred(o.Pred)
	if in != nil {
		return p.where(&syntax.WhereOp{Loc: o.Loc, Pred: pred}, in, sc)
	}
	var legs []unionLeg
	if len(o.Tables) == 0 {
		for _, name := range p.cat.TableNames() {
			t, _ := p.cat.Table(name)
			legs = append(legs, unionLeg{name: name, n: p.scan(t, nil, sc)})
		}
	} else {
		for _, t := range o.Tables {
			ls, err := p.unionLegs(t, sc)
			if err != nil {
				return nil, err
			}
			legs = append(legs, ls...)
		}
	}
	var kept []unionLeg
	for _, l := range legs {
		n, err := p.where(&syntax.WhereOp{Loc: o.Loc, Pred: pred}, l.n, sc)
		if err != nil {
			if len(legs) == 1 {
				return nil, err
			}
			continue // a table without the searched columns has no matches
		}
		kept = append(kept, unionLeg{name: l.name, n: n})
	}
	if len(kept) == 0 {
		return nil, errAt(o.Loc, "search: no table has the columns the predicate uses")
	}
	out := append(types.Schema{{Name: "$table", Type: types.String}}, unionSchema(kept, false)...)
	return &funcNode{s: out, f: func(rt *runtime, emit emitFunc) error {
		for _, leg := range kept {
			m := unionMapper(leg, out, true)
			if err := leg.n.run(rt, func(b *types.Batch) error { return emit(m(b)) }); err != nil {
				return err
			}
		}
		return nil
	}}, nil
}
