package exec

import (
	"unsafe"

	"github.com/huntpack/huntpack/kql/funcs"
	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

// rawNode is a predicate over raw field text, pushed down to readers.
// Leaves test one string column; inner nodes are and/or.
type rawNode struct {
	and, or  bool
	kids     []*rawNode
	col      string
	test     func(s string) bool
	position int
}

// rawFilter derives a conservative pre-filter from a where predicate on
// a scanned table, or nil when no part of it can be pushed down. Only
// string columns are used: their raw text equals their value.
func (p *planner) rawFilter(pred syntax.Expr, full types.Schema, sc *scope) *types.RawFilter {
	root := p.rawNodeOf(pred, full, sc)
	if root == nil {
		return nil
	}
	pos := map[string]int{}
	var cols []string
	var assign func(n *rawNode)
	assign = func(n *rawNode) {
		if n.test != nil {
			i, ok := pos[n.col]
			if !ok {
				i = len(cols)
				pos[n.col] = i
				cols = append(cols, n.col)
			}
			n.position = i
		}
		for _, k := range n.kids {
			assign(k)
		}
	}
	assign(root)
	keep := compileRaw(root)
	return &types.RawFilter{Columns: cols, Keep: keep}
}

func compileRaw(n *rawNode) func(fields [][]byte) bool {
	if n.test != nil {
		i, test := n.position, n.test
		return func(fields [][]byte) bool { return test(bytesString(fields[i])) }
	}
	a, b := compileRaw(n.kids[0]), compileRaw(n.kids[1])
	if n.and {
		return func(f [][]byte) bool { return a(f) && b(f) }
	}
	return func(f [][]byte) bool { return a(f) || b(f) }
}

// bytesString views b as a string without copying; the string must not
// outlive the call it is passed to.
func bytesString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

func (p *planner) rawNodeOf(e syntax.Expr, full types.Schema, sc *scope) *rawNode {
	switch x := e.(type) {
	case *syntax.ParenExpr:
		return p.rawNodeOf(x.X, full, sc)
	case *syntax.BinaryExpr:
		switch x.Op {
		case syntax.OpAnd, syntax.OpOr:
			l, r := p.rawNodeOf(x.X, full, sc), p.rawNodeOf(x.Y, full, sc)
			if x.Op == syntax.OpAnd {
				switch {
				case l == nil:
					return r
				case r == nil:
					return l
				}
				return &rawNode{and: true, kids: []*rawNode{l, r}}
			}
			if l == nil || r == nil {
				return nil
			}
			return &rawNode{or: true, kids: []*rawNode{l, r}}
		}
		col, ok := stringColumn(x.X, full)
		if !ok {
			return nil
		}
		k, ok := p.constString(x.Y, sc)
		if !ok {
			return nil
		}
		var test func(string) bool
		switch x.Op {
		case syntax.OpEq:
			test = func(s string) bool { return s == k }
		case syntax.OpEqCi:
			test = func(s string) bool { return funcs.EqualFold(s, k) }
		case syntax.OpHas, syntax.OpHasCs:
			test = func(s string) bool { return funcs.Has(s, k) }
		case syntax.OpContains, syntax.OpContainsCs:
			test = func(s string) bool { return funcs.Contains(s, k) }
		default:
			return nil
		}
		return &rawNode{col: col, test: test}
	case *syntax.InExpr:
		col, ok := stringColumn(x.X, full)
		if !ok {
			return nil
		}
		vals, ok := p.constList(x.List, sc)
		if !ok {
			return nil
		}
		switch x.Op {
		case syntax.OpIn, syntax.OpInCi:
			fold := x.Op == syntax.OpInCi
			set := map[string]struct{}{}
			for _, v := range vals {
				s := types.FormatValue(v)
				if fold {
					s = lowerASCII(s)
				}
				set[s] = struct{}{}
			}
			return &rawNode{col: col, test: func(s string) bool {
				if fold {
					s = lowerASCII(s)
				}
				_, ok := set[s]
				return ok
			}}
		case syntax.OpHasAny:
			var terms []string
			for _, v := range vals {
				terms = append(terms, types.FormatValue(v))
			}
			ts := funcs.NewTermSet(terms, false)
			return &rawNode{col: col, test: ts.Match}
		}
	}
	return nil
}

// stringColumn reports whether e names a string column of the table.
func stringColumn(e syntax.Expr, full types.Schema) (string, bool) {
	id, ok := e.(*syntax.Ident)
	if !ok {
		return "", false
	}
	i := full.Index(id.Name)
	if i < 0 || full[i].Type != types.String {
		return "", false
	}
	return id.Name, true
}

// constString evaluates e as a constant string, if it is one.
func (p *planner) constString(e syntax.Expr, sc *scope) (string, bool) {
	c, err := p.expr(e, &env{sc: sc})
	if err != nil || c.konst == nil || c.t != types.String {
		return "", false
	}
	return c.konst.S, true
}

// constList evaluates an in-list of constants (dynamic arrays flattened).
func (p *planner) constList(es []syntax.Expr, sc *scope) ([]types.Value, bool) {
	var vals []types.Value
	for _, e := range es {
		if p.isTabular(e, sc) {
			return nil, false
		}
		c, err := p.expr(e, &env{sc: sc})
		if err != nil || c.konst == nil {
			return nil, false
		}
		vals = flatten(*c.konst, vals)
	}
	for _, v := range vals {
		if v.IsNull() {
			return nil, false
		}
	}
	return vals, true
}
