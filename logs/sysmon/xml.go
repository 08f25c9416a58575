package sysmon

import (
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
	Data []struct {
		Name  string `xml:"Name,attr"`
		Value string `xml:",chardata"`
	} `xml:"EventData>Data"`
}

// XMLSource reads <Event> elements from Windows event XML.
type XMLSource struct {
	dec    *xml.Decoder
	closer io.Closer
	table  string
	b      *asim.Builder
	broken bool
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
	d := xml.NewDecoder(r)
	d.Strict = false
	return &XMLSource{dec: d, closer: r, table: table, b: asim.NewBuilder(table)}
}

// Columns implements record.Source.
func (s *XMLSource) Columns() []record.Col { return s.b.Columns() }

// Close implements record.Source.
func (s *XMLSource) Close() error { return s.closer.Close() }

// Next implements record.Source.
func (s *XMLSource) Next(fields [][]byte) (int64, error) {
	for {
		line, _ := s.dec.InputPos()
		if s.broken {
			return int64(line), io.EOF
		}
		tok, err := s.dec.Token()
		if err == io.EOF {
			return int64(line), io.EOF
		}
		if err != nil {
			s.broken = true // the XML decoder cannot resynchronise
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return int64(se.Line), &record.Error{Line: int64(se.Line), Msg: "XML syntax error: " + se.Msg + "; rest of file skipped"}
			}
			return int64(line), err
		}
		start, ok := tok.(xml.StartElement)
		if !ok || start.Name.Local != "Event" {
			continue
		}
		line, _ = s.dec.InputPos()
		var ev xmlEvent
		if err := s.dec.DecodeElement(&ev, &start); err != nil {
			s.broken = true
			return int64(line), &record.Error{Line: int64(line), Msg: fmt.Sprintf("bad <Event>: %v; rest of file skipped", err)}
		}
		if !strings.Contains(ev.System.Provider.Name, "Sysmon") {
			continue
		}
		data := map[string]string{}
		for _, d := range ev.Data {
			data[d.Name] = strings.TrimSpace(d.Value)
		}
		s.b.Reset()
		e := event{id: strings.TrimSpace(ev.System.EventID), host: ev.System.Computer, data: func(n string) string { return data[n] }}
		if !mapEvent(e, s.table, s.b) {
			continue
		}
		s.b.Fields(fields)
		return int64(line), nil
	}
}
