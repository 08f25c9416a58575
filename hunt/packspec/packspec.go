// Package packspec turns a loaded hunt pack (pack.Pack) into the runner's
// hunt.Spec: IOCs (from pack.yaml, else the README's IOC table, else the
// IP and domain literals of the queries), queries with their lookback
// window set, and the exclusion lines of every query mapped to the pack's
// false-positive scenarios.
package packspec

import (
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"

	"github.com/huntpack/huntpack/hunt"
	"github.com/huntpack/huntpack/kql/types"
	"github.com/huntpack/huntpack/pack"
)

// FromPack turns a loaded pack into a run Spec. The IOCs come from
// pack.yaml; a hand-written pack without pack.yaml gets them from the IOC
// table of its README (Type | Value | ... | First Seen | Confidence,
// values refanged), or, failing that, from the string literals of its
// queries that are IP addresses or domain names. lookback, when not
// empty, replaces the `let lookback = ...;` window of generated queries.
func FromPack(p *pack.Pack, lookback string) (*hunt.Spec, error) {
	s := &hunt.Spec{Name: p.Title, Hypothesis: p.Hypothesis}
	if s.Name == "" {
		s.Name = p.ID
	}
	for _, ioc := range p.IOCs {
		s.Indicators = append(s.Indicators, indicatorOf(ioc, p.Family))
	}
	if len(s.Indicators) == 0 && p.Readme != "" {
		s.Indicators = readmeIndicators(p.Readme)
		if s.Hypothesis == "" {
			s.Hypothesis = readmeSection(p.Readme, "Hypothesis")
		}
	}
	for _, q := range p.Queries {
		hq, err := queryOf(p, q, lookback)
		if err != nil {
			return nil, err
		}
		s.Queries = append(s.Queries, hq)
	}
	if len(s.Indicators) == 0 {
		s.Indicators = literalIndicators(s.Queries)
	}
	s.Scenarios = scenariosOf(p)
	return s, nil
}

func indicatorOf(ioc pack.IOC, family string) hunt.Indicator {
	ind := hunt.Indicator{Type: ioc.Type, Value: ioc.Key(), ThreatType: ioc.ThreatType,
		FirstSeen: ioc.FirstSeen, Confidence: ioc.Confidence, Malware: ioc.Family}
	if ind.Malware == "" {
		ind.Malware = family
	}
	if ioc.Type == pack.TypeIPPort && ioc.Port == 0 {
		ind.Type = "ip"
	}
	return ind
}

func queryOf(p *pack.Pack, q pack.Query, lookback string) (hunt.Query, error) {
	text := q.KQL
	if lookback != "" && q.LookbackParam != "" {
		t, ok := pack.WithLookback(text, lookback)
		if !ok {
			return hunt.Query{}, fmt.Errorf("query %s: cannot set lookback %q (want a timespan such as 14d or 12h)", q.ID, lookback)
		}
		text = t
	}
	hq := hunt.Query{Name: q.ID, File: q.File, Table: q.Table, Text: text, IOCs: iocValues(p, q.IOCs)}
	hq.Exclusions = hunt.DetectExclusions(text)
	for i, e := range hq.Exclusions {
		if ex, ok := p.Exclusion(e.Scenario); ok {
			hq.Exclusions[i].Scenario = scenarioName(ex) // tagged with the rule's ID
		}
	}
	if len(hq.Exclusions) == 0 {
		hq.Exclusions = packExclusions(p, q, text)
	}
	return hq, nil
}

// packExclusions finds, for each exclusion applied to q, the
// "| where not(...)" lines that mention all its columns and its first
// value (case-insensitive): the way pack.Build renders exclusions.
func packExclusions(p *pack.Pack, q pack.Query, text string) []hunt.Exclusion {
	var out []hunt.Exclusion
	lines := strings.Split(text, "\n")
	for _, st := range q.Exclusions {
		if st.Status != pack.StatusApplied {
			continue
		}
		ex, ok := p.Exclusion(st.ID)
		if !ok {
			continue
		}
		name := scenarioName(ex)
		for i, ln := range lines {
			if isExclusionLine(ln, st.Columns, ex) {
				out = append(out, hunt.Exclusion{Scenario: name, Line: i})
			}
		}
	}
	return out
}

func isExclusionLine(ln string, cols []string, ex pack.Exclusion) bool {
	t := strings.ToLower(strings.TrimSpace(ln))
	if !strings.HasPrefix(t, "|") || !strings.Contains(t, "where") || !strings.Contains(t, "not") {
		return false
	}
	for _, c := range cols {
		if !strings.Contains(t, strings.ToLower(c)) {
			return false
		}
	}
	v := ex.Value
	if v == "" && len(ex.Values) > 0 {
		v = ex.Values[0]
	}
	return v == "" || strings.Contains(t, strings.ToLower(v))
}

func scenarioName(ex pack.Exclusion) string {
	if ex.Scenario != "" {
		return ex.Scenario
	}
	return ex.ID
}

func scenariosOf(p *pack.Pack) []hunt.Scenario {
	var out []hunt.Scenario
	for _, ex := range p.Exclusions {
		sc := hunt.Scenario{Name: scenarioName(ex)}
		var missing []string
		for _, q := range p.Queries {
			for _, st := range q.Exclusions {
				if st.ID == ex.ID && st.Status == pack.StatusNotApplicable {
					missing = append(missing, fmt.Sprintf("%s lacks %s", q.Table, strings.Join(st.Missing, ", ")))
				}
			}
		}
		if len(missing) > 0 {
			sc.Note = "not applicable: " + strings.Join(missing, "; ")
		}
		out = append(out, sc)
	}
	if len(out) == 0 && p.Readme != "" {
		for _, row := range readmeTable(p.Readme, "scenario") {
			if len(row) > 0 && row[0] != "" {
				out = append(out, hunt.Scenario{Name: row[0], Note: "prose only in the pack: no structured exclusion to apply"})
			}
		}
	}
	return out
}

// readmeIndicators reads the IOC table of a pack README: a Markdown table
// whose header has Type and Value columns.
func readmeIndicators(readme string) []hunt.Indicator {
	var out []hunt.Indicator
	hdr, rows := readmeTableWithHeader(readme, "type")
	col := func(row []string, name string) string {
		for i, h := range hdr {
			if strings.EqualFold(strings.TrimSpace(h), name) && i < len(row) {
				return strings.TrimSpace(row[i])
			}
		}
		return ""
	}
	for _, row := range rows {
		typ, val := strings.ToLower(col(row, "type")), Refang(strings.Trim(col(row, "value"), "`"))
		if typ == "" || val == "" {
			continue
		}
		ind := hunt.Indicator{Type: typ, Value: val, ThreatType: col(row, "threat type")}
		if t, err := types.ParseDateTime(col(row, "first seen")); err == nil {
			ind.FirstSeen = types.TimeFromTicks(t)
		}
		if c, err := strconv.Atoi(strings.TrimSuffix(col(row, "confidence"), "%")); err == nil {
			ind.Confidence = c
		}
		out = append(out, ind)
	}
	return out
}

func readmeTable(readme, firstHeader string) [][]string {
	_, rows := readmeTableWithHeader(readme, firstHeader)
	return rows
}

// readmeTableWithHeader returns the first Markdown table whose first
// header cell is firstHeader (case-insensitive), header and rows.
func readmeTableWithHeader(readme, firstHeader string) ([]string, [][]string) {
	var hdr []string
	var rows [][]string
	for _, ln := range strings.Split(readme, "\n") {
		t := strings.TrimSpace(ln)
		if !strings.HasPrefix(t, "|") {
			if hdr != nil {
				break
			}
			continue
		}
		cells := splitRow(t)
		switch {
		case hdr == nil && len(cells) > 0 && strings.EqualFold(cells[0], firstHeader):
			hdr = cells
		case hdr != nil && strings.Trim(strings.Join(cells, ""), "-: ") == "":
			// separator row
		case hdr != nil:
			rows = append(rows, cells)
		}
	}
	return hdr, rows
}

func splitRow(t string) []string {
	t = strings.TrimSuffix(strings.TrimPrefix(t, "|"), "|")
	cells := strings.Split(t, "|")
	for i := range cells {
		cells[i] = strings.TrimSpace(cells[i])
	}
	return cells
}

// readmeSection returns the first paragraph under the "## name" heading.
func readmeSection(readme, name string) string {
	lines := strings.Split(readme, "\n")
	for i, ln := range lines {
		if strings.EqualFold(strings.TrimSpace(strings.TrimLeft(ln, "#")), name) && strings.HasPrefix(ln, "#") {
			var para []string
			for _, l := range lines[i+1:] {
				t := strings.TrimSpace(l)
				if t == "" && len(para) > 0 || strings.HasPrefix(t, "#") {
					break
				}
				if t != "" {
					para = append(para, t)
				}
			}
			return strings.Join(para, " ")
		}
	}
	return ""
}

var quoted = regexp.MustCompile(`"([^"\\]{3,253})"`)
var domainRe = regexp.MustCompile(`^(?i)[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,63}$`)

// literalIndicators takes the IPs and domain names quoted in the queries.
func literalIndicators(qs []hunt.Query) []hunt.Indicator {
	var out []hunt.Indicator
	seen := map[string]bool{}
	for _, q := range qs {
		for _, m := range quoted.FindAllStringSubmatch(q.Text, -1) {
			v := m[1]
			typ := ""
			switch {
			case net.ParseIP(v) != nil:
				typ = "ip"
			case domainRe.MatchString(v) && !strings.HasSuffix(strings.ToLower(v), ".exe"):
				typ = "domain"
			}
			if typ != "" && !seen[v] {
				seen[v] = true
				out = append(out, hunt.Indicator{Type: typ, Value: v})
			}
		}
	}
	return out
}

// Refang undoes the usual defanging: [.] (.) {.} → ., hxxp → http,
// [:]// → ://, [at] → @.
func Refang(s string) string {
	r := strings.NewReplacer("[.]", ".", "(.)", ".", "{.}", ".", "[dot]", ".", "[:]", ":", "[://]", "://", "[at]", "@", "[@]", "@")
	s = r.Replace(s)
	if l := strings.ToLower(s); strings.HasPrefix(l, "hxxp") {
		s = "http" + s[4:]
	}
	return s
}

// iocValues maps IOC keys (pack.IOC.Key) to indicator values, which are
// the same keys (see indicatorOf).
func iocValues(p *pack.Pack, keys []string) []string {
	var out []string
	for _, k := range keys {
		if _, ok := p.IOCByKey(k); ok {
			out = append(out, k)
		}
	}
	return out
}
