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

// csvIOCs writes the IOCs with their provenance. Values are exact (not
// defanged: this file is for machines); encoding/csv quotes every field
// holding a comma, quote or line break.
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
		rec := []string{i.Key(), i.Type, i.Value, port, i.ThreatType, conf, rfc3339(i.FirstSeen), rfc3339(i.LastSeen),
			i.Source, i.SourceID, i.Family, strings.Join(i.Tags, ";"), i.Reference}
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
