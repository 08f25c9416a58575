package exec

import (
	"fmt"

	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

// env is what a scalar expression can see while it is compiled.
type env struct {
	schema types.Schema // input columns (batch indexes follow this order)
	sc     *scope
	// row gives row_number/prev/next access; nil outside extend/project.
	row *rowCtx
	// aggs collects aggregate calls inside summarize items; nil elsewhere.
	aggs *aggCollector
	// packNames, when set, are the columns pack_all() packs (extend packs
	// its input row, not the columns it adds).
	packNames []string
	// steps names the scan steps whose state `step.Col` reads (scan only).
	steps map[string]bool
}

// expr compiles a scalar expression.
func (p *planner) expr(e syntax.Expr, en *env) (*cexpr, error) {
	c, err := p.expr1(e, en)
	if err != nil {
		return nil, atSpan(e.Span(), err)
	}
	return c, nil
}

func (p *planner) expr1(e syntax.Expr, en *env) (*cexpr, error) {
	switch x := e.(type) {
	case *syntax.Literal:
		return constExpr(x.Value, x.Loc), nil
	case *syntax.Ident:
		return p.ident(x, en)
	case *syntax.ParenExpr:
		if p.isTabular(x.X, en.sc) {
			return p.scalarSubquery(x.X, en)
		}
		return p.expr(x.X, en)
	case *syntax.BinaryExpr:
		return p.binary(x, en)
	case *syntax.UnaryExpr:
		v, err := p.expr(x.X, en)
		if err != nil {
			return nil, err
		}
		if x.Op == syntax.OpPos {
			return v, nil
		}
		return negExpr(v, x.Loc)
	case *syntax.InExpr:
		return p.in(x, en)
	case *syntax.BetweenExpr:
		args, err := p.exprs([]syntax.Expr{x.X, x.Lo, x.Hi}, en)
		if err != nil {
			return nil, err
		}
		return betweenExpr(x.Not, args[0], args[1], args[2], x.Loc), nil
	case *syntax.CallExpr:
		return p.call(x, en)
	case *syntax.MemberExpr:
		return p.member(x, en)
	case *syntax.IndexExpr:
		return p.index(x, en)
	case *syntax.NamedExpr:
		return p.expr(x.Value, en)
	case *syntax.PipeExpr:
		return p.scalarSubquery(x, en)
	case *syntax.TypeofExpr:
		return nil, errAt(x.Loc, "typeof() is only allowed as a function argument")
	case *syntax.StarExpr:
		return nil, errAt(x.Loc, "* is not allowed here")
	case *syntax.BadExpr:
		return nil, errAt(x.Loc, "cannot parse this expression")
	}
	return nil, errAt(e.Span(), "unsupported expression %T", e)
}

// exprs compiles a list of expressions.
func (p *planner) exprs(es []syntax.Expr, en *env) ([]*cexpr, error) {
	out := make([]*cexpr, len(es))
	for i, e := range es {
		c, err := p.expr(e, en)
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}

// ident resolves a name: an input column, then a let-bound scalar.
func (p *planner) ident(x *syntax.Ident, en *env) (*cexpr, error) {
	if i := en.schema.Index(x.Name); i >= 0 {
		return colExpr(en.schema, i, x.Loc), nil
	}
	if b, ok := en.sc.lookup(x.Name); ok {
		switch {
		case b.scalar != nil:
			return b.scalar, nil
		case b.tab != nil:
			return nil, errAt(x.Loc, "%s is a table; use toscalar() to get a scalar from it", x.Name)
		case b.fn != nil && len(b.fn.Params) == 0:
			return p.callScalarFunction(b, &syntax.CallExpr{Loc: x.Loc, Name: x}, en)
		default:
			return nil, errAt(x.Loc, "%s is a function; call it with ()", x.Name)
		}
	}
	cands := en.schema.Names()
	for _, n := range en.sc.allNames() {
		if b, _ := en.sc.lookup(n); b != nil && b.scalar != nil {
			cands = append(cands, n)
		}
	}
	return nil, errAt(x.Loc, "unknown column or variable %q%s", x.Name, suggest(x.Name, cands))
}

// binary compiles a binary operator.
func (p *planner) binary(x *syntax.BinaryExpr, en *env) (*cexpr, error) {
	if _, ok := x.X.(*syntax.StarExpr); ok {
		return p.starPredicate(x, en)
	}
	l, err := p.expr(x.X, en)
	if err != nil {
		return nil, err
	}
	r, err := p.expr(x.Y, en)
	if err != nil {
		return nil, err
	}
	var out *cexpr
	switch x.Op {
	case syntax.OpAnd, syntax.OpOr:
		if !isBoolish(l.t) || !isBoolish(r.t) {
			return nil, errAt(x.OpLoc, "%s needs bool operands, got %s and %s", x.Op, l.t, r.t)
		}
		out = logicalExpr(x.Op, l, r, x.Loc)
	case syntax.OpEq, syntax.OpNe, syntax.OpEqCi, syntax.OpNeCi, syntax.OpLt, syntax.OpLe, syntax.OpGt, syntax.OpGe:
		out, err = compareExpr(x.Op, l, r, x.Loc)
	case syntax.OpAdd, syntax.OpSub, syntax.OpMul, syntax.OpDiv, syntax.OpMod:
		out, err = arithExpr(x.Op, l, r, x.Loc)
	case syntax.OpMatchesRegex:
		out, err = regexExpr(l, r, x.Loc)
	default:
		so, ok := strOps[x.Op]
		if !ok {
			return nil, errAt(x.OpLoc, "operator %s is not supported", x.Op)
		}
		out = stringOpExpr(so, l, r, x.Loc)
	}
	if err != nil {
		return nil, errAt(x.OpLoc, "%v", err)
	}
	return out, nil
}

func isBoolish(t types.Type) bool {
	return t == types.Bool || t == types.Dynamic || t == types.Null
}

// in compiles in / !in / in~ / !in~ / has_any / has_all.
func (p *planner) in(x *syntax.InExpr, en *env) (*cexpr, error) {
	lhs, err := p.expr(x.X, en)
	if err != nil {
		return nil, err
	}
	var list []*cexpr
	for _, el := range x.List {
		if p.isTabular(el, en.sc) {
			vals, err := p.firstColumn(el, en.sc)
			if err != nil {
				return nil, err
			}
			v := types.DynamicValue(vals)
			list = append(list, constExpr(v, el.Span()))
			continue
		}
		c, err := p.expr(el, en)
		if err != nil {
			return nil, err
		}
		list = append(list, c)
	}
	if !isConst(list...) {
		switch x.Op {
		case syntax.OpHasAny, syntax.OpHasAll:
			return nil, errAt(x.Loc, "%s needs constant values", x.Op)
		}
		return inRowExpr(x.Op, lhs, list, x.Loc), nil
	}
	if c := p.constSetExpr(x.Op, lhs, list, x.Loc); c != nil {
		return c, nil // cached IOC set (rawfilter.go)
	}
	var vals []types.Value
	for _, c := range list {
		vals = flatten(*c.konst, vals)
	}
	switch x.Op {
	case syntax.OpHasAny:
		return hasAnyExpr(lhs, vals, x.Loc), nil
	case syntax.OpHasAll:
		return hasAllExpr(lhs, vals, x.Loc), nil
	}
	return inSetExpr(x.Op, lhs, vals, x.Loc), nil
}

// firstColumn runs a tabular expression now and returns its first
// column as a dynamic array.
func (p *planner) firstColumn(e syntax.Expr, sc *scope) ([]any, error) {
	n, err := p.tabular(e, sc)
	if err != nil {
		return nil, err
	}
	b, err := collect(p.rt, n)
	if err != nil {
		return nil, err
	}
	if len(b.Cols) == 0 {
		return nil, errAt(e.Span(), "the table has no columns")
	}
	out := make([]any, 0, b.Len)
	for i := 0; i < b.Len; i++ {
		out = append(out, toDyn(b.Cols[0].Value(i)))
	}
	return out, nil
}

// scalarSubquery runs a tabular expression and takes its first value
// (toscalar semantics).
func (p *planner) scalarSubquery(e syntax.Expr, en *env) (*cexpr, error) {
	n, err := p.tabular(e, en.sc)
	if err != nil {
		return nil, err
	}
	b, err := collect(p.rt, n)
	if err != nil {
		return nil, err
	}
	if len(b.Cols) == 0 {
		return nil, errAt(e.Span(), "toscalar: the table has no columns")
	}
	t := b.Schema[0].Type
	v := types.NullOf(t)
	if b.Len > 0 {
		v = b.Cols[0].Value(0)
	}
	c := constExpr(v, e.Span())
	c.t = t
	return c, nil
}

// member compiles X.Name (dynamic property access).
func (p *planner) member(x *syntax.MemberExpr, en *env) (*cexpr, error) {
	if id, ok := x.X.(*syntax.Ident); ok && (id.Name == "$left" || id.Name == "$right") {
		return nil, errAt(x.Loc, "%s is only allowed in join conditions", id.Name)
	}
	if id, ok := x.X.(*syntax.Ident); ok && en.steps[id.Name] && en.schema.Index(id.Name) < 0 {
		name := id.Name + "." + x.Name.Name
		if i := en.schema.Index(name); i >= 0 {
			return colExpr(en.schema, i, x.Loc), nil
		}
		return nil, errAt(x.Loc, "unknown column %s in the state of step %s", x.Name.Name, id.Name)
	}
	base, err := p.expr(x.X, en)
	if err != nil {
		return nil, err
	}
	if base.t != types.Dynamic {
		return nil, errAt(x.Loc, "cannot access property %s of a %s value", x.Name.Name, base.t)
	}
	k := types.StringValue(x.Name.Name)
	return rowExpr(types.Dynamic, x.Loc, []*cexpr{base}, true, func(v []types.Value) types.Value {
		return dynIndex(v[0], k)
	}), nil
}

// index compiles X[I].
func (p *planner) index(x *syntax.IndexExpr, en *env) (*cexpr, error) {
	base, err := p.expr(x.X, en)
	if err != nil {
		return nil, err
	}
	idx, err := p.expr(x.Index, en)
	if err != nil {
		return nil, err
	}
	if base.t != types.Dynamic {
		return nil, errAt(x.Loc, "cannot index a %s value", base.t)
	}
	return rowExpr(types.Dynamic, x.Loc, []*cexpr{base, idx}, true, func(v []types.Value) types.Value {
		return dynIndex(v[0], v[1])
	}), nil
}

// dynIndex returns d[k]: a property of a bag or an element of an array
// (negative indexes count from the end); missing gives null.
func dynIndex(d, k types.Value) types.Value {
	if d.IsNull() || k.IsNull() {
		return types.NullOf(types.Dynamic)
	}
	switch x := d.D.(type) {
	case map[string]any:
		return types.DynamicValue(x[types.FormatValue(k)])
	case []any:
		kv := convert(unwrapDyn(k), types.Long)
		if kv.IsNull() {
			return types.NullOf(types.Dynamic)
		}
		i := kv.I
		if i < 0 {
			i += int64(len(x))
		}
		if i < 0 || i >= int64(len(x)) {
			return types.NullOf(types.Dynamic)
		}
		return types.DynamicValue(x[i])
	case string:
		if d, err := parseJSONValue(x); err == nil {
			return dynIndex(types.DynamicValue(d), k)
		}
	}
	return types.NullOf(types.Dynamic)
}

// typeName formats a type list for messages.
func typeName(ts []types.Type) string {
	s := ""
	for i, t := range ts {
		if i > 0 {
			s += ", "
		}
		s += t.String()
	}
	return fmt.Sprintf("(%s)", s)
}

// starPredicate compiles `* has "x"` (and the other positive string
// operators): true when any column's text matches.
func (p *planner) starPredicate(x *syntax.BinaryExpr, en *env) (*cexpr, error) {
	so, ok := strOps[x.Op]
	if !ok || so.neg {
		return nil, errAt(x.OpLoc, "* can only be used with has, contains, startswith, endswith and their _cs forms")
	}
	r, err := p.expr(x.Y, en)
	if err != nil {
		return nil, err
	}
	var out *cexpr
	for i := range en.schema {
		c := stringOpExpr(so, colExpr(en.schema, i, x.Loc), r, x.Loc)
		if out == nil {
			out = c
		} else {
			out = logicalExpr(syntax.OpOr, out, c, x.Loc)
		}
	}
	if out == nil {
		v := types.BoolValue(false)
		return constExpr(v, x.Loc), nil
	}
	return out, nil
}
