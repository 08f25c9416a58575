package exec

import (
	"fmt"

	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

// multiResult runs a statement ending in fork or facet, which yield
// several result tables; ok is false for other statements.
func (p *planner) multiResult(es *syntax.ExprStmt, sc *scope) ([]*types.Batch, []string, bool, error) {
	pe, isPipe := es.Expr.(*syntax.PipeExpr)
	if !isPipe || len(pe.Ops) == 0 {
		return nil, nil, false, nil
	}
	last := pe.Ops[len(pe.Ops)-1]
	switch last.(type) {
	case *syntax.ForkOp, *syntax.FacetOp:
	default:
		return nil, nil, false, nil
	}
	prefix := &syntax.PipeExpr{Loc: pe.Loc, Source: pe.Source, Ops: pe.Ops[:len(pe.Ops)-1]}
	in, err := p.pipe(prefix, sc, nil)
	if err != nil {
		return nil, nil, true, err
	}
	b, err := collect(p.rt, in)
	if err != nil {
		return nil, nil, true, err
	}
	input := &batchNode{b: b}
	var subs []*syntax.PipeExpr
	var names []string
	switch o := last.(type) {
	case *syntax.ForkOp:
		for i, br := range o.Branches {
			name := fmt.Sprintf("GenericResult_%d", i)
			if br.Name != nil {
				name = br.Name.Name
			}
			subs, names = append(subs, br.Query), append(names, name)
		}
	case *syntax.FacetOp:
		if o.With != nil {
			subs, names = append(subs, o.With), append(names, "")
		}
		for _, by := range o.By {
			agg := &syntax.SummarizeOp{Loc: o.Loc,
				Aggs: []syntax.Expr{&syntax.NamedExpr{Loc: o.Loc, Names: []*syntax.Ident{{Loc: o.Loc, Name: "count"}},
					Value: &syntax.CallExpr{Loc: o.Loc, Name: &syntax.Ident{Loc: o.Loc, Name: "count"}}}},
				By: []syntax.Expr{by}}
			subs = append(subs, &syntax.PipeExpr{Loc: o.Loc, Ops: []syntax.Operator{agg}})
			names = append(names, exprName(by, ""))
		}
	}
	var out []*types.Batch
	for _, sub := range subs {
		n, err := p.pipe(sub, sc, input)
		if err != nil {
			return nil, nil, true, err
		}
		r, err := collect(p.rt, n)
		if err != nil {
			return nil, nil, true, err
		}
		out = append(out, r)
	}
	return out, names, true, nil
}
