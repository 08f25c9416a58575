package feed

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// Sniff guesses the format of a feed from its content:
//
//   - a JSON object with "query_status" is a ThreatFox API response; with
//     "type":"bundle" or "objects" a STIX bundle; with "Event" or
//     "response" MISP; with numeric keys holding arrays the ThreatFox JSON
//     export;
//   - a JSON array of objects with "ip_address" is Feodo JSON, with
//     "Event" MISP, with "ioc"/"ioc_value" a ThreatFox API "data" list;
//   - text with a "#fields" line naming "indicator" is a Zeek intel file;
//     the ThreatFox, URLhaus and Feodo CSV exports are known by banner or
//     header;
//   - anything else is a plain list.
func Sniff(data []byte) (Format, error) {
	t := bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	if len(t) == 0 {
		return "", errors.New("empty input")
	}
	switch t[0] {
	case '{':
		return sniffObject(t)
	case '[':
		if f, ok := sniffArray(t); ok {
			return f, nil
		}
		if err := brokenJSONArray(t); err != nil {
			return "", err
		}
	}
	return sniffText(t), nil
}

func sniffObject(t []byte) (Format, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(t, &top); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return "", &PosError{Line: lineOf(t, se.Offset), Err: fmt.Errorf("looks like JSON but is not valid: %w", err)}
		}
		return "", fmt.Errorf("looks like JSON but is not valid: %w", err)
	}
	switch {
	case top["query_status"] != nil:
		return ThreatFoxAPI, nil
	case top["objects"] != nil || string(top["type"]) == `"bundle"`:
		return STIX, nil
	case top["Event"] != nil || top["response"] != nil:
		return MISP, nil
	}
	numeric := 0
	for k, v := range top {
		if isDigits(k) && len(bytes.TrimSpace(v)) > 0 && bytes.TrimSpace(v)[0] == '[' {
			numeric++
		}
	}
	if numeric > 0 && numeric == len(top) {
		return ThreatFoxJSON, nil
	}
	return "", errors.New("JSON object of unknown feed format (not ThreatFox, MISP or STIX)")
}

// brokenJSONArray reports t, which starts with '[', as broken JSON when
// it opens like a JSON array of objects, arrays or strings ("[{", "[[",
// `["`) but does not parse: a truncated Feodo or MISP download must fail,
// not be read line by line as a plain list. "[1.2.3.4]" stays plain.
func brokenJSONArray(t []byte) error {
	rest := bytes.TrimLeft(t[1:], " \t\r\n")
	if len(rest) == 0 || (rest[0] != '{' && rest[0] != '[' && rest[0] != '"') {
		return nil
	}
	var v any
	err := json.Unmarshal(t, &v)
	if err == nil {
		return nil
	}
	off := int64(len(t))
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off = se.Offset
	}
	return &PosError{Line: lineOf(t, off), Err: fmt.Errorf("looks like a JSON array but is not valid JSON: %w (at byte offset %d)", err, off)}
}

func sniffArray(t []byte) (Format, bool) {
	var arr []map[string]json.RawMessage
	if err := json.Unmarshal(t, &arr); err != nil || len(arr) == 0 {
		return "", false
	}
	first := arr[0]
	switch {
	case first["ip_address"] != nil:
		return FeodoJSON, true
	case first["Event"] != nil:
		return MISP, true
	case first["ioc"] != nil || first["ioc_value"] != nil:
		return ThreatFoxAPI, true
	}
	return "", false
}

func sniffText(t []byte) Format {
	head := t
	if len(head) > 4096 {
		head = head[:4096]
	}
	switch {
	case bytes.Contains(head, []byte("#fields")) && bytes.Contains(head, []byte("indicator")):
		return ZeekIntel
	case bytes.Contains(head, []byte("ThreatFox IOCs")) || bytes.Contains(head, []byte(`"ioc_id","ioc_value"`)):
		return ThreatFoxCSV
	case bytes.Contains(head, []byte("URLhaus")) || bytes.Contains(head, []byte("id,dateadded,url,")):
		return URLhausCSV
	case bytes.Contains(head, []byte("Feodo Tracker")) || bytes.Contains(head, []byte(`"first_seen_utc","dst_ip"`)):
		return FeodoCSV
	}
	return Plain
}

// PosError is an error at a line of the input.
type PosError struct {
	Line int
	Err  error
}

func (e *PosError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }

func (e *PosError) Unwrap() error { return e.Err }
