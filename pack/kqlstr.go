package pack

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// KQLString returns s as a KQL double-quoted string literal. Backslash and
// double quote are escaped, as are newline, carriage return and tab (\n,
// \r, \t: the escapes Microsoft's string docs list). Other control
// characters and invalid UTF-8 are written as \uXXXX; the builder refuses
// IOC values holding them (ErrUnsafeValue), so generated packs never
// depend on that form.
func KQLString(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !validAt(s, i):
			b.WriteString(`\ufffd`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '"':
			b.WriteString(`\"`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f || r == 0x2028 || r == 0x2029:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func validAt(s string, i int) bool {
	r, n := utf8.DecodeRuneInString(s[i:])
	return !(r == utf8.RuneError && n <= 1)
}

// KQLStringList returns the values as a parenthesised, comma-separated
// list of KQL string literals, for `in (...)`, `in~ (...)`.
func KQLStringList(vals []string) string {
	parts := make([]string, len(vals))
	for i, v := range vals {
		parts[i] = KQLString(v)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// KQLDynamicStrings returns dynamic(["a", "b"]) holding the values.
func KQLDynamicStrings(vals []string) string {
	parts := make([]string, len(vals))
	for i, v := range vals {
		parts[i] = KQLString(v)
	}
	return "dynamic([" + strings.Join(parts, ", ") + "])"
}

// KQLDateTime returns t as a KQL datetime literal in UTC, or
// datetime(null) for the zero time.
func KQLDateTime(t time.Time) string {
	if t.IsZero() {
		return "datetime(null)"
	}
	return "datetime(" + t.UTC().Format("2006-01-02T15:04:05Z") + ")"
}

// RegexAlternation returns a RE2 pattern matching any of the literal
// values: (?:v1|v2|...) with every regex metacharacter escaped.
func RegexAlternation(vals []string) string {
	parts := make([]string, len(vals))
	for i, v := range vals {
		parts[i] = regexp.QuoteMeta(v)
	}
	return "(?:" + strings.Join(parts, "|") + ")"
}

// unsafeRune reports runes the builder refuses in IOC values: control
// characters other than tab, newline and carriage return, DEL, line and
// paragraph separators, and invalid UTF-8.
func unsafeValue(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	for _, r := range s {
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f || r == 0x2028 || r == 0x2029 {
			return true
		}
	}
	return false
}
