package sysmon

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/huntpack/huntpack/logs/asim"
	"github.com/huntpack/huntpack/logs/input"
	"github.com/huntpack/huntpack/logs/record"
)

// xmlEvent is the part of a Windows event we need.
type xmlEvent struct {
	System struct {
		Provider struct {
			Name string `xml:"Name,attr"`
		} `xml:"Provider"`
		EventID  string `xml:"EventID"`
		Computer string `xml:"Computer"`
	} `xml:"System"`
	Data []xmlData `xml:"EventData>Data"`
}

type xmlData struct {
	Name  string `xml:"Name,attr"`
	Value string `xml:",chardata"`
}

// XMLSource reads <Event> elements from Windows event XML (one event per
// line, pretty-printed, or all on one line as wevtutil writes them, with
// or without an <Events> wrapper). The file is cut into events first and
// each event is decoded on its own, so a malformed or truncated event is
// reported with its line and skipped, and reading resumes at the next
// <Event>.
type XMLSource struct {
	r      io.Reader
	closer io.Closer
	table  string
	b      *asim.Builder

	arr  []byte // the buffer buf lives in
	buf  []byte // read, not yet consumed
	ev   xmlEvent
	line int64 // line number of buf[0]
	err  error // the reader's error (io.EOF at the end)
	// Max bounds one event's size (default input.MaxLine).
	Max int
}

// OpenXML opens a file of Windows event XML as rows of table.
func OpenXML(path, table string) (record.Source, error) {
	rc, _, err := input.Open(path)
	if err != nil {
		return nil, err
	}
	return NewXMLSource(rc, table), nil
}

// NewXMLSource reads events from r; closing the source closes r.
func NewXMLSource(r io.ReadCloser, table string) *XMLSource {
	return &XMLSource{r: r, closer: r, table: table, b: asim.NewBuilder(table), line: 1}
}

// Columns implements record.Source.
func (s *XMLSource) Columns() []record.Col { return s.b.Columns() }

// Close implements record.Source.
func (s *XMLSource) Close() error { return s.closer.Close() }

var (
	eventOpen  = []byte("<Event")
	eventClose = []byte("</Event")
)

// indexEvent returns the index of the first "<Event" start tag in b (not
// "<EventData" or "<EventID"), or -1. A "<Event" at the very end of b is
// not counted: the byte after it decides.
func indexEvent(b []byte) int {
	off := 0
	for {
		i := bytes.Index(b[off:], eventOpen)
		if i < 0 {
			return -1
		}
		j := off + i + len(eventOpen)
		if j >= len(b) {
			return -1
		}
		switch b[j] {
		case '>', '/', ' ', '\t', '\r', '\n':
			return off + i
		}
		off = j
	}
}

// indexClose returns the start of the first "</Event>" in b and the index
// just past it, or -1, -1.
func indexClose(b []byte) (start, end int) {
	off := 0
	for {
		i := bytes.Index(b[off:], eventClose)
		if i < 0 {
			return -1, -1
		}
		j := off + i + len(eventClose)
		for j < len(b) && (b[j] == ' ' || b[j] == '\t' || b[j] == '\r' || b[j] == '\n') {
			j++
		}
		if j < len(b) && b[j] == '>' {
			return off + i, j + 1
		}
		off = off + i + len(eventClose)
	}
}

// consume drops n bytes, counting their lines.
func (s *XMLSource) consume(n int) {
	s.line += int64(bytes.Count(s.buf[:n], []byte{'\n'}))
	s.buf = s.buf[n:]
}

// more reads more input; false once the input is exhausted.
func (s *XMLSource) more() bool {
	if s.err != nil {
		return false
	}
	if len(s.buf) == cap(s.buf) { // the buffer's tail is full
		if cap(s.arr) == 0 || len(s.buf) > cap(s.arr)/2 {
			s.arr = make([]byte, max(2*cap(s.arr), 64<<10))
		}
		n := copy(s.arr, s.buf)
		s.buf = s.arr[:n]
	}
	n, err := s.r.Read(s.buf[len(s.buf):cap(s.buf)])
	s.buf = s.buf[:len(s.buf)+n]
	if err != nil {
		s.err = err
	}
	return n > 0 || err == nil
}

// Next implements record.Source.
func (s *XMLSource) Next(fields [][]byte) (int64, error) {
	for {
		chunk, line, err := s.nextEvent()
		if err != nil {
			return line, err
		}
		ev := &s.ev
		if !fastEvent(chunk, ev) {
			ev, err = decodeEvent(chunk)
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				l := line + int64(se.Line) - 1
				return l, &record.Error{Line: l, Msg: "XML syntax error: " + se.Msg + "; event skipped"}
			}
			return line, &record.Error{Line: line, Msg: fmt.Sprintf("bad <Event>: %v; event skipped", err)}
		}
		if !strings.Contains(ev.System.Provider.Name, "Sysmon") {
			continue
		}
		s.b.Reset()
		e := event{id: strings.TrimSpace(ev.System.EventID), host: ev.System.Computer, data: ev.value}
		if !mapEvent(e, s.table, s.b) {
			continue
		}
		s.b.Fields(fields)
		return line, nil
	}
}

// nextEvent returns the bytes of the next <Event>...</Event> element and
// its first line. A truncated event, an event not closed before the next
// one starts, or one longer than Max is a *record.Error; reading goes on
// at the next <Event>.
func (s *XMLSource) nextEvent() ([]byte, int64, error) {
	limit := s.Max
	if limit <= 0 {
		limit = input.MaxLine
	}
	for { // find the start of an event
		if i := indexEvent(s.buf); i >= 0 {
			s.consume(i)
			break
		}
		if keep := len(eventOpen); len(s.buf) > keep { // keep a start tag cut by the end of the buffer
			s.consume(len(s.buf) - keep)
		}
		if !s.more() {
			s.consume(len(s.buf))
			if s.err != io.EOF {
				return nil, s.line, s.err
			}
			return nil, s.line, io.EOF
		}
	}
	start := s.line
	scanned := len(eventOpen)
	for { // find its end
		closeAt, end := indexClose(s.buf[scanned:])
		next := indexEvent(s.buf[scanned:])
		switch {
		case next >= 0 && (closeAt < 0 || next < closeAt):
			// The next event starts before this one is closed.
			s.consume(scanned + next)
			return nil, start, &record.Error{Line: start, Msg: fmt.Sprintf("<Event> not closed before the next <Event> on line %d; event skipped", s.line)}
		case end >= 0:
			n := scanned + end
			chunk := s.buf[:n:n]
			s.consume(n)
			if n > limit {
				return nil, start, &record.Error{Line: start, Msg: fmt.Sprintf("<Event> longer than %d bytes; skipped", limit)}
			}
			return chunk, start, nil
		}
		if len(s.buf) > limit {
			s.consume(len(eventOpen))
			return nil, start, &record.Error{Line: start, Msg: fmt.Sprintf("<Event> longer than %d bytes; skipped", limit)}
		}
		scanned = max(len(eventOpen), len(s.buf)-64) // a tag may be cut by the end of the buffer
		if !s.more() {
			s.consume(len(s.buf))
			if s.err != io.EOF {
				return nil, start, s.err
			}
			return nil, start, &record.Error{Line: start, Msg: "<Event> truncated by the end of the file; skipped"}
		}
	}
}

// decodeEvent decodes one <Event> element.
func decodeEvent(chunk []byte) (*xmlEvent, error) {
	d := xml.NewDecoder(bytes.NewReader(chunk))
	d.Strict = false
	for {
		tok, err := d.Token()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		if start, ok := tok.(xml.StartElement); ok {
			var ev xmlEvent
			if err := d.DecodeElement(&ev, &start); err != nil {
				return nil, err
			}
			return &ev, nil
		}
	}
}

// value returns the trimmed text of the EventData item called name.
func (ev *xmlEvent) value(name string) string {
	for _, d := range ev.Data {
		if d.Name == name {
			return strings.TrimSpace(d.Value)
		}
	}
	return ""
}
