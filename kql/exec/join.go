package exec

import (
	"strings"

	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

// joinKeys are the compiled equality conditions of a join or lookup.
type joinKeys struct {
	left, right []*cexpr
	sameName    []bool // `on Col` form (lookup drops the right copy)
	rightCols   []int  // right column index for `on` keys that are plain columns, else -1
}

// joinConditions compiles `on A, $left.B == $right.C`.
func (p *planner) joinConditions(on []syntax.Expr, ls, rs types.Schema, sc *scope) (*joinKeys, error) {
	k := &joinKeys{}
	for _, c := range on {
		c = unparen(c)
		switch x := c.(type) {
		case *syntax.Ident:
			l, err := p.expr(x, &env{schema: ls, sc: sc})
			if err != nil {
				return nil, err
			}
			r, err := p.expr(x, &env{schema: rs, sc: sc})
			if err != nil {
				return nil, err
			}
			k.left, k.right = append(k.left, l), append(k.right, r)
			k.sameName = append(k.sameName, true)
			k.rightCols = append(k.rightCols, r.col)
		case *syntax.BinaryExpr:
			if x.Op == syntax.OpAnd {
				sub, err := p.joinConditions([]syntax.Expr{x.X, x.Y}, ls, rs, sc)
				if err != nil {
					return nil, err
				}
				k.left = append(k.left, sub.left...)
				k.right = append(k.right, sub.right...)
				k.sameName = append(k.sameName, sub.sameName...)
				k.rightCols = append(k.rightCols, sub.rightCols...)
				continue
			}
			if x.Op != syntax.OpEq {
				return nil, errAt(x.OpLoc, "join conditions must be equalities ($left.a == $right.b)")
			}
			a, sa, err := p.sideExpr(x.X, ls, rs, sc)
			if err != nil {
				return nil, err
			}
			b, sb, err := p.sideExpr(x.Y, ls, rs, sc)
			if err != nil {
				return nil, err
			}
			if sa == sb {
				return nil, errAt(x.Loc, "a join condition must compare a $left column with a $right column")
			}
			if sa == "right" {
				a, b = b, a
			}
			k.left, k.right = append(k.left, a), append(k.right, b)
			same := a.name != "" && a.name == b.name
			k.sameName = append(k.sameName, same)
			k.rightCols = append(k.rightCols, b.col)
		default:
			return nil, errAt(c.Span(), "unsupported join condition")
		}
	}
	if len(k.left) == 0 {
		return nil, errAt(syntax.NoSpan, "join needs at least one condition")
	}
	return k, nil
}

// sideExpr compiles $left.X or $right.X.
func (p *planner) sideExpr(e syntax.Expr, ls, rs types.Schema, sc *scope) (*cexpr, string, error) {
	m, ok := unparen(e).(*syntax.MemberExpr)
	if ok {
		if id, ok := m.X.(*syntax.Ident); ok && (id.Name == "$left" || id.Name == "$right") {
			s, side := ls, "left"
			if id.Name == "$right" {
				s, side = rs, "right"
			}
			c, err := p.ident(m.Name, &env{schema: s, sc: sc})
			return c, side, err
		}
	}
	return nil, "", errAt(e.Span(), "expected $left.Column or $right.Column")
}

func evalAll(es []*cexpr, b *types.Batch) []*types.Column {
	out := make([]*types.Column, len(es))
	for i, e := range es {
		out[i] = e.eval(b)
	}
	return out
}

// joinSchema is left columns then right columns, right names made unique.
func joinSchema(ls, rs types.Schema) types.Schema {
	taken := map[string]bool{}
	var out types.Schema
	for _, f := range ls {
		taken[f.Name] = true
		out = append(out, f)
	}
	for _, f := range rs {
		out = append(out, types.Field{Name: uniqueName(f.Name, taken), Type: f.Type})
	}
	return out
}

// join plans the join operator.
func (p *planner) join(o *syntax.JoinOp, in node, sc *scope) (node, error) {
	if o.Where {
		return nil, errAt(o.Loc, "join ... where is not supported; use on $left.a == $right.b")
	}
	right, err := p.joinRight(o.Right, o.On, sc)
	if err != nil {
		return nil, err
	}
	kind := strings.ToLower(o.Kind())
	switch kind {
	case "":
		kind = "innerunique"
	case "anti", "leftantisemi":
		kind = "leftanti"
	case "rightantisemi":
		kind = "rightanti"
	case "innerunique", "inner", "leftouter", "rightouter", "fullouter", "leftsemi", "rightsemi", "leftanti", "rightanti":
	default:
		return nil, errAt(o.Loc, "unknown join kind %q", kind)
	}
	ls, rs := in.schema(), right.schema()
	keys, err := p.joinConditions(o.On, ls, rs, sc)
	if err != nil {
		return nil, atSpan(o.Loc, err)
	}
	var out types.Schema
	switch kind {
	case "leftsemi", "leftanti":
		out = ls
	case "rightsemi", "rightanti":
		out = rs
	default:
		out = joinSchema(ls, rs)
	}
	p.agJoinPrefilter(kind, keys, in, right)
	j := &joinRun{kind: kind, keys: keys, left: in, right: right, out: out, label: p.opLabel("join", o.Loc)}
	return &funcNode{s: out, f: j.run}, nil
}

// lookup plans `lookup [kind=leftouter|inner] Right on Keys`: right
// key columns of `on Col` conditions are dropped, and the right side is
// not de-duplicated.
func (p *planner) lookup(o *syntax.LookupOp, in node, sc *scope) (node, error) {
	right, err := p.joinRight(o.Right, o.On, sc)
	if err != nil {
		return nil, err
	}
	kind := strings.ToLower(o.Kind())
	switch kind {
	case "", "leftouter":
		kind = "leftouter"
	case "inner":
	default:
		return nil, errAt(o.Loc, "lookup kind must be leftouter or inner, not %q", kind)
	}
	ls, rs := in.schema(), right.schema()
	keys, err := p.joinConditions(o.On, ls, rs, sc)
	if err != nil {
		return nil, atSpan(o.Loc, err)
	}
	drop := map[int]bool{}
	for i, same := range keys.sameName {
		if same && keys.rightCols[i] >= 0 {
			drop[keys.rightCols[i]] = true
		}
	}
	var keepR []int
	var rkeep types.Schema
	for i, f := range rs {
		if !drop[i] {
			keepR = append(keepR, i)
			rkeep = append(rkeep, f)
		}
	}
	out := joinSchema(ls, rkeep)
	p.agJoinPrefilter(kind, keys, in, right)
	j := &joinRun{kind: kind, keys: keys, left: in, right: right, out: joinSchema(ls, rs), label: p.opLabel("lookup", o.Loc)}
	return &funcNode{s: out, f: func(rt *runtime, emit emitFunc) error {
		return j.run(rt, func(b *types.Batch) error {
			cols := append([]*types.Column(nil), b.Cols[:len(ls)]...)
			for _, i := range keepR {
				cols = append(cols, b.Cols[len(ls)+i])
			}
			return emit(&types.Batch{Schema: out, Cols: cols, Len: b.Len})
		})
	}}, nil
}

// joinRight plans the right side of a join or lookup, reading only the
// needed columns when it is a bare catalog table.
func (p *planner) joinRight(e syntax.Expr, on []syntax.Expr, sc *scope) (node, error) {
	rest := p.rest
	if n, ok := p.limRightScan(e, on, rest, sc); ok {
		return n, nil
	}
	return p.tabular(e, sc)
}
