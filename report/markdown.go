package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/huntpack/huntpack/hunt"
)

// WriteMarkdown writes the report as Markdown: summary, findings per IOC,
// exclusions, per-query hits and the evidence rows (capped, cap stated).
// IOCs are defanged and every cell is escaped.
func WriteMarkdown(w io.Writer, res *hunt.Result) error {
	bw := bufio.NewWriter(w)
	d := newCellDefanger(res.Indicators)
	fmt.Fprintf(bw, "# Hunt report: %s\n\n", md(res.Pack))
	writeMDSummary(bw, res)
	writeMDFindings(bw, res)
	writeMDScenarios(bw, res)
	writeMDQueries(bw, res)
	writeMDEvidence(bw, res, d)
	return bw.Flush()
}

func writeMDSummary(w io.Writer, res *hunt.Result) {
	if res.Interrupted {
		fmt.Fprintf(w, "> **Interrupted:** this report covers only what ran before the stop.\n\n")
	}
	if res.Hypothesis != "" {
		fmt.Fprintf(w, "**Hypothesis.** %s\n\n", md(res.Hypothesis))
	}
	t := res.Totals
	rows := [][2]string{
		{"Backend", res.Backend},
		{"Window", windowText(res.Window)},
		{"Started", res.Started.UTC().Format("2006-01-02 15:04:05 UTC")},
		{"Duration", res.Elapsed.Round(1e6).String()},
		{"Hits", strconv.Itoa(t.Hits)},
		{"IOCs hit", iocsHitShort(res)},
		{"Hits before the IOC's first_seen", strconv.Itoa(t.BeforeFirstSeen)},
		{"Suppressed by exclusions", strconv.Itoa(t.Suppressed)},
		{"Hits matching no IOC", strconv.Itoa(t.Unattributed)},
		{"Failed queries", strconv.Itoa(t.FailedQueries)},
	}
	if res.Scan.Rows > 0 {
		rows = append(rows, [2]string{"Rows scanned", fmt.Sprintf("%d in %d files (%d malformed)", res.Scan.Rows, res.Scan.Files, res.Scan.Malformed)})
	}
	fmt.Fprintf(w, "## Summary\n\n| | |\n|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(w, "| %s | %s |\n", md(r[0]), md(r[1]))
	}
	fmt.Fprintln(w)
}

func windowText(win hunt.Window) string {
	if win.From.IsZero() && win.To.IsZero() {
		return "all rows (no time window)"
	}
	from, to := "…", "…"
	if !win.From.IsZero() {
		from = isoTime(win.From)
	}
	if !win.To.IsZero() {
		to = isoTime(win.To)
	}
	return from + " to " + to
}

func writeMDFindings(w io.Writer, res *hunt.Result) {
	fmt.Fprintf(w, "## Findings per IOC\n\n")
	fs, none := listedFindings(res)
	if len(fs) > 0 {
		fmt.Fprintf(w, "| IOC | Type | First seen | Hits | First hit | Last hit | Hosts | Users | Tables | Port | Before first_seen | Suppressed |\n")
		fmt.Fprintf(w, "|---|---|---|---:|---|---|---|---|---|---|---:|---:|\n")
		for _, f := range fs {
			fmt.Fprintf(w, "| %s | %s | %s | %d | %s | %s | %s | %s | %s | %s | %d | %d |\n",
				md(Defang(f.Indicator.Type, f.Indicator.Value)), md(f.Indicator.Type), md(isoDate(f.Indicator.FirstSeen)),
				f.Hits, md(isoTime(f.FirstHit)), md(isoTime(f.LastHit)), md(strings.Join(f.Hosts, ", ")),
				md(strings.Join(f.Users, ", ")), md(strings.Join(f.Tables, ", ")), md(portCell(f)), f.BeforeFirstSeen, f.Suppressed)
		}
		fmt.Fprintf(w, "\nPort: %s = the IOC's IP and port matched; %s = the IP of ip:port IOCs (ports listed) on another port or with no port in the row, one line per IP.\n",
			md(hunt.MatchExact), md(hunt.MatchIPOnly))
	}
	if none > 0 {
		fmt.Fprintf(w, "\n%s.\n", noHitsText(none))
	}
	fmt.Fprintln(w)
}

func writeMDScenarios(w io.Writer, res *hunt.Result) {
	if len(res.Scenarios) == 0 {
		return
	}
	fmt.Fprintf(w, "## False-positive exclusions\n\n| Scenario | Applied | Hits suppressed | Note |\n|---|---|---:|---|\n")
	for _, s := range res.Scenarios {
		fmt.Fprintf(w, "| %s | %s | %d | %s |\n", md(s.Name), yesNo(s.Applied), s.Suppressed, md(s.Note))
	}
	fmt.Fprintln(w)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func writeMDQueries(w io.Writer, res *hunt.Result) {
	fmt.Fprintf(w, "## Queries\n\n| Query | Table | Hits | Suppressed | Status |\n|---|---|---:|---:|---|\n")
	for _, q := range res.Queries {
		status := "ok"
		if q.Error != "" {
			status = "failed: " + q.Error
		} else if len(q.Warnings) > 0 {
			status = "warning: " + strings.Join(q.Warnings, "; ")
		}
		fmt.Fprintf(w, "| %s | %s | %d | %d | %s |\n", md(q.Name), md(q.Table), q.Hits, q.Suppressed, md(status))
	}
	fmt.Fprintln(w)
}

func writeMDEvidence(w io.Writer, res *hunt.Result, d cellDefanger) {
	fmt.Fprintf(w, "## Evidence\n\nAt most %d rows per IOC are shown; the count of the rest is given.\n\n", res.Limits.EvidencePerIOC)
	for _, f := range res.Findings {
		if f.Hits == 0 {
			continue
		}
		fmt.Fprintf(w, "### %s\n\n", md(iocLabel(f)))
		fmt.Fprintf(w, "| Time | Query | Matched column | Port | Before first_seen | Row |\n|---|---|---|---|---|---|\n")
		for _, e := range f.Evidence {
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", md(isoTime(e.Time)), md(e.Query), md(e.Column),
				md(e.Port), earlyMark(e.BeforeFirstSeen), md(rowText(e, d)))
		}
		if f.EvidenceOmitted > 0 {
			fmt.Fprintf(w, "\n%d more %s not shown (cap %d per IOC).\n", f.EvidenceOmitted, word(f.EvidenceOmitted, "hit"), res.Limits.EvidencePerIOC)
		}
		fmt.Fprintln(w)
	}
}

func earlyMark(b bool) string {
	if b {
		return "**yes**"
	}
	return ""
}

// rowText renders an evidence row as "Col=value; Col=value", defanged.
func rowText(e hunt.Evidence, d cellDefanger) string {
	parts := make([]string, 0, len(e.Columns))
	for i, c := range e.Columns {
		if i < len(e.Values) && e.Values[i] != "" {
			parts = append(parts, c+"="+d.cell(e.Values[i]))
		}
	}
	return strings.Join(parts, "; ")
}

// mdEscaper backslash-escapes Markdown punctuation and turns HTML
// specials into entities, so a value can neither format, link, break a
// table cell, nor inject HTML.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "(", `\(`, ")", `\)`,
	"#", `\#`, "!", `\!`, "|", `\|`, "~", `\~`, "<", "&lt;", ">", "&gt;", "&", "&amp;",
	// no autolinks: "http\://", "www\." and "a\@b" are not recognised as links
	"://", `\://`, "www.", `www\.`, "WWW.", `WWW\.`, "@", `\@`,
)

var newlines = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ")

func md(s string) string { return mdEscaper.Replace(termCell(newlines.Replace(s), 0)) }
