package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huntpack/huntpack/hunt"
)

// maxCell is the widest a terminal cell gets before it is cut.
const maxCell = 48

// WriteTable writes the compact terminal report: per query the number of
// hits and the rows, then one line per IOC, the exclusions and a summary.
func WriteTable(w io.Writer, res *hunt.Result, opts Options) error {
	bw := bufio.NewWriter(w)
	d := newCellDefanger(res.Indicators)
	fmt.Fprintf(bw, "Hunt: %s — %s\n", termCell(res.Pack, 0), termCell(res.Backend, 0))
	if res.Interrupted {
		fmt.Fprintln(bw, "INTERRUPTED: results below cover only what ran before the stop.")
	}
	for _, q := range res.Queries {
		writeQueryTable(bw, q, d, opts)
	}
	writeFindingsTable(bw, res)
	writeScenariosTable(bw, res)
	fmt.Fprintf(bw, "\n%s\n", summaryLine(res))
	return bw.Flush()
}

func writeQueryTable(w io.Writer, q hunt.QueryResult, d cellDefanger, opts Options) {
	fmt.Fprintf(w, "\n== %s", termCell(q.Name, 0))
	if q.Table != "" {
		fmt.Fprintf(w, " (%s)", termCell(q.Table, 0))
	}
	fmt.Fprintf(w, ": %s", plural(q.Hits, "hit"))
	if q.Suppressed > 0 {
		fmt.Fprintf(w, ", %d suppressed by exclusions", q.Suppressed)
	}
	fmt.Fprintln(w)
	if q.Error != "" {
		fmt.Fprintf(w, "   ERROR: %s\n", termCell(q.Error, 0))
		return
	}
	for _, warn := range q.Warnings {
		fmt.Fprintf(w, "   warning: %s\n", termCell(warn, 0))
	}
	if q.Hits == 0 {
		return
	}
	rows := q.Rows
	if opts.MaxRows > 0 && len(rows) > opts.MaxRows {
		rows = rows[:opts.MaxRows]
	}
	cells := make([][]string, 0, len(rows)+1)
	cells = append(cells, q.Columns)
	for _, r := range rows {
		out := make([]string, len(r))
		for j, c := range r {
			out[j] = termCell(d.cell(c), maxCell)
		}
		cells = append(cells, out)
	}
	writeAligned(w, cells, "   ")
	if more := q.Hits - len(rows); more > 0 {
		fmt.Fprintf(w, "   … %d more %s not shown (cap %d rows per query)\n", more, word(more, "row"), len(rows))
	}
}

func writeFindingsTable(w io.Writer, res *hunt.Result) {
	fmt.Fprintf(w, "\n== Findings per IOC\n")
	fs, none := listedFindings(res)
	if len(fs) > 0 {
		writeAligned(w, findingCells(fs), "   ")
		fmt.Fprintln(w, "   PORT: ip:port = the IOC's IP and port matched; ip only = the IP of ip:port IOCs (ports listed) on another")
		fmt.Fprintln(w, "   port or with no port in the row, one line per IP; EARLY: hits before the IOC's first_seen")
	}
	if none > 0 {
		fmt.Fprintf(w, "   %s\n", noHitsText(none))
	}
}

func findingCells(fs []hunt.Finding) [][]string {
	users := false
	for _, f := range fs {
		users = users || len(f.Users) > 0
	}
	hdr := []string{"IOC", "TYPE", "HITS", "FIRST HIT", "LAST HIT", "HOSTS"}
	if users {
		hdr = append(hdr, "USERS")
	}
	cells := [][]string{append(hdr, "TABLES", "PORT", "EARLY", "SUPPRESSED")}
	for _, f := range fs {
		row := []string{
			termCell(Defang(f.Indicator.Type, f.Indicator.Value), maxCell), termCell(f.Indicator.Type, 0),
			strconv.Itoa(f.Hits), timeCell(f.FirstHit), timeCell(f.LastHit), listCell(f.Hosts),
		}
		if users {
			row = append(row, listCell(f.Users))
		}
		cells = append(cells, append(row, listCell(f.Tables), termCell(portCell(f), maxCell), earlyCell(f), strconv.Itoa(f.Suppressed)))
	}
	return cells
}

func writeScenariosTable(w io.Writer, res *hunt.Result) {
	if len(res.Scenarios) == 0 {
		return
	}
	fmt.Fprintf(w, "\n== False-positive exclusions\n")
	for _, s := range res.Scenarios {
		if s.Applied {
			fmt.Fprintf(w, "   %s: %d suppressed\n", termCell(s.Name, 0), s.Suppressed)
		} else {
			fmt.Fprintf(w, "   %s: not applied (%s)\n", termCell(s.Name, 0), termCell(s.Note, 0))
		}
	}
}

// summaryLine sums the run up in one line, e.g. "6 hits in 12 queries; 5
// of 286 IOCs hit (4 exact ip:port, 1 ip only); 2 suppressed; 1 before
// first_seen." (unattributed hits and failed queries when there are any).
func summaryLine(res *hunt.Result) string {
	t := res.Totals
	s := fmt.Sprintf("%s in %d %s; %s; %d suppressed", plural(t.Hits, "hit"), len(res.Queries), word(len(res.Queries), "query"),
		iocsHitText(res), t.Suppressed)
	if t.Unattributed > 0 {
		s += fmt.Sprintf("; %d unattributed", t.Unattributed)
	}
	s += fmt.Sprintf("; %d before first_seen", t.BeforeFirstSeen)
	if t.FailedQueries > 0 {
		s += fmt.Sprintf("; %d %s FAILED", t.FailedQueries, word(t.FailedQueries, "query"))
	}
	return s + "."
}

func earlyCell(f hunt.Finding) string {
	if f.BeforeFirstSeen == 0 {
		return "-"
	}
	return fmt.Sprintf("%d!", f.BeforeFirstSeen)
}

func listCell(xs []string) string {
	if len(xs) == 0 {
		return "-"
	}
	return termCell(shortList(xs, 3), maxCell)
}

func timeCell(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04:05")
}

func writeAligned(w io.Writer, cells [][]string, indent string) {
	if len(cells) == 0 {
		return
	}
	widths := make([]int, len(cells[0]))
	for _, row := range cells {
		for j, c := range row {
			if j < len(widths) {
				widths[j] = max(widths[j], utf8.RuneCountInString(c))
			}
		}
	}
	var sb strings.Builder
	for ri, row := range cells {
		sb.Reset()
		sb.WriteString(indent)
		for j, c := range row {
			if j > 0 {
				sb.WriteString("  ")
			}
			sb.WriteString(c)
			if j < len(row)-1 && j < len(widths) {
				sb.WriteString(strings.Repeat(" ", widths[j]-utf8.RuneCountInString(c)))
			}
		}
		fmt.Fprintln(w, strings.TrimRight(sb.String(), " "))
		if ri == 0 {
			sb.Reset()
			sb.WriteString(indent)
			for j := range row {
				if j > 0 {
					sb.WriteString("  ")
				}
				sb.WriteString(strings.Repeat("-", widths[j]))
			}
			fmt.Fprintln(w, sb.String())
		}
	}
}

// termCell escapes control characters and invalid UTF-8 so a hostile
// value cannot move the cursor or fake rows, and cuts at max runes (0:
// no cut).
func termCell(s string, max int) string {
	clean := true
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == utf8.RuneError || r == 0x202e || r == 0x2066 || r == 0x2067 || r == 0x2068 || r == 0x202d {
			clean = false
			break
		}
	}
	if !clean {
		q := strconv.QuoteToASCII(s)
		s = q[1 : len(q)-1]
	}
	if max > 0 && utf8.RuneCountInString(s) > max {
		s = string([]rune(s)[:max-1]) + "…"
	}
	return s
}

func plural(n int, w string) string { return fmt.Sprintf("%d %s", n, word(n, w)) }

func word(n int, w string) string {
	if n == 1 {
		return w
	}
	if strings.HasSuffix(w, "y") {
		return w[:len(w)-1] + "ies"
	}
	return w + "s"
}
