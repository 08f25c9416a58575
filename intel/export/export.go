// Package export writes indicators in the formats analysts and tools
// consume: a terminal table, CSV, JSON, a STIX 2.1 bundle, a MISP event,
// a Zeek intel file and a plain list.
//
// Every value is escaped for its target: CSV cells that a spreadsheet
// would run as a formula are prefixed with an apostrophe, STIX pattern
// literals escape quotes and backslashes, Zeek fields escape tabs,
// newlines and the "-" empty marker, and text for people (table, and
// plain with Defang) is defanged with control characters made visible.
package export

import (
	"crypto/sha1"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/huntpack/huntpack/intel"
)

// Format is an output format name.
type Format string

// Formats.
const (
	Table Format = "table"
	CSV   Format = "csv"
	JSON  Format = "json"
	STIX  Format = "stix"
	MISP  Format = "misp"
	Zeek  Format = "zeek"
	Plain Format = "plain"
)

// Formats lists every format.
var Formats = []Format{Table, CSV, JSON, STIX, MISP, Zeek, Plain}

// Item is one indicator to write, with store facts when known.
type Item struct {
	intel.Indicator
	Active    bool      `json:"active"`
	ExpiresAt time.Time `json:"expires_at,omitzero"`
	Sources   []string  `json:"sources,omitempty"`
}

// Options tune the writers.
type Options struct {
	// Defang defangs values in the plain and CSV formats (the table is
	// always defanged).
	Defang bool
	// Now stamps STIX and MISP output; zero means time.Now.
	Now time.Time
	// Title names the MISP event / STIX bundle contents.
	Title string
	// SentinelSTIX writes ip:port indicators as simple ipv4-addr/ipv6-addr
	// patterns (the port goes into the name), because Microsoft Sentinel's
	// ThreatIntelIndicators table leaves compound network-traffic patterns
	// unmatched.
	SentinelSTIX bool
}

// Write writes items to w in format f.
func Write(w io.Writer, f Format, items []Item, o Options) error {
	if o.Now.IsZero() {
		o.Now = time.Now().UTC()
	}
	switch f {
	case Table, "":
		return writeTable(w, items)
	case CSV:
		return writeCSV(w, items, o)
	case JSON:
		return writeJSON(w, items)
	case STIX:
		return writeSTIX(w, items, o)
	case MISP:
		return writeMISP(w, items, o)
	case Zeek:
		return writeZeek(w, items)
	case Plain:
		return writePlain(w, items, o)
	}
	return fmt.Errorf("unknown export format %q (want one of table, csv, json, stix, misp, zeek, plain)", f)
}

// Visible replaces control characters and other invisible runes with
// escapes so text is safe on a terminal.
func Visible(s string) string {
	if !strings.ContainsFunc(s, invisible) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if invisible(r) {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func invisible(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0x200b || r == 0x202e || r == 0xfeff
}

func fmtDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05")
}

func writeTable(w io.Writer, items []Item) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TYPE\tVALUE (defanged)\tFAMILY\tTHREAT\tCONF\tFIRST SEEN\tLAST SEEN\tACTIVE\tFLAGS")
	for _, it := range items {
		active := "no"
		if it.Active {
			active = "yes"
		}
		flags := strings.Join(it.Flags, ",")
		if d, ok := it.Excluded(); ok {
			flags = strings.TrimPrefix(flags+",excluded:"+d.List, ",")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\n", it.Type, Visible(it.Defanged()),
			Visible(it.Malware.Name), Visible(it.ThreatType), it.Confidence, fmtDate(it.FirstSeen),
			fmtDate(it.LastSeen), active, Visible(flags))
	}
	return tw.Flush()
}

// csvSafe defuses spreadsheet formulas (CWE-1236).
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func writeCSV(w io.Writer, items []Item, o Options) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"type", "value", "port", "malware", "malpedia", "aliases", "threat_type", "confidence",
		"first_seen", "last_seen", "tags", "reference", "reporter", "sources", "active", "flags", "excluded"})
	for _, it := range items {
		v := it.Value
		if o.Defang {
			v = it.Defanged()
		}
		excl := ""
		if d, ok := it.Excluded(); ok {
			excl = d.List
		}
		port := ""
		if it.Port != 0 {
			port = strconv.Itoa(int(it.Port))
		}
		rec := []string{string(it.Type), v, port, it.Malware.Name, it.Malware.Malpedia,
			strings.Join(it.Malware.Aliases, ","), it.ThreatType, strconv.Itoa(it.Confidence),
			fmtDate(it.FirstSeen), fmtDate(it.LastSeen), strings.Join(it.Tags, ","), it.Reference, it.Reporter,
			strings.Join(it.Sources, ","), strconv.FormatBool(it.Active), strings.Join(it.Flags, ","), excl}
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

func writeJSON(w io.Writer, items []Item) error {
	if items == nil {
		items = []Item{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(items)
}

func writePlain(w io.Writer, items []Item, o Options) error {
	for _, it := range items {
		v := it.Value
		if o.Defang {
			v = it.Defanged()
		}
		if _, err := fmt.Fprintln(w, Visible(v)); err != nil {
			return err
		}
	}
	return nil
}

// zeekEscape makes a value safe for a Zeek ASCII input field: tabs,
// newlines, backslashes and non-printables become \xNN, and a value that
// is exactly "-" (the empty marker) or "(empty)" is escaped too.
func zeekEscape(s string) string {
	if s == "" {
		return "-"
	}
	if s == "-" {
		return `\x2d`
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f || c == '\\' {
			fmt.Fprintf(&b, `\x%02x`, c)
			continue
		}
		b.WriteByte(c)
	}
	if b.String() == "(empty)" {
		return `\x28empty)`
	}
	return b.String()
}

func writeZeek(w io.Writer, items []Item) error {
	if _, err := fmt.Fprintln(w, "#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc\tmeta.url"); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, it := range items {
		value, typ := zeekValue(&it.Indicator)
		if typ == "" || seen[typ+value] {
			continue
		}
		seen[typ+value] = true
		desc := it.Malware.Name
		if it.Port != 0 {
			desc = strings.TrimSpace(desc + " port " + strconv.Itoa(int(it.Port)))
		}
		src := "huntpack"
		if len(it.Sources) > 0 {
			src = "huntpack:" + strings.Join(it.Sources, "+")
		} else if it.Source != "" {
			src = "huntpack:" + it.Source
		}
		if _, err := fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", zeekEscape(value), typ, zeekEscape(src),
			zeekEscape(desc), zeekEscape(it.Reference)); err != nil {
			return err
		}
	}
	return nil
}

// zeekValue maps an indicator to a Zeek intel value and type; ip:port
// degrades to Intel::ADDR and URLs lose their scheme.
func zeekValue(in *intel.Indicator) (string, string) {
	switch in.Type {
	case intel.TypeIPv4, intel.TypeIPv6, intel.TypeIPPort:
		return in.IP.String(), "Intel::ADDR"
	case intel.TypeDomain:
		return in.Value, "Intel::DOMAIN"
	case intel.TypeURL:
		v := in.Value
		if i := strings.Index(v, "://"); i >= 0 {
			v = v[i+3:]
		}
		return v, "Intel::URL"
	case intel.TypeMD5, intel.TypeSHA1, intel.TypeSHA256:
		return in.Value, "Intel::FILE_HASH"
	}
	return "", ""
}

// uuid5 derives a stable name-based UUID (RFC 9562 version 5) in the
// huntpack namespace, so the same indicator exports with the same id.
func uuid5(name string) string {
	ns := []byte("huntpack.intel/v1")
	h := sha1.Sum(append(ns, name...))
	u := h[:16]
	u[6] = (u[6] & 0x0f) | 0x50
	u[8] = (u[8] & 0x3f) | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}
