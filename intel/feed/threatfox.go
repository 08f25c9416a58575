package feed

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/huntpack/huntpack/intel"
)

// tfRecord is one ThreatFox IOC in either JSON spelling: the API's
// (ioc, first_seen, tags as array) or the export's (ioc_value,
// first_seen_utc, tags comma-joined).
type tfRecord struct {
	ID               json.RawMessage `json:"id"`
	IOC              string          `json:"ioc"`
	IOCValue         string          `json:"ioc_value"`
	IOCType          string          `json:"ioc_type"`
	ThreatType       string          `json:"threat_type"`
	Malware          string          `json:"malware"`
	MalwarePrintable string          `json:"malware_printable"`
	MalwareAlias     *string         `json:"malware_alias"`
	ConfidenceLevel  json.RawMessage `json:"confidence_level"`
	FirstSeen        *string         `json:"first_seen"`
	FirstSeenUTC     *string         `json:"first_seen_utc"`
	LastSeen         *string         `json:"last_seen"`
	LastSeenUTC      *string         `json:"last_seen_utc"`
	Reporter         string          `json:"reporter"`
	Reference        *string         `json:"reference"`
	Tags             json.RawMessage `json:"tags"`
	IsCompromised    json.RawMessage `json:"is_compromised"`
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// rawString reads a JSON string or number as text ("" for null).
func rawString(m json.RawMessage) string {
	m = bytes.TrimSpace(m)
	if len(m) == 0 || string(m) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(m, &s) == nil {
		return s
	}
	return string(m)
}

// rawTags reads tags given as a JSON array or a comma-joined string.
func rawTags(m json.RawMessage) []string {
	var arr []string
	if json.Unmarshal(m, &arr) == nil {
		return intel.CleanTags(arr)
	}
	return splitList(rawString(m))
}

func confidence(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0
	}
	return n
}

// indicator maps a ThreatFox record to an Indicator; id is the IOC id.
func (r *tfRecord) indicator(id string) (intel.Indicator, bool) {
	typ, ok := intel.ParseType(r.IOCType)
	value := r.IOCValue
	if value == "" {
		value = r.IOC
	}
	first, last := deref(r.FirstSeenUTC), deref(r.LastSeenUTC)
	if first == "" {
		first = deref(r.FirstSeen)
	}
	if last == "" {
		last = deref(r.LastSeen)
	}
	return intel.Indicator{
		Type:  typ,
		Value: value,
		Malware: intel.Malware{Name: r.MalwarePrintable, Malpedia: r.Malware,
			Aliases: splitList(deref(r.MalwareAlias))},
		ThreatType: r.ThreatType,
		Confidence: confidence(rawString(r.ConfidenceLevel)),
		FirstSeen:  parseTime(first),
		LastSeen:   parseTime(last),
		Tags:       rawTags(r.Tags),
		Reference:  none(deref(r.Reference)),
		Reporter:   r.Reporter,
		Source:     "threatfox",
		SourceID:   id,
		Flags:      compromisedFlag(rawString(r.IsCompromised)),
	}, ok
}

// FlagCompromised marks a ThreatFox IOC on a compromised legitimate host
// (is_compromised true): hits may come from ordinary visits to that site.
const FlagCompromised = "compromised-host"

func compromisedFlag(v string) []string {
	if strings.EqualFold(strings.TrimSpace(v), "true") {
		return []string{FlagCompromised}
	}
	return nil
}

func (res *Result) addThreatFox(r *tfRecord, id string, pos func() string) {
	in, ok := r.indicator(id)
	if !ok {
		res.reject(intel.ReasonUnknownType, r.IOCType, pos)
		return
	}
	res.add(in, pos)
}

// parseThreatFoxAPI reads an API response: {"query_status": "ok", "data": [...]}.
// "no_result" gives no indicators; any other status is an error. A bare
// "data" list (a saved answer without its envelope) is read too.
func parseThreatFoxAPI(data []byte, name string, res *Result) error {
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '[' {
		return threatFoxRecords(data, name, res)
	}
	var env struct {
		Status string          `json:"query_status"`
		Data   json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(data, &env); err != nil {
		return jsonErr(name, data, err)
	}
	switch env.Status {
	case "ok":
	case "no_result", "no_results":
		return nil
	default:
		return fmt.Errorf("%s: ThreatFox query_status %q: %s", name, env.Status, truncate(rawString(env.Data), 200))
	}
	return threatFoxRecords(env.Data, name, res)
}

// threatFoxRecords reads a JSON list of API IOC objects.
func threatFoxRecords(list []byte, name string, res *Result) error {
	var recs []tfRecord
	if err := json.Unmarshal(list, &recs); err != nil {
		return fmt.Errorf("%s: ThreatFox data is not a list of IOCs: %w", name, err)
	}
	for i := range recs {
		id := rawString(recs[i].ID)
		res.addThreatFox(&recs[i], id, atRecord(name, "IOC id "+id))
	}
	return nil
}

// parseThreatFoxJSON reads the JSON export: {"<id>": [{...}], ...}. The
// indicators keep the file's order.
func parseThreatFoxJSON(data []byte, name string, res *Result) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := expectDelim(dec, '{'); err != nil {
		return jsonErrAt(name, data, dec.InputOffset(), err)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return jsonErrAt(name, data, dec.InputOffset(), err)
		}
		id, _ := tok.(string)
		var recs []tfRecord
		if err := dec.Decode(&recs); err != nil {
			return jsonErrAt(name, data, dec.InputOffset(), fmt.Errorf("IOC %s: %w", id, err))
		}
		for i := range recs {
			res.addThreatFox(&recs[i], id, atRecord(name, "IOC id "+id))
		}
	}
	if err := expectDelim(dec, '}'); err != nil {
		return jsonErrAt(name, data, dec.InputOffset(), err)
	}
	return nil
}

func expectDelim(dec *json.Decoder, d json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok != d {
		return fmt.Errorf("expected %q, found %v", d, tok)
	}
	return nil
}

func jsonErr(name string, data []byte, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return jsonErrAt(name, data, se.Offset, err)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return jsonErrAt(name, data, te.Offset, err)
	}
	return fmt.Errorf("%s: %w", name, err)
}

func jsonErrAt(name string, data []byte, off int64, err error) error {
	return fmt.Errorf("%s:%d: bad JSON: %w", name, lineOf(data, off), err)
}

// tfColumns are the ThreatFox CSV columns of the 15-column header; the
// older 14-column header lacks is_compromised.
var (
	tfColumns15 = []string{"first_seen_utc", "ioc_id", "ioc_value", "ioc_type", "threat_type", "fk_malware",
		"malware_alias", "malware_printable", "last_seen_utc", "confidence_level", "is_compromised", "reference",
		"tags", "anonymous", "reporter"}
	tfColumns14 = []string{"first_seen_utc", "ioc_id", "ioc_value", "ioc_type", "threat_type", "fk_malware",
		"malware_alias", "malware_printable", "last_seen_utc", "confidence_level", "reference",
		"tags", "anonymous", "reporter"}
)

// csvHeader finds a commented header line ("# a,b,c" or `# "a","b"`) that
// contains want, and returns its column names.
func csvHeader(data []byte, want string) []string {
	for _, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if !bytes.HasPrefix(line, []byte("#")) || !bytes.Contains(line, []byte(want)) {
			if len(line) > 0 && line[0] != '#' {
				break
			}
			continue
		}
		cr := csv.NewReader(bytes.NewReader(bytes.TrimSpace(line[1:])))
		cr.TrimLeadingSpace = true
		cr.LazyQuotes = true
		if rec, err := cr.Read(); err == nil {
			return rec
		}
	}
	return nil
}

// colIndex maps column names to positions.
type colIndex map[string]int

func indexOf(cols []string) colIndex {
	m := colIndex{}
	for i, c := range cols {
		m[strings.ToLower(strings.TrimSpace(c))] = i
	}
	return m
}

// get returns the named field of rec, "" if absent.
func (c colIndex) get(rec []string, name string) string {
	i, ok := c[name]
	if !ok || i >= len(rec) {
		return ""
	}
	return rec[i]
}

// csvRows calls fn for every non-comment record of data with its line. A
// malformed record (broken quoting) is rejected alone with its file:line
// and reading goes on at the next line. Leading space of fields is trimmed
// (ThreatFox separates with ", ").
func csvRows(data []byte, name string, res *Result, fn func(rec []string, line int) error) error {
	sc := newCSVScanner(data)
	for {
		rec, line, perr, ok := sc.next()
		if !ok {
			return nil
		}
		if perr != nil {
			res.rejectMsg(intel.ReasonMalformed, perr.Text, "malformed CSV record: "+perr.Error(), atPos(name, line))
			continue
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if err := fn(rec, line); err != nil {
			return err
		}
	}
}

// parseThreatFoxCSV reads the CSV export. Columns come from the commented
// header when present (so extra future columns are ignored); without a
// header the 14- or 15-column layout is chosen by field count.
func parseThreatFoxCSV(data []byte, name string, res *Result) error {
	var cols colIndex
	if h := csvHeader(data, "ioc_value"); h != nil {
		cols = indexOf(h)
	}
	return csvRows(data, name, res, func(rec []string, line int) error {
		c := cols
		if c == nil {
			c = tfLayoutFor(len(rec))
			if c == nil {
				res.rejectMsg(intel.ReasonMalformed, strings.Join(rec, ","),
					fmt.Sprintf("malformed record: ThreatFox CSV row has %s and there is no header", nFields(len(rec))), atPos(name, line))
				return nil
			}
		}
		if _, ok := c["ioc_value"]; ok && c.get(rec, "ioc_value") == "ioc_value" {
			return nil // an uncommented header line
		}
		r := tfRecord{
			IOCValue: c.get(rec, "ioc_value"), IOCType: c.get(rec, "ioc_type"), ThreatType: c.get(rec, "threat_type"),
			Malware: none(c.get(rec, "fk_malware")), MalwarePrintable: c.get(rec, "malware_printable"),
			ConfidenceLevel: json.RawMessage(strconv.Quote(c.get(rec, "confidence_level"))),
			Reporter:        c.get(rec, "reporter"),
			Tags:            json.RawMessage(strconv.Quote(c.get(rec, "tags"))),
			IsCompromised:   json.RawMessage(strconv.Quote(c.get(rec, "is_compromised"))),
		}
		alias, ref := c.get(rec, "malware_alias"), c.get(rec, "reference")
		first, last := c.get(rec, "first_seen_utc"), c.get(rec, "last_seen_utc")
		r.MalwareAlias, r.Reference, r.FirstSeenUTC, r.LastSeenUTC = &alias, &ref, &first, &last
		res.addThreatFox(&r, c.get(rec, "ioc_id"), atPos(name, line))
		return nil
	})
}

func tfLayoutFor(n int) colIndex {
	switch n {
	case 14:
		return indexOf(tfColumns14)
	case 15:
		return indexOf(tfColumns15)
	}
	return nil
}
