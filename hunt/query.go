package hunt

import (
	"regexp"
	"sort"
	"strings"
)

// Spec is a pack as the runner needs it.
type Spec struct {
	Name       string
	Hypothesis string
	Indicators []Indicator
	Queries    []Query
	// Scenarios lists every false-positive scenario of the pack, also
	// those no query line applies (reported as not applied, with Note).
	Scenarios []Scenario
}

// Scenario is a false-positive scenario of a pack.
type Scenario struct {
	Name string
	// Note explains why a scenario is not applied, when no query has a
	// line for it.
	Note string
}

// Query is one KQL query of a pack.
type Query struct {
	Name  string // short name, e.g. the file name without extension
	File  string // path, for messages
	Table string // the table it reads, when known
	Text  string
	// Exclusions are the lines of Text that apply false-positive
	// exclusions; see DetectExclusions.
	Exclusions []Exclusion
	// IOCs are the values (Indicator.Value) of the indicators the query
	// hunts for. Empty means: those whose value (the IP without its
	// port, for ip:port) appears in Text, case-insensitively.
	IOCs []string
}

// targets returns the indexes of the indicators q hunts for (see
// Query.IOCs); nil when none can be told.
func (q Query) targets(inds []Indicator) []int {
	var out []int
	if len(q.IOCs) > 0 {
		want := map[string]bool{}
		for _, v := range q.IOCs {
			want[v] = true
		}
		for i, ind := range inds {
			if want[ind.Value] {
				out = append(out, i)
			}
		}
		return out
	}
	text := strings.ToLower(q.Text)
	for i, ind := range inds {
		v := ind.Value
		if strings.HasPrefix(strings.ToLower(ind.Type), "ip") {
			v, _ = SplitHostPort(v)
		}
		if v != "" && strings.Contains(text, strings.ToLower(v)) {
			out = append(out, i)
		}
	}
	return out
}

// Exclusion marks one line of a query (0-based) as the exclusion of a
// scenario. The line must be a whole pipeline stage ("| where ..."), so
// that the query stays valid without it.
type Exclusion struct {
	Scenario string
	Line     int
}

// exclusionTag matches the comment that tags an exclusion stage:
//
//	| where not(InitiatingProcessFileName =~ "mstsc.exe") // exclusion: Admin RDP session
//
// The tag may also stand alone on the line before the stage.
var exclusionTag = regexp.MustCompile(`//\s*(?i:exclusion|fp|false[- ]positive)\s*:\s*(.+?)\s*$`)

// DetectExclusions finds the exclusion lines of a query: a line whose
// trimmed text starts with "|" and that carries an "// exclusion: NAME"
// comment (or follows a line that is only such a comment).
func DetectExclusions(text string) []Exclusion {
	lines := strings.Split(text, "\n")
	var out []Exclusion
	pending := ""
	for i, ln := range lines {
		t := strings.TrimSpace(ln)
		m := exclusionTag.FindStringSubmatch(t)
		switch {
		case m != nil && strings.HasPrefix(t, "//"):
			pending = m[1]
		case m != nil && strings.HasPrefix(t, "|"):
			out = append(out, Exclusion{Scenario: m[1], Line: i})
			pending = ""
		case pending != "" && strings.HasPrefix(t, "|"):
			out = append(out, Exclusion{Scenario: pending, Line: i})
			pending = ""
		case t != "":
			pending = ""
		}
	}
	return out
}

// withoutLines returns text with the given 0-based lines blanked (kept as
// empty lines, so positions in error messages still point at the file).
func withoutLines(text string, drop map[int]bool) string {
	lines := strings.Split(text, "\n")
	for i := range lines {
		if drop[i] {
			lines[i] = ""
		}
	}
	return strings.Join(lines, "\n")
}

// scenarios returns the distinct scenario names of q's exclusions, sorted.
func (q Query) scenarios() []string {
	set := map[string]bool{}
	for _, e := range q.Exclusions {
		set[e.Scenario] = true
	}
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// variant returns q's text with the exclusion lines of every scenario
// except keep removed ("" removes them all).
func (q Query) variant(keep string) string {
	drop := map[int]bool{}
	for _, e := range q.Exclusions {
		if keep == "" || e.Scenario != keep {
			drop[e.Line] = true
		}
	}
	return withoutLines(q.Text, drop)
}
