// Package syntax is the KQL front end: lexer, tokens, AST, parser, printer
// and diagnostics. It holds syntax only; binding names to tables, columns
// and functions happens later (kql/check for schema checks, the engine for
// planning).
//
// # Entry point
//
//	q, diags := syntax.Parse("hunt.kql", src)
//	if diags.HasErrors() { fmt.Print(diags.Format("hunt.kql", src)) }
//
// Parse never panics and always returns a *Query, with Bad* nodes where the
// source could not be parsed. Print(q) turns an AST back into canonical KQL.
//
// # Positions
//
// Every node has a Span (half-open byte offsets into Query.Src), returned by
// its nil-safe Span method; NoSpan marks nodes without a position.
// Diagnostics carry spans too and are rendered as `file:line:col: message`
// plus the source line and a caret.
//
// # Shapes
//
// A query is a list of statements: *LetStmt, *DeclareStmt, *SetStmt and
// *ExprStmt; the last *ExprStmt is the result.
//
// A pipeline `T | where x > 1 | project y` is one *PipeExpr with
// Source = *Ident{T} and Ops = [*WhereOp, *ProjectOp]. Pipelines are flat:
// `(T | where a) | take 1` is a PipeExpr whose Source is a *ParenExpr holding
// the inner PipeExpr. A bare table name without pipes is just an *Ident.
// Source operators (union, print, range, search, find, evaluate) implement
// both Operator and Expr: at the start of a pipeline they are the PipeExpr
// Source (`union A, B | count` -> Source *UnionOp, Ops [*CountOp]); alone they
// are the expression itself. datatable(...)[...] and externaldata(...)[...]
// are *DataTableExpr / *ExternalDataExpr expressions.
//
// Names: tables, columns, let names and functions are all *Ident (Quoted for
// ['bracketed names']). $left.Col and $right.Col are *MemberExpr over an
// *Ident named "$left"/"$right". Column name patterns with '*' are
// *WildcardExpr.
//
// let: `let x = 5;` -> *LetStmt{Name, Value: *Literal}; `let T = X | where a;`
// -> Value *PipeExpr; `let f = (a:string, n:long = 5) { ... };` -> Value
// *FunctionExpr{Params, Body}; `view () {...}` sets FunctionExpr.View.
// materialize(), toscalar(), table() and every other function call are
// *CallExpr (named arguments are *NamedExpr in Args).
//
// Operator parameters written `name=value` before the main arguments
// (kind=inner, hint.strategy=shuffle, isfuzzy=true, withsource=Src,
// bagexpansion=array, with_itemindex=i) are []*OpParam, in source order,
// with Name spelled as written ("hint.strategy"). JoinOp.Kind(),
// LookupOp.Kind() and UnionOp.Param(name) read them.
//
// join's right side is JoinOp.Right (usually a *ParenExpr around a tabular
// expression); JoinOp.On holds *Ident for `on Col` and *BinaryExpr(OpEq)
// of $left/$right members for `on $left.a == $right.b`.
//
// Projections (project, extend, summarize aggregates and keys, print,
// serialize) are []Expr where `Name = Expr` is a *NamedExpr and an unnamed
// item is the expression itself (the engine derives its column name).
//
// Sub-pipelines that work on an implicit input (mv-apply `on (...)`,
// partition `(...)`, fork branches, facet `with (...)`) are *PipeExpr with a
// nil Source.
//
// Literals carry their typed value (types.Value): strings unescaped,
// timespans and datetimes converted to 100 ns ticks, dynamic(...) parsed to
// a payload of nil/bool/int64/float64/string/[]any/map[string]any.
//
// # Grammar notes
//
// Operator precedence is Microsoft's (Kusto.Language), loosest first: or,
// and, equality (== != in !in in~ !in~ has_any has_all between), relational
// (< <= > >=), additive, multiplicative, string operators (=~ !~ has
// contains startswith endswith matches regex ...), unary +/-, then calls,
// members and indexes. Equality, relational and string operators do not
// chain (a == b == c is an error, as in Kusto), so string operators bind
// tighter than arithmetic: a + b has "x" is a + (b has "x").
//
// Like Microsoft's parser, Parse accepts `where a = b` as a == b, lets only
// toscalar, materialize and totable take a bare pipeline argument, and
// rejects keywords used as names (in, and, where, project, ...) unless they
// are bracketed (['in']).
//
// Parity with Microsoft's parser is tested on the corpus in
// ../shared/corpus/kql: every query it accepts parses without error and
// round-trips through Print, every query it rejects is rejected with the
// first error on the same line.
package syntax
