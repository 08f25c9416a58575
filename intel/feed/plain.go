package feed

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/huntpack/huntpack/intel"
)

// parsePlain reads one IOC per line. Blank lines and lines starting with
// '#' or "//" are skipped; a " #" starts a trailing comment. Defanged
// forms are refanged before the type is guessed (intel.Classify). Only the
// first white-space separated field of a line is used.
func parsePlain(data []byte, name string, res *Result) error {
	for i, raw := range bytes.Split(data, []byte("\n")) {
		line := strings.TrimSpace(string(raw))
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "//") {
			continue
		}
		if j := strings.Index(line, " #"); j >= 0 {
			line = strings.TrimSpace(line[:j])
		}
		res.add(intel.Indicator{Value: plainValue(line), Source: "plain"}, atPos(name, i+1))
	}
	return nil
}

// plainValue picks the IOC of a plain-list line: the first field, or the
// second of a hosts-file line ("0.0.0.0 evil.example"); a first field
// that is no IOC but whose text before a comma is ("1.2.3.4,comment") is
// cut there.
func plainValue(line string) string {
	f := strings.Fields(line)
	if len(f) == 0 {
		return ""
	}
	if len(f) > 1 && (f[0] == "0.0.0.0" || f[0] == "127.0.0.1" || f[0] == "::") {
		f = f[1:]
	}
	v := strings.Trim(f[0], `"',;`)
	if _, ok := intel.Classify(intel.Refang(v)); !ok {
		if head, _, found := strings.Cut(v, ","); found {
			if _, ok := intel.Classify(intel.Refang(head)); ok {
				return head
			}
		}
	}
	return v
}

// zeekTypes maps Zeek Intel types to indicator types ("" = classify).
var zeekTypes = map[string]intel.Type{
	"Intel::ADDR":      intel.TypeIPv4, // Normalize picks ipv4 or ipv6
	"Intel::DOMAIN":    intel.TypeDomain,
	"Intel::URL":       intel.TypeURL,
	"Intel::FILE_HASH": "",
	"Intel::CERT_HASH": "",
}

// parseZeekIntel reads a Zeek intel framework file: a "#fields" line naming
// TAB-separated columns (indicator, indicator_type, meta.*), "-" for empty.
// Intel::URL values carry no scheme; "http://" is added.
func parseZeekIntel(data []byte, name string, res *Result) error {
	var cols colIndex
	for i, raw := range bytes.Split(data, []byte("\n")) {
		line := strings.TrimRight(string(raw), "\r")
		if strings.HasPrefix(line, "#fields") {
			cols = indexOf(strings.Split(line, "\t")[1:])
			continue
		}
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if cols == nil {
			return fmt.Errorf("%s:%d: Zeek intel data before the #fields line", name, i+1)
		}
		rec := strings.Split(line, "\t")
		if len(rec) != len(cols) {
			res.rejectMsg(intel.ReasonMalformed, line, fmt.Sprintf("malformed record: Zeek intel line has %s, #fields names %d",
				nFields(len(rec)), len(cols)), atPos(name, i+1))
			continue
		}
		if err := zeekRow(rec, cols, res, atPos(name, i+1)); err != nil {
			return fmt.Errorf("%s:%d: %w", name, i+1, err)
		}
	}
	return nil
}

func zeekRow(rec []string, cols colIndex, res *Result, pos func() string) error {
	if _, ok := cols["indicator"]; !ok {
		return fmt.Errorf("#fields has no indicator column")
	}
	zt := cols.get(rec, "indicator_type")
	typ, ok := zeekTypes[zt]
	if !ok {
		res.skipAt("zeek "+zt, cols.get(rec, "indicator"), "skipped: Zeek indicator type "+strconv.Quote(zt)+" is not hunted", pos)
		return nil
	}
	in := intel.Indicator{
		Type:      typ,
		Value:     cols.get(rec, "indicator"),
		Reporter:  none(cols.get(rec, "meta.source")),
		Reference: none(cols.get(rec, "meta.url")),
		Tags:      splitList(cols.get(rec, "meta.desc")),
		Source:    "zeek",
	}
	if typ == intel.TypeURL && !strings.Contains(in.Value, "://") {
		in.Value = "http://" + in.Value
	}
	if zt == "Intel::FILE_HASH" || zt == "Intel::CERT_HASH" {
		t, ok := intel.Classify(in.Value)
		if !ok || !t.IsHash() {
			res.reject(intel.ReasonBadHash, in.Value, pos)
			return nil
		}
	}
	res.add(in, pos)
	return nil
}
