package logs

import (
	"bytes"

	"github.com/huntpack/huntpack/logs/asim"
	"github.com/huntpack/huntpack/logs/cef"
	"github.com/huntpack/huntpack/logs/dnsdebug"
	"github.com/huntpack/huntpack/logs/lajson"
	"github.com/huntpack/huntpack/logs/parquet"
	"github.com/huntpack/huntpack/logs/suricata"
	"github.com/huntpack/huntpack/logs/sysmon"
	"github.com/huntpack/huntpack/logs/zeek"
)

// rawBinding is one table a raw file feeds (a Suricata or Sysmon file
// feeds both ASIM tables).
type rawBinding struct {
	format Format
	table  string
	kind   string // Zeek log kind
}

// headLines returns up to n non-empty lines from the start of a file
// (the last line of head may be cut short and is dropped when head is
// full).
func headLines(head []byte, n int, full bool) [][]byte {
	var out [][]byte
	rest := trimBOM(head)
	for len(rest) > 0 && len(out) < n {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			if !full {
				out = append(out, bytes.TrimRight(rest, "\r"))
			}
			break
		}
		line := bytes.TrimRight(rest[:i], "\r")
		rest = rest[i+1:]
		if len(bytes.TrimSpace(line)) > 0 {
			out = append(out, line)
		}
	}
	return out
}

// sniffRaw recognises raw log formats by content and returns the tables
// they feed.
func sniffRaw(head []byte) ([]rawBinding, bool) {
	lines := headLines(head, 10, len(head) >= sniffBytes)
	if len(lines) == 0 {
		return nil, false
	}
	cefLines := 0
	for _, l := range lines {
		if cef.Index(l) >= 0 {
			cefLines++
		}
	}
	both := func(f Format) []rawBinding {
		return []rawBinding{{format: f, table: asim.NetworkSession}, {format: f, table: asim.Dns}}
	}
	switch {
	case cefLines > 0 && cefLines*2 >= len(lines):
		return []rawBinding{{format: FormatCEF, table: cef.Table}}, true
	case dnsdebug.Sniff(lines):
		return []rawBinding{{format: FormatDNSDebug, table: asim.Dns}}, true
	case sysmon.SniffXML(head):
		return both(FormatSysmonXML), true
	}
	if kind, ok := zeek.Sniff(lines); ok {
		f := FormatZeekTSV
		if lines[0][0] == '{' {
			f = FormatZeekJSON
		}
		return []rawBinding{{format: f, table: zeek.TableFor(kind), kind: kind}}, true
	}
	switch {
	case suricata.Sniff(lines):
		return both(FormatSuricata), true
	case sysmon.SniffJSON(lines):
		return both(FormatSysmon), true
	}
	return nil, false
}

// sniffExport recognises an export without a known extension.
func sniffExport(head []byte) (Format, bool) {
	if bytes.HasPrefix(head, parquet.Magic) {
		return FormatParquet, true
	}
	t := bytes.TrimLeft(trimBOM(head), " \t\r\n")
	if len(t) > 0 && (t[0] == '[' || t[0] == '{') {
		return FormatJSON, true
	}
	return "", false
}

// sniffResponse recognises API response JSON among .json files.
func sniffResponse(head []byte) (Format, bool) {
	switch k, ok := lajson.Sniff(head); {
	case !ok:
		return "", false
	case k == lajson.LogAnalytics:
		return FormatLARest, true
	default:
		return FormatADX, true
	}
}

func trimBOM(b []byte) []byte { return bytes.TrimPrefix(b, []byte{0xEF, 0xBB, 0xBF}) }
