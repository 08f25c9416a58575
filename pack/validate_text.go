package pack

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// checkText refuses control characters (other than tab, newline and
// carriage return), DEL, line/paragraph separators and invalid UTF-8 in
// every field that reaches a query or a document: the rule Build applies
// to IOC values (ErrUnsafeValue), so Load accepts exactly what Build can
// write. Errors carry the pack.yaml line when the pack was parsed.
func (p *Pack) checkText(root *yaml.Node) []error {
	var errs []error
	check := func(v string, path ...any) {
		if r, bad := firstUnsafeRune(v); bad {
			errs = append(errs, fmt.Errorf("%s%s holds %s: %q", lineOf(root, path...), fieldPath(path), r, v))
		}
	}
	check(p.ID, "id")
	check(p.Title, "title")
	check(p.Family, "family")
	for i, c := range p.IOCs {
		for _, f := range []struct{ name, v string }{{"type", c.Type}, {"value", c.Value}, {"threat_type", c.ThreatType},
			{"source", c.Source}, {"source_id", c.SourceID}, {"family", c.Family}, {"reference", c.Reference}} {
			check(f.v, "iocs", i, f.name)
		}
		for j, t := range c.Tags {
			check(t, "iocs", i, "tags", j)
		}
	}
	for i, q := range p.Queries {
		check(q.ID, "queries", i, "id")
		check(q.Title, "queries", i, "title")
		check(q.Table, "queries", i, "table")
		check(q.KQL, "queries", i, "kql")
	}
	for i, e := range p.Exclusions {
		check(e.ID, "exclusions", i, "id")
		check(e.Value, "exclusions", i, "value")
		for j, v := range e.Values {
			check(v, "exclusions", i, "values", j)
		}
		for j, c := range e.And {
			check(c.Value, "exclusions", i, "and", j, "value")
			for k, v := range c.Values {
				check(v, "exclusions", i, "and", j, "values", k)
			}
		}
	}
	return errs
}

// firstUnsafeRune describes the first rune unsafeValue refuses.
func firstUnsafeRune(s string) (string, bool) {
	if !unsafeValue(s) {
		return "", false
	}
	for i, r := range s {
		if r == 0xfffd && !validAt(s, i) {
			return fmt.Sprintf("invalid UTF-8 at byte %d", i), true
		}
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f || r == 0x2028 || r == 0x2029 {
			return fmt.Sprintf("control character U+%04X at byte %d", r, i), true
		}
	}
	return "invalid UTF-8", true
}

// missingQueries is the error for a pack without queries: a truncated
// file, or one written by hand and never finished.
func missingQueries(root *yaml.Node) error {
	if line := lineOf(root, "queries"); line != "" {
		return fmt.Errorf("%squeries: the list is empty (a pack needs at least one query)", line)
	}
	last := ""
	if root != nil && root.Kind != 0 {
		last = fmt.Sprintf(" (the file ends at line %d: truncated?)", lastLine(root))
	}
	return fmt.Errorf("queries: missing%s; a pack needs at least one query", last)
}

// lineOf returns "line N: " for the node of root at path (map keys and list
// indexes from the document root), or "" when unknown.
func lineOf(root *yaml.Node, path ...any) string {
	if root == nil {
		return ""
	}
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	for _, step := range path {
		n = child(n, step)
		if n == nil {
			return ""
		}
	}
	return "line " + strconv.Itoa(n.Line) + ": "
}

func child(n *yaml.Node, step any) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n == nil {
		return nil
	}
	switch s := step.(type) {
	case string:
		if n.Kind != yaml.MappingNode {
			return nil
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == s {
				return n.Content[i+1]
			}
		}
	case int:
		if n.Kind == yaml.SequenceNode && s < len(n.Content) {
			return n.Content[s]
		}
	}
	return nil
}

func lastLine(n *yaml.Node) int {
	l := n.Line
	for _, c := range n.Content {
		l = max(l, lastLine(c))
	}
	return l
}

func fieldPath(path []any) string {
	s := ""
	for _, step := range path {
		switch v := step.(type) {
		case string:
			if s != "" {
				s += "."
			}
			s += v
		case int:
			s += "[" + strconv.Itoa(v) + "]"
		}
	}
	return s
}

// scrubMeta replaces the runes Load refuses (see checkText) in an IOC's
// descriptive fields with U+FFFD: feeds put anything in family names,
// tags and references, and the pack must still load.
func scrubMeta(i *IOC) {
	for _, f := range []*string{&i.ThreatType, &i.Source, &i.SourceID, &i.Family, &i.Reference} {
		*f = scrubText(*f)
	}
	for j, t := range i.Tags {
		if c := scrubText(t); c != t {
			i.Tags = append([]string(nil), i.Tags...) // do not write through the caller's slice
			i.Tags[j] = c
		}
	}
}

func scrubText(s string) string {
	if !unsafeValue(s) {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		if (r == utf8.RuneError && !validAt(s, i)) || (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f || r == 0x2028 || r == 0x2029 {
			r = utf8.RuneError
		}
		b.WriteRune(r)
	}
	return b.String()
}
