package exec

import (
	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

// bindParams makes the scope a lambda body runs in: parameters bound to
// the call's arguments (scalars compiled in the caller's env, tables
// planned in the caller's scope), defaults for omitted ones.
func (p *planner) bindParams(b *binding, x *syntax.CallExpr, en *env, input node) (*scope, error) {
	fn := b.fn
	inner := newScope(b.fnSc)
	args := x.Args
	params := fn.Params
	if input != nil {
		if len(params) == 0 || !params[0].Tabular {
			return nil, errAt(x.Loc, "invoke: the function's first parameter must be tabular")
		}
		in := input
		inner.names[params[0].Name.Name] = &binding{tab: func() (node, error) { return in, nil }}
		params = params[1:]
	}
	if len(args) > len(params) {
		return nil, errAt(x.Loc, "%s: too many arguments (%d, want at most %d)", x.Name.Name, len(args), len(params))
	}
	named := map[string]syntax.Expr{}
	var positional []syntax.Expr
	for _, a := range args {
		if ne, ok := a.(*syntax.NamedExpr); ok && len(ne.Names) == 1 {
			named[ne.Names[0].Name] = ne.Value
			continue
		}
		positional = append(positional, a)
	}
	next := 0
	for _, prm := range params {
		name := prm.Name.Name
		var arg syntax.Expr
		if a, ok := named[name]; ok {
			arg = a
		} else if next < len(positional) {
			arg = positional[next]
			next++
		}
		if prm.Tabular {
			if arg == nil {
				return nil, errAt(x.Loc, "%s: missing tabular argument %s", x.Name.Name, name)
			}
			a, callerSc := arg, en.sc
			inner.names[name] = &binding{tab: func() (node, error) { return p.tabular(a, callerSc) }}
			continue
		}
		var c *cexpr
		var err error
		switch {
		case arg != nil:
			c, err = p.expr(arg, en)
		case prm.Default != nil:
			c, err = p.expr(prm.Default, &env{sc: b.fnSc})
		default:
			return nil, errAt(x.Loc, "%s: missing argument %s", x.Name.Name, name)
		}
		if err != nil {
			return nil, err
		}
		if prm.Type != types.Null && prm.Type != types.Dynamic && c.t != prm.Type && c.t != types.Null {
			c = convertExpr(c, prm.Type)
		}
		inner.names[name] = &binding{scalar: c}
	}
	return inner, nil
}

// convertExpr converts an expression's values to t.
func convertExpr(c *cexpr, t types.Type) *cexpr {
	return rowExpr(t, c.span, []*cexpr{c}, true, func(v []types.Value) types.Value { return convert(v[0], t) })
}

// runBody plans the statements of a function body; the last expression
// statement is the result (tabular or scalar).
func (p *planner) bodyResult(fn *syntax.FunctionExpr, inner *scope) (syntax.Expr, error) {
	var last syntax.Expr
	for _, st := range fn.Body {
		switch s := st.(type) {
		case *syntax.LetStmt:
			if err := p.let(s, inner); err != nil {
				return nil, err
			}
		case *syntax.ExprStmt:
			last = s.Expr
		case *syntax.DeclareStmt, *syntax.SetStmt:
		default:
			return nil, errAt(st.Span(), "unsupported statement in a function body")
		}
	}
	if last == nil {
		return nil, errAt(fn.Loc, "function body has no result expression")
	}
	return last, nil
}

// callFunction plans a call of a tabular lambda or view.
func (p *planner) callFunction(b *binding, x *syntax.CallExpr, sc *scope) (node, error) {
	inner, err := p.bindParams(b, x, &env{sc: sc}, nil)
	if err != nil {
		return nil, err
	}
	body, err := p.bodyResult(b.fn, inner)
	if err != nil {
		return nil, err
	}
	return p.tabular(body, inner)
}

// callScalarFunction compiles a call of a scalar lambda, inlining its
// body with the arguments bound.
func (p *planner) callScalarFunction(b *binding, x *syntax.CallExpr, en *env) (*cexpr, error) {
	inner, err := p.bindParams(b, x, en, nil)
	if err != nil {
		return nil, err
	}
	body, err := p.bodyResult(b.fn, inner)
	if err != nil {
		return nil, err
	}
	if p.isTabular(body, inner) {
		return p.scalarSubquery(body, &env{sc: inner})
	}
	return p.expr(body, &env{schema: en.schema, sc: inner, row: en.row})
}

// tabularCall plans a call in a tabular position: materialize(), table(),
// a user function or a catalog table function.
func (p *planner) tabularCall(x *syntax.CallExpr, sc *scope) (node, error) {
	if x.Target != nil || x.Name == nil {
		return nil, errAt(x.Loc, "cross-cluster and cross-database references are not supported")
	}
	name := x.Name.Name
	switch name {
	case "materialize":
		if len(x.Args) != 1 {
			return nil, errAt(x.Loc, "materialize() takes one tabular argument")
		}
		return p.materialize(&materialized{}, x.Args[0], sc)
	case "table":
		if len(x.Args) < 1 {
			return nil, errAt(x.Loc, "table() takes a table name")
		}
		c, err := p.expr(x.Args[0], &env{sc: sc})
		if err != nil {
			return nil, err
		}
		if c.konst == nil || c.t != types.String {
			return nil, errAt(x.Args[0].Span(), "table() needs a constant string name")
		}
		return p.tableRef(&syntax.Ident{Loc: x.Args[0].Span(), Name: c.konst.S}, sc, nil)
	case "view":
		return nil, errAt(x.Loc, "view must be bound with let")
	case "database", "cluster", "external_table":
		return nil, errAt(x.Loc, "%s() is not supported by the local engine", name)
	}
	if b, ok := sc.lookup(name); ok && b.fn != nil {
		return p.callFunction(b, x, sc)
	}
	if fc, ok := p.cat.(types.FunctionCatalog); ok {
		if tf, ok := fc.TableFunction(name); ok {
			return p.callTableFunction(tf, x, sc)
		}
	}
	return nil, errAt(x.Name.Loc, "unknown tabular function %q%s", name, suggest(name, p.tableNames(sc)))
}

// callTableFunction calls a catalog table function with constant args.
func (p *planner) callTableFunction(tf types.TableFunction, x *syntax.CallExpr, sc *scope) (node, error) {
	var args []types.Arg
	for _, a := range x.Args {
		var name string
		e := a
		if ne, ok := a.(*syntax.NamedExpr); ok && len(ne.Names) == 1 {
			name, e = ne.Names[0].Name, ne.Value
		}
		c, err := p.expr(e, &env{sc: sc})
		if err != nil {
			return nil, err
		}
		if c.konst == nil {
			return nil, errAt(e.Span(), "table function arguments must be constants")
		}
		args = append(args, types.Arg{Name: name, Value: *c.konst})
	}
	t, err := tf.Call(args)
	if err != nil {
		return nil, errAt(x.Loc, "%s: %v", tf.Name(), err)
	}
	return p.scan(t, nil, sc), nil
}

// invoke is `T | invoke f(args)`.
func (p *planner) invoke(o *syntax.InvokeOp, in node, sc *scope) (node, error) {
	name := callName(o.Call)
	b, ok := sc.lookup(name)
	if !ok || b.fn == nil {
		return nil, errAt(o.Loc, "unknown function %q", name)
	}
	inner, err := p.bindParams(b, o.Call, &env{sc: sc}, in)
	if err != nil {
		return nil, err
	}
	body, err := p.bodyResult(b.fn, inner)
	if err != nil {
		return nil, err
	}
	return p.tabular(body, inner)
}
