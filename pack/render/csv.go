package render

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"

	"github.com/huntpack/huntpack/pack"
)

func init() {
	register(Format{Name: "csv", Doc: "the IOCs as CSV (RFC 4180), usable as a Sentinel watchlist with SearchKey = key", Fn: csvIOCs})
}

// CSVHeader is the header row of the CSV export.
var CSVHeader = []string{"key", "type", "value", "port", "threat_type", "confidence", "first_seen", "last_seen", "source", "source_id", "family", "tags", "reference"}

// csvIOCs writes the IOCs with their provenance. The key and value cells
// are exact (not defanged: a Sentinel watchlist matches on them; a
// canonical IOC value never starts with a formula character). Every
// other cell is neutralised against spreadsheet formula injection
// (csvCell); encoding/csv quotes every field holding a comma, quote or
// line break.
func csvIOCs(p *pack.Pack) ([]Output, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.Write(CSVHeader); err != nil {
		return nil, err
	}
	for _, i := range p.IOCs {
		port := ""
		if i.Port > 0 {
			port = strconv.Itoa(i.Port)
		}
		conf := ""
		if i.Confidence > 0 {
			conf = strconv.Itoa(i.Confidence)
		}
		rec := []string{i.Key(), csvCell(i.Type), i.Value, port, csvCell(i.ThreatType), conf, rfc3339(i.FirstSeen), rfc3339(i.LastSeen),
			csvCell(i.Source), csvCell(i.SourceID), csvCell(i.Family), csvCell(strings.Join(i.Tags, ";")), csvCell(i.Reference)}
		if err := w.Write(rec); err != nil {
			return nil, err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, err
	}
	return []Output{{Path: p.ID + "-iocs.csv", Data: b.Bytes()}}, nil
}

// csvCell neutralises a cell a spreadsheet would evaluate as a formula,
// as OWASP's CSV injection guidance says: a cell starting with '=', '+',
// '-', '@', tab or carriage return gets a leading single quote (numbers
// such as "-1" are left alone). Excel, LibreOffice and Google Sheets then
// show the text instead of running it.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return "'" + s
		}
	}
	return s
}
