package reliability

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// The skeleton functions below reduce a rendered file to its structure:
// string literals and comments become placeholders, the rest is kept.
// A renderer escapes correctly when the skeleton of a pack built from
// hostile values equals the skeleton of its benign twin (same shape,
// harmless characters): no value changed the structure of the output.

// kqlSkeleton lexes KQL: // comments, "..." and '...' with backslash
// escapes, @"..." / @'...' verbatim strings, ```...``` multi-line strings.
// It returns the skeleton and the decoded string literals.
func kqlSkeleton(src string) (string, []string, error) {
	var sk strings.Builder
	var lits []string
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case strings.HasPrefix(src[i:], "//"):
			j := strings.IndexByte(src[i:], '\n')
			if j < 0 {
				j = len(src) - i
			}
			sk.WriteString("//C")
			i += j
		case strings.HasPrefix(src[i:], "```"):
			j := strings.Index(src[i+3:], "```")
			if j < 0 {
				return "", nil, fmt.Errorf("unterminated ``` at %d", i)
			}
			lits = append(lits, src[i+3:i+3+j])
			sk.WriteString("```S```")
			i += 3 + j + 3
		case (c == '@') && i+1 < len(src) && (src[i+1] == '"' || src[i+1] == '\''):
			q := src[i+1]
			var b strings.Builder
			j := i + 2
			for ; ; j++ {
				if j >= len(src) {
					return "", nil, fmt.Errorf("unterminated verbatim string at %d", i)
				}
				if src[j] == q {
					if j+1 < len(src) && src[j+1] == q {
						b.WriteByte(q)
						j++
						continue
					}
					break
				}
				b.WriteByte(src[j])
			}
			lits = append(lits, b.String())
			sk.WriteString("@" + string(q) + "S" + string(q))
			i = j + 1
		case c == '"' || c == '\'':
			s, n, err := backslashString(src[i:], c)
			if err != nil {
				return "", nil, fmt.Errorf("at %d: %w", i, err)
			}
			lits = append(lits, s)
			sk.WriteString(string(c) + "S" + string(c))
			i += n
		default:
			sk.WriteByte(c)
			i++
		}
	}
	return sk.String(), lits, nil
}

// backslashString decodes a quote-delimited string with C-like escapes
// starting at s[0] == q; it returns the value and the bytes consumed.
func backslashString(s string, q byte) (string, int, error) {
	var b strings.Builder
	for j := 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			if j+1 >= len(s) {
				return "", 0, fmt.Errorf("dangling backslash")
			}
			j++
			switch s[j] {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case '0':
				b.WriteByte(0)
			case 'u':
				if j+4 >= len(s) {
					return "", 0, fmt.Errorf("short \\u")
				}
				var r rune
				if _, err := fmt.Sscanf(s[j+1:j+5], "%04x", &r); err != nil {
					return "", 0, fmt.Errorf("bad \\u")
				}
				b.WriteRune(r)
				j += 4
			default:
				b.WriteByte(s[j])
			}
		case '\n':
			return "", 0, fmt.Errorf("newline inside a %c string", q)
		case q:
			return b.String(), j + 1, nil
		default:
			b.WriteByte(s[j])
		}
	}
	return "", 0, fmt.Errorf("unterminated %c string", q)
}

// splSkeleton lexes SPL: ``` comments ``` and "..." strings with
// backslash escapes.
func splSkeleton(src string) (string, []string, error) {
	var sk strings.Builder
	var lits []string
	for i := 0; i < len(src); {
		switch {
		case strings.HasPrefix(src[i:], "```"):
			j := strings.Index(src[i+3:], "```")
			if j < 0 {
				return "", nil, fmt.Errorf("unterminated ``` comment at %d", i)
			}
			sk.WriteString("```C```")
			i += 6 + j
		case src[i] == '"':
			s, n, err := backslashString(src[i:], '"')
			if err != nil {
				return "", nil, fmt.Errorf("at %d: %w", i, err)
			}
			lits = append(lits, s)
			sk.WriteString(`"S"`)
			i += n
		default:
			sk.WriteByte(src[i])
			i++
		}
	}
	return sk.String(), lits, nil
}

// esqlSkeleton lexes ES|QL: // and /* */ comments, """...""" and "..."
// strings with backslash escapes.
func esqlSkeleton(src string) (string, []string, error) {
	var sk strings.Builder
	var lits []string
	for i := 0; i < len(src); {
		switch {
		case strings.HasPrefix(src[i:], "//"):
			j := strings.IndexByte(src[i:], '\n')
			if j < 0 {
				j = len(src) - i
			}
			sk.WriteString("//C")
			i += j
		case strings.HasPrefix(src[i:], "/*"):
			j := strings.Index(src[i+2:], "*/")
			if j < 0 {
				return "", nil, fmt.Errorf("unterminated /* at %d", i)
			}
			sk.WriteString("/*C*/")
			i += 4 + j
		case strings.HasPrefix(src[i:], `"""`):
			j := strings.Index(src[i+3:], `"""`)
			if j < 0 {
				return "", nil, fmt.Errorf(`unterminated """ at %d`, i)
			}
			lits = append(lits, src[i+3:i+3+j])
			sk.WriteString(`"""S"""`)
			i += 6 + j
		case src[i] == '"':
			s, n, err := backslashString(src[i:], '"')
			if err != nil {
				return "", nil, fmt.Errorf("at %d: %w", i, err)
			}
			lits = append(lits, s)
			sk.WriteString(`"S"`)
			i += n
		default:
			sk.WriteByte(src[i])
			i++
		}
	}
	return sk.String(), lits, nil
}

// suricataSkeleton parses rules: '#' comment lines; rule lines are a
// header and options split on unescaped ';'. The skeleton keeps the header
// and each option keyword; msg and content values must be quoted with
// every inner quote, ';' and backslash escaped.
func suricataSkeleton(src string) (string, error) {
	var sk strings.Builder
	for n, line := range strings.Split(src, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			sk.WriteString("#\n")
			continue
		}
		open := strings.IndexByte(line, '(')
		if open < 0 || !strings.HasSuffix(line, ")") {
			return "", fmt.Errorf("line %d: not a rule: %q", n+1, line)
		}
		sk.WriteString(line[:open] + "(")
		body := line[open+1 : len(line)-1]
		var opts []string
		start := 0
		for i := 0; i < len(body); i++ {
			if body[i] == '\\' {
				i++
				continue
			}
			if body[i] == ';' {
				opts = append(opts, body[start:i])
				start = i + 1
			}
		}
		if strings.TrimSpace(body[start:]) != "" {
			return "", fmt.Errorf("line %d: option without ';': %q", n+1, body[start:])
		}
		for _, o := range opts {
			o = strings.TrimSpace(o)
			k, v, hasV := strings.Cut(o, ":")
			sk.WriteString(k + ";")
			if !hasV || (k != "msg" && k != "content") {
				continue
			}
			if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
				return "", fmt.Errorf("line %d: %s value not quoted: %q", n+1, k, v)
			}
			in := v[1 : len(v)-1]
			for i := 0; i < len(in); i++ {
				switch in[i] {
				case '\\':
					i++
				case '"', ';':
					return "", fmt.Errorf("line %d: unescaped %q in %s: %q", n+1, in[i], k, v)
				}
			}
		}
		sk.WriteString(")\n")
	}
	return sk.String(), nil
}

// tsvSkeleton is the field count of every line (comments: '#').
func tsvSkeleton(src string) string {
	var sk strings.Builder
	for _, line := range strings.Split(src, "\n") {
		if strings.HasPrefix(line, "#") {
			k, _, _ := strings.Cut(line, "\t")
			if k != "#fields" {
				k = "#"
			}
			sk.WriteString(k)
		}
		fmt.Fprintf(&sk, "%d\n", strings.Count(line, "\t")+1)
	}
	return sk.String()
}

// markdownSkeleton keeps, per line, the Markdown structure: characters
// with meaning (| # ` < > [ ] * _ !) outside backslash escapes and code
// spans; code spans become C and must not hold an unescaped '|' (it would
// split a table cell); fenced code blocks become F lines and no line inside
// may close the fence early.
func markdownSkeleton(src string) (string, error) {
	var sk strings.Builder
	fence := 0 // length of the open code fence, 0 outside
	for n, line := range strings.Split(src, "\n") {
		ticks := len(line) - len(strings.TrimLeft(line, "`"))
		if fence > 0 {
			if ticks >= fence && strings.TrimSpace(line[ticks:]) == "" {
				fence = 0
				sk.WriteString("```\n")
				continue
			}
			sk.WriteString("F\n")
			continue
		}
		if ticks >= 3 {
			if strings.Contains(line[ticks:], "`") {
				return "", fmt.Errorf("line %d: backtick in a fence's info string: %q", n+1, line)
			}
			fence = ticks
			sk.WriteString("```" + line[ticks:] + "\n")
			continue
		}
		for i := 0; i < len(line); i++ {
			c := line[i]
			switch {
			case c == '\\' && i+1 < len(line):
				i++
			case c == '`':
				k := i
				for k < len(line) && line[k] == '`' {
					k++
				}
				ticks := line[i:k]
				end := -1
				for j := k; j < len(line); {
					e := strings.Index(line[j:], ticks)
					if e < 0 {
						break
					}
					e += j
					f := e + len(ticks)
					if (e == 0 || line[e-1] != '`') && (f >= len(line) || line[f] != '`') {
						end = e
						break
					}
					for f < len(line) && line[f] == '`' {
						f++
					}
					j = f
				}
				if end < 0 {
					return "", fmt.Errorf("line %d: unclosed code span", n+1)
				}
				span := line[k:end]
				for j := 0; j < len(span); j++ {
					if strings.HasPrefix(line, "|") && span[j] == '|' && (j == 0 || span[j-1] != '\\') {
						return "", fmt.Errorf("line %d: unescaped | in code span %q", n+1, span)
					}
				}
				sk.WriteString("C")
				i = end + len(ticks) - 1
			case c == '#' && strings.TrimLeft(line[:i], " ") == "":
				sk.WriteByte(c)
			case strings.IndexByte("|<>[]*_!", c) >= 0:
				sk.WriteByte(c)
			}
		}
		sk.WriteByte('\n')
	}
	return sk.String(), nil
}

// shape reduces decoded YAML/JSON to its structure: keys, list lengths and
// scalar types (strings as S).
func shape(v any) string {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		b.WriteString("{")
		for _, k := range keys {
			b.WriteString(k + ":" + shape(x[k]) + ",")
		}
		return b.String() + "}"
	case []any:
		var b strings.Builder
		b.WriteString("[")
		for _, e := range x {
			b.WriteString(shape(e) + ",")
		}
		return b.String() + "]"
	case string:
		return "S"
	default:
		return fmt.Sprintf("%T", v)
	}
}

func yamlShape(data []byte) (string, any, error) {
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		return "", nil, err
	}
	return shape(v), v, nil
}

func jsonShape(data []byte) (string, any, error) {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return "", nil, err
	}
	return shape(v), v, nil
}

// stringsIn collects every string leaf of decoded YAML/JSON under keys
// named key (any depth); key "" collects all.
func stringsIn(v any, key string, out *[]string) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if s, ok := e.(string); ok && (key == "" || k == key) {
				*out = append(*out, s)
				continue
			}
			stringsIn(e, key, out)
		}
	case []any:
		for _, e := range x {
			if s, ok := e.(string); ok && key == "" {
				*out = append(*out, s)
				continue
			}
			stringsIn(e, key, out)
		}
	}
}

// stixString decodes a STIX pattern string literal starting at s[0] (a
// single quote):
// only backslash-quote and backslash-backslash are escapes, any other
// character stands for itself.
func stixString(s string) (string, int, error) {
	var b strings.Builder
	for j := 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			if j+1 >= len(s) || (s[j+1] != '\'' && s[j+1] != '\\') {
				return "", 0, fmt.Errorf("bad escape in STIX string")
			}
			j++
			b.WriteByte(s[j])
		case '\'':
			return b.String(), j + 1, nil
		default:
			b.WriteByte(s[j])
		}
	}
	return "", 0, fmt.Errorf("unterminated STIX string")
}
