package exec

import (
	"strings"

	"github.com/huntpack/huntpack/kql/syntax"
)

// Column push-down through joins: the scan under a join reads only the
// columns the rest of the pipeline can reference (bench/README.md: the
// join spent a quarter of its time building absent log columns).

// limJoinOnNote notes the join conditions of a join or lookup operator
// and reports whether op is one.
func limJoinOnNote(op syntax.Operator, note func(syntax.Node)) bool {
	var on []syntax.Expr
	switch o := op.(type) {
	case *syntax.JoinOp:
		on = o.On
	case *syntax.LookupOp:
		on = o.On
	default:
		return false
	}
	for _, e := range on {
		note(e)
	}
	return true
}

// limJoinBases adds, for every referenced name ending in digits, the
// name without them: a join names a right column that clashes with a
// left one X1, X2..., so a reference to X1 needs X kept on both sides
// for the names to come out the same.
func limJoinBases(refs map[string]bool) {
	var add []string
	for r := range refs {
		if b := strings.TrimRight(r, "0123456789"); b != r && b != "" {
			add = append(add, b)
		}
	}
	for _, b := range add {
		refs[b] = true
	}
}

// limRightScan plans the right side of a join or lookup that is a bare
// catalog table as a scan of only the columns the join conditions and
// the operators after the join (p.rest) can reference; ok is false when
// that cannot be known (then the caller plans the side as usual).
func (p *planner) limRightScan(right syntax.Expr, on []syntax.Expr, rest []syntax.Operator, sc *scope) (node, bool) {
	id := limBareTable(right)
	if id == nil {
		return nil, false
	}
	if _, ok := sc.lookup(id.Name); ok {
		return nil, false
	}
	t, ok := p.cat.Table(id.Name)
	if !ok {
		return nil, false
	}
	full := t.Schema()
	after, ok := neededColumns(rest, full)
	if !ok {
		return nil, false
	}
	refs := map[string]bool{}
	for _, c := range after {
		refs[c] = true
	}
	for _, e := range on {
		walkAST(e, func(x syntax.Node) bool {
			if y, ok := x.(*syntax.Ident); ok {
				refs[y.Name] = true
			}
			return true
		})
	}
	var cols []syntax.Expr
	for _, f := range full {
		if refs[f.Name] {
			cols = append(cols, &syntax.Ident{Loc: syntax.NoSpan, Name: f.Name})
		}
	}
	return p.scan(t, []syntax.Operator{&syntax.ProjectOp{Loc: syntax.NoSpan, Cols: cols}}, sc), true
}

// limBareTable returns the identifier of `T` or `(T)`, else nil.
func limBareTable(e syntax.Expr) *syntax.Ident {
	for {
		switch x := e.(type) {
		case *syntax.ParenExpr:
			e = x.X
		case *syntax.PipeExpr:
			if len(x.Ops) > 0 {
				return nil
			}
			e = x.Source
		case *syntax.Ident:
			return x
		default:
			return nil
		}
	}
}
