package exec

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

// exprName derives the column name of an unnamed expression: a column
// keeps its name, x.y becomes x_y, anything else gets def.
func exprName(e syntax.Expr, def string) string {
	switch x := e.(type) {
	case *syntax.Ident:
		return x.Name
	case *syntax.MemberExpr:
		base := exprName(x.X, "")
		if base == "" {
			return x.Name.Name
		}
		return base + "_" + x.Name.Name
	case *syntax.IndexExpr:
		base := exprName(x.X, "")
		if l, ok := x.Index.(*syntax.Literal); ok && base != "" {
			return base + "_" + types.FormatValue(l.Value)
		}
	case *syntax.ParenExpr:
		return exprName(x.X, def)
	case *syntax.CallExpr:
		if x.Name != nil && x.Name.Name == "column_ifexists" && len(x.Args) > 0 {
			if l, ok := x.Args[0].(*syntax.Literal); ok {
				return l.Value.S
			}
		}
	}
	return def
}

// projItem is one compiled output column.
type projItem struct {
	name string
	e    *cexpr
}

// project plans project (extend=false) and extend (extend=true).
func (p *planner) project(items []syntax.Expr, in node, sc *scope, extend bool) (node, error) {
	inS := in.schema()
	rc := &rowCtx{}
	cur := append(types.Schema(nil), inS...)
	if !extend {
		cur = nil
	}
	type step struct {
		e       *cexpr
		replace int          // index in cur of a replaced column, or -1
		after   types.Schema // the intermediate schema after this step
	}
	var steps []step
	auto := 0
	for _, it := range items {
		expr, names := it, []string(nil)
		if ne, ok := it.(*syntax.NamedExpr); ok {
			expr = ne.Value
			for _, n := range ne.Names {
				names = append(names, n.Name)
			}
		}
		if len(names) > 1 {
			return nil, errAt(it.Span(), "tuple assignment is not supported")
		}
		evalSchema := inS
		if extend {
			evalSchema = cur
		}
		e, err := p.expr(expr, &env{schema: evalSchema, sc: sc, row: rc})
		if err != nil {
			return nil, err
		}
		name := ""
		if len(names) == 1 {
			name = names[0]
		} else {
			auto++
			name = exprName(expr, fmt.Sprintf("Column%d", auto))
		}
		if e.t == types.Null {
			e = retype(e, types.String)
		}
		rep := cur.Index(name)
		if rep >= 0 {
			if !extend {
				return nil, errAt(it.Span(), "column %s is projected twice", name)
			}
			cur = append(append(types.Schema(nil), cur[:rep]...), cur[rep+1:]...)
		}
		cur = append(cur, types.Field{Name: name, Type: e.t})
		steps = append(steps, step{e: e, replace: rep, after: append(types.Schema(nil), cur...)})
	}
	out := cur
	f := func(b *types.Batch) (*types.Batch, error) {
		var cols []*types.Column
		s := types.Schema(nil)
		if extend {
			cols = append(cols, b.Cols...)
			s = inS
		}
		for _, st := range steps {
			src := b
			if extend {
				src = &types.Batch{Schema: s, Cols: cols, Len: b.Len}
			}
			c := st.e.eval(src)
			if st.replace >= 0 {
				cols = append(append([]*types.Column(nil), cols[:st.replace]...), cols[st.replace+1:]...)
			}
			cols = append(cols, c)
			s = st.after
		}
		return &types.Batch{Schema: out, Cols: cols, Len: b.Len}, nil
	}
	if rc.used {
		return &funcNode{s: out, f: func(rt *runtime, emit emitFunc) error {
			all, err := collect(rt, in)
			if err != nil {
				return err
			}
			r, err := f(all)
			if err != nil {
				return err
			}
			return (&batchNode{b: r}).run(rt, emit)
		}}, nil
	}
	return &streamNode{child: in, s: out, f: f}, nil
}

// retype gives an expression another static type (null literals).
func retype(e *cexpr, t types.Type) *cexpr {
	c := *e
	c.t = t
	if c.konst != nil {
		v := convert(*c.konst, t)
		c.konst = &v
	}
	return &c
}

// matchNames returns the indexes of columns matching an identifier or a
// wildcard pattern, in schema order.
func matchNames(s types.Schema, e syntax.Expr) ([]int, error) {
	switch x := e.(type) {
	case *syntax.Ident:
		i := s.Index(x.Name)
		if i < 0 {
			return nil, errAt(x.Loc, "unknown column %q%s", x.Name, suggest(x.Name, s.Names()))
		}
		return []int{i}, nil
	case *syntax.WildcardExpr:
		var out []int
		for i, f := range s {
			if ok, _ := path.Match(x.Pattern, f.Name); ok {
				out = append(out, i)
			}
		}
		return out, nil
	}
	return nil, errAt(e.Span(), "expected a column name")
}

// pick builds a node keeping columns idx of its input, in that order,
// with optional new names.
func pick(in node, idx []int, names []string) node {
	s := in.schema()
	out := make(types.Schema, len(idx))
	for j, i := range idx {
		out[j] = s[i]
		if names != nil {
			out[j].Name = names[j]
		}
	}
	return &streamNode{child: in, s: out, f: func(b *types.Batch) (*types.Batch, error) {
		cols := make([]*types.Column, len(idx))
		for j, i := range idx {
			cols[j] = b.Cols[i]
		}
		return &types.Batch{Schema: out, Cols: cols, Len: b.Len}, nil
	}}
}

func (p *planner) projectAway(o *syntax.ProjectAwayOp, in node) (node, error) {
	s := in.schema()
	drop := map[int]bool{}
	for _, c := range o.Cols {
		idx, err := matchNames(s, c)
		if err != nil {
			return nil, err
		}
		for _, i := range idx {
			drop[i] = true
		}
	}
	var keep []int
	for i := range s {
		if !drop[i] {
			keep = append(keep, i)
		}
	}
	return pick(in, keep, nil), nil
}

func (p *planner) projectKeep(o *syntax.ProjectKeepOp, in node) (node, error) {
	s := in.schema()
	want := map[int]bool{}
	for _, c := range o.Cols {
		idx, err := matchNames(s, c)
		if err != nil {
			return nil, err
		}
		for _, i := range idx {
			want[i] = true
		}
	}
	var keep []int
	for i := range s {
		if want[i] {
			keep = append(keep, i)
		}
	}
	return pick(in, keep, nil), nil
}

func (p *planner) projectRename(o *syntax.ProjectRenameOp, in node) (node, error) {
	s := in.schema()
	names := s.Names()
	idx := make([]int, len(s))
	for i := range idx {
		idx[i] = i
	}
	for _, r := range o.Renames {
		old, ok := r.Value.(*syntax.Ident)
		if !ok || len(r.Names) != 1 {
			return nil, errAt(r.Loc, "project-rename expects NewName = OldName")
		}
		i := s.Index(old.Name)
		if i < 0 {
			return nil, errAt(old.Loc, "unknown column %q%s", old.Name, suggest(old.Name, s.Names()))
		}
		names[i] = r.Names[0].Name
	}
	return pick(in, idx, names), nil
}

func (p *planner) projectReorder(o *syntax.ProjectReorderOp, in node) (node, error) {
	s := in.schema()
	used := map[int]bool{}
	var order []int
	for _, c := range o.Cols {
		idx, err := matchNames(s, c.X)
		if err != nil {
			return nil, err
		}
		var fresh []int
		for _, i := range idx {
			if !used[i] {
				fresh = append(fresh, i)
			}
		}
		switch c.Order {
		case "asc", "granny-asc":
			sort.SliceStable(fresh, func(a, b int) bool { return strings.Compare(s[fresh[a]].Name, s[fresh[b]].Name) < 0 })
		case "desc", "granny-desc":
			sort.SliceStable(fresh, func(a, b int) bool { return strings.Compare(s[fresh[a]].Name, s[fresh[b]].Name) > 0 })
		}
		for _, i := range fresh {
			used[i] = true
			order = append(order, i)
		}
	}
	for i := range s {
		if !used[i] {
			order = append(order, i)
		}
	}
	return pick(in, order, nil), nil
}
