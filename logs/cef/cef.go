// Package cef parses Common Event Format (CEF) lines, with or without a
// syslog header (RFC 3164, RFC 5424, or the "epoch-ms host" and
// "Mmm dd HH:mm:ss[.SSS] [yyyy] [zone] host" forms ArcSight emits), and
// maps them to CommonSecurityLog columns the way Microsoft Sentinel's CEF
// connector does: header fields to DeviceVendor, DeviceProduct,
// DeviceVersion, DeviceEventClassID, Activity and LogSeverity; extension
// keys through the documented key map (logs/schema); unmapped keys to
// AdditionalExtensions as `key=value` pairs joined by ';'.
//
// Escapes follow the CEF specification: in the header `\|` and `\\`; in
// extension values `\=`, `\\`, `\n` and `\r`. Values are unescaped by
// default; Options.KeepEscapes stores them as written, which is what
// Sentinel itself does.
package cef

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"time"
	"unsafe"
)

// Event is one parsed CEF line.
type Event struct {
	// Header information from the syslog prefix, when present.
	HasTime bool
	Time    time.Time
	Host    string

	Version       string
	DeviceVendor  string
	DeviceProduct string
	DeviceVersion string
	SignatureID   string // Device Event Class ID
	Name          string
	Severity      string
	Ext           []KV // extension pairs in order
}

// KV is one extension key and value.
type KV struct{ Key, Value string }

// Options controls parsing.
type Options struct {
	// KeepEscapes keeps backslash escapes in values as written.
	KeepEscapes bool
	// Year is used for syslog timestamps without a year (RFC 3164);
	// zero leaves such events without a header time.
	Year int
}

// ErrNotCEF reports a line without a CEF header.
var ErrNotCEF = errors.New("not a CEF line")

// Index returns the position of "CEF:<digit>" in line, or -1.
func Index(line []byte) int {
	off := 0
	for {
		i := bytes.Index(line[off:], []byte("CEF:"))
		if i < 0 {
			return -1
		}
		j := off + i
		if j+4 < len(line) && line[j+4] >= '0' && line[j+4] <= '9' && bytes.IndexByte(line[j:], '|') > 0 {
			return j
		}
		off = j + 4
	}
}

// Parse parses one line.
func Parse(line []byte, o Options) (Event, error) {
	var sc scratch // not reused: the event's strings stay valid
	return sc.parse(line, o)
}

// scratch holds the buffers of a parse. The strings of the event it
// returns are views of its arena: a reused scratch (Source) makes them
// valid until its next parse only.
type scratch struct {
	arena []byte
	marks []mark
	kvs   []KV
}

type mark struct{ keyStart, eq int }

// reset makes the scratch ready for the next line.
func (sc *scratch) reset() {
	sc.arena, sc.marks, sc.kvs = sc.arena[:0], sc.marks[:0], sc.kvs[:0]
}

// view returns the arena bytes from start as a string (no copy).
func (sc *scratch) view(start int) string {
	if start == len(sc.arena) {
		return ""
	}
	return unsafe.String(&sc.arena[start], len(sc.arena)-start)
}

func (sc *scratch) parse(line []byte, o Options) (Event, error) {
	var ev Event
	i := Index(line)
	if i < 0 {
		return ev, ErrNotCEF
	}
	parseSyslogPrefix(bytes.TrimSpace(line[:i]), o.Year, &ev)
	rest := line[i+4:]
	fields, ext, err := sc.splitHeader(rest, o.KeepEscapes)
	if err != nil {
		return ev, err
	}
	ev.Version, ev.DeviceVendor, ev.DeviceProduct, ev.DeviceVersion = fields[0], fields[1], fields[2], fields[3]
	ev.SignatureID, ev.Name, ev.Severity = fields[4], fields[5], fields[6]
	ev.Ext = sc.parseExtension(ext, o.KeepEscapes)
	return ev, nil
}

// splitHeader splits the 7 pipe-separated header fields (after "CEF:")
// and returns the extension text.
func (sc *scratch) splitHeader(b []byte, keep bool) ([7]string, []byte, error) {
	var out [7]string
	start := len(sc.arena)
	n := 0
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c == '\\' && i+1 < len(b) && (b[i+1] == '|' || b[i+1] == '\\') {
			if keep {
				sc.arena = append(sc.arena, c)
			}
			sc.arena = append(sc.arena, b[i+1])
			i++
			continue
		}
		if c == '|' {
			out[n] = sc.view(start)
			start = len(sc.arena)
			n++
			if n == 7 {
				return out, b[i+1:], nil
			}
			continue
		}
		sc.arena = append(sc.arena, c)
	}
	if n == 6 { // no extension and no final '|'
		out[6] = sc.view(start)
		return out, nil, nil
	}
	return out, nil, fmt.Errorf("CEF header has %d of 7 fields", n+boolInt(len(sc.arena) > start))
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func isKeyChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-' || c == '[' || c == ']'
}

// parseExtension splits "k1=v1 k2=v two k3=v3": a key is a run of key
// characters at the start or after a space, followed by an unescaped
// '='; a value runs to the space before the next key.
func (sc *scratch) parseExtension(b []byte, keep bool) []KV {
	marks := sc.marks[:0]
	for i := 0; i < len(b); i++ {
		if b[i] == '\\' {
			i++
			continue
		}
		if b[i] != '=' {
			continue
		}
		k := i
		for k > 0 && isKeyChar(b[k-1]) {
			k--
		}
		if k == i || (k > 0 && b[k-1] != ' ') {
			continue
		}
		marks = append(marks, mark{k, i})
	}
	sc.marks = marks
	if len(marks) == 0 {
		return nil
	}
	out := sc.kvs[:0]
	for j, m := range marks {
		end := len(b)
		if j+1 < len(marks) {
			end = marks[j+1].keyStart
		}
		v := b[m.eq+1 : end]
		if j+1 < len(marks) {
			v = bytes.TrimSuffix(v, []byte(" "))
		} else {
			v = bytes.TrimRight(v, " \r\n")
		}
		start := len(sc.arena)
		sc.arena = append(sc.arena, b[m.keyStart:m.eq]...)
		key := sc.view(start)
		out = append(out, KV{Key: key, Value: sc.unescapeValue(v, keep)})
	}
	sc.kvs = out
	return out
}

func (sc *scratch) unescapeValue(v []byte, keep bool) string {
	start := len(sc.arena)
	if keep || bytes.IndexByte(v, '\\') < 0 {
		sc.arena = append(sc.arena, v...)
		return sc.view(start)
	}
	out := sc.arena
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c != '\\' || i+1 == len(v) {
			out = append(out, c)
			continue
		}
		switch v[i+1] {
		case '=', '\\':
			out = append(out, v[i+1])
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		default:
			out = append(out, c, v[i+1])
		}
		i++
	}
	sc.arena = out
	return sc.view(start)
}

var months = map[string]time.Month{"Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "May": 5, "Jun": 6, "Jul": 7, "Aug": 8, "Sep": 9, "Oct": 10, "Nov": 11, "Dec": 12}

// parseSyslogPrefix reads a time and host from the text before "CEF:".
func parseSyslogPrefix(p []byte, year int, ev *Event) {
	if len(p) == 0 {
		return
	}
	if p[0] == '<' { // <PRI>
		if j := bytes.IndexByte(p, '>'); j > 0 && j < 5 {
			p = p[j+1:]
		}
	}
	f := bytes.Fields(p)
	if len(f) == 0 {
		return
	}
	// RFC 5424: VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD
	if len(f) >= 3 && len(f[0]) <= 2 && isDigits(f[0]) {
		if t, err := time.Parse(time.RFC3339Nano, string(f[1])); err == nil {
			ev.Time, ev.HasTime = t.UTC(), true
		}
		if string(f[2]) != "-" {
			ev.Host = string(f[2])
		}
		return
	}
	// epoch milliseconds + host
	if isDigits(f[0]) && len(f[0]) >= 10 {
		if ms, err := strconv.ParseInt(string(f[0]), 10, 64); err == nil {
			if len(f[0]) <= 10 {
				ms *= 1000
			}
			ev.Time, ev.HasTime = time.UnixMilli(ms).UTC(), true
		}
		if len(f) > 1 {
			ev.Host = string(f[1])
		}
		return
	}
	// ISO timestamp + host
	if t, err := time.Parse(time.RFC3339Nano, string(f[0])); err == nil {
		ev.Time, ev.HasTime = t.UTC(), true
		if len(f) > 1 {
			ev.Host = string(f[1])
		}
		return
	}
	// Mmm dd HH:mm:ss[.SSS] [yyyy] [zone] host [tag]
	m, ok := months[string(f[0])]
	if !ok || len(f) < 3 {
		return
	}
	day, err1 := strconv.Atoi(string(f[1]))
	k, y := 2, year
	if len(f[k]) == 4 && isDigits(f[k]) && k+1 < len(f) { // Mmm dd yyyy HH:mm:ss
		y, _ = strconv.Atoi(string(f[k]))
		k++
	}
	clock, err2 := time.Parse("15:04:05.999999999", string(f[k]))
	if err1 != nil || err2 != nil {
		return
	}
	k++
	if k < len(f) && len(f[k]) == 4 && isDigits(f[k]) {
		y, _ = strconv.Atoi(string(f[k]))
		k++
	}
	loc := time.UTC
	if k < len(f) && (string(f[k]) == "UTC" || string(f[k]) == "GMT" || string(f[k]) == "Z") {
		k++
	}
	if k < len(f) {
		ev.Host = string(f[k])
	}
	if y == 0 {
		return
	}
	ev.Time = time.Date(y, m, day, clock.Hour(), clock.Minute(), clock.Second(), clock.Nanosecond(), loc)
	ev.HasTime = true
}

func isDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(b) > 0
}
