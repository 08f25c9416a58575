package syntax

import "strings"

// Lex splits src into tokens, skipping whitespace and // comments. It never
// fails: bad input becomes TokError tokens plus a diagnostic. The last token
// is always TokEOF.
func Lex(src string) ([]Token, Diagnostics) {
	// About 7.7 bytes per token in real queries: allocate once for most inputs.
	lx := lexer{src: src, toks: make([]Token, 0, len(src)/6+16)}
	lx.run()
	return lx.toks, lx.diags
}

type lexer struct {
	src   string
	pos   int
	toks  []Token
	diags Diagnostics
}

func (lx *lexer) errorf(start, end int, msg string) {
	lx.diags = append(lx.diags, Diagnostic{Span: Span{start, end}, Msg: msg})
}

func (lx *lexer) emit(k TokenKind, start int) {
	lx.toks = append(lx.toks, Token{Kind: k, Start: start, End: lx.pos})
}

func (lx *lexer) run() {
	for {
		lx.skipSpace()
		if lx.pos >= len(lx.src) {
			lx.toks = append(lx.toks, Token{Kind: TokEOF, Start: len(lx.src), End: len(lx.src)})
			return
		}
		lx.next()
	}
}

func (lx *lexer) skipSpace() {
	s := lx.src
	for lx.pos < len(s) {
		c := s[lx.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			lx.pos++
		case c == '/' && lx.pos+1 < len(s) && s[lx.pos+1] == '/':
			for lx.pos < len(s) && s[lx.pos] != '\n' {
				lx.pos++
			}
		case c >= 0x80:
			r, n := decodeRune(s[lx.pos:])
			if !isUnicodeSpace(r) {
				return
			}
			lx.pos += n
		default:
			return
		}
	}
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isIdentByte(c byte) bool {
	return isLetter(c) || isDigit(c)
}

func (lx *lexer) peekAt(i int) byte {
	if lx.pos+i < len(lx.src) {
		return lx.src[lx.pos+i]
	}
	return 0
}

// next lexes one token at lx.pos (not at EOF, not at space).
func (lx *lexer) next() {
	start := lx.pos
	c := lx.src[lx.pos]
	switch {
	case isLetter(c) || c == '$':
		lx.ident(start)
		return
	case isDigit(c):
		lx.number(start)
		return
	case c == '"' || c == '\'':
		lx.quoted(start, lx.pos, false)
		return
	case c == '@' && (lx.peekAt(1) == '"' || lx.peekAt(1) == '\''):
		lx.pos++
		lx.quoted(start, lx.pos, true)
		return
	case c == '`' && strings.HasPrefix(lx.src[lx.pos:], "```"):
		lx.multiline(start, "```")
		return
	case c == '~' && strings.HasPrefix(lx.src[lx.pos:], "~~~"):
		lx.multiline(start, "~~~")
		return
	case c >= 0x80:
		lx.unicodeIdentOrError(start)
		return
	}
	lx.punct(start, c)
}

func (lx *lexer) unicodeIdentOrError(start int) {
	// Non-ASCII letters are allowed in KQL identifiers.
	r, n := decodeRune(lx.src[lx.pos:])
	if isUnicodeLetter(r) {
		lx.pos += n
		lx.identRest()
		lx.emit(TokIdent, start)
		return
	}
	lx.pos += n
	lx.errorf(start, lx.pos, "unexpected character "+quoteRune(r))
	lx.emit(TokError, start)
}

func (lx *lexer) identRest() {
	for lx.pos < len(lx.src) {
		c := lx.src[lx.pos]
		if isIdentByte(c) {
			lx.pos++
			continue
		}
		if c >= 0x80 {
			r, n := decodeRune(lx.src[lx.pos:])
			if isUnicodeLetter(r) {
				lx.pos += n
				continue
			}
		}
		return
	}
}

// typedRawNames are the literal constructors whose contents are raw text.
func isTypedRawName(s string) bool {
	switch s {
	case "datetime", "date", "timespan", "time", "guid":
		return true
	}
	return false
}

func (lx *lexer) ident(start int) {
	lx.pos++
	// h"..." / H'...' / h@"..." obfuscated strings.
	if c := lx.src[start]; (c == 'h' || c == 'H') && lx.pos < len(lx.src) {
		n := lx.src[lx.pos]
		if n == '"' || n == '\'' {
			lx.quoted(start, lx.pos, false)
			return
		}
		if n == '@' && (lx.peekAt(1) == '"' || lx.peekAt(1) == '\'') {
			lx.pos++
			lx.quoted(start, lx.pos, true)
			return
		}
	}
	lx.identRest()
	word := lx.src[start:lx.pos]
	if (word == "in") && lx.pos < len(lx.src) && lx.src[lx.pos] == '~' {
		lx.pos++
	}
	if isTypedRawName(word) {
		if lx.typedRaw(start) {
			return
		}
	}
	lx.emit(TokIdent, start)
}

// typedRaw lexes `datetime(...)` and friends as one token when a '(' follows.
func (lx *lexer) typedRaw(start int) bool {
	p := lx.pos
	for p < len(lx.src) && (lx.src[p] == ' ' || lx.src[p] == '\t' || lx.src[p] == '\n' || lx.src[p] == '\r') {
		p++
	}
	if p >= len(lx.src) || lx.src[p] != '(' {
		return false
	}
	end := strings.IndexByte(lx.src[p:], ')')
	nl := strings.IndexByte(lx.src[p:], '\n')
	if end < 0 || (nl >= 0 && nl < end) {
		lx.pos = p + 1
		lx.errorf(start, lx.pos, "unterminated "+lx.src[start:start+len(lx.src[start:p])]+" literal: missing ')'")
		lx.emit(TokError, start)
		return true
	}
	lx.pos = p + end + 1
	lx.emit(TokTypedRaw, start)
	return true
}

func (lx *lexer) number(start int) {
	s := lx.src
	if s[lx.pos] == '0' && (lx.peekAt(1) == 'x' || lx.peekAt(1) == 'X') && isHex(lx.peekAt(2)) {
		lx.pos += 2
		for lx.pos < len(s) && isHex(s[lx.pos]) {
			lx.pos++
		}
		lx.emit(TokInt, start)
		return
	}
	kind := TokInt
	for lx.pos < len(s) && isDigit(s[lx.pos]) {
		lx.pos++
	}
	if lx.pos+1 < len(s) && s[lx.pos] == '.' && isDigit(s[lx.pos+1]) {
		kind = TokReal
		lx.pos++
		for lx.pos < len(s) && isDigit(s[lx.pos]) {
			lx.pos++
		}
	} else if lx.pos < len(s) && s[lx.pos] == '.' && (lx.pos+1 >= len(s) || !isIdentByte(s[lx.pos+1]) && s[lx.pos+1] != '.') {
		// "1." is a real
		kind = TokReal
		lx.pos++
	}
	if lx.pos < len(s) && (s[lx.pos] == 'e' || s[lx.pos] == 'E') {
		p := lx.pos + 1
		if p < len(s) && (s[p] == '+' || s[p] == '-') {
			p++
		}
		if p < len(s) && isDigit(s[p]) {
			for p < len(s) && isDigit(s[p]) {
				p++
			}
			if p >= len(s) || !isIdentByte(s[p]) {
				lx.pos = p
				lx.emit(TokReal, start)
				return
			}
		}
	}
	if lx.pos < len(s) && isLetter(s[lx.pos]) {
		us := lx.pos
		for lx.pos < len(s) && isIdentByte(s[lx.pos]) {
			lx.pos++
		}
		if timespanUnitTicks(strings.ToLower(s[us:lx.pos])) != 0 || isNanoUnit(strings.ToLower(s[us:lx.pos])) {
			lx.emit(TokTimespan, start)
			return
		}
		// Kusto lexes digits followed by letters (5Minutebin) as a name.
		lx.identRest()
		lx.emit(TokIdent, start)
		return
	}
	lx.emit(kind, start)
}

// validEscape reports whether \c is an escape Kusto accepts.
func validEscape(c byte) bool {
	switch c {
	case 'n', 't', 'r', 'a', 'b', 'f', 'v', '\\', '\'', '"', 'u', 'U', 'x':
		return true
	}
	return c >= '0' && c <= '7'
}

func isHex(c byte) bool { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

// quoted lexes a '…' or "…" string whose quote is at q; verbatim strings
// (@) have no escapes and double the quote instead.
func (lx *lexer) quoted(start, q int, verbatim bool) {
	s := lx.src
	quote := s[q]
	p := q + 1
	for p < len(s) {
		c := s[p]
		switch {
		case c == '\n':
			lx.pos = p
			lx.errorf(start, p, "unterminated string literal")
			lx.emit(TokError, start)
			return
		case c == '\\' && !verbatim:
			if p+1 < len(s) && !validEscape(s[p+1]) && s[p+1] != '\n' {
				_, n := decodeRune(s[p+1:])
				lx.errorf(p, p+1+n, "invalid escape sequence \\"+s[p+1:p+1+n]+" in string literal (write \\\\ for a backslash, or use a verbatim @\"...\" string)")
			}
			p += 2
			continue
		case c == quote:
			if verbatim && p+1 < len(s) && s[p+1] == quote {
				p += 2
				continue
			}
			lx.pos = p + 1
			lx.emit(TokString, start)
			return
		}
		p++
	}
	lx.pos = len(s)
	lx.errorf(start, len(s), "unterminated string literal")
	lx.emit(TokError, start)
}

func (lx *lexer) multiline(start int, fence string) {
	end := strings.Index(lx.src[start+3:], fence)
	if end < 0 {
		lx.pos = len(lx.src)
		lx.errorf(start, start+3, "unterminated multi-line string literal")
		lx.emit(TokError, start)
		return
	}
	lx.pos = start + 3 + end + 3
	lx.emit(TokString, start)
}

func (lx *lexer) punct(start int, c byte) {
	n := lx.peekAt(1)
	k := TokError
	w := 1
	switch c {
	case '|':
		k = TokPipe
	case '(':
		k = TokLParen
	case ')':
		k = TokRParen
	case '[':
		k = TokLBracket
	case ']':
		k = TokRBracket
	case '{':
		k = TokLBrace
	case '}':
		k = TokRBrace
	case ',':
		k = TokComma
	case ';':
		k = TokSemi
	case '.':
		k = TokDot
		if n == '.' {
			k, w = TokDotDot, 2
		}
	case '=':
		switch n {
		case '=':
			k, w = TokEq, 2
		case '~':
			k, w = TokEqTilde, 2
		case '>':
			k, w = TokArrow, 2
		default:
			k = TokAssign
		}
	case '!':
		switch {
		case n == '=':
			k, w = TokNe, 2
		case n == '~':
			k, w = TokNeTilde, 2
		case isLetter(n):
			// !has, !contains, !in, !in~, !between ...
			lx.pos++
			lx.identRest()
			if lx.src[start:lx.pos] == "!in" && lx.pos < len(lx.src) && lx.src[lx.pos] == '~' {
				lx.pos++
			}
			lx.emit(TokIdent, start)
			return
		default:
			k = TokBang
		}
	case '<':
		switch n {
		case '=':
			k, w = TokLe, 2
		case '>':
			k, w = TokNe, 2
		default:
			k = TokLt
		}
	case '>':
		k = TokGt
		if n == '=' {
			k, w = TokGe, 2
		}
	case '+':
		k = TokPlus
	case '-':
		k = TokMinus
	case '*':
		k = TokStar
	case '/':
		k = TokSlash
	case '%':
		k = TokPercent
	case ':':
		k = TokColon
	case '?':
		k = TokQuestion
	case '@':
		k = TokAt
	}
	lx.pos += w
	if k == TokError {
		lx.errorf(start, lx.pos, "unexpected character "+quoteText(lx.src[start:lx.pos]))
	}
	lx.emit(k, start)
}
