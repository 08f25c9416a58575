package syntax

// hyphenated operator names, joined from `word - word` tokens.
var hyphenOps = map[string]bool{
	"project-away": true, "project-keep": true, "project-rename": true, "project-reorder": true,
	"project-smart": true, "top-nested": true, "top-hitters": true, "mv-expand": true, "mv-apply": true,
	"parse-where": true, "parse-kv": true, "make-series": true, "sample-distinct": true,
	"make-graph": true, "graph-match": true, "graph-merge": true, "graph-to-table": true,
	"graph-shortest-paths": true, "graph-mark-components": true, "execute-and-cache": true,
	"assert-schema": true, "macro-expand": true, "project-by-names": true,
}

// genericOps are operators accepted by name with their arguments skipped.
var genericOps = map[string]bool{
	"make-graph": true, "graph-match": true, "graph-merge": true, "graph-to-table": true,
	"graph-shortest-paths": true, "graph-mark-components": true, "execute-and-cache": true,
	"assert-schema": true, "macro-expand": true, "project-by-names": true,
}

// opName reads an operator keyword at the current token, joining
// hyphenated names written without spaces (mv-expand). It returns "" and
// consumes nothing when no identifier is here.
func (p *parser) opName() string {
	if !p.at(TokIdent) {
		return ""
	}
	t := p.tok()
	name := p.text(t)
	n := 1
	end := t.End
	for {
		m, w := p.peek(n), p.peek(n+1)
		if m.Kind != TokMinus || m.Start != end || w.Kind != TokIdent || w.Start != m.End {
			break
		}
		cand := p.src[t.Start:w.End]
		if !hyphenOps[cand] && !isHyphenPrefix(cand) {
			break
		}
		name = cand
		n += 2
		end = w.End
	}
	if n > 1 && !hyphenOps[name] {
		name = p.text(t)
		n = 1
	}
	for i := 0; i < n; i++ {
		p.next()
	}
	return name
}

func isHyphenPrefix(s string) bool {
	for k := range hyphenOps {
		if len(k) > len(s) && k[:len(s)] == s && k[len(s)] == '-' {
			return true
		}
	}
	return false
}

// parseOperatorOrSkip parses one operator after a pipe; on failure it
// reports, skips to the next pipe and returns a *BadOp.
func (p *parser) parseOperatorOrSkip() Operator {
	s := p.start()
	nerr := p.nerr
	op := p.parseOperator()
	if op == nil || p.nerr > nerr {
		p.skipTo(TokPipe, TokSemi)
		if op == nil {
			return &BadOp{Loc: p.spanFrom(s)}
		}
	}
	return op
}

func (p *parser) parseOperator() Operator {
	p.enter()
	defer p.leave()
	s := p.start()
	if !p.at(TokIdent) {
		p.expected("a query operator")
		return nil
	}
	nameTok := p.tok()
	name := p.opName()
	switch name {
	case "where", "filter":
		return p.parseWhere(s)
	case "project":
		op := &ProjectOp{}
		if !p.atOpEnd() {
			op.Cols = p.parseNamedList()
		}
		op.Loc = p.spanFrom(s)
		return op
	case "extend":
		return &ExtendOp{Cols: p.parseNamedList(), Loc: p.spanFrom(s)}
	case "project-away":
		op := &ProjectAwayOp{}
		if !p.atOpEnd() {
			op.Cols = p.parsePatternList()
		}
		op.Loc = p.spanFrom(s)
		return op
	case "project-keep":
		return &ProjectKeepOp{Cols: p.parsePatternList(), Loc: p.spanFrom(s)}
	case "project-rename":
		return p.parseProjectRename(s)
	case "project-reorder":
		return p.parseProjectReorder(s)
	case "summarize":
		return p.parseSummarize(s)
	case "count":
		op := &CountOp{}
		if p.gotWord("as") {
			op.As = p.parseName()
		}
		op.Loc = p.spanFrom(s)
		return op
	case "distinct":
		prm := p.parseOpParams(isHint)
		return &DistinctOp{Params: prm, Cols: p.parseNamedList(), Loc: p.spanFrom(s)}
	case "take", "limit":
		p.parseOpParams(isHint)
		return &TakeOp{Count: p.parseOr(), Loc: p.spanFrom(s)}
	case "top":
		return p.parseTop(s)
	case "top-nested":
		return p.parseTopNested(s)
	case "top-hitters":
		return p.parseTopHitters(s)
	case "sort", "order":
		prm := p.parseOpParams(isHint)
		p.expectWord("by")
		return &SortOp{Params: prm, By: p.parseSortList(), Loc: p.spanFrom(s)}
	case "join":
		return p.parseJoin(s)
	case "lookup":
		return p.parseLookup(s)
	case "union":
		p.p--
		return p.parseUnion()
	case "mv-expand", "mvexpand":
		return p.parseMvExpand(s)
	case "mv-apply", "mvapply":
		return p.parseMvApply(s)
	case "parse", "parse-where":
		return p.parseParse(s, name == "parse-where")
	case "parse-kv":
		return p.parseParseKv(s)
	case "make-series":
		return p.parseMakeSeries(s)
	case "evaluate":
		p.p-- // parseEvaluate expects the keyword
		return p.parseEvaluate()
	case "render":
		return p.parseRender(s)
	case "serialize":
		op := &SerializeOp{}
		if !p.atOpEnd() {
			op.Cols = p.parseNamedList()
		}
		op.Loc = p.spanFrom(s)
		return op
	case "as":
		prm := p.parseOpParams(isHint)
		return &AsOp{Params: prm, Name: p.parseName(), Loc: p.spanFrom(s)}
	case "invoke":
		return &InvokeOp{Call: p.parseCallOnly(), Loc: p.spanFrom(s)}
	case "sample":
		prm := p.parseOpParams(isHint)
		return &SampleOp{Params: prm, Count: p.parseOr(), Loc: p.spanFrom(s)}
	case "sample-distinct":
		prm := p.parseOpParams(isHint)
		op := &SampleDistinctOp{Params: prm, Count: p.parseAdd()}
		p.expectWord("of")
		op.Of = p.parseOr()
		op.Loc = p.spanFrom(s)
		return op
	case "getschema":
		return &GetSchemaOp{Loc: p.spanFrom(s)}
	case "search":
		p.p--
		return p.parseSearch()
	case "find":
		p.p--
		return p.parseFind()
	case "fork":
		return p.parseFork(s)
	case "facet":
		return p.parseFacet(s)
	case "scan":
		return p.parseScan(s)
	case "partition":
		return p.parsePartition(s)
	case "reduce":
		return p.parseReduce(s)
	case "consume":
		prm := p.parseOpParams(anyParam)
		return &ConsumeOp{Params: prm, Loc: p.spanFrom(s)}
	}
	if genericOps[name] {
		op := &GenericOp{Name: name}
		ts := p.start()
		p.skipTo(TokPipe, TokSemi)
		if p.prevEnd > ts {
			op.Text = p.src[ts:p.prevEnd]
		}
		op.Loc = p.spanFrom(s)
		return op
	}
	p.errorAt(Span{nameTok.Start, p.prevEnd}, "unknown query operator "+quoteText(name))
	return nil
}

// parseWhere parses the predicate of where/filter. Like Microsoft's
// parser it accepts a single top-level `a = b` as `a == b`.
func (p *parser) parseWhere(s int) Operator {
	op := &WhereOp{Params: p.parseOpParams(isHint)}
	ps := p.start()
	x := p.parseRelational()
	if p.at(TokAssign) {
		ot := p.next()
		y := p.parseRelational()
		x = &BinaryExpr{Loc: p.spanFrom(ps), Op: OpEq, OpLoc: ot.Span(), X: x, Y: y}
	} else {
		x = p.equalityRest(ps, x)
	}
	op.Pred = p.orRest(ps, p.andRest(ps, x))
	op.Loc = p.spanFrom(s)
	return op
}

// atOpEnd reports whether the current token ends an operator.
func (p *parser) atOpEnd() bool {
	switch p.kind() {
	case TokPipe, TokSemi, TokRParen, TokRBrace, TokEOF:
		return true
	}
	return false
}

func isHint(name string) bool { return len(name) > 5 && name[:5] == "hint." }
func anyParam(string) bool    { return true }

func paramSet(names ...string) func(string) bool {
	return func(n string) bool {
		if isHint(n) {
			return true
		}
		for _, x := range names {
			if n == x {
				return true
			}
		}
		return false
	}
}

// parseOpParams parses `name=value` parameters while the name is accepted.
func (p *parser) parseOpParams(accept func(string) bool) []*OpParam {
	var ps []*OpParam
	for p.at(TokIdent) {
		// find the end of a dotted name
		n := 1
		for p.peekKind(n) == TokDot && p.peekKind(n+1) == TokIdent {
			n += 2
		}
		if p.peekKind(n) != TokAssign {
			return ps
		}
		s := p.start()
		name := p.src[s:p.peek(n-1).End]
		if !accept(name) {
			return ps
		}
		for i := 0; i <= n; i++ {
			p.next()
		}
		v := p.parseParamValue()
		ps = append(ps, &OpParam{Loc: p.spanFrom(s), Name: name, Value: v})
	}
	return ps
}

// parseParamValue parses an operator parameter value: a name, literal or
// a parenthesised list.
func (p *parser) parseParamValue() Expr {
	if p.at(TokIdent) {
		switch p.cur() {
		case "true", "false", "True", "False", "TRUE", "FALSE":
			return p.parsePrimary()
		}
		t := p.next()
		return &Ident{Loc: t.Span(), Name: p.text(t)}
	}
	switch p.kind() {
	case TokInt, TokReal, TokTimespan, TokString, TokTypedRaw, TokMinus:
		return p.parseUnary()
	}
	p.expected("a parameter value")
	return &BadExpr{Loc: Span{p.start(), p.start()}}
}

// parseNamedExpr parses `Name = Expr`, `(A, B) = Expr` or `Expr`.
func (p *parser) parseNamedExpr() Expr {
	s := p.start()
	if p.at(TokIdent) && p.peekKind(1) == TokAssign ||
		p.at(TokLBracket) && p.peekKind(1) == TokString && p.peekKind(2) == TokRBracket && p.peekKind(3) == TokAssign {
		name := p.parseName()
		p.next() // =
		v := p.parseOr()
		return &NamedExpr{Loc: p.spanFrom(s), Names: []*Ident{name}, Value: v}
	}
	if p.at(TokLParen) && p.isTupleTarget() {
		p.next()
		var names []*Ident
		for {
			names = append(names, p.parseName())
			if !p.got(TokComma) {
				break
			}
		}
		p.expect(TokRParen)
		p.expect(TokAssign)
		v := p.parseOr()
		return &NamedExpr{Loc: p.spanFrom(s), Names: names, Value: v}
	}
	return p.parseOr()
}

// isTupleTarget reports whether `(a, b, ...) =` starts here.
func (p *parser) isTupleTarget() bool {
	n := 1
	for {
		switch {
		case p.peekKind(n) == TokIdent:
			n++
		case p.peekKind(n) == TokLBracket && p.peekKind(n+1) == TokString && p.peekKind(n+2) == TokRBracket:
			n += 3
		default:
			return false
		}
		switch p.peekKind(n) {
		case TokComma:
			n++
		case TokRParen:
			return p.peekKind(n+1) == TokAssign
		default:
			return false
		}
	}
}

// parseNamedList parses a comma-separated list of named expressions.
func (p *parser) parseNamedList() []Expr {
	var list []Expr
	for {
		list = append(list, p.parseNamedExpr())
		if !p.got(TokComma) {
			return list
		}
	}
}

// parseExprList parses a comma-separated list of expressions.
func (p *parser) parseExprList() []Expr {
	var list []Expr
	for {
		list = append(list, p.parseOr())
		if !p.got(TokComma) {
			return list
		}
	}
}

// parseNamePattern parses a column or table name that may contain '*'.
func (p *parser) parseNamePattern() Expr {
	s := p.start()
	if p.at(TokLBracket) {
		return p.parseName()
	}
	if !p.at(TokIdent) && !p.at(TokStar) {
		p.expected("a column name")
		return &BadExpr{Loc: p.spanFrom(s)}
	}
	end := s
	star := false
	for (p.at(TokIdent) || p.at(TokStar)) && (p.start() == end || end == s) {
		if p.at(TokStar) {
			star = true
		}
		end = p.next().End
	}
	text := p.src[s:end]
	if star {
		return &WildcardExpr{Loc: Span{s, end}, Pattern: text}
	}
	return &Ident{Loc: Span{s, end}, Name: text}
}

func (p *parser) parsePatternList() []Expr {
	var list []Expr
	for {
		list = append(list, p.parseNamePattern())
		if !p.got(TokComma) {
			return list
		}
	}
}

func (p *parser) parseProjectRename(s int) Operator {
	op := &ProjectRenameOp{}
	for !p.atOpEnd() || len(op.Renames) > 0 {
		ns := p.start()
		name := p.parseName()
		p.expect(TokAssign)
		old := p.parseOr()
		op.Renames = append(op.Renames, &NamedExpr{Loc: p.spanFrom(ns), Names: []*Ident{name}, Value: old})
		if !p.got(TokComma) {
			break
		}
	}
	op.Loc = p.spanFrom(s)
	return op
}

func (p *parser) parseProjectReorder(s int) Operator {
	op := &ProjectReorderOp{}
	for !p.atOpEnd() || len(op.Cols) > 0 {
		cs := p.start()
		se := &SortExpr{X: p.parseNamePattern()}
		for _, w := range []string{"asc", "desc", "granny-asc", "granny-desc"} {
			if w[0] == 'g' && p.atWord("granny") && p.peekKind(1) == TokMinus {
				if p.peekWord(2, w[7:]) {
					p.next()
					p.next()
					p.next()
					se.Order = w
					break
				}
				continue
			}
			if p.gotWord(w) {
				se.Order = w
				break
			}
		}
		se.Loc = p.spanFrom(cs)
		op.Cols = append(op.Cols, se)
		if !p.got(TokComma) {
			break
		}
	}
	op.Loc = p.spanFrom(s)
	return op
}

func (p *parser) parseSummarize(s int) Operator {
	op := &SummarizeOp{Params: p.parseOpParams(isHint)}
	if !p.atWord("by") && !p.atOpEnd() {
		op.Aggs = p.parseNamedList()
	}
	if p.gotWord("by") {
		op.By = p.parseNamedList()
	}
	op.Loc = p.spanFrom(s)
	return op
}

// parseSortList parses `expr [asc|desc] [nulls first|last], ...`.
func (p *parser) parseSortList() []*SortExpr {
	var list []*SortExpr
	for {
		list = append(list, p.parseSortExpr())
		if !p.got(TokComma) {
			return list
		}
	}
}

func (p *parser) parseSortExpr() *SortExpr {
	s := p.start()
	se := &SortExpr{X: p.parseOr()}
	if p.atWord("asc") || p.atWord("desc") {
		se.Order = p.cur()
		p.next()
	}
	if p.gotWord("nulls") {
		if p.atWord("first") || p.atWord("last") {
			se.Nulls = p.cur()
			p.next()
		} else {
			p.expected("'first' or 'last'")
		}
	}
	se.Loc = p.spanFrom(s)
	return se
}

func (p *parser) parseTop(s int) Operator {
	p.parseOpParams(isHint)
	op := &TopOp{Count: p.parseAdd()}
	p.expectWord("by")
	op.By = p.parseSortList()
	op.Loc = p.spanFrom(s)
	return op
}

func (p *parser) parseTopNested(s int) Operator {
	op := &TopNestedOp{}
	for {
		ls := p.start()
		lv := &TopNestedLevel{}
		if !p.atWord("of") {
			lv.Count = p.parseAdd()
		}
		p.expectWord("of")
		lv.Of = p.parseNamedExpr()
		if p.atWord("with") && p.peekWord(1, "others") {
			p.next()
			p.next()
			p.expect(TokAssign)
			lv.Others = p.parseOr()
		}
		p.expectWord("by")
		lv.By = p.parseNamedExpr()
		if p.atWord("asc") || p.atWord("desc") {
			lv.Order = p.cur()
			p.next()
		}
		lv.Loc = p.spanFrom(ls)
		op.Levels = append(op.Levels, lv)
		if !p.got(TokComma) {
			break
		}
		if p.atWord("top") && p.peekKind(1) == TokMinus && p.peekWord(2, "nested") {
			p.next()
			p.next()
			p.next()
		}
	}
	op.Loc = p.spanFrom(s)
	return op
}

func (p *parser) parseTopHitters(s int) Operator {
	op := &TopHittersOp{Count: p.parseAdd()}
	p.expectWord("of")
	op.Of = p.parseOr()
	if p.gotWord("by") {
		op.By = p.parseOr()
	}
	op.Loc = p.spanFrom(s)
	return op
}

var joinParams = paramSet("kind", "withsource")

// parseJoinRight parses the right side of join/lookup.
func (p *parser) parseJoinRight() Expr {
	if p.at(TokLParen) {
		return p.parseParen()
	}
	return p.parsePostfix()
}

// parseJoinConds parses `on cond, cond` (or `where pred`).
func (p *parser) parseJoinConds() (conds []Expr, where bool) {
	if p.gotWord("where") {
		return []Expr{p.parseOr()}, true
	}
	if !p.expectWord("on") {
		return nil, false
	}
	return p.parseExprList(), false
}

func (p *parser) parseJoin(s int) Operator {
	op := &JoinOp{Params: p.parseOpParams(joinParams)}
	op.Right = p.parseJoinRight()
	op.Params = append(op.Params, p.parseOpParams(joinParams)...)
	if p.atWord("on") || p.atWord("where") {
		op.On, op.Where = p.parseJoinConds()
	}
	op.Loc = p.spanFrom(s)
	return op
}

func (p *parser) parseLookup(s int) Operator {
	op := &LookupOp{Params: p.parseOpParams(joinParams)}
	op.Right = p.parseJoinRight()
	op.On, _ = p.parseJoinConds()
	op.Loc = p.spanFrom(s)
	return op
}

// parseUnion parses `union [params] tables` at the keyword.
func (p *parser) parseUnion() *UnionOp {
	s := p.start()
	p.next() // union
	op := &UnionOp{Params: p.parseOpParams(paramSet("kind", "isfuzzy", "withsource"))}
	for {
		op.Tables = append(op.Tables, p.parseUnionLeg())
		if !p.got(TokComma) {
			break
		}
	}
	op.Loc = p.spanFrom(s)
	return op
}

func (p *parser) parseUnionLeg() Expr {
	if p.atWord("materialize") && p.peekKind(1) == TokLParen {
		p.errorHere("materialize() is not allowed here; bind it with let first")
	}
	switch {
	case p.at(TokLParen):
		return p.parseParen()
	case p.at(TokIdent) && (p.peekKind(1) == TokLParen || p.peekKind(1) == TokDot):
		return p.parsePostfix()
	case p.at(TokIdent) && p.peekKind(1) == TokStar && p.peek(1).Start == p.tok().End,
		p.at(TokStar):
		return p.parseNamePattern()
	}
	return p.parsePostfix()
}

var mvParams = paramSet("bagexpansion", "with_itemindex", "kind")

func (p *parser) parseMvItems() []*MvExpandItem {
	var items []*MvExpandItem
	for {
		s := p.start()
		it := &MvExpandItem{X: p.parseNamedExpr()}
		if p.gotWord("to") {
			if p.atWord("typeof") && p.peekKind(1) == TokLParen {
				p.next()
				p.next()
				it.To = p.parseTypeName()
				it.ToGiven = true
				p.expect(TokRParen)
			} else {
				p.expected("typeof(...)")
			}
		}
		it.Loc = p.spanFrom(s)
		items = append(items, it)
		if !p.got(TokComma) {
			return items
		}
	}
}

func (p *parser) parseMvExpand(s int) Operator {
	op := &MvExpandOp{Params: p.parseOpParams(mvParams)}
	op.Items = p.parseMvItems()
	if p.gotWord("limit") {
		op.Limit = p.parseOr()
	}
	op.Loc = p.spanFrom(s)
	return op
}

func (p *parser) parseMvApply(s int) Operator {
	op := &MvApplyOp{Params: p.parseOpParams(mvParams)}
	op.Items = p.parseMvItems()
	if p.gotWord("limit") {
		op.Limit = p.parseOr()
	}
	if p.expectWord("on") {
		op.Sub = p.parseSubPipeline()
	}
	op.Loc = p.spanFrom(s)
	return op
}

// parseSubPipeline parses `( [|] op | op ... )` with an implicit input.
func (p *parser) parseSubPipeline() *PipeExpr {
	s := p.start()
	pe := &PipeExpr{}
	if !p.expect(TokLParen) {
		pe.Loc = p.spanFrom(s)
		return pe
	}
	p.got(TokPipe)
	pe.Ops = append(pe.Ops, p.parseOperatorOrSkip())
	p.parsePipeOps(pe)
	p.expect(TokRParen)
	pe.Loc = p.spanFrom(s)
	return pe
}

func (p *parser) parseParse(s int, where bool) Operator {
	op := &ParseOp{Where: where, Params: p.parseOpParams(paramSet("kind", "flags"))}
	op.Source = p.parseOr()
	if p.expectWord("with") {
		for !p.atOpEnd() && !p.at(TokComma) {
			switch {
			case p.at(TokString):
				op.Pattern = append(op.Pattern, p.parseStringLit())
			case p.at(TokStar):
				t := p.next()
				op.Pattern = append(op.Pattern, &StarExpr{Loc: t.Span()})
			case p.atName():
				op.Pattern = append(op.Pattern, p.parseColumnDecl(false))
			default:
				p.expected("a string, '*' or a column name")
				return op
			}
		}
	}
	op.Loc = p.spanFrom(s)
	return op
}

func (p *parser) parseParseKv(s int) Operator {
	op := &ParseKvOp{Source: p.parseOr()}
	if p.expectWord("as") {
		op.Keys, _ = p.parseSchema(false)
	}
	if p.gotWord("with") {
		op.With = p.parseWithProps()
	}
	op.Loc = p.spanFrom(s)
	return op
}

// parseWithProps parses `( name = value, ... )`; a value may be a list of
// names (render's ycolumns=a, b).
func (p *parser) parseWithProps() []*OpParam {
	if !p.expect(TokLParen) {
		return nil
	}
	var ps []*OpParam
	for !p.at(TokRParen) && !p.at(TokEOF) {
		s := p.start()
		name := p.parseDottedName()
		if name == "" {
			p.skipTo(TokRParen)
			break
		}
		p.expect(TokAssign)
		v := p.parseOr()
		for p.at(TokComma) && !(p.peekKind(1) == TokIdent && (p.peekKind(2) == TokAssign || p.peekKind(2) == TokDot)) && p.peekKind(1) != TokRParen {
			l, ok := v.(*ListExpr)
			if !ok {
				l = &ListExpr{Elems: []Expr{v}}
			}
			p.next()
			l.Elems = append(l.Elems, p.parseOr())
			l.Loc = p.spanFrom(s)
			v = l
		}
		ps = append(ps, &OpParam{Loc: p.spanFrom(s), Name: name, Value: v})
		if !p.got(TokComma) {
			break
		}
	}
	p.expect(TokRParen)
	return ps
}

func (p *parser) parseMakeSeries(s int) Operator {
	op := &MakeSeriesOp{Params: p.parseOpParams(paramSet("kind"))}
	for {
		as := p.start()
		agg := &MakeSeriesAgg{X: p.parseNamedExpr()}
		if p.atWord("default") && p.peekKind(1) == TokAssign {
			p.next()
			p.next()
			agg.Default = p.parseOr()
		}
		agg.Loc = p.spanFrom(as)
		op.Aggs = append(op.Aggs, agg)
		if !p.got(TokComma) {
			break
		}
	}
	if p.expectWord("on") {
		op.On = p.parseAdd()
	}
	if p.gotWord("in") {
		op.Range = true
		if p.expectWord("range") && p.expect(TokLParen) {
			op.From = p.parseOr()
			p.expect(TokComma)
			op.To = p.parseOr()
			p.expect(TokComma)
			op.Step = p.parseOr()
			p.expect(TokRParen)
		}
	} else {
		if p.gotWord("from") {
			op.From = p.parseOr()
		}
		if p.gotWord("to") {
			op.To = p.parseOr()
		}
		if p.expectWord("step") {
			op.Step = p.parseOr()
		}
	}
	if p.gotWord("by") {
		op.By = p.parseNamedList()
	}
	op.Loc = p.spanFrom(s)
	return op
}

// parseCallOnly parses a function call (for evaluate and invoke).
func (p *parser) parseCallOnly() *CallExpr {
	s := p.start()
	x := p.parsePostfix()
	if c, ok := x.(*CallExpr); ok {
		return c
	}
	p.errorAt(p.spanFrom(s), "expected a function call")
	return &CallExpr{Loc: p.spanFrom(s), Name: &Ident{Loc: p.spanFrom(s)}}
}

// parseEvaluate parses `evaluate [params] plugin(args)` at the keyword.
func (p *parser) parseEvaluate() *EvaluateOp {
	s := p.start()
	p.next() // evaluate
	op := &EvaluateOp{Params: p.parseOpParams(anyParam)}
	op.Call = p.parseCallOnly()
	if p.at(TokColon) && p.peekKind(1) == TokLParen {
		p.next()
		op.Schema, op.SchemaStar = p.parseSchema(true)
		if op.Schema == nil && op.SchemaStar {
			op.Schema = []*ColumnDecl{}
		}
	}
	op.Loc = p.spanFrom(s)
	return op
}

func (p *parser) parseRender(s int) Operator {
	op := &RenderOp{}
	if p.at(TokIdent) {
		op.Chart = p.text(p.next())
	} else {
		p.expected("a chart type")
	}
	if p.gotWord("with") {
		op.With = p.parseWithProps()
	}
	op.With = append(op.With, p.parseOpParams(anyParam)...)
	op.Loc = p.spanFrom(s)
	return op
}

// parsePrint parses `print [Name =] Expr, ...` at the keyword.
func (p *parser) parsePrint() *PrintOp {
	s := p.start()
	p.next()
	op := &PrintOp{}
	if !p.atOpEnd() {
		op.Cols = p.parseNamedList()
	}
	op.Loc = p.spanFrom(s)
	return op
}

// parseRange parses `range Name from F to T step S` at the keyword.
func (p *parser) parseRange() *RangeOp {
	s := p.start()
	p.next()
	op := &RangeOp{Name: p.parseName()}
	p.expectWord("from")
	op.From = p.parseOr()
	p.expectWord("to")
	op.To = p.parseOr()
	p.expectWord("step")
	op.Step = p.parseOr()
	op.Loc = p.spanFrom(s)
	return op
}

// parseTableList parses `in (T1, T2*, ...)` after `in`.
func (p *parser) parseTableList() []Expr {
	var list []Expr
	if !p.expect(TokLParen) {
		return nil
	}
	for {
		list = append(list, p.parseUnionLeg())
		if !p.got(TokComma) {
			break
		}
	}
	p.expect(TokRParen)
	return list
}

// parseSearch parses `search [params] [in (tables)] pred` at the keyword.
func (p *parser) parseSearch() *SearchOp {
	s := p.start()
	p.next()
	op := &SearchOp{Params: p.parseOpParams(paramSet("kind"))}
	if p.atWord("in") && p.peekKind(1) == TokLParen {
		p.next()
		op.Tables = p.parseTableList()
	}
	old := p.inSearch
	p.inSearch = true
	op.Pred = p.parseOr()
	p.inSearch = old
	op.Loc = p.spanFrom(s)
	return op
}

// parseFind parses `find [params] [in (tables)] where pred [project ...]`.
func (p *parser) parseFind() *FindOp {
	s := p.start()
	p.next()
	op := &FindOp{Params: p.parseOpParams(paramSet("withsource", "kind", "datascope"))}
	if p.atWord("in") && p.peekKind(1) == TokLParen {
		p.next()
		op.Tables = p.parseTableList()
	}
	old := p.inSearch
	p.inSearch = true
	if p.gotWord("where") {
		op.Pred = p.parseOr()
	} else {
		op.Pred = p.parseOr()
	}
	p.inSearch = old
	switch {
	case p.atWord("project-smart") || p.atWord("project") && p.peekKind(1) == TokMinus && p.peekWord(2, "smart"):
		p.opName()
		op.ProjectSmart = true
	case p.gotWord("project"):
		for {
			op.Project = append(op.Project, p.parseNamedExpr())
			if p.got(TokColon) {
				p.parseTypeName()
			}
			if !p.got(TokComma) {
				break
			}
		}
	}
	op.Loc = p.spanFrom(s)
	return op
}

func (p *parser) parseFork(s int) Operator {
	op := &ForkOp{}
	for p.at(TokLParen) || p.at(TokIdent) && p.peekKind(1) == TokAssign {
		bs := p.start()
		br := &ForkBranch{}
		if p.at(TokIdent) {
			br.Name = p.parseName()
			p.next()
		}
		br.Query = p.parseSubPipeline()
		br.Loc = p.spanFrom(bs)
		op.Branches = append(op.Branches, br)
	}
	if len(op.Branches) == 0 {
		p.expected("'('")
	}
	op.Loc = p.spanFrom(s)
	return op
}

func (p *parser) parseFacet(s int) Operator {
	op := &FacetOp{}
	p.expectWord("by")
	op.By = p.parsePatternList()
	if p.gotWord("with") {
		if p.at(TokLParen) {
			op.With = p.parseSubPipeline()
		} else {
			ws := p.start()
			op.With = &PipeExpr{Ops: []Operator{p.parseOperatorOrSkip()}}
			op.With.Loc = p.spanFrom(ws)
		}
	}
	op.Loc = p.spanFrom(s)
	return op
}

func (p *parser) parseScan(s int) Operator {
	op := &ScanOp{Params: p.parseOpParams(paramSet("with_match_id"))}
	if p.atWord("order") && p.peekWord(1, "by") {
		p.next()
		p.next()
		op.OrderBy = p.parseSortList()
	}
	if p.atWord("partition") && p.peekWord(1, "by") {
		p.next()
		p.next()
		op.PartitionBy = p.parseExprList()
	}
	if p.gotWord("declare") {
		op.Declare = p.parseParamList()
	}
	if !p.expectWord("with") || !p.expect(TokLParen) {
		op.Loc = p.spanFrom(s)
		return op
	}
	for p.atWord("step") {
		op.Steps = append(op.Steps, p.parseScanStep())
	}
	p.expect(TokRParen)
	op.Loc = p.spanFrom(s)
	return op
}

func (p *parser) parseScanStep() *ScanStep {
	s := p.start()
	p.next() // step
	st := &ScanStep{Name: p.parseName()}
	if p.gotWord("optional") {
		st.Optional = true
	}
	if p.atWord("output") && p.peekKind(1) == TokAssign {
		p.next()
		p.next()
		st.Output = p.parseName().Name
	}
	p.expect(TokColon)
	st.Pred = p.parseOr()
	if p.got(TokArrow) {
		for {
			ns := p.start()
			name := p.parseName()
			p.expect(TokAssign)
			v := p.parseOr()
			st.Assigns = append(st.Assigns, &NamedExpr{Loc: p.spanFrom(ns), Names: []*Ident{name}, Value: v})
			if !p.got(TokComma) {
				break
			}
		}
	}
	p.expect(TokSemi)
	st.Loc = p.spanFrom(s)
	return st
}

func (p *parser) parsePartition(s int) Operator {
	op := &PartitionOp{Params: p.parseOpParams(anyParam)}
	p.expectWord("by")
	op.By = p.parseName()
	op.Params = append(op.Params, p.parseOpParams(anyParam)...)
	if p.at(TokLBrace) {
		p.next()
		op.Braces = true
		x := p.parseExpr()
		if pe, ok := x.(*PipeExpr); ok {
			op.Sub = pe
		} else {
			op.SubExpr = x
		}
		p.expect(TokRBrace)
	} else {
		op.Sub = p.parseSubPipeline()
	}
	op.Loc = p.spanFrom(s)
	return op
}

func (p *parser) parseReduce(s int) Operator {
	op := &ReduceOp{Params: p.parseOpParams(paramSet("kind"))}
	p.expectWord("by")
	op.By = p.parseOr()
	if p.gotWord("with") {
		// `with threshold=0.1, characters="X"`: comma-separated properties
		op.With = p.parseOpParams(anyParam)
		for p.at(TokComma) && p.peekKind(1) == TokIdent && p.peekKind(2) == TokAssign {
			p.next()
			op.With = append(op.With, p.parseOpParams(anyParam)...)
		}
	}
	op.Loc = p.spanFrom(s)
	return op
}

// parseDataTable parses `datatable(col:type, ...)[values]`.
func (p *parser) parseDataTable() Expr {
	s := p.start()
	p.next()
	dt := &DataTableExpr{Params: p.parseOpParams(anyParam)}
	dt.Columns, _ = p.parseSchema(false)
	if p.expect(TokLBracket) {
		for !p.at(TokRBracket) && !p.at(TokEOF) {
			dt.Values = append(dt.Values, p.parseOr())
			if !p.got(TokComma) {
				break
			}
		}
		p.expect(TokRBracket)
	}
	dt.Loc = p.spanFrom(s)
	return dt
}

// parseExternalData parses `externaldata(schema)[uris] [with (props)]`.
func (p *parser) parseExternalData() Expr {
	s := p.start()
	p.next()
	ed := &ExternalDataExpr{Params: p.parseOpParams(anyParam)}
	ed.Columns, _ = p.parseSchema(false)
	if p.expect(TokLBracket) {
		for !p.at(TokRBracket) && !p.at(TokEOF) {
			ed.URIs = append(ed.URIs, p.parseOr())
			if !p.got(TokComma) {
				break
			}
		}
		p.expect(TokRBracket)
	}
	if p.gotWord("with") {
		ed.With = p.parseWithProps()
	}
	ed.Loc = p.spanFrom(s)
	return ed
}
