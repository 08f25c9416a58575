package feed

import (
	"bytes"
	"fmt"
	"unicode"
	"unicode/utf8"
)

// maxRecordLines bounds how many lines one quoted CSV field may span. Feed
// exports never put newlines in fields; the bound keeps an unterminated
// quote from swallowing (and re-scanning) the rest of a large file.
const maxRecordLines = 64

// csvError is a malformed CSV record: where its problem is, and what.
type csvError struct {
	Line, Col int // 1-based position of the problem (may be after the record's first line)
	Msg       string
	Text      string // the record's first line, for the report
}

func (e *csvError) Error() string {
	return fmt.Sprintf("%s (line %d, column %d)", e.Msg, e.Line, e.Col)
}

// csvScanner splits feed CSV into records the way encoding/csv does with
// TrimLeadingSpace (RFC 4180 quoting, doubled quotes, "\r\n" or "\n",
// lines starting with '#' and blank lines skipped), but recovers from a
// malformed record: the record is reported at its first line and reading
// resumes at the line after it. One bad row never costs the rest of a
// feed.
type csvScanner struct {
	data []byte
	off  int
	line int // 1-based line at off
}

func newCSVScanner(data []byte) *csvScanner { return &csvScanner{data: data, line: 1} }

// next returns the next record and its first line. A malformed record
// gives a nil record and a *csvError; ok is false at the end of data.
func (s *csvScanner) next() (rec []string, line int, err *csvError, ok bool) {
	for s.off < len(s.data) {
		start, startLine := s.off, s.line
		end := lineEnd(s.data, start)
		text := bytes.TrimRight(s.data[start:end], "\r")
		if len(bytes.TrimSpace(text)) == 0 || text[0] == '#' {
			s.skipLine(end)
			continue
		}
		rec, stop, perr := parseCSVRecord(s.data, start, startLine)
		if perr != nil {
			perr.Text = string(text)
			s.skipLine(end)
			return nil, startLine, perr, true
		}
		s.line += bytes.Count(s.data[start:stop], []byte("\n"))
		s.off = stop
		return rec, startLine, nil, true
	}
	return nil, 0, nil, false
}

func (s *csvScanner) skipLine(end int) {
	s.off = end + 1
	s.line++
}

// lineEnd is the offset of the '\n' ending the line at start (len(data)
// for the last line).
func lineEnd(data []byte, start int) int {
	if i := bytes.IndexByte(data[start:], '\n'); i >= 0 {
		return start + i
	}
	return len(data)
}

// parseCSVRecord reads one record starting at offset i (line line). It
// returns the fields and the offset after the record's line end.
func parseCSVRecord(data []byte, i, line int) ([]string, int, *csvError) {
	lineStart := i
	pos := func(at int) (int, int) {
		l := line + bytes.Count(data[lineStart:at], []byte("\n"))
		ls := bytes.LastIndexByte(data[:at], '\n') + 1
		return l, at - ls + 1
	}
	bad := func(at int, msg string) *csvError {
		l, c := pos(at)
		return &csvError{Line: l, Col: c, Msg: msg}
	}
	var fields []string
	for {
		i = skipSpace(data, i)
		var field []byte
		if i < len(data) && data[i] == '"' {
			open := i
			i++
			lines := 0
			for {
				if i >= len(data) {
					return nil, 0, bad(open, `quoted field not terminated (missing closing ")`)
				}
				c := data[i]
				if c == '"' {
					if i+1 < len(data) && data[i+1] == '"' {
						field = append(field, '"')
						i += 2
						continue
					}
					i++
					break
				}
				if c == '\n' {
					lines++
					if lines >= maxRecordLines {
						return nil, 0, bad(open, fmt.Sprintf(`quoted field not closed within %d lines`, maxRecordLines))
					}
				}
				if c == '\r' && i+1 < len(data) && data[i+1] == '\n' {
					i++
					continue
				}
				field = append(field, c)
				i++
			}
			if i < len(data) && data[i] == '\r' && (i+1 == len(data) || data[i+1] == '\n') {
				i++
			}
			if i < len(data) && data[i] != ',' && data[i] != '\n' {
				return nil, 0, bad(i, `extraneous " in quoted field`)
			}
		} else {
			j := i
			for j < len(data) && data[j] != ',' && data[j] != '\n' {
				if data[j] == '"' {
					return nil, 0, bad(j, `bare " in non-quoted field`)
				}
				j++
			}
			field = bytes.TrimRight(data[i:j], "\r")
			i = j
		}
		fields = append(fields, string(field))
		if i >= len(data) {
			return fields, i, nil
		}
		if data[i] == '\n' {
			return fields, i + 1, nil
		}
		i++ // ','
	}
}

// skipSpace skips white space (as unicode.IsSpace, like encoding/csv's
// TrimLeadingSpace) up to a line end.
func skipSpace(data []byte, i int) int {
	for i < len(data) && data[i] != '\n' {
		r, n := utf8.DecodeRune(data[i:])
		if !unicode.IsSpace(r) {
			break
		}
		i += n
	}
	return i
}
