package feed

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/huntpack/huntpack/intel"
)

// urlhausColumns is the URLhaus CSV layout, used when the header is absent.
var urlhausColumns = []string{"id", "dateadded", "url", "url_status", "last_online", "threat", "tags", "urlhaus_link", "reporter"}

// parseURLhausCSV reads a URLhaus csv / csv_online dump, with or without
// its banner and commented header.
func parseURLhausCSV(data []byte, name string, res *Result) error {
	cols := indexOf(urlhausColumns)
	if h := csvHeader(data, "dateadded"); h != nil {
		cols = indexOf(h)
	}
	return csvRows(data, name, res, func(rec []string, line int) error {
		if cols.get(rec, "url") == "url" && cols.get(rec, "id") == "id" {
			cols = indexOf(rec) // an uncommented header line
			return nil
		}
		if len(rec) < 3 {
			res.rejectMsg(intel.ReasonMalformed, strings.Join(rec, ","),
				fmt.Sprintf("malformed record: URLhaus CSV row has %s, want %d", nFields(len(rec)), len(urlhausColumns)), atPos(name, line))
			return nil
		}
		in := intel.Indicator{
			Type:       intel.TypeURL,
			Value:      cols.get(rec, "url"),
			ThreatType: cols.get(rec, "threat"),
			FirstSeen:  parseTime(cols.get(rec, "dateadded")),
			LastSeen:   parseTime(cols.get(rec, "last_online")),
			Tags:       splitList(cols.get(rec, "tags")),
			Reference:  none(cols.get(rec, "urlhaus_link")),
			Reporter:   cols.get(rec, "reporter"),
			Source:     "urlhaus",
			SourceID:   cols.get(rec, "id"),
		}
		res.add(in, atPos(name, line))
		return nil
	})
}

// parseFeodoCSV reads Feodo Tracker's ipblocklist.csv (uncommented header
// "first_seen_utc","dst_ip","dst_port","c2_status","last_online","malware").
func parseFeodoCSV(data []byte, name string, res *Result) error {
	cols := indexOf([]string{"first_seen_utc", "dst_ip", "dst_port", "c2_status", "last_online", "malware"})
	return csvRows(data, name, res, func(rec []string, line int) error {
		if cols.get(rec, "dst_ip") == "dst_ip" {
			cols = indexOf(rec)
			return nil
		}
		if len(rec) < 3 {
			res.rejectMsg(intel.ReasonMalformed, strings.Join(rec, ","),
				fmt.Sprintf("malformed record: Feodo CSV row has %s, want 6", nFields(len(rec))), atPos(name, line))
			return nil
		}
		res.add(feodoIndicator(cols.get(rec, "dst_ip"), cols.get(rec, "dst_port"), cols.get(rec, "malware"),
			cols.get(rec, "first_seen_utc"), cols.get(rec, "last_online"), cols.get(rec, "c2_status")), atPos(name, line))
		return nil
	})
}

func feodoIndicator(ip, port, malware, first, last, status string) intel.Indicator {
	in := intel.Indicator{
		Type:       intel.TypeIPPort,
		Value:      ip + ":" + port,
		Malware:    intel.Malware{Name: malware},
		ThreatType: "botnet_cc",
		FirstSeen:  parseTime(first),
		LastSeen:   parseTime(last),
		Source:     "feodo",
	}
	if port == "" {
		in.Type, in.Value = intel.TypeIPv4, ip
	}
	if status != "" {
		in.Tags = []string{"c2_status:" + status}
	}
	return in
}

// feodoEntry is one ipblocklist.json entry.
type feodoEntry struct {
	IP         string          `json:"ip_address"`
	Port       json.RawMessage `json:"port"`
	Status     string          `json:"status"`
	Hostname   *string         `json:"hostname"`
	FirstSeen  string          `json:"first_seen"`
	LastOnline *string         `json:"last_online"`
	Malware    string          `json:"malware"`
}

// parseFeodoJSON reads Feodo Tracker's ipblocklist.json (an array).
func parseFeodoJSON(data []byte, name string, res *Result) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := expectDelim(dec, '['); err != nil {
		return jsonErrAt(name, data, dec.InputOffset(), err)
	}
	for i := 1; dec.More(); i++ {
		var e feodoEntry
		if err := dec.Decode(&e); err != nil {
			return jsonErrAt(name, data, dec.InputOffset(), err)
		}
		port := rawString(e.Port)
		in := feodoIndicator(e.IP, port, e.Malware, e.FirstSeen, deref(e.LastOnline), e.Status)
		res.add(in, atRecord(name, "entry "+strconv.Itoa(i)))
	}
	return nil
}
