package render

import (
	"fmt"
	"strings"
	"time"

	"github.com/huntpack/huntpack/intel"
)

// mdText escapes free text for Markdown: one line, with the characters
// that start emphasis, links, code, HTML or table cells backslash-escaped,
// and line-start block markers neutralised. Attacker-controlled values
// (IOC fields, tags, feed text) never become markup.
func mdText(s string) string {
	s = visibleControls(s, true)
	var b strings.Builder
	for i, r := range s {
		if strings.ContainsRune("\\`*_[]<>|~!&{}", r) {
			b.WriteByte('\\')
		} else if i == 0 && strings.ContainsRune("#-+=", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	out := b.String()
	// "1." or "1)" at the start would open an ordered list.
	if n := leadingDigits(out); n > 0 && n < len(out) && (out[n] == '.' || out[n] == ')') {
		out = out[:n] + "\\" + out[n:]
	}
	return out
}

func leadingDigits(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

// visibleControls replaces newlines, tabs and other control characters
// by visible escapes (\n, \t, \x01), so a value stays on one line.
func visibleControls(s string, collapseSpace bool) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			if collapseSpace {
				b.WriteByte(' ')
			} else {
				b.WriteString(`\t`)
			}
		case r < 0x20 || r == 0x7f || r == 0x2028 || r == 0x2029 || r == 0xfeff:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mdCode renders s as a Markdown code span safe inside a GFM table cell:
// control characters made visible, `|` escaped (GFM unescapes it inside
// code spans in tables), delimited by more backticks than s contains in
// a row.
func mdCode(s string) string {
	if s == "" {
		return ""
	}
	s = strings.ReplaceAll(visibleControls(s, false), "|", `\|`)
	return codeSpan(s)
}

func codeSpan(s string) string {
	delim := strings.Repeat("`", longestRun(s, '`')+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || strings.HasPrefix(s, " ") && strings.HasSuffix(s, " ") {
		s = " " + s + " "
	}
	return delim + s + delim
}

func longestRun(s string, c byte) int {
	best, cur := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			cur++
			best = max(best, cur)
		} else {
			cur = 0
		}
	}
	return best
}

// fence renders text as a fenced code block whose fence is longer than
// any backtick run inside it, so no value can close it early.
func fence(text, lang string) string {
	f := strings.Repeat("`", max(3, longestRun(text, '`')+1))
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	return f + lang + "\n" + text + f + "\n"
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// defang makes an IOC key safe to show (see intel.Defang).
func defang(s string) string { return intel.Defang(s) }
