package exec

// Parsing of the graph operators. The syntax package keeps make-graph and
// the graph-* operators as a *syntax.GenericOp whose Text is the raw rest
// of the operator; this file reads that text with the syntax lexer and
// parses the embedded scalar and tabular expressions with syntax.Parse,
// padded so that every span points into the original query.

import (
	"strconv"
	"strings"

	"github.com/huntpack/huntpack/kql/syntax"
)

// graphText is the text of one graph operator and where it starts in the
// query source.
type graphText struct {
	text string
	base int // offset of text[0] in the query source
	toks []syntax.Token
	pos  int
}

func graphNewText(text string, base int) (*graphText, error) {
	toks, diags := syntax.Lex(text)
	if errs := diags.Errors(); len(errs) > 0 {
		return nil, errAt(graphShift(errs[0].Span, base), "%s", errs[0].Msg)
	}
	return &graphText{text: text, base: base, toks: toks}, nil
}

func graphShift(s syntax.Span, base int) syntax.Span {
	return syntax.Span{Start: s.Start + base, End: s.End + base}
}

func (g *graphText) tok() syntax.Token { return g.toks[g.pos] }

func (g *graphText) peek(n int) syntax.Token {
	if g.pos+n < len(g.toks) {
		return g.toks[g.pos+n]
	}
	return g.toks[len(g.toks)-1]
}

func (g *graphText) kind() syntax.TokenKind { return g.tok().Kind }

func (g *graphText) word() string {
	t := g.tok()
	if t.Kind != syntax.TokIdent {
		return ""
	}
	return g.text[t.Start:t.End]
}

func (g *graphText) next() syntax.Token {
	t := g.tok()
	if t.Kind != syntax.TokEOF {
		g.pos++
	}
	return t
}

func (g *graphText) span(t syntax.Token) syntax.Span { return graphShift(t.Span(), g.base) }

// errHere reports an error at the current token.
func (g *graphText) errHere(format string, args ...any) error {
	t := g.tok()
	if t.Kind == syntax.TokEOF && t.Start > 0 {
		t.Start--
	}
	return errAt(g.span(t), format, args...)
}

func (g *graphText) expect(k syntax.TokenKind, what string) (syntax.Token, error) {
	if g.kind() != k {
		return syntax.Token{}, g.errHere("expected %s", what)
	}
	return g.next(), nil
}

func (g *graphText) ident(what string) (string, syntax.Span, error) {
	if g.kind() != syntax.TokIdent {
		return "", syntax.Span{}, g.errHere("expected %s", what)
	}
	t := g.next()
	return g.text[t.Start:t.End], g.span(t), nil
}

// hyphenWord reads a hyphenated keyword such as partitioned-by or
// graph-match written without spaces; it returns "" when absent.
func (g *graphText) hyphenWord() string {
	if g.kind() != syntax.TokIdent {
		return ""
	}
	t := g.tok()
	end, n := t.End, 1
	for {
		m, w := g.peek(n), g.peek(n+1)
		if m.Kind != syntax.TokMinus || m.Start != end || w.Kind != syntax.TokIdent || w.Start != m.End {
			break
		}
		end = w.End
		n += 2
	}
	g.pos += n
	return g.text[t.Start:end]
}

// param reads `name = value` when the current word is one of names.
func (g *graphText) param(names ...string) (string, string, bool, error) {
	w := g.word()
	for _, n := range names {
		if w == n && g.peek(1).Kind == syntax.TokAssign {
			g.pos += 2
			v, _, err := g.ident("a value for " + n)
			return n, v, true, err
		}
	}
	return "", "", false, nil
}

// topLevel returns the index of the first token at nesting depth 0 at or
// after from that satisfies f, or len(toks)-1 (EOF).
func (g *graphText) topLevel(from int, f func(syntax.Token) bool) int {
	depth := 0
	for i := from; i < len(g.toks); i++ {
		t := g.toks[i]
		switch t.Kind {
		case syntax.TokLParen, syntax.TokLBracket, syntax.TokLBrace:
			depth++
		case syntax.TokRParen, syntax.TokRBracket, syntax.TokRBrace:
			depth--
		case syntax.TokEOF:
			return i
		}
		if depth == 0 && f(t) {
			return i
		}
	}
	return len(g.toks) - 1
}

func (g *graphText) isWord(t syntax.Token, w string) bool {
	return t.Kind == syntax.TokIdent && g.text[t.Start:t.End] == w
}

// sliceText returns the source text of tokens [i, j).
func (g *graphText) sliceText(i, j int) (string, int) {
	if j <= i {
		return "", g.toks[i].Start
	}
	return g.text[g.toks[i].Start:g.toks[j-1].End], g.toks[i].Start
}

// graphParsePrint parses text (at offset base of the query) as the items
// of a print operator: a scalar expression list.
func graphParsePrint(text string, base int) ([]syntax.Expr, error) {
	const prefix = "print "
	q, err := graphParsePadded(prefix, text, base)
	if err != nil {
		return nil, err
	}
	pr, ok := printOp(q)
	if !ok || len(pr.Cols) == 0 { // "project ;" parses as an empty print
		return nil, errAt(syntax.Span{Start: base, End: base + len(text)}, "expected scalar expressions")
	}
	return pr.Cols, nil
}

// graphParseTabular parses text as one tabular expression.
func graphParseTabular(text string, base int) (syntax.Expr, error) {
	q, err := graphParsePadded("", text, base)
	if err != nil {
		return nil, err
	}
	if len(q.Stmts) != 1 {
		return nil, errAt(syntax.Span{Start: base, End: base + len(text)}, "expected one tabular expression")
	}
	es, ok := q.Stmts[0].(*syntax.ExprStmt)
	if !ok {
		return nil, errAt(q.Stmts[0].Span(), "expected a tabular expression")
	}
	return es.Expr, nil
}

// graphParsePadded parses prefix+text padded with spaces so that text
// starts at offset base, keeping spans aligned with the query source.
func graphParsePadded(prefix, text string, base int) (*syntax.Query, error) {
	pad := base - len(prefix)
	if pad < 0 {
		pad = 0
	}
	src := strings.Repeat(" ", pad) + prefix + text
	q, diags := syntax.Parse("graph", src)
	if errs := diags.Errors(); len(errs) > 0 {
		return nil, errAt(errs[0].Span, "%s", errs[0].Msg)
	}
	return q, nil
}

// Graph patterns.

const (
	graphDirRight = iota // -[e]->
	graphDirLeft         // <-[e]-
	graphDirAny          // -[e]-
)

// graphEdgePat is one edge element of a pattern sequence.
type graphEdgePat struct {
	name     string // "" when anonymous
	dir      int
	min, max int
	varLen   bool
	span     syntax.Span
}

// graphPathPat is one comma-separated sequence: len(nodes) == len(edges)+1.
type graphPathPat struct {
	nodes []string // variable names, "" when anonymous
	spans []syntax.Span
	edges []graphEdgePat
}

// graphMaxHops caps variable-length edges (Kusto requires a bounded range).
const graphMaxHops = 64

// pattern parses one or more comma-separated sequences.
func (g *graphText) pattern() ([]graphPathPat, error) {
	var out []graphPathPat
	for {
		var seq graphPathPat
		name, span, err := g.nodePat()
		if err != nil {
			return nil, err
		}
		seq.nodes, seq.spans = append(seq.nodes, name), append(seq.spans, span)
		for g.kind() == syntax.TokMinus || g.kind() == syntax.TokLt {
			e, err := g.edgePat()
			if err != nil {
				return nil, err
			}
			name, span, err := g.nodePat()
			if err != nil {
				return nil, err
			}
			seq.edges = append(seq.edges, e)
			seq.nodes, seq.spans = append(seq.nodes, name), append(seq.spans, span)
		}
		out = append(out, seq)
		if g.kind() != syntax.TokComma {
			return out, nil
		}
		g.next()
	}
}

func (g *graphText) nodePat() (string, syntax.Span, error) {
	lp, err := g.expect(syntax.TokLParen, "( to start a pattern node")
	if err != nil {
		return "", syntax.Span{}, err
	}
	name := ""
	if g.kind() == syntax.TokIdent {
		name = g.word()
		g.next()
	}
	rp, err := g.expect(syntax.TokRParen, ") to close the pattern node")
	if err != nil {
		return "", syntax.Span{}, err
	}
	return name, syntax.Span{Start: g.base + lp.Start, End: g.base + rp.End}, nil
}

// edgePat parses --> <-- -- -[e]-> <-[e]- -[e]- with optional *min..max.
func (g *graphText) edgePat() (graphEdgePat, error) {
	start := g.tok()
	e := graphEdgePat{dir: graphDirAny, min: 1, max: 1}
	left := false
	if g.kind() == syntax.TokLt {
		left = true
		g.next()
	}
	if _, err := g.expect(syntax.TokMinus, "- in a pattern edge"); err != nil {
		return e, err
	}
	if g.kind() == syntax.TokLBracket {
		g.next()
		if g.kind() == syntax.TokIdent {
			e.name = g.word()
			g.next()
		}
		if g.kind() == syntax.TokStar {
			g.next()
			if err := g.hops(&e); err != nil {
				return e, err
			}
		}
		if _, err := g.expect(syntax.TokRBracket, "] to close the pattern edge"); err != nil {
			return e, err
		}
	}
	if _, err := g.expect(syntax.TokMinus, "- in a pattern edge"); err != nil {
		return e, err
	}
	right := false
	if g.kind() == syntax.TokGt {
		right = true
		g.next()
	}
	e.span = syntax.Span{Start: g.base + start.Start, End: g.base + g.toks[g.pos-1].End}
	switch {
	case left && right:
		return e, errAt(e.span, "a pattern edge cannot point both ways")
	case left:
		e.dir = graphDirLeft
	case right:
		e.dir = graphDirRight
	}
	return e, nil
}

// hops parses min..max (or a single count) after *.
func (g *graphText) hops(e *graphEdgePat) error {
	e.varLen = true
	num := func() (int, error) {
		t, err := g.expect(syntax.TokInt, "an integer hop count")
		if err != nil {
			return 0, err
		}
		n, err := strconv.Atoi(g.text[t.Start:t.End])
		if err != nil || n < 0 || n > graphMaxHops {
			return 0, errAt(g.span(t), "hop count must be between 0 and %d", graphMaxHops)
		}
		return n, nil
	}
	lo, err := num()
	if err != nil {
		return err
	}
	e.min, e.max = lo, lo
	if g.kind() == syntax.TokDotDot {
		g.next()
		if e.max, err = num(); err != nil {
			return err
		}
	}
	if e.max < e.min {
		return g.errHere("the maximum hop count %d is below the minimum %d", e.max, e.min)
	}
	return nil
}

// graphMatchSpec is a parsed graph-match or graph-shortest-paths.
type graphMatchSpec struct {
	option string // cycles= (graph-match) or output= (graph-shortest-paths) value, "" default
	paths  []graphPathPat
	where  syntax.Expr   // nil when absent
	proj   []syntax.Expr // project items
	span   syntax.Span
}

// graphParseMatch parses `[opt=value] Pattern [where Pred] project Items`.
func graphParseMatch(op string, text string, base int) (*graphMatchSpec, error) {
	g, err := graphNewText(text, base)
	if err != nil {
		return nil, err
	}
	spec := &graphMatchSpec{span: syntax.Span{Start: base, End: base + len(text)}}
	optName := "cycles"
	if op == "graph-shortest-paths" {
		optName = "output"
	}
	for {
		_, v, ok, err := g.param(optName)
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		spec.option = strings.ToLower(v)
	}
	if spec.paths, err = g.pattern(); err != nil {
		return nil, err
	}
	whereAt, projAt := -1, -1
	if g.isWord(g.tok(), "where") {
		whereAt = g.pos
	}
	i := g.topLevel(g.pos, func(t syntax.Token) bool { return g.isWord(t, "project") })
	if g.toks[i].Kind != syntax.TokEOF {
		projAt = i
	}
	if whereAt < 0 && projAt != g.pos && g.kind() != syntax.TokEOF {
		return nil, g.errHere("expected where or project after the %s pattern", op)
	}
	if projAt < 0 {
		return nil, errAt(spec.span, "%s needs a project clause", op)
	}
	if whereAt >= 0 {
		txt, at := g.sliceText(whereAt+1, projAt)
		if strings.TrimSpace(txt) == "" {
			return nil, errAt(g.span(g.toks[whereAt]), "where needs a predicate")
		}
		es, err := graphParsePrint(txt, base+at)
		if err != nil {
			return nil, err
		}
		if len(es) != 1 {
			return nil, errAt(es[0].Span(), "where takes one predicate")
		}
		spec.where = es[0]
	}
	txt, at := g.sliceText(projAt+1, len(g.toks)-1)
	if strings.TrimSpace(txt) == "" {
		return nil, errAt(g.span(g.toks[projAt]), "project needs at least one expression")
	}
	if spec.proj, err = graphParsePrint(txt, base+at); err != nil {
		return nil, err
	}
	return spec, nil
}

// graphNodesSrc is `with Table on Column` in make-graph.
type graphNodesSrc struct {
	table syntax.Expr
	on    string
	span  syntax.Span
}

// graphMakeSpec is a parsed make-graph.
type graphMakeSpec struct {
	src, dst       string
	srcSpan        syntax.Span
	dstSpan        syntax.Span
	nodeID         string // with_node_id=
	tables         []graphNodesSrc
	partition      string
	partitionSpan  syntax.Span
	innerName      string // the graph operator of partitioned-by
	innerText      string
	innerBase      int
	innerNameSpans syntax.Span
}

// graphParseMake parses `Src --> Dst [with T on C [, T2 on C2] | with_node_id=N] [partitioned-by P (Op)]`.
func graphParseMake(text string, base int) (*graphMakeSpec, error) {
	g, err := graphNewText(text, base)
	if err != nil {
		return nil, err
	}
	s := &graphMakeSpec{}
	if s.src, s.srcSpan, err = g.ident("the source node column"); err != nil {
		return nil, err
	}
	for _, k := range []syntax.TokenKind{syntax.TokMinus, syntax.TokMinus, syntax.TokGt} {
		if _, err := g.expect(k, "--> between the source and target columns"); err != nil {
			return nil, err
		}
	}
	if s.dst, s.dstSpan, err = g.ident("the target node column"); err != nil {
		return nil, err
	}
	switch {
	case g.word() == "with_node_id":
		_, v, _, err := g.param("with_node_id")
		if err != nil {
			return nil, err
		}
		if v == "" {
			return nil, g.errHere("expected with_node_id=Name")
		}
		s.nodeID = v
	case g.word() == "with":
		g.next()
		for {
			on := g.topLevel(g.pos, func(t syntax.Token) bool { return g.isWord(t, "on") })
			if g.toks[on].Kind == syntax.TokEOF || on == g.pos {
				return nil, g.errHere("expected Table on Column after with")
			}
			txt, at := g.sliceText(g.pos, on)
			tab, err := graphParseTabular(txt, base+at)
			if err != nil {
				return nil, err
			}
			g.pos = on + 1
			col, span, err := g.ident("the node id column after on")
			if err != nil {
				return nil, err
			}
			s.tables = append(s.tables, graphNodesSrc{table: tab, on: col, span: span})
			if g.kind() != syntax.TokComma {
				break
			}
			g.next()
		}
	}
	if g.kind() == syntax.TokIdent {
		at := g.tok()
		if w := g.hyphenWord(); w != "partitioned-by" {
			g.pos--
			return nil, errAt(g.span(at), "unexpected %q in make-graph", w)
		}
		if s.partition, s.partitionSpan, err = g.ident("the partition column"); err != nil {
			return nil, err
		}
		lp, err := g.expect(syntax.TokLParen, "( with the graph operator to run per partition")
		if err != nil {
			return nil, err
		}
		rp := g.topLevel(g.pos-1, func(t syntax.Token) bool { return t.Kind == syntax.TokRParen })
		if g.toks[rp].Kind != syntax.TokRParen {
			return nil, errAt(g.span(lp), "unclosed ( after partitioned-by")
		}
		nameTok := g.tok()
		s.innerName = g.hyphenWord()
		s.innerNameSpans = g.span(nameTok)
		if s.innerName == "" {
			return nil, g.errHere("expected a graph operator")
		}
		s.innerText, _ = g.sliceText(g.pos, rp)
		s.innerBase = base + g.tok().Start
		g.pos = rp + 1
	}
	if g.kind() != syntax.TokEOF {
		return nil, g.errHere("unexpected text in make-graph")
	}
	return s, nil
}

// graphTablePart is one `nodes|edges [as Name] [with_*_id=Col]...` of graph-to-table.
type graphTablePart struct {
	edges            bool
	as               string
	nodeID, src, dst string
}

func graphParseToTable(text string, base int) ([]graphTablePart, error) {
	g, err := graphNewText(text, base)
	if err != nil {
		return nil, err
	}
	var parts []graphTablePart
	for {
		var p graphTablePart
		switch g.word() {
		case "nodes":
		case "edges":
			p.edges = true
		default:
			return nil, g.errHere("expected nodes or edges")
		}
		g.next()
		for {
			if g.word() == "as" {
				g.next()
				if p.as, _, err = g.ident("a table name after as"); err != nil {
					return nil, err
				}
				continue
			}
			names := []string{"with_node_id"}
			if p.edges {
				names = []string{"with_source_id", "with_target_id"}
			}
			n, v, ok, err := g.param(names...)
			if err != nil {
				return nil, err
			}
			if !ok {
				break
			}
			switch n {
			case "with_node_id":
				p.nodeID = v
			case "with_source_id":
				p.src = v
			case "with_target_id":
				p.dst = v
			}
		}
		parts = append(parts, p)
		if g.kind() != syntax.TokComma {
			break
		}
		g.next()
	}
	if g.kind() != syntax.TokEOF {
		return nil, g.errHere("unexpected text in graph-to-table")
	}
	if len(parts) > 2 || (len(parts) == 2 && parts[0].edges == parts[1].edges) {
		return nil, errAt(syntax.Span{Start: base, End: base + len(text)}, "graph-to-table exports nodes, edges, or nodes and edges")
	}
	return parts, nil
}

// graphParseComponents parses `[kind=weak|strong] [with_component_id=Name]`.
func graphParseComponents(text string, base int) (strong bool, name string, err error) {
	g, err := graphNewText(text, base)
	if err != nil {
		return false, "", err
	}
	name = "ComponentId"
	for g.kind() != syntax.TokEOF {
		at := g.tok()
		n, v, ok, err := g.param("kind", "with_component_id")
		if err != nil {
			return false, "", err
		}
		if !ok {
			return false, "", g.errHere("unexpected text in graph-mark-components")
		}
		if n == "kind" {
			switch strings.ToLower(v) {
			case "weak":
				strong = false
			case "strong":
				strong = true
			default:
				return false, "", errAt(g.span(at), "kind must be weak or strong")
			}
		} else {
			name = v
		}
	}
	return strong, name, nil
}
