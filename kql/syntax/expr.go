package syntax

import (
	"math"
	"strconv"
	"strings"

	"github.com/huntpack/huntpack/kql/types"
)

// parseExpr parses a full expression including pipes (`T | where ...`)
// and source operators (union, print, range, search, find, evaluate).
func (p *parser) parseExpr() Expr {
	p.enter()
	defer p.leave()
	s := p.start()
	src := p.parseSourceOp()
	if src == nil {
		src = p.parseOr()
	}
	if !p.at(TokPipe) {
		return src
	}
	pe := &PipeExpr{Source: src}
	p.parsePipeOps(pe)
	pe.Loc = p.spanFrom(s)
	return pe
}

// parsePipeOps parses `| op` repeatedly.
func (p *parser) parsePipeOps(pe *PipeExpr) {
	for p.got(TokPipe) {
		pe.Ops = append(pe.Ops, p.parseOperatorOrSkip())
	}
}

// parseSourceOp parses a source operator at the start of an expression,
// or returns nil when none starts here.
func (p *parser) parseSourceOp() Expr {
	if !p.at(TokIdent) {
		return nil
	}
	k1 := p.peekKind(1)
	switch p.cur() {
	case "union":
		if k1 != TokAssign && k1 != TokDot && k1 != TokPipe && k1 != TokSemi && k1 != TokEOF && k1 != TokRParen {
			return p.parseUnion()
		}
	case "print":
		return p.parsePrint()
	case "range":
		if k1 == TokIdent && p.peekWord(2, "from") {
			return p.parseRange()
		}
	case "search":
		if k1 != TokAssign && k1 != TokDot && k1 != TokPipe && k1 != TokLParen && k1 != TokSemi && k1 != TokEOF {
			return p.parseSearch()
		}
	case "find":
		if k1 != TokAssign && k1 != TokDot && k1 != TokPipe && k1 != TokLParen && k1 != TokSemi && k1 != TokEOF {
			return p.parseFind()
		}
	case "evaluate":
		if k1 == TokIdent {
			return p.parseEvaluate()
		}
	}
	return nil
}

func (p *parser) parseOr() Expr {
	p.enter()
	defer p.leave()
	s := p.start()
	return p.orRest(s, p.parseAnd())
}

// orRest continues an `or` chain whose first operand x started at s.
func (p *parser) orRest(s int, x Expr) Expr {
	for p.atWord("or") {
		ot := p.next()
		y := p.parseAnd()
		x = &BinaryExpr{Loc: p.spanFrom(s), Op: OpOr, OpLoc: ot.Span(), X: x, Y: y}
	}
	return x
}

func (p *parser) parseAnd() Expr {
	s := p.start()
	return p.andRest(s, p.parseEquality())
}

// andRest continues an `and` chain whose first operand x started at s.
func (p *parser) andRest(s int, x Expr) Expr {
	for p.atWord("and") {
		ot := p.next()
		y := p.parseEquality()
		x = &BinaryExpr{Loc: p.spanFrom(s), Op: OpAnd, OpLoc: ot.Span(), X: x, Y: y}
	}
	return x
}

// Operator precedence follows Microsoft's parser (Kusto.Language
// QueryGrammar), from loosest to tightest:
//
//	or  >  and  >  equality (== != <> in !in in~ !in~ has_any has_all between !between)
//	    >  relational (< <= > >=)  >  additive (+ -)  >  multiplicative (* / %)
//	    >  string operators (=~ !~ has contains startswith endswith matches regex ...)
//	    >  unary (+ -)  >  call, member, index
//
// or, and, additive and multiplicative chain left to right; equality,
// relational and string operators take one operator per level (a == b == c
// is an error, as in Kusto).

var equalityWords = map[string]Op{
	"in": OpIn, "!in": OpNotIn, "in~": OpInCi, "!in~": OpNotInCi, "has_any": OpHasAny, "has_all": OpHasAll,
	"between": OpBetween, "!between": OpNotBetween, "notbetween": OpNotBetween, "notin": OpNotIn,
}

var stringWords = map[string]Op{
	"has": OpHas, "!has": OpNotHas, "has_cs": OpHasCs, "!has_cs": OpNotHasCs,
	"hasprefix": OpHasPrefix, "!hasprefix": OpNotHasPrefix, "hasprefix_cs": OpHasPrefixCs, "!hasprefix_cs": OpNotHasPrefixCs,
	"hassuffix": OpHasSuffix, "!hassuffix": OpNotHasSuffix, "hassuffix_cs": OpHasSuffixCs, "!hassuffix_cs": OpNotHasSuffixCs,
	"contains": OpContains, "!contains": OpNotContains, "contains_cs": OpContainsCs, "!contains_cs": OpNotContainsCs,
	"startswith": OpStartsWith, "!startswith": OpNotStartsWith, "startswith_cs": OpStartsWithCs, "!startswith_cs": OpNotStartsWithCs,
	"endswith": OpEndsWith, "!endswith": OpNotEndsWith, "endswith_cs": OpEndsWithCs, "!endswith_cs": OpNotEndsWithCs,
	"like": OpLike, "notlike": OpNotLike, "likecs": OpLikeCs, "notlikecs": OpNotLikeCs,
	"matches": OpMatchesRegex,
	// legacy spellings still accepted by Kusto
	"containscs": OpContainsCs, "notcontains": OpNotContains, "notcontainscs": OpNotContainsCs,
	"!containscs": OpNotContainsCs, "nothas": OpNotHas, "hascs": OpHasCs, "nothascs": OpNotHasCs,
	"startswithcs": OpStartsWithCs, "endswithcs": OpEndsWithCs, "notstartswith": OpNotStartsWith,
	"notendswith": OpNotEndsWith,
}

// equalityOp returns the equality-level operator at the current token.
func (p *parser) equalityOp() Op {
	t := p.tok()
	switch t.Kind {
	case TokEq:
		return OpEq
	case TokNe:
		return OpNe
	case TokIdent:
		return equalityWords[p.text(t)]
	}
	return OpInvalid
}

func (p *parser) relationalOp() Op {
	switch p.kind() {
	case TokLt:
		return OpLt
	case TokLe:
		return OpLe
	case TokGt:
		return OpGt
	case TokGe:
		return OpGe
	}
	return OpInvalid
}

// stringOp returns the string operator at the current token and how many
// tokens it spans (matches regex is two).
func (p *parser) stringOp() (Op, int) {
	t := p.tok()
	switch t.Kind {
	case TokEqTilde:
		return OpEqCi, 1
	case TokNeTilde:
		return OpNeCi, 1
	case TokColon:
		if p.inSearch {
			return OpColon, 1
		}
	case TokIdent:
		op := stringWords[p.text(t)]
		if op == OpMatchesRegex {
			if p.peekWord(1, "regex") {
				return op, 2
			}
			return OpInvalid, 0
		}
		if op != OpInvalid {
			return op, 1
		}
	}
	return OpInvalid, 0
}

func (p *parser) parseEquality() Expr {
	s := p.start()
	return p.equalityRest(s, p.parseRelational())
}

// equalityRest applies at most one equality-level operator to x.
func (p *parser) equalityRest(s int, x Expr) Expr {
	op := p.equalityOp()
	if op == OpInvalid {
		return x
	}
	ot := p.next()
	switch op {
	case OpIn, OpNotIn, OpInCi, OpNotInCi, OpHasAny, OpHasAll:
		list := p.parseInList()
		return &InExpr{Loc: p.spanFrom(s), Op: op, OpLoc: ot.Span(), X: x, List: list}
	case OpBetween, OpNotBetween:
		return p.parseBetweenRest(s, x, op == OpNotBetween)
	}
	y := p.parseRelational()
	return &BinaryExpr{Loc: p.spanFrom(s), Op: op, OpLoc: ot.Span(), X: x, Y: y}
}

func (p *parser) parseRelational() Expr {
	s := p.start()
	x := p.parseAdd()
	op := p.relationalOp()
	if op == OpInvalid {
		return x
	}
	ot := p.next()
	y := p.parseAdd()
	return &BinaryExpr{Loc: p.spanFrom(s), Op: op, OpLoc: ot.Span(), X: x, Y: y}
}

// parseInList parses the right side of in/has_any: `(a, b, ...)` or a
// single operand.
func (p *parser) parseInList() []Expr {
	if !p.at(TokLParen) {
		p.expected("'('")
		return []Expr{p.parseUnary()}
	}
	p.next()
	// A tabular operand (T | project x) may only stand alone.
	list := []Expr{p.parseExpr()}
	for p.got(TokComma) {
		list = append(list, p.parseOr())
	}
	p.expect(TokRParen)
	return list
}

func (p *parser) parseBetweenRest(s int, x Expr, not bool) Expr {
	b := &BetweenExpr{Not: not, X: x}
	if p.expect(TokLParen) {
		b.Lo = p.parseAdd()
		if p.expect(TokDotDot) {
			b.Hi = p.parseAdd()
		} else {
			b.Hi = &BadExpr{Loc: p.spanFrom(p.prevEnd)}
		}
		p.expect(TokRParen)
	} else {
		b.Lo = &BadExpr{Loc: p.spanFrom(p.prevEnd)}
		b.Hi = b.Lo
	}
	b.Loc = p.spanFrom(s)
	return b
}

func (p *parser) parseAdd() Expr {
	s := p.start()
	x := p.parseMul()
	for {
		var op Op
		switch p.kind() {
		case TokPlus:
			op = OpAdd
		case TokMinus:
			op = OpSub
		default:
			return x
		}
		ot := p.next()
		y := p.parseMul()
		x = &BinaryExpr{Loc: p.spanFrom(s), Op: op, OpLoc: ot.Span(), X: x, Y: y}
	}
}

func (p *parser) parseMul() Expr {
	s := p.start()
	x := p.parseStringOp()
	for {
		var op Op
		switch p.kind() {
		case TokStar:
			op = OpMul
		case TokSlash:
			op = OpDiv
		case TokPercent:
			op = OpMod
		default:
			return x
		}
		ot := p.next()
		y := p.parseStringOp()
		x = &BinaryExpr{Loc: p.spanFrom(s), Op: op, OpLoc: ot.Span(), X: x, Y: y}
	}
}

// parseStringOp parses `X [string-operator Y]`.
func (p *parser) parseStringOp() Expr {
	s := p.start()
	x := p.parseUnary()
	op, n := p.stringOp()
	if op == OpInvalid {
		return x
	}
	os := p.start()
	for i := 0; i < n; i++ {
		p.next()
	}
	opLoc := p.spanFrom(os)
	y := p.parseUnary()
	return &BinaryExpr{Loc: p.spanFrom(s), Op: op, OpLoc: opLoc, X: x, Y: y}
}

func (p *parser) parseUnary() Expr {
	s := p.start()
	switch p.kind() {
	case TokMinus, TokPlus:
		op := OpNeg
		if p.kind() == TokPlus {
			op = OpPos
		}
		p.next()
		p.enter()
		x := p.parseUnary()
		p.leave()
		return &UnaryExpr{Loc: p.spanFrom(s), Op: op, X: x}
	}
	return p.parsePostfix()
}

func (p *parser) parsePostfix() Expr {
	s := p.start()
	x := p.parsePrimary()
	for {
		switch {
		case p.at(TokDot) && (p.peekKind(1) == TokIdent || p.peekKind(1) == TokLBracket && p.peekKind(2) == TokString):
			p.next()
			name := p.parseName()
			if p.at(TokLParen) && !name.Quoted {
				args := p.parseArgs(false)
				x = &CallExpr{Loc: p.spanFrom(s), Target: x, Name: name, Args: args}
				continue
			}
			x = &MemberExpr{Loc: p.spanFrom(s), X: x, Name: name}
		case p.at(TokLBracket) || p.at(TokDot) && p.peekKind(1) == TokLBracket:
			if p.at(TokDot) {
				p.next()
			}
			p.next()
			idx := p.parseExpr()
			p.expect(TokRBracket)
			x = &IndexExpr{Loc: p.spanFrom(s), X: x, Index: idx}
		default:
			return x
		}
	}
}

// parseArgs parses `( [arg {, arg}] )`; args may be named (`name = v`) or
// `*`. Only toscalar, materialize and totable take a bare pipeline.
func (p *parser) parseArgs(pipes bool) []Expr {
	p.expect(TokLParen)
	var args []Expr
	if p.at(TokRParen) {
		p.next()
		return nil
	}
	for {
		args = append(args, p.parseArg(pipes))
		if !p.got(TokComma) {
			break
		}
	}
	p.expect(TokRParen)
	return args
}

func (p *parser) parseArg(pipes bool) Expr {
	if p.at(TokIdent) && p.peekKind(1) == TokAssign {
		s := p.start()
		name := p.parseName()
		p.next()
		v := p.parseOr()
		return &NamedExpr{Loc: p.spanFrom(s), Names: []*Ident{name}, Value: v}
	}
	if p.at(TokStar) && (p.peekKind(1) == TokComma || p.peekKind(1) == TokRParen) {
		t := p.next()
		return &StarExpr{Loc: t.Span()}
	}
	if pipes {
		return p.parseExpr()
	}
	return p.parseOr()
}

func (p *parser) parsePrimary() Expr {
	t := p.tok()
	switch t.Kind {
	case TokInt:
		p.next()
		v, ok := parseIntLit(p.text(t))
		if !ok {
			p.errorAt(t.Span(), "integer literal "+quoteText(p.text(t))+" is out of range")
		}
		return &Literal{Loc: t.Span(), Value: types.LongValue(v), Raw: p.text(t)}
	case TokReal:
		p.next()
		f, err := strconv.ParseFloat(p.text(t), 64)
		if err != nil && !strings.Contains(err.Error(), "range") {
			p.errorAt(t.Span(), "invalid real literal "+quoteText(p.text(t)))
		}
		return &Literal{Loc: t.Span(), Value: types.RealValue(f), Raw: p.text(t)}
	case TokTimespan:
		p.next()
		v, ok := parseTimespanLit(p.text(t))
		if !ok {
			p.errorAt(t.Span(), "invalid timespan literal "+quoteText(p.text(t)))
		}
		return &Literal{Loc: t.Span(), Value: types.TimeSpanValue(v), Raw: p.text(t)}
	case TokString:
		return p.parseStringLit()
	case TokTypedRaw:
		p.next()
		return p.typedRawLiteral(t)
	case TokIdent:
		return p.parseIdentPrimary()
	case TokLBracket:
		if p.peekKind(1) == TokString && p.peekKind(2) == TokRBracket {
			return p.parseBracketName()
		}
	case TokLParen:
		return p.parseParen()
	case TokStar:
		p.next()
		return &StarExpr{Loc: t.Span()}
	case TokError:
		p.next()
		return &BadExpr{Loc: t.Span()}
	}
	p.expected("an expression")
	return &BadExpr{Loc: Span{t.Start, t.Start}}
}

func (p *parser) parseParen() Expr {
	s := p.start()
	p.next()
	p.enter()
	defer p.leave()
	x := p.parseExpr()
	p.expect(TokRParen)
	return &ParenExpr{Loc: p.spanFrom(s), X: x}
}

// parseStringLit parses one or more adjacent string literals (concatenated).
func (p *parser) parseStringLit() Expr {
	s := p.start()
	var val string
	obf := false
	n := 0
	for p.at(TokString) {
		t := p.next()
		v, o, msg := unquote(p.text(t))
		if msg != "" {
			p.errorAt(t.Span(), msg)
		}
		obf = obf || o
		if n == 0 {
			val = v
		} else {
			val += v
		}
		n++
	}
	loc := p.spanFrom(s)
	return &Literal{Loc: loc, Value: types.StringValue(val), Raw: loc.Text(p.src), Obfuscated: obf}
}

// reservedWords cannot be used as names without brackets (checked with
// Microsoft's parser: `print in` is an error, `print count` is not).
var reservedWords = map[string]bool{
	"project": true, "print": true, "union": true, "search": true, "find": true, "invoke": true,
	"sample": true, "set": true, "title": true, "bagexpansion": true, "with_itemindex": true,
	"materialize": true, "toscalar": true, "datatable": true, "externaldata": true, "dynamic": true,
}

// reservedOperators are keywords that are never names, even before '('.
var reservedOperators = map[string]bool{
	"and": true, "or": true, "in": true, "in~": true, "!in": true, "!in~": true, "has": true,
	"has_any": true, "has_all": true, "between": true, "contains": true, "startswith": true,
	"like": true, "by": true, "of": true, "to": true, "where": true, "as": true, "asc": true,
	"desc": true, "first": true, "last": true,
}

func (p *parser) parseIdentPrimary() Expr {
	t := p.tok()
	word := p.text(t)
	next := p.peekKind(1)
	switch word {
	case "true", "false", "True", "False", "TRUE", "FALSE":
		p.next()
		return &Literal{Loc: t.Span(), Value: types.BoolValue(word[0] == 't' || word[0] == 'T'), Raw: word}
	case "null":
		p.next()
		return &Literal{Loc: t.Span(), Value: types.Value{T: types.Null, Null: true}, Raw: word}
	case "dynamic":
		if next == TokLParen {
			return p.parseDynamicLit()
		}
	case "typeof":
		if next == TokLParen {
			return p.parseTypeof()
		}
	case "datatable":
		if next == TokLParen || next == TokIdent {
			return p.parseDataTable()
		}
	case "externaldata":
		if next == TokLParen || next == TokIdent {
			return p.parseExternalData()
		}
	case "bool", "boolean", "int", "long", "real", "double", "decimal", "int64", "int32", "float":
		if next == TokLParen {
			return p.parseTypedLit()
		}
	}
	id := &Ident{Loc: t.Span(), Name: word}
	if reservedOperators[word] || next != TokLParen && reservedWords[word] {
		p.errorNear(quoteText(word) + " is a keyword; write ['" + word + "'] to use it as a name")
	}
	p.next()
	if next == TokLParen {
		args := p.parseArgs(word == "toscalar" || word == "materialize" || word == "totable")
		return &CallExpr{Loc: p.spanFrom(t.Start), Name: id, Args: args}
	}
	return id
}

// parseTypedLit parses int(5), long(null), real(nan), real(+inf), bool(true), decimal(1.5).
func (p *parser) parseTypedLit() Expr {
	s := p.start()
	tt := p.next()
	ty, _ := types.ParseType(p.text(tt))
	p.next() // (
	neg := false
	if p.at(TokMinus) || p.at(TokPlus) {
		neg = p.at(TokMinus)
		p.next()
	}
	v := types.NullOf(ty)
	vt := p.tok()
	ok := true
	switch {
	case vt.Kind == TokIdent && p.text(vt) == "null":
		v = types.NullOf(ty)
	case vt.Kind == TokIdent && (p.text(vt) == "nan" || p.text(vt) == "inf") && (ty == types.Real || ty == types.Decimal):
		f := math.NaN()
		if p.text(vt) == "inf" {
			f = math.Inf(1)
			if neg {
				f = math.Inf(-1)
			}
		}
		v = types.Value{T: ty, F: f}
	case vt.Kind == TokIdent && (p.text(vt) == "true" || p.text(vt) == "false") && ty == types.Bool:
		v = types.BoolValue(p.text(vt) == "true")
	case (vt.Kind == TokInt || vt.Kind == TokReal) && ty != types.Bool:
		v, ok = numberValue(ty, p.text(vt), neg)
	case vt.Kind == TokInt && ty == types.Bool:
		v = types.BoolValue(p.text(vt) != "0")
	default:
		ok = false
	}
	if ok {
		p.next()
	} else {
		p.errorHere("invalid " + ty.String() + " literal")
		p.skipTo(TokRParen)
	}
	p.expect(TokRParen)
	loc := p.spanFrom(s)
	return &Literal{Loc: loc, Value: v, Raw: loc.Text(p.src)}
}

func numberValue(ty types.Type, text string, neg bool) (types.Value, bool) {
	switch ty {
	case types.Int, types.Long:
		i, ok := parseIntLit(text)
		if !ok {
			f, err := strconv.ParseFloat(text, 64)
			if err != nil {
				return types.Value{}, false
			}
			i = int64(f)
		}
		if neg {
			i = -i
		}
		if ty == types.Int {
			return types.IntValue(i), true
		}
		return types.LongValue(i), true
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return types.Value{}, false
	}
	if neg {
		f = -f
	}
	return types.Value{T: ty, F: f}, true
}

// typedRawLiteral converts a TokTypedRaw token (datetime(...), timespan(...),
// time(...), guid(...), date(...)).
func (p *parser) typedRawLiteral(t Token) Expr {
	text := p.text(t)
	open := strings.IndexByte(text, '(')
	kw := strings.TrimSpace(text[:open])
	body := strings.TrimSpace(text[open+1 : len(text)-1])
	lit := &Literal{Loc: t.Span(), Raw: text}
	var ty types.Type
	switch kw {
	case "datetime", "date":
		ty = types.DateTime
	case "timespan", "time":
		ty = types.TimeSpan
	default:
		ty = types.GUID
	}
	if len(body) >= 2 && (body[0] == '"' || body[0] == '\'') && body[len(body)-1] == body[0] {
		body = body[1 : len(body)-1]
	}
	if body == "null" {
		lit.Value = types.NullOf(ty)
		return lit
	}
	var ok bool
	switch ty {
	case types.DateTime:
		var ticks int64
		var err error
		ticks, err = types.ParseDateTimeLoose(body)
		ok = err == nil
		lit.Value = types.DateTimeValue(ticks)
	case types.TimeSpan:
		var ticks int64
		ticks, ok = parseTimespanBody(body)
		lit.Value = types.TimeSpanValue(ticks)
	default:
		var g string
		g, ok = parseGUID(body)
		lit.Value = types.Value{T: types.GUID, S: g}
	}
	if !ok {
		// Microsoft's parser accepts any text here; the value is decided
		// at run time. Keep a null and warn.
		lit.Value = types.NullOf(ty)
		p.report(Diagnostic{Span: t.Span(), Msg: "cannot interpret " + ty.String() + " literal " + quoteText(body) + "; treated as null", Severity: SevWarning})
	}
	return lit
}

// parseTimespanBody parses the inside of timespan(...): "2" (days),
// "1.5h", "15 seconds", "0.12:34:56.7", "-1d".
func parseTimespanBody(body string) (int64, bool) {
	if body == "" {
		return 0, false
	}
	if n, err := strconv.ParseFloat(body, 64); err == nil {
		return int64(n*float64(types.TicksPerDay) + 0.5), true
	}
	compact := strings.ReplaceAll(body, " ", "")
	if v, ok := types.ParseTimeSpanLiteral(compact); ok {
		return v, true
	}
	v, err := types.ParseTimeSpan(body)
	return v, err == nil
}

func (p *parser) parseTypeof() Expr {
	s := p.start()
	p.next() // typeof
	p.next() // (
	te := &TypeofExpr{}
	if p.at(TokIdent) && p.peekKind(1) == TokRParen {
		te.Type = p.parseTypeName()
	} else {
		for !p.at(TokRParen) && !p.at(TokEOF) {
			if p.got(TokStar) {
				te.Star = true
			} else {
				te.Columns = append(te.Columns, p.parseColumnDecl(true))
			}
			if !p.got(TokComma) {
				break
			}
		}
	}
	p.expect(TokRParen)
	te.Loc = p.spanFrom(s)
	return te
}
