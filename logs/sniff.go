package logs

import (
	"bytes"

	"github.com/huntpack/huntpack/logs/cef"
)

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

// sniffRaw recognises raw log formats by content and returns the table
// they feed.
func sniffRaw(head []byte) (Format, string, bool) {
	lines := headLines(head, 10, len(head) >= sniffBytes)
	if len(lines) == 0 {
		return "", "", false
	}
	cefLines := 0
	for _, l := range lines {
		if cef.Index(l) >= 0 {
			cefLines++
		}
	}
	if cefLines > 0 && cefLines*2 >= len(lines) {
		return FormatCEF, cef.Table, true
	}
	return "", "", false
}

// sniffExport recognises an export without a known extension.
func sniffExport(head []byte) (Format, bool) {
	t := bytes.TrimLeft(trimBOM(head), " \t\r\n")
	if len(t) > 0 && (t[0] == '[' || t[0] == '{') {
		return FormatJSON, true
	}
	return "", false
}

// sniffResponse recognises API response JSON among .json files.
func sniffResponse(head []byte) (Format, bool) {
	return "", false
}

func trimBOM(b []byte) []byte { return bytes.TrimPrefix(b, []byte{0xEF, 0xBB, 0xBF}) }
