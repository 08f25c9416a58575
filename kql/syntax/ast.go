package syntax

import "github.com/huntpack/huntpack/kql/types"

// Node is implemented by every AST node. Span is nil-safe: a nil node
// returns NoSpan.
type Node interface {
	Span() Span
}

// Expr is a scalar or tabular expression. Whether an expression is tabular
// is decided by the binder (e.g. an *Ident may name a table or a column).
type Expr interface {
	Node
	exprNode()
}

// Stmt is a top-level statement (or a statement inside a function body).
type Stmt interface {
	Node
	stmtNode()
}

// Operator is a tabular operator appearing after a pipe in a PipeExpr.
type Operator interface {
	Node
	opNode()
}

// ---------------------------------------------------------------------------
// Query and statements

// Query is a whole parsed query text: statements separated by ';'. The
// result of the query is the last *ExprStmt.
type Query struct {
	Loc   Span   // the whole source
	File  string // file name given to Parse (for messages)
	Src   string // the source text given to Parse
	Stmts []Stmt // statements in source order
}

// LetStmt is `let Name = Value`. Value is a scalar expression, a tabular
// expression, a *FunctionExpr (lambda or view), or a *MaterializeExpr-style
// call (a *CallExpr named "materialize").
type LetStmt struct {
	Loc   Span   // source span of the node
	Name  *Ident // the bound name
	Value Expr   // the bound value
}

// DeclareStmt is `declare query_parameters(name:type [= default], ...)`.
type DeclareStmt struct {
	Loc    Span     // source span of the node
	Params []*Param // the declared parameters
}

// SetStmt is `set name [= value]`. Set options are accepted and ignored
// (the parser reports an info diagnostic).
type SetStmt struct {
	Loc   Span   // source span of the node
	Name  string // option name, e.g. "query_now" or "notruncation"
	Value Expr   // option value; nil when the option has no value
}

// ExprStmt is a query expression statement (normally tabular).
type ExprStmt struct {
	Loc  Span // source span of the node
	Expr Expr // the expression
}

// BadStmt stands for a statement that could not be parsed.
type BadStmt struct {
	Loc Span // source span of the node
}

// ---------------------------------------------------------------------------
// Names, parameters, columns

// Ident is a name: table, column, function, let variable, $left/$right
// (Name "$left"/"$right"), or a bracketed name ['My Column'] (Quoted set,
// Name unescaped).
type Ident struct {
	Loc    Span   // source span of the node
	Name   string // the name without brackets or quotes
	Quoted bool   // written as ['...'] or ["..."]
}

// WildcardExpr is a name pattern containing '*', e.g. `union Security*`
// or `project-away Col*`.
type WildcardExpr struct {
	Loc     Span   // source span of the node
	Pattern string // the pattern text, '*' matches any run of characters
}

// ColumnDecl is `name:type` in datatable/externaldata schemas, parse-kv
// key lists, parse patterns, scan declarations and tabular parameter schemas.
type ColumnDecl struct {
	Loc  Span       // source span of the node
	Name *Ident     // the name
	Type types.Type // declared type; types.String when omitted in parse patterns
	// TypeGiven reports whether the type was written in the source.
	TypeGiven bool
}

// Param is one lambda or query parameter: `name:type [= default]`, or a
// tabular parameter `T:(col:type, ...)` / `T:(*)`.
type Param struct {
	Loc  Span       // source span of the node
	Name *Ident     // the name
	Type types.Type // scalar type (meaningless when Tabular)
	// Tabular is set for tabular parameters; Columns then holds the
	// required schema and Star reports `(*)` (any schema, or extra columns).
	Tabular bool
	Columns []*ColumnDecl // declared columns, in order
	Star    bool          // `*` was written
	Default Expr          // default value, or nil
}

// OpParam is an operator parameter written `name=value` before the
// operator's main arguments: kind=inner, hint.strategy=shuffle,
// isfuzzy=true, withsource=SourceTable, bagexpansion=array,
// with_itemindex=Idx, flags=... Name keeps its spelling (e.g.
// "hint.strategy"); Value is usually an *Ident or *Literal.
type OpParam struct {
	Loc   Span   // source span of the node
	Name  string // the name
	Value Expr   // the value
}

// ---------------------------------------------------------------------------
// Expressions

// Literal is a constant with its parsed, typed value:
//   - integers are types.Long (types.Int only for int(...));
//   - reals are types.Real (real(nan), real(+inf), real(-inf) included),
//     decimal(...) is types.Decimal;
//   - strings are unescaped (all quoting forms; adjacent literals concatenated);
//   - timespans are types.TimeSpan in ticks; datetime(...) is types.DateTime in ticks;
//   - guid(...) is types.GUID with S in canonical lower case;
//   - true/false are types.Bool; dynamic(...) is types.Dynamic with D set;
//   - typed nulls (long(null), datetime(null), dynamic(null)...) have Null set;
//     a bare `null` is types.Null.
type Literal struct {
	Loc   Span        // source span of the node
	Value types.Value // the value
	// Raw is the source text of the literal (informational; the printer
	// prints from Value).
	Raw string
	// Obfuscated is set for h'...'/H"..." strings (the printer keeps it).
	Obfuscated bool
}

// TypeofExpr is `typeof(type)`, e.g. in `mv-expand x to typeof(string)`.
// For a tabular schema `typeof(a:string, b:long)` Columns is set instead.
type TypeofExpr struct {
	Loc     Span          // source span of the node
	Type    types.Type    // scalar type
	Columns []*ColumnDecl // declared columns, in order
	// Star is set for `typeof(*)` (any schema, e.g. python plugin output),
	// alone or after Columns.
	Star bool
}

// Op is a binary or unary operator.
type Op uint8

// Operators. The Not* forms are the `!` variants; *Cs forms are the
// case-sensitive `_cs` variants.
const (
	OpInvalid Op = iota
	OpOr
	OpAnd
	OpEq   // ==
	OpNe   // !=
	OpEqCi // =~
	OpNeCi // !~
	OpLt
	OpLe
	OpGt
	OpGe
	OpAdd
	OpSub
	OpMul
	OpDiv
	OpMod
	OpNeg // unary -
	OpPos // unary +
	OpHas
	OpNotHas
	OpHasCs
	OpNotHasCs
	OpHasPrefix
	OpNotHasPrefix
	OpHasPrefixCs
	OpNotHasPrefixCs
	OpHasSuffix
	OpNotHasSuffix
	OpHasSuffixCs
	OpNotHasSuffixCs
	OpContains
	OpNotContains
	OpContainsCs
	OpNotContainsCs
	OpStartsWith
	OpNotStartsWith
	OpStartsWithCs
	OpNotStartsWithCs
	OpEndsWith
	OpNotEndsWith
	OpEndsWithCs
	OpNotEndsWithCs
	OpMatchesRegex
	OpIn         // in (InExpr)
	OpNotIn      // !in
	OpInCi       // in~
	OpNotInCi    // !in~
	OpHasAny     // has_any (InExpr)
	OpHasAll     // has_all (InExpr)
	OpColon      // search predicate `Col : "term"`
	OpLike       // legacy like
	OpNotLike    // legacy notlike
	OpLikeCs     // legacy likecs
	OpNotLikeCs  // legacy notlikecs
	OpBetween    // between (BetweenExpr only; never in BinaryExpr)
	OpNotBetween // !between (BetweenExpr only)
	opCount
)

var opText = [...]string{
	OpInvalid: "<invalid>", OpOr: "or", OpAnd: "and", OpEq: "==", OpNe: "!=", OpEqCi: "=~", OpNeCi: "!~",
	OpLt: "<", OpLe: "<=", OpGt: ">", OpGe: ">=", OpAdd: "+", OpSub: "-", OpMul: "*", OpDiv: "/", OpMod: "%",
	OpNeg: "-", OpPos: "+",
	OpHas: "has", OpNotHas: "!has", OpHasCs: "has_cs", OpNotHasCs: "!has_cs",
	OpHasPrefix: "hasprefix", OpNotHasPrefix: "!hasprefix", OpHasPrefixCs: "hasprefix_cs", OpNotHasPrefixCs: "!hasprefix_cs",
	OpHasSuffix: "hassuffix", OpNotHasSuffix: "!hassuffix", OpHasSuffixCs: "hassuffix_cs", OpNotHasSuffixCs: "!hassuffix_cs",
	OpContains: "contains", OpNotContains: "!contains", OpContainsCs: "contains_cs", OpNotContainsCs: "!contains_cs",
	OpStartsWith: "startswith", OpNotStartsWith: "!startswith", OpStartsWithCs: "startswith_cs", OpNotStartsWithCs: "!startswith_cs",
	OpEndsWith: "endswith", OpNotEndsWith: "!endswith", OpEndsWithCs: "endswith_cs", OpNotEndsWithCs: "!endswith_cs",
	OpMatchesRegex: "matches regex", OpIn: "in", OpNotIn: "!in", OpInCi: "in~", OpNotInCi: "!in~",
	OpHasAny: "has_any", OpHasAll: "has_all", OpColon: ":",
	OpLike: "like", OpNotLike: "notlike", OpLikeCs: "likecs", OpNotLikeCs: "notlikecs",
	OpBetween: "between", OpNotBetween: "!between",
}

// String returns the operator as written in KQL.
func (o Op) String() string {
	if int(o) < len(opText) && opText[o] != "" {
		return opText[o]
	}
	return "<invalid>"
}

// BinaryExpr is `X Op Y` for logical, comparison, arithmetic and string
// operators (not in/has_any/between, see InExpr and BetweenExpr).
type BinaryExpr struct {
	Loc   Span // source span of the node
	Op    Op   // the operator
	OpLoc Span // span of the operator token(s)
	X, Y  Expr // left and right operands
}

// UnaryExpr is `-X` or `+X`. (`not(x)` is a *CallExpr named "not".)
type UnaryExpr struct {
	Loc Span // source span of the node
	Op  Op   // OpNeg or OpPos
	X   Expr // operand
}

// InExpr is `X in (list)` and friends (in, !in, in~, !in~, has_any, has_all).
// List holds the elements written between the parentheses; a single
// element may be a tabular expression (first column used) or a dynamic array.
type InExpr struct {
	Loc   Span   // source span of the node
	Op    Op     // the operator
	OpLoc Span   // span of the operator token(s)
	X     Expr   // operand
	List  []Expr // elements between the parentheses
}

// BetweenExpr is `X between (Lo .. Hi)` or `X !between (Lo .. Hi)`.
type BetweenExpr struct {
	Loc    Span // source span of the node
	Not    bool // written !between
	X      Expr // operand
	Lo, Hi Expr // range bounds (inclusive)
}

// CallExpr is a function call `Name(args)`. Args may contain *NamedExpr
// (named arguments) and *StarExpr (e.g. arg_max(TimeGenerated, *)). Target is set for dotted calls such as
// `cluster('c').database('d')` (Target is the expression before the dot).
// Special forms are plain calls too: materialize(T), toscalar(T),
// table('name'), not(x), iff(...), pack_all(), ...
type CallExpr struct {
	Loc    Span   // source span of the node
	Target Expr   // receiver of a dotted call, usually nil
	Name   *Ident // function name
	Args   []Expr // arguments in order
}

// NamedExpr is `Name = Value` in project/extend/summarize/print/serialize
// lists, in named call arguments and in render/with property lists. A tuple
// target `(A, B) = f(...)` has several Names.
type NamedExpr struct {
	Loc   Span     // source span of the node
	Names []*Ident // at least one
	Value Expr     // the value
}

// MemberExpr is `X.Name`: dynamic property access, $left.Col / $right.Col,
// and qualified names such as database('d').T.
type MemberExpr struct {
	Loc  Span   // source span of the node
	X    Expr   // operand
	Name *Ident // the name
}

// IndexExpr is `X[Index]`: dynamic array or property access.
type IndexExpr struct {
	Loc   Span // source span of the node
	X     Expr // operand
	Index Expr // index or key
}

// ParenExpr is `(X)`.
type ParenExpr struct {
	Loc Span // source span of the node
	X   Expr // operand
}

// ListExpr is a comma-separated list of expressions where one value is
// expected, e.g. `ycolumns=a, b` in render properties or `(a, b)` in
// an operator parameter.
type ListExpr struct {
	Loc   Span   // source span of the node
	Elems []Expr // elements
}

// StarExpr is `*`: all columns (arg_max(x, *), distinct *, search *, where * has "x").
type StarExpr struct {
	Loc Span // source span of the node
}

// FunctionExpr is a lambda `(params) { body }` or a view
// `view (params) { body }`. Body holds the statements of the body; its last
// statement is the *ExprStmt giving the result.
type FunctionExpr struct {
	Loc    Span     // source span of the node
	View   bool     // written `view (...) {...}`
	Params []*Param // name=value parameters (kind=, hint.*=, ...) in source order
	Body   []Stmt   // statements of the body; the last *ExprStmt is the result
}

// PipeExpr is a tabular pipeline `Source | Op1 | Op2 ...`. The parser builds
// a PipeExpr only when there is at least one pipe or a source operator;
// a bare `T` is just an *Ident.
//
// Source is the input: usually an *Ident (table or let name), a *CallExpr
// (function, table(), materialize()), a *ParenExpr, *DataTableExpr,
// *ExternalDataExpr, or a source operator (*UnionOp, *PrintOp, *RangeOp,
// *SearchOp, *FindOp, *EvaluateOp) which implement Expr as well.
//
// Source is nil for sub-pipelines that operate on an implicit input:
// the bodies of mv-apply `on (...)`, partition `(...)`, fork branches and
// facet `with (...)`.
type PipeExpr struct {
	Loc    Span       // source span of the node
	Source Expr       // input expression
	Ops    []Operator // operators in pipe order
}

// DataTableExpr is `datatable(col:type, ...)[v1, v2, ...]`. Values are in
// row-major order; len(Values) should be a multiple of len(Columns).
type DataTableExpr struct {
	Loc     Span          // source span of the node
	Params  []*OpParam    // e.g. hints written before the schema (rare)
	Columns []*ColumnDecl // declared columns, in order
	Values  []Expr        // cell values, row-major
}

// ExternalDataExpr is
// `externaldata(col:type, ...) [uri, ...] [with (format="csv", ...)]`.
type ExternalDataExpr struct {
	Loc     Span          // source span of the node
	Params  []*OpParam    // kind=... before the schema
	Columns []*ColumnDecl // declared columns, in order
	URIs    []Expr        // storage URIs (string expressions)
	With    []*OpParam    // properties in `with (...)`
}

// BadExpr stands for an expression that could not be parsed.
type BadExpr struct {
	Loc Span // source span of the node
}

// ---------------------------------------------------------------------------
// Tabular operators

// SortExpr is one sort key: `X [asc|desc] [nulls first|nulls last]`.
// Order and Nulls keep what was written ("" when omitted): the engine
// applies the KQL defaults (desc; nulls last for desc, first for asc).
type SortExpr struct {
	Loc   Span   // source span of the node
	X     Expr   // operand
	Order string // "", "asc" or "desc"
	Nulls string // "", "first" or "last"
}

// WhereOp is `where Pred` (also written `filter`).
type WhereOp struct {
	Loc    Span       // source span of the node
	Params []*OpParam // name=value parameters (kind=, hint.*=, ...) in source order
	Pred   Expr       // predicate
}

// ProjectOp is `project Cols` (items are Expr or *NamedExpr).
type ProjectOp struct {
	Loc  Span   // source span of the node
	Cols []Expr // items in source order
}

// ProjectAwayOp is `project-away Cols` (*Ident or *WildcardExpr).
type ProjectAwayOp struct {
	Loc  Span   // source span of the node
	Cols []Expr // items in source order
}

// ProjectKeepOp is `project-keep Cols` (*Ident or *WildcardExpr).
type ProjectKeepOp struct {
	Loc  Span   // source span of the node
	Cols []Expr // items in source order
}

// ProjectRenameOp is `project-rename New = Old, ...`: each item is a
// *NamedExpr whose Value is the old column (an *Ident; other expressions
// are accepted by the parser, as Microsoft's parser does, and left to the binder).
type ProjectRenameOp struct {
	Loc     Span         // source span of the node
	Renames []*NamedExpr // New = Old items
}

// ProjectReorderOp is `project-reorder Col [asc|desc|granny-asc|granny-desc], ...`.
// Each item is a *SortExpr whose X is an *Ident or *WildcardExpr.
type ProjectReorderOp struct {
	Loc  Span        // source span of the node
	Cols []*SortExpr // items in source order
}

// ExtendOp is `extend Cols` (items are Expr or *NamedExpr).
type ExtendOp struct {
	Loc  Span   // source span of the node
	Cols []Expr // items in source order
}

// SummarizeOp is `summarize [params] Aggs [by Keys]`. Aggs and By items
// are Expr or *NamedExpr.
type SummarizeOp struct {
	Loc    Span       // source span of the node
	Params []*OpParam // hint.strategy, hint.shufflekey, hint.num_partitions
	Aggs   []Expr     // aggregates
	By     []Expr     // by-keys
}

// CountOp is `count` (optionally `count as Name`).
type CountOp struct {
	Loc Span   // source span of the node
	As  *Ident // result column name, or nil ("Count")
}

// DistinctOp is `distinct Cols` (or `distinct *`).
type DistinctOp struct {
	Loc    Span       // source span of the node
	Params []*OpParam // name=value parameters (kind=, hint.*=, ...) in source order
	Cols   []Expr     // items in source order
}

// TakeOp is `take N` (also written `limit N`).
type TakeOp struct {
	Loc   Span // source span of the node
	Count Expr // number of rows (an expression)
}

// TopOp is `top N by Key [asc|desc] [nulls ...]`.
type TopOp struct {
	Loc   Span        // source span of the node
	Count Expr        // number of rows (an expression)
	By    []*SortExpr // by-keys
}

// TopNestedLevel is one clause of top-nested:
// `[N] of Of [with others = Others] by Agg [asc|desc]`.
type TopNestedLevel struct {
	Loc    Span   // source span of the node
	Count  Expr   // nil when N is omitted (all values)
	Of     Expr   // Expr or *NamedExpr
	Others Expr   // `with others = ...` value, or nil
	By     Expr   // aggregate, Expr or *NamedExpr
	Order  string // "", "asc" or "desc"
}

// TopNestedOp is `top-nested` with its comma-separated levels.
type TopNestedOp struct {
	Loc    Span              // source span of the node
	Levels []*TopNestedLevel // levels, outermost first
}

// TopHittersOp is `top-hitters N of Col [by Expr]`.
type TopHittersOp struct {
	Loc   Span // source span of the node
	Count Expr // number of rows (an expression)
	Of    Expr // expression after `of`
	By    Expr // nil when omitted
}

// SortOp is `sort by Keys` (also written `order by`).
type SortOp struct {
	Loc    Span        // source span of the node
	Params []*OpParam  // name=value parameters (kind=, hint.*=, ...) in source order
	By     []*SortExpr // by-keys
}

// JoinOp is `join [kind=K] [hint.*=...] Right on Conds`. Right is usually a
// *ParenExpr around a tabular expression, or an *Ident. Each On item is an
// *Ident (same column on both sides) or a *BinaryExpr OpEq between
// $left.X and $right.Y members (or any predicate when Where is set).
type JoinOp struct {
	Loc    Span       // source span of the node
	Params []*OpParam // name=value parameters (kind=, hint.*=, ...) in source order
	Right  Expr       // right-hand tabular expression
	On     []Expr     // join conditions (see JoinOp)
	// Where is set when the condition was written `where Pred` instead of
	// `on ...` (then On holds that one predicate).
	Where bool
}

// paramIdent returns the identifier or string value of the named
// parameter, or "" when absent.
func paramIdent(params []*OpParam, name string) string {
	for _, p := range params {
		if p.Name == name {
			switch v := p.Value.(type) {
			case *Ident:
				return v.Name
			case *Literal:
				if v.Value.T == types.String {
					return v.Value.S
				}
				return v.Raw
			}
		}
	}
	return ""
}

// Kind returns the join kind as written (e.g. "inner"), or "" for the default.
func (j *JoinOp) Kind() string { return paramIdent(j.Params, "kind") }

// LookupOp is `lookup [kind=K] Right on Conds` (same On shapes as JoinOp).
type LookupOp struct {
	Loc    Span       // source span of the node
	Params []*OpParam // name=value parameters (kind=, hint.*=, ...) in source order
	Right  Expr       // right-hand tabular expression
	On     []Expr     // join conditions (see JoinOp)
}

// Kind returns the lookup kind as written, or "" for the default.
func (l *LookupOp) Kind() string { return paramIdent(l.Params, "kind") }

// UnionOp is `union [kind=..] [isfuzzy=..] [withsource=Name] Tables`.
// Tables holds *Ident, *WildcardExpr, *ParenExpr (subqueries), *CallExpr.
// As a pipeline operator the piped input is the first leg; as a source
// (PipeExpr.Source or a bare statement) only Tables are read.
type UnionOp struct {
	Loc    Span       // source span of the node
	Params []*OpParam // name=value parameters (kind=, hint.*=, ...) in source order
	Tables []Expr     // tables or subqueries read
}

// Param returns the value of the named parameter (as an identifier text),
// or "" when absent.
func (u *UnionOp) Param(name string) string { return paramIdent(u.Params, name) }

// MvExpandItem is one expanded column: `[Name =] Expr [to typeof(T)]`.
type MvExpandItem struct {
	Loc     Span       // source span of the node
	X       Expr       // Expr or *NamedExpr
	To      types.Type // target type when ToGiven
	ToGiven bool       // `to typeof(...)` was written
}

// MvExpandOp is `mv-expand [params] Items [limit N]` (also `mvexpand`).
// Params: bagexpansion=bag|array, with_itemindex=Name, kind=...
type MvExpandOp struct {
	Loc    Span            // source span of the node
	Params []*OpParam      // name=value parameters (kind=, hint.*=, ...) in source order
	Items  []*MvExpandItem // expanded columns
	Limit  Expr            // `limit N` value, or nil
}

// MvApplyOp is `mv-apply [params] Items [limit N] on (SubQuery)`. Sub has
// a nil Source: it runs over the expanded rows of each input row.
type MvApplyOp struct {
	Loc    Span            // source span of the node
	Params []*OpParam      // name=value parameters (kind=, hint.*=, ...) in source order
	Items  []*MvExpandItem // expanded columns
	Limit  Expr            // `limit N` value, or nil
	Sub    *PipeExpr       // sub-pipeline with a nil Source
}

// ParseOp is `parse [kind=..] [flags=..] Source with Pattern` and, when
// Where is set, `parse-where` (rows that do not match are dropped).
// Pattern items are *Literal strings, *StarExpr (`*`) and *ColumnDecl
// (column to extract, optional type).
type ParseOp struct {
	Loc     Span       // source span of the node
	Where   bool       // see the type comment
	Params  []*OpParam // name=value parameters (kind=, hint.*=, ...) in source order
	Source  Expr       // input expression
	Pattern []Node     // *Literal, *StarExpr and *ColumnDecl in order
}

// ParseKvOp is `parse-kv Source as (Keys) [with (props)]`.
type ParseKvOp struct {
	Loc    Span          // source span of the node
	Source Expr          // input expression
	Keys   []*ColumnDecl // keys to extract with their types
	With   []*OpParam    // pair_delimiter, kv_delimiter, quote, escape, greedy
}

// MakeSeriesAgg is one `[Name =] Agg [default = D]` of make-series.
type MakeSeriesAgg struct {
	Loc     Span // source span of the node
	X       Expr // Expr or *NamedExpr
	Default Expr // or nil
}

// MakeSeriesOp is
// `make-series [params] Aggs on Axis [from F] [to T] step S [by Keys]`
// or the `on Axis in range(F, T, S)` form (Range set).
type MakeSeriesOp struct {
	Loc    Span             // source span of the node
	Params []*OpParam       // name=value parameters (kind=, hint.*=, ...) in source order
	Aggs   []*MakeSeriesAgg // aggregates
	On     Expr             // join conditions (see JoinOp)
	From   Expr             // may be nil
	To     Expr             // may be nil
	Step   Expr             // step size
	Range  bool             // written `in range(From, To, Step)`
	By     []Expr           // by-keys
}

// EvaluateOp is `evaluate [params] Plugin(args)`.
type EvaluateOp struct {
	Loc    Span       // source span of the node
	Params []*OpParam // name=value parameters (kind=, hint.*=, ...) in source order
	Call   *CallExpr  // the called function
	// Schema is the optional output schema `: (col:type, ...)`.
	Schema []*ColumnDecl
	// SchemaStar is set when the output schema starts with `*` (keep the
	// input columns): `: (*, col:type, ...)`.
	SchemaStar bool
}

// RenderOp is `render Chart [with (props)]`; legacy `render c kind=k`
// properties go into With too.
type RenderOp struct {
	Loc   Span       // source span of the node
	Chart string     // chart kind (timechart, table, ...)
	With  []*OpParam // `with (...)` properties
}

// SerializeOp is `serialize [Cols]`.
type SerializeOp struct {
	Loc  Span   // source span of the node
	Cols []Expr // items in source order
}

// AsOp is `as [hint.materialized=true] Name`.
type AsOp struct {
	Loc    Span       // source span of the node
	Params []*OpParam // name=value parameters (kind=, hint.*=, ...) in source order
	Name   *Ident     // the name
}

// InvokeOp is `invoke Func(args)`: calls a tabular function with the
// piped input as its first argument.
type InvokeOp struct {
	Loc  Span      // source span of the node
	Call *CallExpr // the called function
}

// SampleOp is `sample N`.
type SampleOp struct {
	Loc    Span       // source span of the node
	Params []*OpParam // name=value parameters (kind=, hint.*=, ...) in source order
	Count  Expr       // number of rows (an expression)
}

// SampleDistinctOp is `sample-distinct N of Col`.
type SampleDistinctOp struct {
	Loc    Span       // source span of the node
	Params []*OpParam // name=value parameters (kind=, hint.*=, ...) in source order
	Count  Expr       // number of rows (an expression)
	Of     Expr       // expression after `of`
}

// GetSchemaOp is `getschema`.
type GetSchemaOp struct {
	Loc Span // source span of the node
}

// SearchOp is `search [kind=..] [in (Tables)] Pred`.
type SearchOp struct {
	Loc    Span       // source span of the node
	Params []*OpParam // name=value parameters (kind=, hint.*=, ...) in source order
	Tables []Expr     // nil when no `in (...)`
	Pred   Expr       // predicate
}

// FindOp is
// `find [params] [in (Tables)] where Pred [project Cols | project-smart]`.
type FindOp struct {
	Loc     Span       // source span of the node
	Params  []*OpParam // name=value parameters (kind=, hint.*=, ...) in source order
	Tables  []Expr     // tables or subqueries read
	Pred    Expr       // predicate
	Project []Expr     // nil when no project clause
	// ProjectSmart is set for `project-smart`.
	ProjectSmart bool
}

// ForkBranch is one `[Name =] (SubQuery)` of fork; Query.Source is nil.
type ForkBranch struct {
	Loc   Span      // source span of the node
	Name  *Ident    // or nil
	Query *PipeExpr // the branch pipeline (Source nil)
}

// ForkOp is `fork (q1) (q2) ...`.
type ForkOp struct {
	Loc      Span          // source span of the node
	Branches []*ForkBranch // branches in order
}

// FacetOp is `facet by Cols [with (SubQuery)]`.
type FacetOp struct {
	Loc  Span      // source span of the node
	By   []Expr    // by-keys
	With *PipeExpr // Source nil; nil when omitted
}

// ScanStep is `step Name [optional] [output=all|last|none] : Pred [=> Assigns];`.
type ScanStep struct {
	Loc      Span         // source span of the node
	Name     *Ident       // the name
	Optional bool         // step is optional
	Output   string       // `output=all|last|none`; "" when not written
	Pred     Expr         // predicate
	Assigns  []*NamedExpr // `=> Col = Expr` assignments
}

// ScanOp is
// `scan [with_match_id=Id] [order by ...] [partition by ...] [declare (cols)] with (steps)`.
type ScanOp struct {
	Loc         Span        // source span of the node
	Params      []*OpParam  // name=value parameters (kind=, hint.*=, ...) in source order
	OrderBy     []*SortExpr // `order by` keys
	PartitionBy []Expr      // `partition by` keys
	Declare     []*Param    // `declare (...)` state columns
	Steps       []*ScanStep // scan steps in order
}

// PartitionOp is `partition [params] by Col (SubQuery)` (Sub.Source nil) or
// the legacy `partition by Col { TabularExpr }` (Braces set; Sub.Source set).
type PartitionOp struct {
	Loc    Span       // source span of the node
	Params []*OpParam // name=value parameters (kind=, hint.*=, ...) in source order
	By     Expr       // by-keys
	Sub    *PipeExpr  // sub-pipeline with a nil Source
	Braces bool       // legacy `{ ... }` body
	// SubExpr holds the body when it is not a pipeline (e.g. `{ T }`).
	SubExpr Expr
}

// ReduceOp is `reduce [kind=..] by Col [with props]`.
type ReduceOp struct {
	Loc    Span       // source span of the node
	Params []*OpParam // name=value parameters (kind=, hint.*=, ...) in source order
	By     Expr       // by-keys
	With   []*OpParam // `with (...)` properties
}

// ConsumeOp is `consume`.
type ConsumeOp struct {
	Loc    Span       // source span of the node
	Params []*OpParam // name=value parameters (kind=, hint.*=, ...) in source order
}

// PrintOp is `print [Name =] Expr, ...` (a source operator).
type PrintOp struct {
	Loc  Span   // source span of the node
	Cols []Expr // items in source order
}

// RangeOp is `range Name from F to T step S` (a source operator).
type RangeOp struct {
	Loc  Span   // source span of the node
	Name *Ident // the name
	From Expr   // start, or nil
	To   Expr   // upper bound, or nil
	Step Expr   // step size
}

// GenericOp is an operator the parser knows by name only (graph
// operators, macro-expand, ...): Name is its keyword and Text the raw rest
// of the operator (Args is unused by the parser and kept for builders).
type GenericOp struct {
	Loc    Span       // source span of the node
	Name   string     // the name
	Params []*OpParam // name=value parameters (kind=, hint.*=, ...) in source order
	Args   []Expr     // arguments in order
	// Text is the source text after the operator name, kept verbatim so
	// the printer can reproduce operators it does not model.
	Text string
}

// BadOp stands for an operator that could not be parsed.
type BadOp struct {
	Loc Span // source span of the node
}
