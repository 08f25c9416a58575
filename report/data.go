package report

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/huntpack/huntpack/hunt"
)

// WriteJSON writes the whole result as indented JSON. IOC and log values
// are raw (not defanged): JSON is for tools.
func WriteJSON(w io.Writer, res *hunt.Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(res)
}

// csvHeader is the header of the CSV report (one row per IOC).
var csvHeader = []string{"ioc_type", "ioc", "threat_type", "first_seen", "hits", "first_hit", "last_hit",
	"hosts", "users", "tables", "queries", "port_matched", "port_mismatched", "port_unknown",
	"before_first_seen", "suppressed", "port_match", "ioc_ports"}

// WriteCSV writes one row per finding: every IOC of the pack (also those
// without hits) and every "ip only" finding (port_match "ip only",
// ioc_ports the ports of the pack's IOCs on that IP). The IOC is defanged
// (a CSV is opened by people) and cells a spreadsheet would evaluate as a
// formula are prefixed with a single quote.
func WriteCSV(w io.Writer, res *hunt.Result) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	for _, f := range res.Findings {
		rec := []string{
			f.Indicator.Type, Defang(f.Indicator.Type, f.Indicator.Value), f.Indicator.ThreatType,
			isoDate(f.Indicator.FirstSeen), strconv.Itoa(f.Hits), isoTime(f.FirstHit), isoTime(f.LastHit),
			strings.Join(f.Hosts, ";"), strings.Join(f.Users, ";"), strings.Join(f.Tables, ";"), strings.Join(f.Queries, ";"),
			strconv.Itoa(f.PortMatched), strconv.Itoa(f.PortMismatched), strconv.Itoa(f.PortUnknown),
			strconv.Itoa(f.BeforeFirstSeen), strconv.Itoa(f.Suppressed), f.PortMatch, strings.Join(f.IOCPorts, ";"),
		}
		for i := range rec {
			rec[i] = csvSafe(rec[i])
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe neutralises spreadsheet formula injection (=, +, -, @, tab, CR
// at the start of a cell).
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return "'" + s
		}
	}
	return s
}

func isoTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func isoDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if t.Equal(t.Truncate(24 * time.Hour)) {
		return t.UTC().Format("2006-01-02")
	}
	return t.UTC().Format(time.RFC3339)
}
