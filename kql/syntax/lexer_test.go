package syntax

import (
	"strings"
	"testing"
)

// tokenString renders tokens as "kind:text" for comparison.
func tokenString(src string, toks []Token) string {
	var parts []string
	for _, t := range toks {
		if t.Kind == TokEOF {
			break
		}
		parts = append(parts, t.Kind.String()+":"+src[t.Start:t.End])
	}
	return strings.Join(parts, " ")
}

func TestLex(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"pipeline", "T | where x>=1", "identifier:T '|':| identifier:where identifier:x '>=':>= integer:1"},
		{"negated string ops", "a !has 'x' and b !in~ (1) and c in~ (2)", "identifier:a identifier:!has string:'x' identifier:and identifier:b identifier:!in~ '(':( integer:1 ')':) identifier:and identifier:c identifier:in~ '(':( integer:2 ')':)"},
		{"comparison tokens", "== != <> =~ !~ < <= > >= = => ..", "'==':== '!=':!= '!=':<> '=~':=~ '!~':!~ '<':< '<=':<= '>':> '>=':>= '=':= '=>':=> '..':.."},
		{"numbers", "1 1.5 1e3 2.5E-3 0x1F 1. 1..2", "integer:1 real:1.5 real:1e3 real:2.5E-3 integer:0x1F real:1. integer:1 '..':.. integer:2"},
		{"timespans", "1d 1.5h 30m 10s 100ms 1tick 10microseconds 2days", "timespan:1d timespan:1.5h timespan:30m timespan:10s timespan:100ms timespan:1tick timespan:10microseconds timespan:2days"},
		{"digit-led name", "5Minutebin=1", "identifier:5Minutebin '=':= integer:1"},
		{"strings", `'a' "b\"c" @'d''e' @"f\" h'g' H@"i" ` + "```j\nk```", `string:'a' string:"b\"c" string:@'d''e' string:@"f\" string:h'g' string:H@"i" string:` + "```j\nk```"},
		{"escaped backslash at end", `'\\' x`, `string:'\\' identifier:x`},
		{"typed raw literals", "datetime(2020-01-01 10:00) timespan(1.2:00:00) guid(null) time (1d)", "literal:datetime(2020-01-01 10:00) literal:timespan(1.2:00:00) literal:guid(null) literal:time (1d)"},
		{"datetime as name", "x:datetime, datetime", "identifier:x ':':: identifier:datetime ',':, identifier:datetime"},
		{"comments", "a // comment | b\n| c", "identifier:a '|':| identifier:c"},
		{"brackets and dollar", "$left.['a b'][0]", "identifier:$left '.':. '[':[ string:'a b' ']':] '[':[ integer:0 ']':]"},
		{"unicode names and spaces", "Ünïcode\u00a0\u200bx", "identifier:Ünïcode identifier:x"},
		{"hyphenated operator is three tokens", "project-away", "identifier:project '-':- identifier:away"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			toks, diags := Lex(tc.src)
			if diags.HasErrors() {
				t.Fatalf("errors: %s", diags.Format("t", tc.src))
			}
			if got := tokenString(tc.src, toks); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestLexErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"unterminated string", "x = 'abc", "unterminated string literal"},
		{"newline in string", "'ab\ncd'", "unterminated string literal"},
		{"bad escape", `"\q"`, `invalid escape sequence \q in string literal`},
		{"unterminated multi-line", "```abc", "unterminated multi-line string literal"},
		{"unterminated datetime", "datetime(2020", "unterminated datetime literal"},
		{"stray character", "a # b", `unexpected character "#"`},
		{"stray unicode", "a \u2603 b", `unexpected character '☃'`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, diags := Lex(tc.src)
			if len(diags) == 0 || !strings.Contains(diags[0].Msg, tc.want) {
				t.Errorf("diagnostics %v, want one containing %q", diags, tc.want)
			}
		})
	}
}
