package render

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huntpack/huntpack/intel"
	"github.com/huntpack/huntpack/pack"
)

// ReadmeInlineLimit is the query length up to which the README shows a
// query in full; longer queries are shown abridged (IOC rows elided) with
// a pointer to the query file.
const ReadmeInlineLimit = 4000

// README renders the pack's human document in the seed's layout:
// hypothesis, IOC summary with counts and a defanged table, the queries,
// the Sentinel tables with notes, the false-positive scenarios with their
// structured exclusions (applied / not applicable per query), and how to
// run the pack. Every IOC value is defanged and every attacker-controlled
// string is escaped for Markdown.
func README(p *pack.Pack) []byte {
	var b bytes.Buffer
	w := &mdWriter{w: &b}
	w.header(p)
	w.hypothesis(p)
	w.iocSummary(p)
	w.queries(p)
	w.dataSources(p)
	w.exclusions(p)
	w.howToRun(p)
	return b.Bytes()
}

// WriteREADME writes README(p) to w.
func WriteREADME(w io.Writer, p *pack.Pack) error {
	_, err := w.Write(README(p))
	return err
}

type mdWriter struct{ w *bytes.Buffer }

func (m *mdWriter) f(format string, args ...any) { fmt.Fprintf(m.w, format, args...) }
func (m *mdWriter) s(s string)                   { m.w.WriteString(s) }

func (m *mdWriter) header(p *pack.Pack) {
	m.f("# %s\n\n", mdText(p.Title))
	var parts []string
	if !p.Generated.IsZero() {
		parts = append(parts, fmt.Sprintf("Generated %s by %s", p.Generated.UTC().Format("2006-01-02 15:04 UTC"), mdText(p.Generator)))
	}
	if sel := p.Selection; sel != nil {
		parts = append(parts, "from "+selectionText(sel))
	}
	parts = append(parts, "source of truth: `pack.yaml` (format: huntpack `pack/FORMAT.md`)")
	m.f("%s.\n\n", strings.Join(parts, ", "))
}

func selectionText(s *pack.Selection) string {
	var p []string
	if s.Family != "" {
		p = append(p, "family "+mdText(s.Family))
	}
	if s.Since != "" {
		since := "seen in the last " + mdText(s.Since)
		if !s.From.IsZero() {
			since += " (since " + s.From.UTC().Format("2006-01-02") + ")"
		}
		p = append(p, since)
	}
	if s.MinConfidence > 0 {
		p = append(p, fmt.Sprintf("confidence >= %d", s.MinConfidence))
	}
	if len(s.Types) > 0 {
		p = append(p, "types "+mdText(strings.Join(s.Types, ", ")))
	}
	if len(s.Sources) > 0 {
		p = append(p, "sources "+mdText(strings.Join(s.Sources, ", ")))
	}
	if s.Tag != "" {
		p = append(p, "tag "+mdText(s.Tag))
	}
	if len(p) == 0 {
		return "the intel store"
	}
	return "the intel store (" + strings.Join(p, "; ") + ")"
}

func (m *mdWriter) hypothesis(p *pack.Pack) {
	m.s("## Hypothesis\n\n")
	m.f("%s\n\n", mdText(p.Hypothesis))
	if p.Description != "" {
		m.f("%s\n\n", mdText(p.Description))
	}
	if len(p.Techniques) > 0 {
		var ts []string
		for _, t := range p.Techniques {
			ts = append(ts, fmt.Sprintf("%s %s (%s)", mdText(t.ID), mdText(t.Name), mdText(t.Tactic)))
		}
		m.f("MITRE ATT&CK: %s.\n\n", strings.Join(ts, "; "))
	}
}

func (m *mdWriter) iocSummary(p *pack.Pack) {
	m.s("## IOC summary\n\n")
	counts := p.CountByType()
	var types []string
	for t := range counts {
		types = append(types, t)
	}
	sort.Slice(types, func(i, j int) bool {
		return counts[types[i]] > counts[types[j]] || (counts[types[i]] == counts[types[j]] && types[i] < types[j])
	})
	var tc []string
	for _, t := range types {
		tc = append(tc, fmt.Sprintf("%s (%d)", mdText(t), counts[t]))
	}
	family := p.Family
	if family == "" {
		family = "not set"
	}
	m.f("Malware family: %s. Total IOCs: %d. IOC types: %s.\n", mdText(family), len(p.IOCs), strings.Join(tc, ", "))
	if first, last, ok := firstSeenRange(p.IOCs); ok {
		m.f("First seen between %s and %s.", first.Format("2006-01-02"), last.Format("2006-01-02"))
	}
	if lo, hi, ok := confidenceRange(p.IOCs); ok {
		m.f(" Confidence %d%%–%d%%.", lo, hi)
	}
	m.s(" Values are defanged (`[.]`, `hxxp`); the queries use the real values.\n\n")
	m.s("| Type | Value | Threat Type | First Seen | Last Seen | Confidence | Source |\n|---|---|---|---|---|---|---|\n")
	for _, i := range p.IOCs {
		m.f("| %s | %s | %s | %s | %s | %s | %s |\n", mdText(i.Type), mdCode(intel.Defang(i.Key())), mdText(i.ThreatType),
			date(i.FirstSeen), date(i.LastSeen), confidence(i.Confidence), sourceCell(i))
	}
	m.s("\n")
	m.multiPort(p)
	if len(p.Skipped) > 0 {
		m.f("**%d %s left out** (not huntable as given):\n\n| Type | Value | Reason |\n|---|---|---|\n", len(p.Skipped), plural(len(p.Skipped), "IOC was", "IOCs were"))
		for _, s := range p.Skipped {
			m.f("| %s | %s | %s |\n", mdText(s.Type), mdCode(intel.Defang(s.Value)), mdText(s.Reason))
		}
		m.s("\n")
	}
}

// multiPort lists addresses the feed reports on several ports: a hit on
// one of them on another port is more likely the same C2 than chance.
func (m *mdWriter) multiPort(p *pack.Pack) {
	ports := map[string][]int{}
	var order []string
	for _, i := range p.IOCs {
		if i.Type != pack.TypeIPPort {
			continue
		}
		if _, ok := ports[i.Value]; !ok {
			order = append(order, i.Value)
		}
		ports[i.Value] = append(ports[i.Value], i.Port)
	}
	var multi []string
	for _, ip := range order {
		if len(ports[ip]) > 1 {
			multi = append(multi, ip)
		}
	}
	if len(multi) == 0 {
		return
	}
	sort.SliceStable(multi, func(a, b int) bool { return len(ports[multi[a]]) > len(ports[multi[b]]) })
	m.f("%d %s with several ports (the C2 listens on many; an `ip only` hit on them deserves a look):\n\n",
		len(multi), plural(len(multi), "address appears", "addresses appear"))
	m.s("| Address | Ports |\n|---|---|\n")
	for _, ip := range multi {
		ps := append([]int(nil), ports[ip]...)
		sort.Ints(ps)
		var txt []string
		for _, x := range ps {
			txt = append(txt, fmt.Sprint(x))
		}
		m.f("| %s | %s |\n", mdCode(intel.Defang(ip)), strings.Join(txt, ", "))
	}
	m.s("\n")
}

func firstSeenRange(iocs []pack.IOC) (first, last time.Time, ok bool) {
	for _, i := range iocs {
		if i.FirstSeen.IsZero() {
			continue
		}
		if !ok || i.FirstSeen.Before(first) {
			first = i.FirstSeen
		}
		if !ok || i.FirstSeen.After(last) {
			last = i.FirstSeen
		}
		ok = true
	}
	return first.UTC(), last.UTC(), ok
}

func confidenceRange(iocs []pack.IOC) (lo, hi int, ok bool) {
	for _, i := range iocs {
		if i.Confidence == 0 {
			continue
		}
		if !ok || i.Confidence < lo {
			lo = i.Confidence
		}
		if !ok || i.Confidence > hi {
			hi = i.Confidence
		}
		ok = true
	}
	return lo, hi, ok
}

func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02")
}

func confidence(c int) string {
	if c == 0 {
		return ""
	}
	return fmt.Sprintf("%d%%", c)
}

func sourceCell(i pack.IOC) string {
	s := mdText(i.Source)
	switch {
	case i.SourceID == "":
	case strings.EqualFold(i.Source, "threatfox") && allDigits(i.SourceID):
		s += fmt.Sprintf(" [#%s](https://threatfox.abuse.ch/ioc/%s/)", i.SourceID, i.SourceID)
	default:
		s += " " + mdText("#"+i.SourceID)
	}
	return s
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func (m *mdWriter) queries(p *pack.Pack) {
	m.s("## Queries\n\n")
	m.f("%d queries, one file each under `queries/`. Each returns `IOC` (the indicator that matched), `IOCFirstSeen` (its first_seen in the feed) and `MatchedOn` (the column that matched); IP queries add `PortMatch` (`ip:port` when the port matched too, `ip only` otherwise) and `IOCPorts`. ", len(p.Queries))
	m.f("Every query starts with `let %s = %s;` (the time window).\n\n", pack.LookbackParam, mdText(p.EffectiveLookback()))
	m.s("| # | File | Table | Runs in | IOCs | What it looks for |\n|---|---|---|---|---|---|\n")
	for n, q := range p.Queries {
		m.f("| %d | %s | %s | %s | %d | %s |\n", n+1, mdCode(q.File), mdText(q.Table), platformText(q.Platform), len(q.IOCs), mdText(q.Title))
	}
	m.s("\n")
	if p.Split() {
		m.f("IOC lists longer than the inline limit (a query stays under %d characters, Sentinel's analytics-rule limit) are split into parts. ", pack.DefaultMaxQueryChars)
		m.f("For any IOC count, `huntpack pack build` also writes a watchlist variant under %s: one query per table reading the IOCs with `_GetWatchlist(\"%s\")` from the watchlist %s (upload it with SearchKey = `key`).\n\n",
			mdCode(pack.WatchlistDir+"/"), mdText(p.ID), mdCode(pack.WatchlistCSVFile(p)))
	}
	for n, q := range p.Queries {
		m.f("### %d. %s\n\n", n+1, mdText(q.Title))
		if q.Description != "" {
			m.f("%s\n\n", mdText(q.Description))
		}
		m.exclusionSummary(p, q)
		if q.Part > 1 {
			m.f("Same query as part 1 for the next %d IOCs: %s.\n\n", len(q.IOCs), mdCode(q.File))
			continue
		}
		text := q.KQL
		if len(text) > ReadmeInlineLimit {
			text = Abridge(text, q.File)
			m.f("Abridged (IOC rows elided); the full query is %s.\n\n", mdCode(q.File))
		}
		m.s(fence(text, "kql"))
		m.s("\n")
	}
}

func platformText(p string) string {
	switch p {
	case pack.PlatformDefender:
		return "Defender XDR, Sentinel"
	case pack.PlatformSentinel:
		return "Sentinel / Log Analytics"
	}
	return mdText(p)
}

func (m *mdWriter) exclusionSummary(p *pack.Pack, q pack.Query) {
	var applied, na []string
	for _, st := range q.Exclusions {
		switch st.Status {
		case pack.StatusApplied:
			applied = append(applied, mdText(st.ID))
		case pack.StatusNotApplicable:
			na = append(na, fmt.Sprintf("%s (no %s in %s)", mdText(st.ID), mdText(strings.Join(st.Missing, ", ")), mdText(q.Table)))
		}
	}
	if len(applied) > 0 {
		m.f("Exclusions applied: %s.", strings.Join(applied, ", "))
	}
	if len(na) > 0 {
		if len(applied) > 0 {
			m.s(" ")
		}
		m.f("Not applicable: %s.", strings.Join(na, "; "))
	}
	if len(applied)+len(na) > 0 {
		m.s("\n\n")
	}
}

func (m *mdWriter) dataSources(p *pack.Pack) {
	m.s("## Sentinel tables\n\n| Sentinel Table | Connector | Notes |\n|---|---|---|\n")
	for _, d := range p.DataSources {
		m.f("| %s | %s | %s |\n", mdText(d.Table), mdText(d.Connector), mdText(d.Notes))
	}
	m.s("\n")
}

func (m *mdWriter) exclusions(p *pack.Pack) {
	m.s("## False-positive scenarios\n\n")
	if len(p.Exclusions) == 0 {
		m.s("None: every hit is returned.\n\n")
		return
	}
	m.s("Each scenario is a structured rule over neutral fields, mapped per table to real columns and written into the query as `| where not(...)`. A rule whose fields a table lacks is listed as not applicable to that query: it does not filter there.\n\n")
	for _, e := range p.Exclusions {
		m.f("### %s\n\n", mdText(e.Scenario))
		if e.Reason != "" {
			m.f("Description: %s\n\n", mdText(e.Reason))
		}
		m.f("Filter/Exclusion: exclude rows where %s.\n\n", ruleText(e))
		applied, na := exclusionTables(p, e.ID)
		if len(applied) > 0 {
			m.f("- Applied in: %s\n", strings.Join(applied, "; "))
		}
		if len(na) > 0 {
			m.f("- Not applicable to: %s\n", strings.Join(na, "; "))
		}
		m.s("\n")
	}
}

// exclusionTables summarises one exclusion's statuses per table (all
// parts of a split query share their table's status).
func exclusionTables(p *pack.Pack, id string) (applied, na []string) {
	seen := map[string]bool{}
	for _, q := range p.Queries {
		for _, st := range q.Exclusions {
			if st.ID != id || seen[q.Table] {
				continue
			}
			seen[q.Table] = true
			n := 0
			for _, o := range p.Queries {
				if o.Table == q.Table {
					n++
				}
			}
			what := fmt.Sprintf("%s (%d %s", mdText(q.Table), n, plural(n, "query", "queries"))
			if st.Status == pack.StatusApplied {
				applied = append(applied, what+": "+mdText(strings.Join(st.Columns, ", "))+")")
			} else {
				na = append(na, what+": no "+mdText(strings.Join(st.Missing, ", "))+")")
			}
		}
	}
	return applied, na
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func ruleText(e pack.Exclusion) string {
	var parts []string
	for _, c := range e.Conditions() {
		v := c.Value
		if c.Operator == pack.OpIn {
			v = "(" + strings.Join(c.Values, ", ") + ")"
		}
		parts = append(parts, mdCode(c.Field+" "+c.Operator+" "+v))
	}
	return strings.Join(parts, " and ")
}

func (m *mdWriter) howToRun(p *pack.Pack) {
	m.s("## Reading the results\n\n")
	m.s("- `PortMatch` `ip:port`: the address and the port the feed reported; on a workstation or server this is the strongest sign of an implant talking to its C2.\n")
	m.s("- `PortMatch` `ip only`: the address on another port. C2 servers listen on several ports and NAT rewrites them, but shared hosting and re-used VPS addresses also land here: check the process (`InitiatingProcessFileName`), the volume and the direction before escalating.\n")
	m.s("- `IOCFirstSeen` later than the event: the address was in use before the feed saw it as a C2; it may have served something else then, or the infection is older than the report.\n")
	m.s("- `MatchedOn` `SourceIP` / `LocalIP`: traffic from the IOC address (inbound or replies); `DestinationIP` / `RemoteIP`: traffic to it.\n\n")
	m.s("## Running the hunt\n\n")
	m.s("Locally, over exported or raw logs (CSV exports, CEF, Zeek, Sysmon, ...):\n\n")
	m.s("    huntpack hunt . --logs ./logs\n")
	m.s("    huntpack hunt . --logs ./exports --from 2026-07-01 --to 2026-07-26   # logs exported from the past\n\n")
	m.f("In Sentinel or Defender XDR, paste a query file; change the window by editing `let %s = %s;` or with `huntpack hunt --lookback 30d`, which rewrites that statement only.\n", pack.LookbackParam, mdText(p.EffectiveLookback()))
}

// Abridge shortens a generated query for display: datatable rows past the
// third are replaced by a comment, and very long let lines (IOC lists)
// are cut. The result
// is documentation, not a runnable query.
func Abridge(kql, file string) string {
	const keepRows, maxLine = 3, 200
	var out []string
	inTable, rows, elided := false, 0, 0
	flush := func() {
		if elided > 0 {
			out = append(out, fmt.Sprintf("    // ... %d more rows in %s", elided, file))
			elided = 0
		}
	}
	for _, line := range strings.Split(kql, "\n") {
		switch {
		case strings.Contains(line, "datatable(") && strings.HasSuffix(line, "["):
			inTable, rows = true, 0
		case inTable && (line == "]" || line == "];"):
			inTable = false
			flush()
		case inTable:
			rows++
			if rows > keepRows {
				elided++
				continue
			}
		}
		if strings.HasPrefix(line, "let ") {
			line = cutLine(line, maxLine)
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

func cutLine(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + " ... (abridged)"
}
