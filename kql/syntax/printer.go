package syntax

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/huntpack/huntpack/kql/types"
)

// Print renders a query as canonical KQL: one statement per line ending in
// ';' (except the last), each pipe operator on its own line, normalised
// spacing and literal spelling. Comments are not kept. For every query the
// parser accepts, Parse(Print(q)) gives the same AST as q (spans aside).
func Print(q *Query) string {
	var pr printer
	for i, s := range q.Stmts {
		if i > 0 {
			pr.b.WriteString(";\n")
		}
		pr.stmt(s)
	}
	if len(q.Stmts) > 0 {
		pr.b.WriteByte('\n')
	}
	return pr.b.String()
}

// PrintExpr renders one expression as canonical KQL.
func PrintExpr(e Expr) string {
	var pr printer
	pr.expr(e)
	return pr.b.String()
}

// PrintOperator renders one tabular operator (without the leading pipe).
func PrintOperator(op Operator) string {
	var pr printer
	pr.op(op)
	return pr.b.String()
}

type printer struct {
	b      strings.Builder
	indent int
}

func (pr *printer) ws(s string) { pr.b.WriteString(s) }

func (pr *printer) newline() {
	pr.b.WriteByte('\n')
	for i := 0; i < pr.indent; i++ {
		pr.b.WriteString("    ")
	}
}

func (pr *printer) stmt(s Stmt) {
	switch s := s.(type) {
	case *LetStmt:
		pr.ws("let ")
		pr.ident(s.Name)
		pr.ws(" = ")
		pr.expr(s.Value)
	case *DeclareStmt:
		pr.ws("declare query_parameters")
		pr.params(s.Params)
	case *SetStmt:
		pr.ws("set ")
		pr.ws(s.Name)
		if s.Value != nil {
			pr.ws(" = ")
			pr.expr(s.Value)
		}
	case *ExprStmt:
		pr.expr(s.Expr)
	default:
		pr.ws("<bad statement>")
	}
}

func (pr *printer) params(ps []*Param) {
	pr.ws("(")
	for i, p := range ps {
		if i > 0 {
			pr.ws(", ")
		}
		pr.ident(p.Name)
		pr.ws(":")
		if p.Tabular {
			pr.ws("(")
			n := 0
			for _, c := range p.Columns {
				if n > 0 {
					pr.ws(", ")
				}
				pr.columnDecl(c, true)
				n++
			}
			if p.Star {
				if n > 0 {
					pr.ws(", ")
				}
				pr.ws("*")
			}
			pr.ws(")")
		} else {
			pr.ws(p.Type.String())
		}
		if p.Default != nil {
			pr.ws(" = ")
			pr.expr(p.Default)
		}
	}
	pr.ws(")")
}

func (pr *printer) columnDecl(c *ColumnDecl, withType bool) {
	pr.ident(c.Name)
	if withType || c.TypeGiven {
		pr.ws(":")
		pr.ws(c.Type.String())
	}
}

func (pr *printer) schema(cols []*ColumnDecl) {
	pr.ws("(")
	for i, c := range cols {
		if i > 0 {
			pr.ws(", ")
		}
		pr.columnDecl(c, true)
	}
	pr.ws(")")
}

func isPlainIdent(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isIdentByte(c) || c == '$' && i == 0) {
			return false
		}
	}
	return true
}

func (pr *printer) ident(id *Ident) {
	if id == nil {
		pr.ws("<missing>")
		return
	}
	if id.Quoted || !isPlainIdent(id.Name) && !utf8.ValidString(id.Name) {
		pr.ws("[")
		pr.ws(quoteKQL(id.Name))
		pr.ws("]")
		return
	}
	pr.ws(id.Name)
}

// quoteKQL quotes s as a KQL "..." string literal.
func quoteKQL(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if c < 0x20 || c == 0x7f {
				b.WriteString(`\u00`)
				b.WriteByte("0123456789abcdef"[c>>4])
				b.WriteByte("0123456789abcdef"[c&15])
				continue
			}
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// Precedence levels (see the table in expr.go), used to parenthesise
// constructed trees minimally; parsed trees already carry ParenExpr.
const (
	precPipe = iota
	precOr
	precAnd
	precEquality
	precRelational
	precAdditive
	precMultiplicative
	precString
	precUnary
	precPostfix
)

func precOf(e Expr) int {
	switch e := e.(type) {
	case *BinaryExpr:
		switch e.Op {
		case OpOr:
			return precOr
		case OpAnd:
			return precAnd
		case OpEq, OpNe:
			return precEquality
		case OpLt, OpLe, OpGt, OpGe:
			return precRelational
		case OpAdd, OpSub:
			return precAdditive
		case OpMul, OpDiv, OpMod:
			return precMultiplicative
		}
		return precString
	case *InExpr, *BetweenExpr:
		return precEquality
	case *UnaryExpr:
		return precUnary
	case *PipeExpr, *UnionOp, *PrintOp, *RangeOp, *SearchOp, *FindOp, *EvaluateOp:
		return precPipe
	}
	return precPostfix
}

// chains reports operators that associate left to right; the others take
// one operator per level.
func chains(p int) bool {
	return p == precOr || p == precAnd || p == precAdditive || p == precMultiplicative
}

// sub prints e, parenthesised when its precedence is below min.
func (pr *printer) sub(e Expr, min int) {
	if precOf(e) < min {
		pr.ws("(")
		pr.expr(e)
		pr.ws(")")
		return
	}
	pr.expr(e)
}

func (pr *printer) exprList(es []Expr) {
	for i, e := range es {
		if i > 0 {
			pr.ws(", ")
		}
		pr.expr(e)
	}
}

func (pr *printer) expr(e Expr) {
	switch e := e.(type) {
	case nil:
		pr.ws("<missing>")
	case *Ident:
		pr.ident(e)
	case *WildcardExpr:
		pr.ws(e.Pattern)
	case *Literal:
		pr.literal(e)
	case *TypeofExpr:
		pr.ws("typeof(")
		if e.Columns != nil || e.Star {
			for i, c := range e.Columns {
				if i > 0 {
					pr.ws(", ")
				}
				pr.columnDecl(c, true)
			}
			if e.Star {
				if len(e.Columns) > 0 {
					pr.ws(", ")
				}
				pr.ws("*")
			}
		} else {
			pr.ws(e.Type.String())
		}
		pr.ws(")")
	case *BinaryExpr:
		p := precOf(e)
		if chains(p) {
			pr.sub(e.X, p)
		} else {
			pr.sub(e.X, p+1)
		}
		pr.ws(" ")
		pr.ws(e.Op.String())
		pr.ws(" ")
		pr.sub(e.Y, p+1)
	case *UnaryExpr:
		pr.ws(e.Op.String())
		if u, ok := e.X.(*UnaryExpr); ok && u.Op == e.Op {
			pr.ws(" ")
		}
		pr.sub(e.X, precUnary)
	case *InExpr:
		pr.sub(e.X, precRelational)
		pr.ws(" ")
		pr.ws(e.Op.String())
		pr.ws(" (")
		pr.exprList(e.List)
		pr.ws(")")
	case *BetweenExpr:
		pr.sub(e.X, precRelational)
		if e.Not {
			pr.ws(" !between (")
		} else {
			pr.ws(" between (")
		}
		pr.sub(e.Lo, precAdditive)
		pr.ws(" .. ")
		pr.sub(e.Hi, precAdditive)
		pr.ws(")")
	case *CallExpr:
		if e.Target != nil {
			pr.sub(e.Target, precPostfix)
			pr.ws(".")
		}
		pr.ident(e.Name)
		pr.ws("(")
		pr.exprList(e.Args)
		pr.ws(")")
	case *NamedExpr:
		pr.names(e.Names)
		pr.ws(" = ")
		pr.expr(e.Value)
	case *MemberExpr:
		pr.sub(e.X, precPostfix)
		pr.ws(".")
		pr.ident(e.Name)
	case *IndexExpr:
		pr.sub(e.X, precPostfix)
		pr.ws("[")
		pr.expr(e.Index)
		pr.ws("]")
	case *ParenExpr:
		pr.ws("(")
		pr.expr(e.X)
		pr.ws(")")
	case *ListExpr:
		pr.exprList(e.Elems)
	case *StarExpr:
		pr.ws("*")
	case *FunctionExpr:
		pr.function(e)
	case *PipeExpr:
		pr.pipe(e)
	case *DataTableExpr:
		pr.ws("datatable")
		pr.opParams(e.Params)
		pr.schema(e.Columns)
		pr.ws(" [")
		pr.exprList(e.Values)
		pr.ws("]")
	case *ExternalDataExpr:
		pr.ws("externaldata")
		pr.opParams(e.Params)
		pr.schema(e.Columns)
		pr.ws(" [")
		pr.exprList(e.URIs)
		pr.ws("]")
		if e.With != nil {
			pr.ws(" with ")
			pr.withProps(e.With)
		}
	case Operator: // source operators
		pr.op(e)
	default:
		pr.ws("<bad expression>")
	}
}

// listAfter writes " a, b" after a keyword, or nothing for an empty list.
func (pr *printer) listAfter(es []Expr) {
	if len(es) > 0 {
		pr.ws(" ")
		pr.exprList(es)
	}
}

func (pr *printer) names(ns []*Ident) {
	if len(ns) == 1 {
		pr.ident(ns[0])
		return
	}
	pr.ws("(")
	for i, n := range ns {
		if i > 0 {
			pr.ws(", ")
		}
		pr.ident(n)
	}
	pr.ws(")")
}

func (pr *printer) function(f *FunctionExpr) {
	if f.View {
		pr.ws("view ")
	}
	pr.params(f.Params)
	pr.ws(" {")
	pr.indent++
	for i, s := range f.Body {
		if i > 0 {
			pr.ws(";")
		}
		pr.newline()
		pr.stmt(s)
	}
	pr.indent--
	pr.newline()
	pr.ws("}")
}

func (pr *printer) pipe(p *PipeExpr) {
	if p.Source == nil {
		for i, op := range p.Ops {
			if i > 0 {
				pr.ws(" | ")
			}
			pr.op(op)
		}
		return
	}
	if _, nested := p.Source.(*PipeExpr); nested {
		pr.ws("(")
		pr.expr(p.Source)
		pr.ws(")")
	} else {
		pr.expr(p.Source)
	}
	pr.indent++
	for _, op := range p.Ops {
		pr.newline()
		pr.ws("| ")
		pr.op(op)
	}
	pr.indent--
}

func (pr *printer) subPipe(p *PipeExpr) {
	pr.ws("(")
	if p != nil {
		pr.pipe(p)
	}
	pr.ws(")")
}

func (pr *printer) opParams(ps []*OpParam) {
	for _, p := range ps {
		pr.ws(" ")
		pr.ws(p.Name)
		pr.ws("=")
		pr.expr(p.Value)
	}
}

func (pr *printer) withProps(ps []*OpParam) {
	pr.ws("(")
	for i, p := range ps {
		if i > 0 {
			pr.ws(", ")
		}
		pr.ws(p.Name)
		pr.ws("=")
		pr.expr(p.Value)
	}
	pr.ws(")")
}

func (pr *printer) sortList(ss []*SortExpr) {
	for i, s := range ss {
		if i > 0 {
			pr.ws(", ")
		}
		pr.expr(s.X)
		if s.Order != "" {
			pr.ws(" ")
			pr.ws(s.Order)
		}
		if s.Nulls != "" {
			pr.ws(" nulls ")
			pr.ws(s.Nulls)
		}
	}
}

func (pr *printer) mvItems(items []*MvExpandItem) {
	for i, it := range items {
		if i > 0 {
			pr.ws(", ")
		}
		pr.expr(it.X)
		if it.ToGiven {
			pr.ws(" to typeof(")
			pr.ws(it.To.String())
			pr.ws(")")
		}
	}
}

// kw writes an operator keyword followed by its parameters.
func (pr *printer) kw(name string, ps []*OpParam) {
	pr.ws(name)
	pr.opParams(ps)
}

func (pr *printer) op(op Operator) {
	switch o := op.(type) {
	case *WhereOp:
		pr.kw("where", o.Params)
		pr.ws(" ")
		pr.expr(o.Pred)
	case *ProjectOp:
		pr.ws("project")
		pr.listAfter(o.Cols)
	case *ProjectAwayOp:
		pr.ws("project-away")
		pr.listAfter(o.Cols)
	case *ProjectKeepOp:
		pr.ws("project-keep ")
		pr.exprList(o.Cols)
	case *ProjectRenameOp:
		pr.ws("project-rename")
		for i, r := range o.Renames {
			if i > 0 {
				pr.ws(",")
			}
			pr.ws(" ")
			pr.expr(r)
		}
	case *ProjectReorderOp:
		pr.ws("project-reorder")
		if len(o.Cols) > 0 {
			pr.ws(" ")
			pr.sortList(o.Cols)
		}
	case *ExtendOp:
		pr.ws("extend ")
		pr.exprList(o.Cols)
	case *SummarizeOp:
		pr.kw("summarize", o.Params)
		if len(o.Aggs) > 0 {
			pr.ws(" ")
			pr.exprList(o.Aggs)
		}
		if len(o.By) > 0 {
			pr.ws(" by ")
			pr.exprList(o.By)
		}
	case *CountOp:
		pr.ws("count")
		if o.As != nil {
			pr.ws(" as ")
			pr.ident(o.As)
		}
	case *DistinctOp:
		pr.kw("distinct", o.Params)
		pr.ws(" ")
		pr.exprList(o.Cols)
	case *TakeOp:
		pr.ws("take ")
		pr.expr(o.Count)
	case *TopOp:
		pr.ws("top ")
		pr.sub(o.Count, precAdditive)
		pr.ws(" by ")
		pr.sortList(o.By)
	case *TopNestedOp:
		pr.topNested(o)
	case *TopHittersOp:
		pr.ws("top-hitters ")
		pr.sub(o.Count, precAdditive)
		pr.ws(" of ")
		pr.expr(o.Of)
		if o.By != nil {
			pr.ws(" by ")
			pr.expr(o.By)
		}
	case *SortOp:
		pr.kw("sort", o.Params)
		pr.ws(" by ")
		pr.sortList(o.By)
	case *JoinOp:
		pr.kw("join", o.Params)
		pr.ws(" ")
		pr.joinRight(o.Right)
		if o.Where {
			pr.ws(" where ")
			pr.exprList(o.On)
		} else if o.On != nil {
			pr.ws(" on ")
			pr.exprList(o.On)
		}
	case *LookupOp:
		pr.kw("lookup", o.Params)
		pr.ws(" ")
		pr.joinRight(o.Right)
		pr.ws(" on ")
		pr.exprList(o.On)
	case *UnionOp:
		pr.kw("union", o.Params)
		pr.ws(" ")
		pr.exprList(o.Tables)
	case *MvExpandOp:
		pr.kw("mv-expand", o.Params)
		pr.ws(" ")
		pr.mvItems(o.Items)
		if o.Limit != nil {
			pr.ws(" limit ")
			pr.expr(o.Limit)
		}
	case *MvApplyOp:
		pr.kw("mv-apply", o.Params)
		pr.ws(" ")
		pr.mvItems(o.Items)
		if o.Limit != nil {
			pr.ws(" limit ")
			pr.expr(o.Limit)
		}
		pr.ws(" on ")
		pr.subPipe(o.Sub)
	case *ParseOp:
		pr.parseOp(o)
	case *ParseKvOp:
		pr.ws("parse-kv ")
		pr.expr(o.Source)
		pr.ws(" as ")
		pr.schema(o.Keys)
		if o.With != nil {
			pr.ws(" with ")
			pr.withProps(o.With)
		}
	case *MakeSeriesOp:
		pr.makeSeries(o)
	case *EvaluateOp:
		pr.kw("evaluate", o.Params)
		pr.ws(" ")
		pr.expr(o.Call)
		if o.Schema != nil {
			pr.ws(" : ")
			if o.SchemaStar {
				pr.ws("(*")
				for _, c := range o.Schema {
					pr.ws(", ")
					pr.columnDecl(c, true)
				}
				pr.ws(")")
			} else {
				pr.schema(o.Schema)
			}
		}
	case *RenderOp:
		pr.ws("render ")
		pr.ws(o.Chart)
		if o.With != nil {
			pr.ws(" with ")
			pr.withProps(o.With)
		}
	case *SerializeOp:
		pr.ws("serialize")
		if len(o.Cols) > 0 {
			pr.ws(" ")
			pr.exprList(o.Cols)
		}
	case *AsOp:
		pr.kw("as", o.Params)
		pr.ws(" ")
		pr.ident(o.Name)
	case *InvokeOp:
		pr.ws("invoke ")
		pr.expr(o.Call)
	case *SampleOp:
		pr.kw("sample", o.Params)
		pr.ws(" ")
		pr.expr(o.Count)
	case *SampleDistinctOp:
		pr.kw("sample-distinct", o.Params)
		pr.ws(" ")
		pr.sub(o.Count, precAdditive)
		pr.ws(" of ")
		pr.expr(o.Of)
	case *GetSchemaOp:
		pr.ws("getschema")
	case *SearchOp:
		pr.kw("search", o.Params)
		if o.Tables != nil {
			pr.ws(" in (")
			pr.exprList(o.Tables)
			pr.ws(")")
		}
		pr.ws(" ")
		pr.expr(o.Pred)
	case *FindOp:
		pr.findOp(o)
	case *ForkOp:
		pr.ws("fork")
		for _, br := range o.Branches {
			pr.ws(" ")
			if br.Name != nil {
				pr.ident(br.Name)
				pr.ws(" = ")
			}
			pr.subPipe(br.Query)
		}
	case *FacetOp:
		pr.ws("facet by ")
		pr.exprList(o.By)
		if o.With != nil {
			pr.ws(" with ")
			pr.subPipe(o.With)
		}
	case *ScanOp:
		pr.scanOp(o)
	case *PartitionOp:
		pr.kw("partition", o.Params)
		pr.ws(" by ")
		pr.expr(o.By)
		pr.ws(" ")
		if o.Braces {
			pr.ws("{ ")
			if o.Sub != nil {
				pr.expr(o.Sub)
			} else {
				pr.expr(o.SubExpr)
			}
			pr.ws(" }")
		} else {
			pr.subPipe(o.Sub)
		}
	case *ReduceOp:
		pr.kw("reduce", o.Params)
		pr.ws(" by ")
		pr.expr(o.By)
		if o.With != nil {
			pr.ws(" with")
			for i, w := range o.With {
				if i > 0 {
					pr.ws(",")
				}
				pr.opParams([]*OpParam{w})
			}
		}
	case *ConsumeOp:
		pr.kw("consume", o.Params)
	case *PrintOp:
		pr.ws("print")
		if len(o.Cols) > 0 {
			pr.ws(" ")
			pr.exprList(o.Cols)
		}
	case *RangeOp:
		pr.ws("range ")
		pr.ident(o.Name)
		pr.ws(" from ")
		pr.expr(o.From)
		pr.ws(" to ")
		pr.expr(o.To)
		pr.ws(" step ")
		pr.expr(o.Step)
	case *GenericOp:
		pr.kw(o.Name, o.Params)
		if o.Text != "" {
			pr.ws(" ")
			pr.ws(o.Text)
		} else if len(o.Args) > 0 {
			pr.ws(" ")
			pr.exprList(o.Args)
		}
	default:
		pr.ws("<bad operator>")
	}
}

func (pr *printer) joinRight(e Expr) {
	if _, ok := e.(Operator); ok || precOf(e) < precPostfix {
		pr.ws("(")
		pr.expr(e)
		pr.ws(")")
		return
	}
	pr.expr(e)
}

func (pr *printer) topNested(o *TopNestedOp) {
	pr.ws("top-nested")
	for i, lv := range o.Levels {
		if i > 0 {
			pr.ws(", top-nested")
		}
		pr.ws(" ")
		if lv.Count != nil {
			pr.sub(lv.Count, precAdditive)
			pr.ws(" ")
		}
		pr.ws("of ")
		pr.expr(lv.Of)
		if lv.Others != nil {
			pr.ws(" with others = ")
			pr.expr(lv.Others)
		}
		pr.ws(" by ")
		pr.expr(lv.By)
		if lv.Order != "" {
			pr.ws(" ")
			pr.ws(lv.Order)
		}
	}
}

func (pr *printer) parseOp(o *ParseOp) {
	if o.Where {
		pr.kw("parse-where", o.Params)
	} else {
		pr.kw("parse", o.Params)
	}
	pr.ws(" ")
	pr.expr(o.Source)
	pr.ws(" with")
	for _, n := range o.Pattern {
		pr.ws(" ")
		switch n := n.(type) {
		case *ColumnDecl:
			pr.columnDecl(n, false)
		case Expr:
			pr.expr(n)
		}
	}
}

func (pr *printer) makeSeries(o *MakeSeriesOp) {
	pr.kw("make-series", o.Params)
	for i, a := range o.Aggs {
		if i > 0 {
			pr.ws(",")
		}
		pr.ws(" ")
		pr.expr(a.X)
		if a.Default != nil {
			pr.ws(" default = ")
			pr.expr(a.Default)
		}
	}
	pr.ws(" on ")
	pr.sub(o.On, precAdditive)
	if o.Range {
		pr.ws(" in range(")
		pr.expr(o.From)
		pr.ws(", ")
		pr.expr(o.To)
		pr.ws(", ")
		pr.expr(o.Step)
		pr.ws(")")
	} else {
		if o.From != nil {
			pr.ws(" from ")
			pr.expr(o.From)
		}
		if o.To != nil {
			pr.ws(" to ")
			pr.expr(o.To)
		}
		pr.ws(" step ")
		pr.expr(o.Step)
	}
	if len(o.By) > 0 {
		pr.ws(" by ")
		pr.exprList(o.By)
	}
}

func (pr *printer) findOp(o *FindOp) {
	pr.kw("find", o.Params)
	if o.Tables != nil {
		pr.ws(" in (")
		pr.exprList(o.Tables)
		pr.ws(")")
	}
	pr.ws(" where ")
	pr.expr(o.Pred)
	if o.ProjectSmart {
		pr.ws(" project-smart")
	} else if o.Project != nil {
		pr.ws(" project ")
		pr.exprList(o.Project)
	}
}

func (pr *printer) scanOp(o *ScanOp) {
	pr.kw("scan", o.Params)
	if o.OrderBy != nil {
		pr.ws(" order by ")
		pr.sortList(o.OrderBy)
	}
	if o.PartitionBy != nil {
		pr.ws(" partition by ")
		pr.exprList(o.PartitionBy)
	}
	if o.Declare != nil {
		pr.ws(" declare ")
		pr.params(o.Declare)
	}
	pr.ws(" with (")
	for _, st := range o.Steps {
		pr.ws(" step ")
		pr.ident(st.Name)
		if st.Optional {
			pr.ws(" optional")
		}
		if st.Output != "" {
			pr.ws(" output=")
			pr.ws(st.Output)
		}
		pr.ws(": ")
		pr.expr(st.Pred)
		if len(st.Assigns) > 0 {
			pr.ws(" => ")
			for i, a := range st.Assigns {
				if i > 0 {
					pr.ws(", ")
				}
				pr.expr(a)
			}
		}
		pr.ws(";")
	}
	pr.ws(" )")
}

// literal prints a literal from its typed value.
func (pr *printer) literal(l *Literal) {
	v := l.Value
	switch v.T {
	case types.Null:
		pr.ws("null")
		return
	case types.String:
		if l.Obfuscated {
			pr.ws("h")
		}
		pr.ws(quoteKQL(v.S))
		return
	case types.Dynamic:
		pr.ws("dynamic(")
		if v.IsNull() {
			pr.ws("null")
		} else {
			pr.dyn(v.D)
		}
		pr.ws(")")
		return
	}
	if v.IsNull() {
		pr.ws(v.T.String())
		pr.ws("(null)")
		return
	}
	switch v.T {
	case types.Bool:
		if v.Bool() {
			pr.ws("true")
		} else {
			pr.ws("false")
		}
	case types.Long:
		if v.I < 0 {
			pr.ws("long(" + strconv.FormatInt(v.I, 10) + ")")
		} else {
			pr.ws(strconv.FormatInt(v.I, 10))
		}
	case types.Int:
		pr.ws("int(" + strconv.FormatInt(v.I, 10) + ")")
	case types.Real:
		if f := v.F; math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || math.Signbit(f) {
			pr.ws("real(" + realText(f) + ")")
		} else {
			pr.ws(realText(f))
		}
	case types.Decimal:
		pr.ws("decimal(" + realText(v.F) + ")")
	case types.DateTime:
		pr.ws("datetime(" + types.FormatDateTime(v.I) + ")")
	case types.TimeSpan:
		pr.ws(timespanText(v.I))
	case types.GUID:
		pr.ws("guid(" + v.S + ")")
	default:
		pr.ws("<bad literal>")
	}
}

// realText renders a float so that it lexes as a real again.
func realText(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "+inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eEn") {
		s += ".0"
	}
	return s
}

var tsUnits = []struct {
	ticks  int64
	suffix string
}{
	{types.TicksPerDay, "d"}, {types.TicksPerHour, "h"}, {types.TicksPerMinute, "m"},
	{types.TicksPerSecond, "s"}, {types.TicksPerMillisecond, "ms"}, {types.TicksPerMicrosecond, "microsecond"},
	{1, "tick"},
}

// timespanText renders ticks as a timespan literal (largest exact unit).
func timespanText(t int64) string {
	if t < 0 {
		return "timespan(-" + timespanText(-t) + ")"
	}
	if t == 0 {
		return "0s"
	}
	for _, u := range tsUnits {
		if t%u.ticks == 0 {
			return strconv.FormatInt(t/u.ticks, 10) + u.suffix
		}
	}
	return strconv.FormatInt(t, 10) + "tick"
}

// dyn prints a dynamic payload as JSON with KQL literals.
func (pr *printer) dyn(d any) {
	switch d := d.(type) {
	case nil:
		pr.ws("null")
	case bool:
		if d {
			pr.ws("true")
		} else {
			pr.ws("false")
		}
	case int64:
		pr.ws(strconv.FormatInt(d, 10))
	case float64:
		if math.IsNaN(d) || math.IsInf(d, 0) {
			pr.ws("real(" + realText(d) + ")")
		} else {
			pr.ws(realText(d))
		}
	case string:
		pr.ws(quoteKQL(d))
	case []any:
		pr.ws("[")
		for i, x := range d {
			if i > 0 {
				pr.ws(", ")
			}
			pr.dyn(x)
		}
		pr.ws("]")
	case map[string]any:
		keys := make([]string, 0, len(d))
		for k := range d {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		pr.ws("{")
		for i, k := range keys {
			if i > 0 {
				pr.ws(", ")
			}
			pr.ws(quoteKQL(k))
			pr.ws(": ")
			pr.dyn(d[k])
		}
		pr.ws("}")
	default:
		pr.ws("null")
	}
}
