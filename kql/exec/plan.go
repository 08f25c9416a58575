package exec

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/huntpack/huntpack/kql/funcs"
	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

// planError is an error about a place in the query source.
type planError struct {
	span syntax.Span
	msg  string
}

func (e *planError) Error() string { return e.msg }

// errAt returns a planning error at span.
func errAt(span syntax.Span, format string, args ...any) error {
	return &planError{span: span, msg: fmt.Sprintf(format, args...)}
}

// atSpan gives err the span when it has none yet.
func atSpan(span syntax.Span, err error) error {
	var pe *planError
	if err == nil {
		return nil
	}
	if errors.As(err, &pe) {
		if !pe.span.IsValid() && span.IsValid() {
			return &planError{span: span, msg: pe.msg}
		}
		return err
	}
	if isRuntime(err) {
		return err
	}
	return &planError{span: span, msg: err.Error()}
}

// runtimeError marks errors raised while executing (not planning).
type runtimeError struct{ err error }

func (e *runtimeError) Error() string { return e.err.Error() }
func (e *runtimeError) Unwrap() error { return e.err }

func isRuntime(err error) bool {
	var re *runtimeError
	return errors.As(err, &re) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// binding is what a name in a scope stands for.
type binding struct {
	scalar *cexpr               // a scalar value (let x = 5, lambda parameter)
	tab    func() (node, error) // a tabular expression, planned on use
	fn     *syntax.FunctionExpr // a lambda or view
	fnSc   *scope               // the scope the lambda was defined in
	mat    *materialized        // materialize() result
	tfn    types.TableFunction  // catalog table function
	decl   syntax.Span          // where it was bound
}

// scope maps let names to bindings; lookups walk up to the parent.
type scope struct {
	parent *scope
	names  map[string]*binding
}

func newScope(parent *scope) *scope { return &scope{parent: parent, names: map[string]*binding{}} }

func (s *scope) lookup(name string) (*binding, bool) {
	for ; s != nil; s = s.parent {
		if b, ok := s.names[name]; ok {
			return b, true
		}
	}
	return nil, false
}

func (s *scope) allNames() []string {
	var out []string
	for ; s != nil; s = s.parent {
		for k := range s.names {
			out = append(out, k)
		}
	}
	return out
}

// planner turns the AST into operator trees and runs them.
type planner struct {
	q    *syntax.Query
	rt   *runtime
	reg  *funcs.Registry
	fctx *funcs.Context
	cat  types.Catalog
	rest []syntax.Operator // operators after the one being planned (join push-down)
	// iocSets holds the constant in/has_any sets built so far (rawfilter.go).
	iocSets map[iocKey]any
}

func newPlanner(ctx context.Context, q *syntax.Query, opts Options) *planner {
	if opts.Funcs == nil {
		opts.Funcs = funcs.Builtins()
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now().UTC()
	}
	cat := opts.Catalog
	if cat == nil {
		cat = MemCatalog{}
	}
	return &planner{q: q, rt: &runtime{ctx: ctx, opts: opts}, reg: opts.Funcs,
		fctx: &funcs.Context{Now: opts.Now}, cat: cat}
}

// runQuery executes the statements of the query in order.
func (p *planner) runQuery(res *Result) error {
	sc := newScope(nil)
	var results []*types.Batch
	var names []string
	for _, st := range p.q.Stmts {
		if es, ok := st.(*syntax.ExprStmt); ok {
			if bs, ns, ok, err := p.multiResult(es, sc); ok || err != nil {
				if err != nil {
					return p.finishErr(err)
				}
				results = append(results, bs...)
				names = append(names, ns...)
				continue
			}
		}
		b, name, err := p.stmt(st, sc)
		if err != nil {
			return p.finishErr(err)
		}
		if b != nil {
			results = append(results, b)
			names = append(names, name)
		}
	}
	for i, b := range results {
		name := names[i]
		if name == "" {
			name = "PrimaryResult"
			if len(results) > 1 {
				name = fmt.Sprintf("Table_%d", i)
			}
		}
		if max := p.rt.opts.MaxRows; max > 0 && b.Len > max {
			p.rt.note(fmt.Sprintf("result %s truncated to %d rows (MaxRows); more rows matched", name, max))
			b = sliceBatch(b, 0, max)
		}
		res.Tables = append(res.Tables, ResultTable{Name: name, Batch: b})
	}
	return nil
}

// finishErr converts a planning error to diagnostics; runtime errors are
// returned wrapped.
func (p *planner) finishErr(err error) error {
	var pe *planError
	if errors.As(err, &pe) && !isRuntime(err) {
		ds := syntax.Diagnostics{{Span: pe.span, Msg: pe.msg, Severity: syntax.SevError}}
		return ds.Err()
	}
	return fmt.Errorf("query failed: %w", err)
}

// stmt runs one statement; tabular expression statements return a batch.
func (p *planner) stmt(st syntax.Stmt, sc *scope) (*types.Batch, string, error) {
	switch s := st.(type) {
	case *syntax.LetStmt:
		return nil, "", p.let(s, sc)
	case *syntax.DeclareStmt:
		return nil, "", p.declare(s, sc)
	case *syntax.SetStmt:
		p.rt.note(fmt.Sprintf("set %s ignored", s.Name))
		return nil, "", nil
	case *syntax.ExprStmt:
		if !p.isTabular(s.Expr, sc) {
			return nil, "", errAt(s.Loc, "a query statement must be a tabular expression (use print to show a scalar)")
		}
		n, err := p.tabular(limCapSort(s.Expr, p.rt.opts.MaxRows), sc)
		if err != nil {
			return nil, "", err
		}
		if max := p.rt.opts.MaxRows; max > 0 {
			// stop reading once one row more than the cap has been seen
			n = &takeNode{child: n, n: int64(max) + 1}
		}
		// the result is held until the run ends: charged, never released
		b, err := collectCharged(p.rt, n, &limHold{rt: p.rt, label: p.opLabel("query result", s.Loc)})
		if err != nil {
			return nil, "", err
		}
		return b, resultName(s.Expr), nil
	case *syntax.BadStmt:
		return nil, "", errAt(s.Loc, "cannot parse this statement")
	}
	return nil, "", errAt(st.Span(), "unsupported statement")
}

// resultName returns the name given by a trailing `as Name`.
func resultName(e syntax.Expr) string {
	if pe, ok := e.(*syntax.PipeExpr); ok && len(pe.Ops) > 0 {
		if as, ok := pe.Ops[len(pe.Ops)-1].(*syntax.AsOp); ok && as.Name != nil {
			return as.Name.Name
		}
	}
	return ""
}

// let binds a name.
func (p *planner) let(s *syntax.LetStmt, sc *scope) error {
	name := s.Name.Name
	switch v := s.Value.(type) {
	case *syntax.FunctionExpr:
		sc.names[name] = &binding{fn: v, fnSc: sc, decl: s.Loc}
		return nil
	}
	if p.isTabular(s.Value, sc) {
		val := s.Value
		defSc := sc
		if call, ok := unparen(val).(*syntax.CallExpr); ok && call.Name != nil && call.Name.Name == "materialize" && len(call.Args) == 1 {
			m := &materialized{}
			arg := call.Args[0]
			sc.names[name] = &binding{mat: m, tab: func() (node, error) { return p.materialize(m, arg, defSc) }, decl: s.Loc}
			return nil
		}
		sc.names[name] = &binding{tab: func() (node, error) { return p.tabular(val, defSc) }, decl: s.Loc}
		return nil
	}
	e, err := p.expr(s.Value, &env{sc: sc})
	if err != nil {
		return err
	}
	sc.names[name] = &binding{scalar: e, decl: s.Loc}
	return nil
}

// declare binds query parameters from Options.Params or their defaults.
func (p *planner) declare(s *syntax.DeclareStmt, sc *scope) error {
	for _, prm := range s.Params {
		name := prm.Name.Name
		if v, ok := p.rt.opts.Params[name]; ok {
			v = convert(v, prm.Type)
			sc.names[name] = &binding{scalar: constExpr(v, prm.Loc), decl: prm.Loc}
			continue
		}
		if prm.Default == nil {
			return errAt(prm.Loc, "query parameter %s has no value and no default", name)
		}
		e, err := p.expr(prm.Default, &env{sc: sc})
		if err != nil {
			return err
		}
		sc.names[name] = &binding{scalar: e, decl: prm.Loc}
	}
	return nil
}

func unparen(e syntax.Expr) syntax.Expr {
	for {
		pe, ok := e.(*syntax.ParenExpr)
		if !ok {
			return e
		}
		e = pe.X
	}
}

// isTabular decides whether an expression denotes a table.
func (p *planner) isTabular(e syntax.Expr, sc *scope) bool {
	switch x := e.(type) {
	case *syntax.PipeExpr, *syntax.DataTableExpr, *syntax.ExternalDataExpr, *syntax.UnionOp,
		*syntax.PrintOp, *syntax.RangeOp, *syntax.EvaluateOp, *syntax.SearchOp, *syntax.FindOp:
		return true
	case *syntax.ParenExpr:
		return p.isTabular(x.X, sc)
	case *syntax.Ident:
		if b, ok := sc.lookup(x.Name); ok {
			return b.tab != nil || b.mat != nil
		}
		if _, ok := p.cat.Table(x.Name); ok {
			return true
		}
		if fc, ok := p.cat.(types.FunctionCatalog); ok {
			_, ok := fc.TableFunction(x.Name)
			return ok
		}
		return false
	case *syntax.CallExpr:
		if x.Name == nil || x.Target != nil {
			return x.Target != nil
		}
		switch x.Name.Name {
		case "materialize", "table", "view", "external_table", "database", "cluster":
			return true
		case "toscalar":
			return false
		}
		if b, ok := sc.lookup(x.Name.Name); ok && b.fn != nil {
			return p.fnIsTabular(b.fn, b.fnSc)
		}
		if fc, ok := p.cat.(types.FunctionCatalog); ok {
			if _, ok := fc.TableFunction(x.Name.Name); ok {
				return true
			}
		}
	}
	return false
}

// fnIsTabular reports whether a lambda's body yields a table.
func (p *planner) fnIsTabular(fn *syntax.FunctionExpr, sc *scope) bool {
	if fn.View {
		return true
	}
	inner := newScope(sc)
	for _, prm := range fn.Params {
		if prm.Tabular {
			inner.names[prm.Name.Name] = &binding{tab: func() (node, error) { return nil, errors.New("unbound") }}
		} else {
			v := types.NullOf(prm.Type)
			inner.names[prm.Name.Name] = &binding{scalar: constExpr(v, prm.Loc)}
		}
	}
	for _, st := range fn.Body {
		switch s := st.(type) {
		case *syntax.LetStmt:
			if _, ok := s.Value.(*syntax.FunctionExpr); ok {
				inner.names[s.Name.Name] = &binding{fn: s.Value.(*syntax.FunctionExpr), fnSc: inner}
			} else if p.isTabular(s.Value, inner) {
				inner.names[s.Name.Name] = &binding{tab: func() (node, error) { return nil, errors.New("unbound") }}
			} else {
				inner.names[s.Name.Name] = &binding{scalar: constExpr(types.NullOf(types.Dynamic), s.Loc)}
			}
		case *syntax.ExprStmt:
			return p.isTabular(s.Expr, inner)
		}
	}
	return false
}

// materialized caches the result of materialize(T) for the whole run.
type materialized struct {
	once  sync.Once
	batch *types.Batch
	err   error
}

func (p *planner) materialize(m *materialized, e syntax.Expr, sc *scope) (node, error) {
	n, err := p.tabular(e, sc)
	if err != nil {
		return nil, err
	}
	return &lazyNode{s: n.schema(), get: func() (*types.Batch, error) {
		m.once.Do(func() {
			// held for the whole run: charged as it is read, never released
			m.batch, m.err = collectCharged(p.rt, n, &limHold{rt: p.rt, label: p.opLabel("materialize", e.Span())})
		})
		return m.batch, m.err
	}}, nil
}

// suggest returns ` (did you mean "x"?)` for the closest candidate.
func suggest(name string, candidates []string) string {
	best, bestD := "", 1<<30
	for _, c := range candidates {
		if strings.EqualFold(c, name) {
			return fmt.Sprintf(" (did you mean %q?)", c)
		}
		d := editDistance(strings.ToLower(name), strings.ToLower(c))
		if d < bestD {
			best, bestD = c, d
		}
	}
	if best != "" && bestD <= max(2, len(name)/3) {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return ""
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// tableNames lists catalog tables and tabular let names for suggestions.
func (p *planner) tableNames(sc *scope) []string {
	names := append([]string(nil), p.cat.TableNames()...)
	names = append(names, sc.allNames()...)
	sort.Strings(names)
	return names
}
