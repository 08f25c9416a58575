package check

import (
	"sort"
	"strconv"
	"strings"

	"github.com/huntpack/huntpack/kql/syntax"
)

// colset is what the checker knows about the columns of a tabular value.
type colset struct {
	open  bool            // columns unknown: do not check references
	cols  map[string]bool // known columns
	table string          // source table, for messages ("" once derived)
}

func openSet() *colset { return &colset{open: true} }

func newSet(table string, names ...string) *colset {
	cs := &colset{cols: make(map[string]bool, len(names)), table: table}
	for _, n := range names {
		cs.cols[n] = true
	}
	return cs
}

func (cs *colset) clone() *colset {
	if cs.open {
		return openSet()
	}
	out := newSet(cs.table)
	for k := range cs.cols {
		out.cols[k] = true
	}
	return out
}

func (cs *colset) has(name string) bool { return cs.open || cs.cols[name] }

func (cs *colset) add(name string) {
	if !cs.open {
		cs.cols[name] = true
	}
}

// union returns the columns of both sides (open if either is open).
func union(a, b *colset) *colset {
	if a.open || b.open {
		return openSet()
	}
	out := a.clone()
	out.table = ""
	for k := range b.cols {
		out.cols[k] = true
	}
	return out
}

// bindKind says what a let name is bound to.
type bindKind uint8

const (
	bindScalar  bindKind = iota // scalar value
	bindTabular                 // tabular value (schema known or open)
	bindFunc                    // lambda or view
	bindUnknown                 // could be either
)

type binding struct {
	kind   bindKind
	schema *colset
}

type checker struct {
	cat     Catalog
	lets    map[string]binding
	diags   syntax.Diagnostics
	checked int // column references judged against a known column set
}

// checkNames reports unknown tables and columns.
func checkNames(q *syntax.Query, cat Catalog) syntax.Diagnostics {
	return newChecker(q, cat).diags
}

func newChecker(q *syntax.Query, cat Catalog) *checker {
	c := &checker{cat: cat, lets: map[string]binding{}}
	for _, s := range q.Stmts {
		c.stmt(s)
	}
	return c
}

func (c *checker) errorf(n syntax.Node, msg string) {
	c.diags = append(c.diags, syntax.Diagnostic{Span: n.Span(), Msg: msg, Severity: syntax.SevError})
}

func (c *checker) stmt(s syntax.Stmt) {
	switch s := s.(type) {
	case *syntax.LetStmt:
		c.lets[s.Name.Name] = c.letValue(s.Value)
	case *syntax.DeclareStmt:
		for _, p := range s.Params {
			c.lets[p.Name.Name] = binding{kind: bindScalar}
		}
	case *syntax.ExprStmt:
		c.tabular(s.Expr, true)
	}
}

func (c *checker) letValue(v syntax.Expr) binding {
	switch v := v.(type) {
	case *syntax.FunctionExpr:
		return binding{kind: bindFunc}
	case *syntax.Ident:
		if b, ok := c.lets[v.Name]; ok {
			return b
		}
		if s, ok := c.cat.Table(v.Name); ok {
			return binding{kind: bindTabular, schema: newSet(v.Name, s.Names()...)}
		}
		return binding{kind: bindUnknown, schema: openSet()}
	}
	if !isTabularExpr(v) {
		c.scalar(v, nil)
		return binding{kind: bindScalar}
	}
	cs, _ := c.tabular(v, false)
	return binding{kind: bindTabular, schema: cs}
}

// isTabularExpr reports expressions that are tabular by their shape.
func isTabularExpr(e syntax.Expr) bool {
	switch e := e.(type) {
	case *syntax.PipeExpr, *syntax.DataTableExpr, *syntax.ExternalDataExpr, *syntax.UnionOp,
		*syntax.PrintOp, *syntax.RangeOp, *syntax.SearchOp, *syntax.FindOp, *syntax.EvaluateOp:
		return true
	case *syntax.ParenExpr:
		return isTabularExpr(e.X)
	case *syntax.CallExpr:
		return e.Target == nil && (e.Name.Name == "materialize" || e.Name.Name == "table" || e.Name.Name == "view")
	}
	return false
}

// tabular returns the columns of a tabular expression. source marks
// positions where a bare name must be a table (reported when unknown).
func (c *checker) tabular(e syntax.Expr, source bool) (*colset, bool) {
	switch e := e.(type) {
	case *syntax.Ident:
		return c.tableRef(e, source), true
	case *syntax.PipeExpr:
		var cs *colset
		if e.Source != nil {
			cs, _ = c.tabular(e.Source, true)
		}
		if cs == nil {
			cs = openSet()
		}
		for _, op := range e.Ops {
			cs = c.apply(op, cs)
		}
		return cs, true
	case *syntax.ParenExpr:
		return c.tabular(e.X, source)
	case *syntax.CallExpr:
		return c.tabularCall(e), true
	case *syntax.DataTableExpr:
		return declSet(e.Columns), true
	case *syntax.ExternalDataExpr:
		return declSet(e.Columns), true
	case *syntax.UnionOp:
		return c.unionLegs(e, nil), true
	case *syntax.PrintOp:
		cs := newSet("")
		for i, col := range e.Cols {
			c.scalar(col, nil)
			if _, named := col.(*syntax.NamedExpr); named {
				c.addResultName(cs, col)
			} else {
				cs.add("print_" + strconv.Itoa(i))
			}
		}
		return cs, true
	case *syntax.RangeOp:
		c.scalar(e.From, nil)
		c.scalar(e.To, nil)
		c.scalar(e.Step, nil)
		return newSet("", e.Name.Name), true
	case *syntax.SearchOp, *syntax.FindOp, *syntax.EvaluateOp, *syntax.MemberExpr:
		return openSet(), true
	}
	c.scalar(e, nil)
	return nil, false
}

func declSet(cols []*syntax.ColumnDecl) *colset {
	cs := newSet("")
	for _, d := range cols {
		cs.add(d.Name.Name)
	}
	return cs
}

// tableRef resolves a name used as a tabular source.
func (c *checker) tableRef(id *syntax.Ident, source bool) *colset {
	if b, ok := c.lets[id.Name]; ok {
		if b.schema != nil {
			return b.schema.clone()
		}
		return openSet()
	}
	if s, ok := c.cat.Table(id.Name); ok {
		return newSet(id.Name, s.Names()...)
	}
	if source {
		msg := "unknown table " + strconv.Quote(id.Name)
		if sug := suggest(id.Name, append(c.cat.Names(), c.letNames()...)); sug != "" {
			msg += "; did you mean " + strconv.Quote(sug) + "?"
		}
		c.errorf(id, msg)
	}
	return openSet()
}

func (c *checker) letNames() []string {
	out := make([]string, 0, len(c.lets))
	for k := range c.lets {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (c *checker) tabularCall(e *syntax.CallExpr) *colset {
	if e.Target != nil {
		return openSet()
	}
	switch e.Name.Name {
	case "materialize", "view":
		if len(e.Args) == 1 {
			cs, _ := c.tabular(e.Args[0], true)
			if cs != nil {
				return cs
			}
		}
		return openSet()
	case "table":
		if len(e.Args) >= 1 {
			if lit, ok := e.Args[0].(*syntax.Literal); ok && lit.Value.S != "" {
				if s, ok := c.cat.Table(lit.Value.S); ok {
					return newSet(lit.Value.S, s.Names()...)
				}
			}
		}
		return openSet()
	}
	for _, a := range e.Args {
		c.scalar(a, nil)
	}
	return openSet()
}

func (c *checker) unionLegs(u *syntax.UnionOp, in *colset) *colset {
	var out *colset
	if in != nil {
		out = in.clone()
	}
	for _, leg := range u.Tables {
		var cs *colset
		if _, ok := leg.(*syntax.WildcardExpr); ok {
			cs = openSet()
		} else {
			cs, _ = c.tabular(leg, true)
			if cs == nil {
				cs = openSet()
			}
		}
		if out == nil {
			out = cs.clone()
		} else {
			out = union(out, cs)
		}
	}
	if out == nil {
		out = openSet()
	}
	if ws := u.Param("withsource"); ws != "" {
		out.add(ws)
	}
	return out
}

// scalar checks the column references of a scalar expression against cs
// (nil: no columns in scope, so names are not checked).
func (c *checker) scalar(e syntax.Expr, cs *colset) {
	switch e := e.(type) {
	case nil:
	case *syntax.Ident:
		c.column(e, cs)
	case *syntax.BinaryExpr:
		c.scalar(e.X, cs)
		c.scalar(e.Y, cs)
	case *syntax.UnaryExpr:
		c.scalar(e.X, cs)
	case *syntax.InExpr:
		c.scalar(e.X, cs)
		for _, x := range e.List {
			c.operand(x, cs)
		}
	case *syntax.BetweenExpr:
		c.scalar(e.X, cs)
		c.scalar(e.Lo, cs)
		c.scalar(e.Hi, cs)
	case *syntax.CallExpr:
		for _, a := range e.Args {
			c.operand(a, cs)
		}
	case *syntax.NamedExpr:
		c.scalar(e.Value, cs)
	case *syntax.MemberExpr:
		if id, ok := e.X.(*syntax.Ident); ok && (id.Name == "$left" || id.Name == "$right") {
			return
		}
		c.scalar(e.X, cs)
	case *syntax.IndexExpr:
		c.scalar(e.X, cs)
		c.scalar(e.Index, cs)
	case *syntax.ParenExpr:
		c.operand(e.X, cs)
	case *syntax.ListExpr:
		for _, x := range e.Elems {
			c.scalar(x, cs)
		}
	default:
		if isTabularExpr(e) {
			c.tabular(e, true)
		}
	}
}

// operand checks an argument that may be scalar or tabular.
func (c *checker) operand(e syntax.Expr, cs *colset) {
	if isTabularExpr(e) {
		c.tabular(e, true)
		return
	}
	c.scalar(e, cs)
}

// column checks one name reference.
func (c *checker) column(id *syntax.Ident, cs *colset) {
	if cs == nil || cs.open {
		return
	}
	c.checked++
	if cs.cols[id.Name] {
		return
	}
	if _, ok := c.lets[id.Name]; ok {
		return
	}
	if _, ok := c.cat.Table(id.Name); ok {
		return // a table used as an operand (e.g. in (T))
	}
	msg := "unknown column " + strconv.Quote(id.Name)
	if cs.table != "" {
		msg += " (not in " + cs.table + ")"
	}
	names := make([]string, 0, len(cs.cols))
	for k := range cs.cols {
		names = append(names, k)
	}
	sort.Strings(names)
	if sug := suggest(id.Name, append(names, c.letNames()...)); sug != "" {
		msg += "; did you mean " + strconv.Quote(sug) + "?"
	}
	c.errorf(id, msg)
}

// addResultName adds the column an unnamed or named projection creates;
// when the name cannot be derived the set becomes open.
func (c *checker) addResultName(cs *colset, e syntax.Expr) {
	switch e := e.(type) {
	case *syntax.NamedExpr:
		for _, n := range e.Names {
			cs.add(n.Name)
		}
	case *syntax.Ident:
		cs.add(e.Name)
	default:
		cs.open = true
	}
}

// suggest returns the closest candidate to name, or "".
func suggest(name string, cands []string) string {
	best, bestD := "", 1<<30
	lname := strings.ToLower(name)
	for _, c := range cands {
		if strings.ToLower(c) == lname && c != name {
			return c
		}
		d := editDistance(lname, strings.ToLower(c))
		if d < bestD {
			best, bestD = c, d
		}
	}
	limit := len(name) / 3
	if limit < 1 {
		limit = 1
	}
	if bestD <= limit {
		return best
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
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
