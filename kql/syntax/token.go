package syntax

// TokenKind classifies a token. Identifier-like words (keywords, operator
// names such as has or project, type names) are all TokIdent: KQL keywords
// are contextual, so the parser decides by text.
type TokenKind uint8

// Token kinds. The comment says what the token's text holds.
const (
	TokEOF      TokenKind = iota // end of input (empty text)
	TokError                     // a lexical error; the lexer already reported it
	TokIdent                     // name or keyword: where, T, $left, _x1, !has, in~, !in~
	TokInt                       // integer: 42, 0x1F
	TokReal                      // real: 1.5, 1e-3
	TokTimespan                  // timespan: 1d, 1.5h, 100ms, 1tick
	TokString                    // string literal in any quoting form (text includes quotes)
	TokTypedRaw                  // datetime(...), timespan(...), time(...), guid(...), date(...): raw contents
	TokPipe                      // |
	TokLParen                    // (
	TokRParen                    // )
	TokLBracket                  // [
	TokRBracket                  // ]
	TokLBrace                    // {
	TokRBrace                    // }
	TokComma                     // ,
	TokSemi                      // ;
	TokDot                       // .
	TokDotDot                    // ..
	TokAssign                    // =
	TokEq                        // ==
	TokNe                        // != or <>
	TokEqTilde                   // =~
	TokNeTilde                   // !~
	TokLt                        // <
	TokLe                        // <=
	TokGt                        // >
	TokGe                        // >=
	TokPlus                      // +
	TokMinus                     // -
	TokStar                      // *
	TokSlash                     // /
	TokPercent                   // %
	TokColon                     // :
	TokArrow                     // =>
	TokBang                      // ! (alone)
	TokQuestion                  // ?
	TokAt                        // @ (alone)
)

var tokNames = [...]string{
	TokEOF: "end of input", TokError: "invalid token", TokIdent: "identifier", TokInt: "integer",
	TokReal: "real", TokTimespan: "timespan", TokString: "string", TokTypedRaw: "literal",
	TokPipe: "'|'", TokLParen: "'('", TokRParen: "')'", TokLBracket: "'['", TokRBracket: "']'",
	TokLBrace: "'{'", TokRBrace: "'}'", TokComma: "','", TokSemi: "';'", TokDot: "'.'",
	TokDotDot: "'..'", TokAssign: "'='", TokEq: "'=='", TokNe: "'!='", TokEqTilde: "'=~'",
	TokNeTilde: "'!~'", TokLt: "'<'", TokLe: "'<='", TokGt: "'>'", TokGe: "'>='", TokPlus: "'+'",
	TokMinus: "'-'", TokStar: "'*'", TokSlash: "'/'", TokPercent: "'%'", TokColon: "':'",
	TokArrow: "'=>'", TokBang: "'!'", TokQuestion: "'?'", TokAt: "'@'",
}

// String describes the kind for messages.
func (k TokenKind) String() string {
	if int(k) < len(tokNames) {
		return tokNames[k]
	}
	return "token"
}

// Token is one lexical token: its kind and byte range in the source.
// The text is src[Start:End]; no per-token allocation is made.
type Token struct {
	Kind  TokenKind
	Start int
	End   int
}

// Span returns the token's source range.
func (t Token) Span() Span { return Span{t.Start, t.End} }
