// Package feed parses threat-intel feeds into normalised intel.Indicators,
// one file per format: ThreatFox (API response, JSON export, CSV export),
// URLhaus CSV, Feodo Tracker CSV and JSON, MISP event JSON, STIX 2.1
// bundles, Zeek intel files and plain one-IOC-per-line lists. Sniff picks
// the format from the content.
//
// Parsers never touch the store. Every value goes through intel.Normalize;
// rejected values are counted by reason and the first few are kept with
// their position (file:line or file:record) in Result.Problems. A file that
// is not the format it claims is an error naming the file and position.
package feed

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/huntpack/huntpack/intel"
)

// Format names a feed format.
type Format string

// Supported formats.
const (
	ThreatFoxAPI  Format = "threatfox-api"  // {"query_status":..., "data":[...]}
	ThreatFoxJSON Format = "threatfox-json" // JSON export keyed by IOC id
	ThreatFoxCSV  Format = "threatfox-csv"  // CSV export (full or recent, 14 or 15+ columns)
	URLhausCSV    Format = "urlhaus-csv"    // URLhaus csv / csv_online dump
	FeodoCSV      Format = "feodo-csv"      // Feodo Tracker ipblocklist.csv
	FeodoJSON     Format = "feodo-json"     // Feodo Tracker ipblocklist.json
	MISP          Format = "misp"           // MISP event JSON (one event, a list, or a REST response)
	STIX          Format = "stix"           // STIX 2.1 bundle
	ZeekIntel     Format = "zeek-intel"     // Zeek intel framework file
	Plain         Format = "plain"          // one IOC per line, defanged forms accepted
)

// Formats lists every format.
var Formats = []Format{ThreatFoxAPI, ThreatFoxJSON, ThreatFoxCSV, URLhausCSV, FeodoCSV, FeodoJSON, MISP, STIX, ZeekIntel, Plain}

// Source is the store source name of f's indicators.
func (f Format) Source() string {
	switch f {
	case ThreatFoxAPI, ThreatFoxJSON, ThreatFoxCSV:
		return "threatfox"
	case URLhausCSV:
		return "urlhaus"
	case FeodoCSV, FeodoJSON:
		return "feodo"
	case MISP:
		return "misp"
	case STIX:
		return "stix"
	case ZeekIntel:
		return "zeek"
	}
	return "plain"
}

// ParseFormat accepts a Format name.
func ParseFormat(s string) (Format, bool) {
	for _, f := range Formats {
		if string(f) == s {
			return f, true
		}
	}
	return "", false
}

// MaxProblems is how many rejected values Result.Problems keeps.
const MaxProblems = 20

// Problem is one rejected value with its position.
type Problem struct {
	Pos    string // "file:line" or "file: record N"
	Value  string
	Reason string
}

func (p Problem) String() string {
	if p.Value == "" {
		return p.Pos + ": " + p.Reason
	}
	return fmt.Sprintf("%s: %q: %s", p.Pos, p.Value, p.Reason)
}

// Result is a parsed feed.
type Result struct {
	Format     Format
	Indicators []intel.Indicator
	// Rejected counts invalid values by reason.
	Rejected intel.Rejects
	// Skipped counts entries of kinds huntpack does not hunt (e.g. MISP
	// email attributes, Zeek Intel::SUBNET), by kind.
	Skipped map[string]int
	// Problems are the first MaxProblems rejections with their positions.
	Problems []Problem
}

func newResult(f Format) *Result {
	return &Result{Format: f, Rejected: intel.Rejects{}, Skipped: map[string]int{}}
}

// add normalises in and appends it, or counts and records the rejection.
func (r *Result) add(in intel.Indicator, pos func() string) {
	raw := in.Value
	if in.Source == "" {
		in.Source = r.Format.Source()
	}
	if err := intel.Normalize(&in); err != nil {
		r.Rejected.Add(err)
		r.problem(pos, raw, err.Error())
		return
	}
	r.Indicators = append(r.Indicators, in)
}

func (r *Result) reject(reason intel.Reason, raw string, pos func() string) {
	r.Rejected[reason]++
	r.problem(pos, raw, string(reason))
}

// rejectMsg counts a rejection under reason with its own message; the
// problem reads "file:line: msg: "record text"" (a whole record is no
// value, so it comes last, shortened).
func (r *Result) rejectMsg(reason intel.Reason, raw, msg string, pos func() string) {
	r.Rejected[reason]++
	r.problem(pos, "", fmt.Sprintf("%s: %q", msg, truncate(raw, 120)))
}

func (r *Result) problem(pos func() string, raw, msg string) {
	if len(r.Problems) < MaxProblems {
		r.Problems = append(r.Problems, Problem{Pos: pos(), Value: truncate(raw, 200), Reason: msg})
	}
}

func (r *Result) skip(kind string) { r.Skipped[kind]++ }

// skipAt counts a skipped entry and records where it was, like a
// rejection, so a person can find it.
func (r *Result) skipAt(kind, raw, msg string, pos func() string) {
	r.Skipped[kind]++
	r.problem(pos, "", fmt.Sprintf("%s: %q", msg, truncate(raw, 120)))
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// Parse reads a whole feed from r and parses it as format f; an empty f
// means Sniff. name is used in errors and positions.
func Parse(r io.Reader, name string, f Format) (*Result, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return ParseBytes(data, name, f)
}

// ParseBytes is Parse over data in memory. Gzip data is decompressed and
// every file of a zip archive (ThreatFox and URLhaus serve their full dumps
// zipped) is parsed, its positions named "archive.zip!member". UTF-16
// text (with a byte-order mark, or recognisably without) is decoded to
// UTF-8 first.
func ParseBytes(data []byte, name string, f Format) (*Result, error) {
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return parseZip(data, name, f)
	case bytes.HasPrefix(data, []byte("\x1f\x8b")):
		plain, err := gunzip(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return ParseBytes(plain, name, f)
	}
	if dec, ok, err := decodeUTF16(data); ok {
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		data = dec
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if f == "" {
		var err error
		if f, err = Sniff(data); err != nil {
			var pe *PosError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("%s:%d: %w", name, pe.Line+leadingLines(data), pe.Err)
			}
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	p, ok := parsers[f]
	if !ok {
		return nil, fmt.Errorf("%s: unknown feed format %q", name, f)
	}
	res := newResult(f)
	if err := p(data, name, res); err != nil {
		return nil, err
	}
	return res, nil
}

var parsers map[Format]func(data []byte, name string, res *Result) error

func init() {
	parsers = map[Format]func([]byte, string, *Result) error{
		ThreatFoxAPI:  parseThreatFoxAPI,
		ThreatFoxJSON: parseThreatFoxJSON,
		ThreatFoxCSV:  parseThreatFoxCSV,
		URLhausCSV:    parseURLhausCSV,
		FeodoCSV:      parseFeodoCSV,
		FeodoJSON:     parseFeodoJSON,
		MISP:          parseMISP,
		STIX:          parseSTIX,
		ZeekIntel:     parseZeekIntel,
		Plain:         parsePlain,
	}
}

// timeLayouts are the timestamp spellings feeds use, all read as UTC.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02 15:04:05 MST",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05.999999",
	"2006-01-02",
}

// parseTime reads a feed timestamp; empty, "None", "null" and unreadable
// text give the zero time. All-digit text is unix seconds (MISP).
func parseTime(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" || strings.EqualFold(s, "none") || strings.EqualFold(s, "null") {
		return time.Time{}
	}
	if isDigits(s) {
		n, err := strconv.ParseInt(s, 10, 64)
		if err == nil && n > 0 {
			return time.Unix(n, 0).UTC()
		}
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// none maps the feeds' null spellings to "".
func none(s string) string {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "none", "null", "-", "n/a":
		return ""
	}
	return s
}

// splitList splits a comma-joined list, dropping empties and "None".
func splitList(s string) []string {
	s = none(s)
	if s == "" {
		return nil
	}
	return intel.CleanTags(strings.Split(s, ","))
}

// lineOf returns the 1-based line number of byte offset off in data.
func lineOf(data []byte, off int64) int {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	return bytes.Count(data[:off], []byte("\n")) + 1
}

func atPos(name string, line int) func() string {
	return func() string { return fmt.Sprintf("%s:%d", name, line) }
}

func atRecord(name, what string) func() string {
	return func() string { return name + ": " + what }
}

// leadingLines counts the blank lines Sniff trimmed from the start of data.
func leadingLines(data []byte) int {
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	return bytes.Count(data[:len(data)-len(trimmed)], []byte("\n"))
}

// maxDecompressed bounds what one archive member or gzip stream may expand to.
const maxDecompressed = 2 << 30

func gunzip(data []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	defer zr.Close()
	return readLimited(zr)
}

func readLimited(r io.Reader) ([]byte, error) {
	out, err := io.ReadAll(io.LimitReader(r, maxDecompressed+1))
	if err != nil {
		return nil, err
	}
	if len(out) > maxDecompressed {
		return nil, fmt.Errorf("decompresses to more than %d bytes", maxDecompressed)
	}
	return out, nil
}

// parseZip parses every regular file of a zip archive and merges the
// results; the members must share one format.
func parseZip(data []byte, name string, f Format) (*Result, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%s: zip: %w", name, err)
	}
	var out *Result
	for _, zf := range zr.File {
		if zf.FileInfo().IsDir() {
			continue
		}
		member := name + "!" + zf.Name
		rc, err := zf.Open()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", member, err)
		}
		body, err := readLimited(rc)
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", member, err)
		}
		res, err := ParseBytes(body, member, f)
		if err != nil {
			return nil, err
		}
		if out == nil {
			out = res
			continue
		}
		if res.Format != out.Format {
			return nil, fmt.Errorf("%s: is %s, but the archive's first member is %s", member, res.Format, out.Format)
		}
		out.merge(res)
	}
	if out == nil {
		return nil, fmt.Errorf("%s: empty zip archive", name)
	}
	return out, nil
}

func (r *Result) merge(o *Result) {
	r.Indicators = append(r.Indicators, o.Indicators...)
	for k, v := range o.Rejected {
		r.Rejected[k] += v
	}
	for k, v := range o.Skipped {
		r.Skipped[k] += v
	}
	for _, p := range o.Problems {
		if len(r.Problems) < MaxProblems {
			r.Problems = append(r.Problems, p)
		}
	}
}

// nFields says "1 field" or "n fields".
func nFields(n int) string {
	if n == 1 {
		return "1 field"
	}
	return strconv.Itoa(n) + " fields"
}
