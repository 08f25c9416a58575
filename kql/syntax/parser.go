package syntax

import (
	"strings"

	"github.com/huntpack/huntpack/kql/types"
)

const (
	maxDepth  = 400 // nesting limit; deeper input is rejected, not a stack overflow
	maxErrors = 25  // stop parsing after this many errors
)

// bailout is the private panic used to abandon a hopeless parse; Parse
// recovers it and re-raises any other panic.
type bailout struct{}

type parser struct {
	src      string
	toks     []Token
	p        int // index of the current token
	prevEnd  int // end offset of the last consumed token
	diags    Diagnostics
	nerr     int
	lastOff  int  // start of the last reported error
	lastTok  int  // token index when the last error was reported
	parsing  bool // lexer diagnostics have been reported
	depth    int
	inSearch bool // `Col : "x"` predicates allowed
}

// Parse parses a whole KQL query text (statements separated by ';').
// file names the source in diagnostics. Parse never panics and always
// returns a non-nil *Query (possibly holding Bad* nodes) together with
// every diagnostic found; check Diagnostics.HasErrors or Err.
func Parse(file, src string) (q *Query, diags Diagnostics) {
	toks, lexDiags := Lex(src)
	p := &parser{src: src, toks: toks, lastOff: -1}
	q = &Query{Loc: Span{0, len(src)}, File: file, Src: src}
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(bailout); !ok {
				panic(r)
			}
		}
		p.diags.Sort()
		diags = p.diags
	}()
	for _, d := range lexDiags {
		p.report(d)
	}
	p.parsing = true
	p.lastTok = -2
	q.Stmts = p.parseStmts(TokEOF)
	return q, p.diags
}

// ---------------------------------------------------------------------------
// token helpers

func (p *parser) tok() Token               { return p.toks[p.p] }
func (p *parser) kind() TokenKind          { return p.toks[p.p].Kind }
func (p *parser) text(t Token) string      { return p.src[t.Start:t.End] }
func (p *parser) cur() string              { return p.text(p.toks[p.p]) }
func (p *parser) at(k TokenKind) bool      { return p.toks[p.p].Kind == k }
func (p *parser) start() int               { return p.toks[p.p].Start }
func (p *parser) spanFrom(s int) Span      { return Span{s, maxInt(s, p.prevEnd)} }
func (p *parser) peek(n int) Token         { return p.toks[minInt(p.p+n, len(p.toks)-1)] }
func (p *parser) peekKind(n int) TokenKind { return p.peek(n).Kind }

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

func minInt(a, b int) int {
	if a < b {
		return a
	}
	return b
}

// atWord reports whether the current token is the identifier w.
func (p *parser) atWord(w string) bool {
	t := p.toks[p.p]
	return t.Kind == TokIdent && t.End-t.Start == len(w) && p.src[t.Start:t.End] == w
}

// peekWord reports whether the token n ahead is the identifier w.
func (p *parser) peekWord(n int, w string) bool {
	t := p.peek(n)
	return t.Kind == TokIdent && p.src[t.Start:t.End] == w
}

func (p *parser) next() Token {
	t := p.toks[p.p]
	if t.Kind != TokEOF {
		p.p++
		p.prevEnd = t.End
	}
	return t
}

// got consumes the current token if it has kind k.
func (p *parser) got(k TokenKind) bool {
	if p.at(k) {
		p.next()
		return true
	}
	return false
}

// gotWord consumes the identifier w if it is current.
func (p *parser) gotWord(w string) bool {
	if p.atWord(w) {
		p.next()
		return true
	}
	return false
}

// describe names the current token for messages.
func (p *parser) describe() string {
	t := p.tok()
	switch t.Kind {
	case TokEOF:
		return "end of query"
	case TokIdent, TokInt, TokReal, TokTimespan:
		return "'" + p.text(t) + "'"
	case TokString, TokTypedRaw:
		text := p.text(t)
		if len(text) > 40 || strings.ContainsAny(text, "\n\r") {
			return "a string literal"
		}
		return text
	}
	return t.Kind.String()
}

func (p *parser) report(d Diagnostic) {
	if d.Severity == SevError {
		if p.nerr > 0 && (d.Span.Start <= p.lastOff || p.parsing && p.p <= p.lastTok+1) {
			return // a cascade of the previous error
		}
		p.lastOff = d.Span.Start
		p.lastTok = p.p
		p.nerr++
	}
	p.diags = append(p.diags, d)
	if p.nerr >= maxErrors {
		panic(bailout{})
	}
}

func (p *parser) errorAt(s Span, msg string) {
	p.report(Diagnostic{Span: s, Msg: msg, Severity: SevError})
}

// errorHere reports msg at the current token (a lexer error token was
// already reported, so it is not reported twice).
func (p *parser) errorHere(msg string) {
	if p.at(TokError) {
		return
	}
	p.errorAt(p.tok().Span(), msg)
}

// expected reports that what was expected but the current token was found.
// When the current token starts a later line, the error points just past the
// previous token (where the missing piece belongs), as Microsoft's parser does.
func (p *parser) expected(what string) {
	if p.at(TokError) {
		return
	}
	p.errorNear("expected " + what + ", found " + p.describe())
}

// errorNear reports msg at the current token, or just past the previous
// token when the current one starts a later line.
func (p *parser) errorNear(msg string) {
	t := p.tok()
	if p.p > 0 && strings.IndexByte(p.src[p.prevEnd:t.Start], '\n') >= 0 {
		p.errorAt(Span{p.prevEnd, p.prevEnd}, msg)
		return
	}
	p.errorAt(t.Span(), msg)
}

// expect consumes a token of kind k or reports an error.
func (p *parser) expect(k TokenKind) bool {
	if p.got(k) {
		return true
	}
	p.expected(k.String())
	return false
}

func (p *parser) expectWord(w string) bool {
	if p.gotWord(w) {
		return true
	}
	p.expected("'" + w + "'")
	return false
}

func (p *parser) enter() {
	p.depth++
	if p.depth > maxDepth {
		p.errorHere("query is nested too deeply")
		panic(bailout{})
	}
}

func (p *parser) leave() { p.depth-- }

// skipTo skips tokens until one of the stop kinds at nesting depth 0, or an
// unmatched closing bracket, or EOF.
func (p *parser) skipTo(stops ...TokenKind) {
	depth := 0
	for {
		k := p.kind()
		if k == TokEOF {
			return
		}
		if depth == 0 {
			for _, s := range stops {
				if k == s {
					return
				}
			}
		}
		switch k {
		case TokLParen, TokLBracket, TokLBrace:
			depth++
		case TokRParen, TokRBracket, TokRBrace:
			if depth == 0 {
				return
			}
			depth--
		}
		p.next()
	}
}

// ---------------------------------------------------------------------------
// statements

// parseStmts parses statements separated by ';' until end (EOF or '}').
func (p *parser) parseStmts(end TokenKind) []Stmt {
	var stmts []Stmt
	for {
		if p.got(TokSemi) && p.at(TokSemi) {
			p.errorHere("unexpected ';' (empty statement)")
			for p.got(TokSemi) {
			}
		}
		if p.at(end) || p.at(TokEOF) {
			return stmts
		}
		before := p.p
		s := p.parseStmt()
		stmts = append(stmts, s)
		if p.at(TokSemi) || p.at(end) || p.at(TokEOF) {
			continue
		}
		if canStartExpr(p.kind()) {
			p.expected("';' or end of query")
		} else {
			p.errorHere("unexpected " + p.describe())
		}
		p.skipTo(TokSemi)
		if p.p == before || (!p.at(TokSemi) && !p.at(end) && !p.at(TokEOF)) {
			p.next() // guarantee progress past a stray closer
		}
	}
}

// canStartExpr reports whether a token of kind k can begin an expression.
func canStartExpr(k TokenKind) bool {
	switch k {
	case TokIdent, TokInt, TokReal, TokTimespan, TokString, TokTypedRaw, TokLParen, TokLBracket,
		TokMinus, TokPlus, TokStar, TokError:
		return true
	}
	return false
}

func (p *parser) parseStmt() Stmt {
	s := p.start()
	if !canStartExpr(p.kind()) {
		before := p.p
		p.errorHere("unexpected " + p.describe())
		p.skipTo(TokSemi)
		if p.p == before && !p.at(TokSemi) && !p.at(TokEOF) {
			p.next()
		}
		return &BadStmt{Loc: p.spanFrom(s)}
	}
	switch {
	case p.atWord("let") && p.peekKind(1) != TokAssign && p.peekKind(1) != TokPipe:
		return p.parseLet()
	case p.atWord("declare") && (p.peekWord(1, "query_parameters") || p.peekWord(1, "pattern")):
		return p.parseDeclare()
	case p.atWord("set") && p.peekKind(1) == TokIdent && p.peekKind(2) != TokPipe:
		return p.parseSet()
	}
	e := p.parseExpr()
	return &ExprStmt{Loc: p.spanFrom(s), Expr: e}
}

func (p *parser) parseLet() Stmt {
	s := p.start()
	p.next() // let
	name := p.parseName()
	if !p.expect(TokAssign) {
		p.skipTo(TokSemi)
		return &LetStmt{Loc: p.spanFrom(s), Name: name, Value: &BadExpr{Loc: p.spanFrom(p.prevEnd)}}
	}
	var v Expr
	switch {
	case p.atWord("view") && p.peekKind(1) == TokLParen:
		vs := p.start()
		p.next()
		v = p.parseFunctionRest(vs, true)
	case p.at(TokLParen) && p.isLambdaStart():
		v = p.parseFunctionRest(p.start(), false)
	default:
		v = p.parseExpr()
	}
	return &LetStmt{Loc: p.spanFrom(s), Name: name, Value: v}
}

// isLambdaStart reports whether the '(' at the current token starts a
// lambda parameter list: `()` then '{', or `(name:`.
func (p *parser) isLambdaStart() bool {
	if p.peekKind(1) == TokRParen {
		return p.peekKind(2) == TokLBrace
	}
	if p.peekKind(1) == TokIdent && p.peekKind(2) == TokColon {
		return true
	}
	if p.peekKind(1) == TokLBracket && p.peekKind(2) == TokString && p.peekKind(3) == TokRBracket && p.peekKind(4) == TokColon {
		return true
	}
	return false
}

// parseFunctionRest parses `(params) { body }` at '('.
func (p *parser) parseFunctionRest(s int, view bool) Expr {
	fn := &FunctionExpr{View: view}
	fn.Params = p.parseParamList()
	if !p.expect(TokLBrace) {
		fn.Loc = p.spanFrom(s)
		return fn
	}
	p.enter()
	fn.Body = p.parseStmts(TokRBrace)
	p.leave()
	p.expect(TokRBrace)
	fn.Loc = p.spanFrom(s)
	return fn
}

// parseParamList parses `( [param {, param}] )`.
func (p *parser) parseParamList() []*Param {
	if !p.expect(TokLParen) {
		return nil
	}
	var ps []*Param
	for !p.at(TokRParen) && !p.at(TokEOF) {
		ps = append(ps, p.parseParam())
		if !p.got(TokComma) {
			break
		}
	}
	p.expect(TokRParen)
	return ps
}

func (p *parser) parseParam() *Param {
	s := p.start()
	prm := &Param{Name: p.parseName()}
	if p.expect(TokColon) {
		if p.at(TokLParen) {
			prm.Tabular = true
			prm.Columns, prm.Star = p.parseSchema(true)
		} else {
			prm.Type = p.parseTypeName()
		}
	}
	if p.got(TokAssign) {
		prm.Default = p.parseOr()
	}
	prm.Loc = p.spanFrom(s)
	return prm
}

// parseSchema parses `(col:type, ...)`, allowing `*` when star is set.
func (p *parser) parseSchema(star bool) (cols []*ColumnDecl, sawStar bool) {
	p.expect(TokLParen)
	for !p.at(TokRParen) && !p.at(TokEOF) {
		if star && p.at(TokStar) {
			p.next()
			sawStar = true
		} else {
			cols = append(cols, p.parseColumnDecl(true))
		}
		if !p.got(TokComma) {
			break
		}
	}
	p.expect(TokRParen)
	return cols, sawStar
}

// parseColumnDecl parses `name:type` (the type is optional unless needType).
func (p *parser) parseColumnDecl(needType bool) *ColumnDecl {
	s := p.start()
	cd := &ColumnDecl{Name: p.parseName(), Type: types.String}
	if needType || p.at(TokColon) {
		if p.expect(TokColon) {
			cd.Type = p.parseTypeName()
			cd.TypeGiven = true
		}
	}
	cd.Loc = p.spanFrom(s)
	return cd
}

// parseTypeName parses a scalar type name such as string or datetime.
func (p *parser) parseTypeName() types.Type {
	if !p.at(TokIdent) {
		p.expected("a type name")
		return types.Dynamic
	}
	t := p.next()
	ty, ok := types.ParseType(p.text(t))
	if !ok {
		p.errorAt(t.Span(), "unknown type "+quoteText(p.text(t)))
		return types.Dynamic
	}
	return ty
}

func (p *parser) parseDeclare() Stmt {
	s := p.start()
	p.next() // declare
	if p.gotWord("pattern") {
		p.errorAt(p.spanFrom(s), "declare pattern is not supported")
		p.skipTo(TokSemi)
		return &BadStmt{Loc: p.spanFrom(s)}
	}
	p.next() // query_parameters
	ps := p.parseParamList()
	return &DeclareStmt{Loc: p.spanFrom(s), Params: ps}
}

func (p *parser) parseSet() Stmt {
	s := p.start()
	p.next() // set
	st := &SetStmt{}
	ns := p.start()
	name := p.parseDottedName()
	st.Name = name
	if p.got(TokAssign) {
		st.Value = p.parseOr()
	}
	st.Loc = p.spanFrom(s)
	p.report(Diagnostic{Span: Span{ns, ns + len(name)}, Msg: "set option " + quoteText(name) + " is ignored", Severity: SevInfo})
	return st
}

// parseDottedName parses `a.b.c` (as used by hint.strategy and set options).
func (p *parser) parseDottedName() string {
	if !p.at(TokIdent) {
		p.expected("a name")
		return ""
	}
	s := p.start()
	p.next()
	for p.at(TokDot) && p.peekKind(1) == TokIdent {
		p.next()
		p.next()
	}
	return p.src[s:p.prevEnd]
}

// parseName parses an identifier or a bracketed name ['x'].
func (p *parser) parseName() *Ident {
	t := p.tok()
	switch {
	case t.Kind == TokIdent:
		p.next()
		return &Ident{Loc: t.Span(), Name: p.text(t)}
	case t.Kind == TokLBracket && p.peekKind(1) == TokString && p.peekKind(2) == TokRBracket:
		return p.parseBracketName()
	}
	p.expected("a name")
	return &Ident{Loc: Span{t.Start, t.Start}}
}

func (p *parser) parseBracketName() *Ident {
	s := p.start()
	p.next() // [
	st := p.next()
	v, _, _ := unquote(p.text(st))
	p.next() // ]
	return &Ident{Loc: p.spanFrom(s), Name: v, Quoted: true}
}

// atName reports whether a name (identifier or ['x']) starts here.
func (p *parser) atName() bool {
	return p.at(TokIdent) || p.at(TokLBracket) && p.peekKind(1) == TokString && p.peekKind(2) == TokRBracket
}
