package exec

import (
	"strings"
	"sync"

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

// hashTable indexes the rows of a batch by key.
type hashTable struct {
	b    *types.Batch
	rows map[string][]int
}

func buildHash(b *types.Batch, keys []*cexpr) *hashTable {
	h := &hashTable{b: b, rows: map[string][]int{}}
	cols := evalAll(keys, b)
	var buf []byte
	for r := 0; r < b.Len; r++ {
		buf = appendRowKey(buf[:0], cols, r)
		h.rows[string(buf)] = append(h.rows[string(buf)], r)
	}
	return h
}

func evalAll(es []*cexpr, b *types.Batch) []*types.Column {
	out := make([]*types.Column, len(es))
	for i, e := range es {
		out[i] = e.eval(b)
	}
	return out
}

// gatherNullable gathers rows; index -1 gives a null.
func gatherNullable(c *types.Column, idx []int) *types.Column {
	out := types.NewColumn(c.Type, len(idx))
	for _, i := range idx {
		if i < 0 {
			out.AppendNull()
		} else {
			out.Append(c.Value(i))
		}
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
	right, err := p.tabular(o.Right, sc)
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
	j := &joinRun{kind: kind, keys: keys, left: in, right: right, out: out, nl: len(ls)}
	return &funcNode{s: out, f: j.run}, nil
}

// joinRun executes one join: the right side is hashed, the left streamed.
type joinRun struct {
	kind        string
	keys        *joinKeys
	left, right node
	out         types.Schema
	nl          int
}

func (j *joinRun) run(rt *runtime, emit emitFunc) error {
	rb, err := collect(rt, j.right)
	if err != nil {
		return err
	}
	n := batchBytes(rb)
	if err := rt.reserve("join", n); err != nil {
		return err
	}
	defer rt.release(n)
	h := buildHash(rb, j.keys.right)
	matched := make([]bool, rb.Len)
	seenLeft := map[string]bool{}
	var mu sync.Mutex
	err = j.left.run(rt, func(lb *types.Batch) error {
		cols := evalAll(j.keys.left, lb)
		mu.Lock()
		defer mu.Unlock()
		var li, ri []int
		var buf []byte
		for r := 0; r < lb.Len; r++ {
			buf = appendRowKey(buf[:0], cols, r)
			if j.kind == "innerunique" {
				if seenLeft[string(buf)] {
					continue
				}
				seenLeft[string(buf)] = true
			}
			rows := h.rows[string(buf)]
			switch j.kind {
			case "leftsemi":
				if len(rows) > 0 {
					li = append(li, r)
				}
				continue
			case "leftanti":
				if len(rows) == 0 {
					li = append(li, r)
				}
				continue
			}
			for _, x := range rows {
				matched[x] = true
				li, ri = append(li, r), append(ri, x)
			}
			if len(rows) == 0 && (j.kind == "leftouter" || j.kind == "fullouter") {
				li, ri = append(li, r), append(ri, -1)
			}
		}
		switch j.kind {
		case "rightsemi", "rightanti":
			return nil
		case "leftsemi", "leftanti":
			if len(li) == 0 {
				return nil
			}
			return emit(gather(lb, li))
		}
		if len(li) == 0 {
			return nil
		}
		return emit(j.combine(lb, rb, li, ri))
	})
	if err != nil {
		return err
	}
	return j.rightRest(rt, rb, matched, emit)
}

// rightRest emits what depends on the whole left side: unmatched right
// rows (rightouter/fullouter) and the right semi/anti joins.
func (j *joinRun) rightRest(rt *runtime, rb *types.Batch, matched []bool, emit emitFunc) error {
	var ri []int
	for x, m := range matched {
		switch j.kind {
		case "rightsemi":
			if m {
				ri = append(ri, x)
			}
		case "rightanti", "rightouter", "fullouter":
			if !m {
				ri = append(ri, x)
			}
		}
	}
	if len(ri) == 0 {
		return nil
	}
	switch j.kind {
	case "rightsemi", "rightanti":
		return (&batchNode{b: gather(rb, ri)}).run(rt, emit)
	}
	li := make([]int, len(ri))
	for i := range li {
		li[i] = -1
	}
	lb := emptyBatch(j.left.schema())
	return (&batchNode{b: j.combine(lb, rb, li, ri)}).run(rt, emit)
}

// combine builds output rows from left rows li and right rows ri (-1: null).
func (j *joinRun) combine(lb, rb *types.Batch, li, ri []int) *types.Batch {
	out := &types.Batch{Schema: j.out, Len: len(li)}
	for _, c := range lb.Cols {
		out.Cols = append(out.Cols, gatherNullable(c, li))
	}
	for _, c := range rb.Cols {
		out.Cols = append(out.Cols, gatherNullable(c, ri))
	}
	return out
}

// lookup plans `lookup [kind=leftouter|inner] Right on Keys`: right
// key columns of `on Col` conditions are dropped, and the right side is
// not de-duplicated.
func (p *planner) lookup(o *syntax.LookupOp, in node, sc *scope) (node, error) {
	right, err := p.tabular(o.Right, sc)
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
	j := &joinRun{kind: kind, keys: keys, left: in, right: right, out: joinSchema(ls, rs), nl: len(ls)}
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
