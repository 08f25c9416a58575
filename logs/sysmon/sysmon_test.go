package sysmon

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/huntpack/huntpack/logs/asim"
	"github.com/huntpack/huntpack/logs/record"
)

const jsonLines = `{"EventID":3,"Channel":"Microsoft-Windows-Sysmon/Operational","Hostname":"WS5","UtcTime":"2020-10-23 06:36:42.306","Protocol":"tcp","Initiated":"true","SourceIsIpv6":"false","SourceIp":"192.168.2.5","SourceHostname":"-","SourcePort":"61628","DestinationIp":"93.184.216.34","DestinationHostname":"example.com","DestinationPort":"443","User":"CORP\\alice","Image":"C:\\Windows\\System32\\bitsadmin.exe","RuleName":"-"}
{"EventID":4624,"Channel":"Security","Hostname":"WS5"}
{"EventID":22,"Channel":"Microsoft-Windows-Sysmon/Operational","Hostname":"WS5","UtcTime":"2020-10-23 06:36:42.509","QueryName":"evil.example","QueryStatus":"9003","QueryResults":"","ProcessId":"4696","Image":"C:\\x.exe"}
{"winlog":{"event_id":22,"channel":"Microsoft-Windows-Sysmon/Operational","computer_name":"WS6","event_data":{"UtcTime":"2021-01-01 00:00:00.000","QueryName":"ok.example","QueryStatus":"0","QueryResults":"::ffff:1.2.3.4;"}}}
not json
`

const xmlEvents = `<Events>
<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Sysmon' Guid='{5770385f}'/><EventID>22</EventID><Computer>DC1</Computer></System><EventData><Data Name='UtcTime'>2021-02-03 04:05:06.789</Data><Data Name='QueryName'>xml.example</Data><Data Name='QueryStatus'>0</Data><Data Name='QueryResults'>type:  5 a.net;1.2.3.4;</Data></EventData></Event>
<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Sysmon'/><EventID>3</EventID><Computer>DC1</Computer></System><EventData><Data Name='UtcTime'>2021-02-03 04:05:07.000</Data><Data Name='SourceIp'>10.0.0.5</Data><Data Name='DestinationIp'>10.0.0.6</Data><Data Name='DestinationPort'>445</Data><Data Name='Initiated'>false</Data><Data Name='Protocol'>tcp</Data></EventData></Event>
</Events>
`

func rows(t *testing.T, src record.Source) ([]map[string]string, []string) {
	t.Helper()
	defer src.Close()
	cols := src.Columns()
	fields := make([][]byte, len(cols))
	var out []map[string]string
	var errs []string
	for {
		clear(fields)
		_, err := src.Next(fields)
		if err == io.EOF {
			return out, errs
		}
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		r := map[string]string{}
		for i, f := range fields {
			if f != nil {
				r[cols[i].Name] = string(f)
			}
		}
		out = append(out, r)
	}
}

func file(t *testing.T, name, text string) string {
	p := filepath.Join(t.TempDir(), name)
	os.WriteFile(p, []byte(text), 0o600)
	return p
}

func TestJSON(t *testing.T) {
	var ls [][]byte
	for _, l := range strings.Split(jsonLines, "\n")[:2] {
		ls = append(ls, []byte(l))
	}
	if !SniffJSON(ls) {
		t.Fatal("not sniffed")
	}
	p := file(t, "ev.json", jsonLines)
	src, _ := OpenJSON(p, asim.NetworkSession)
	net, errs := rows(t, src)
	if len(net) != 1 || len(errs) != 1 || !strings.HasPrefix(errs[0], "line 5:") {
		t.Fatalf("network rows %v errs %v", net, errs)
	}
	want := map[string]string{"TimeGenerated": "2020-10-23 06:36:42.306", "SrcIpAddr": "192.168.2.5", "DstHostname": "example.com",
		"DstPortNumber": "443", "NetworkDirection": "Outbound", "SrcUsername": `CORP\alice`, "SrcAppName": `C:\Windows\System32\bitsadmin.exe`,
		"EventType": "EndpointNetworkSession", "DvcHostname": "WS5", "NetworkProtocol": "TCP", "NetworkProtocolVersion": "IPv4"}
	for k, v := range want {
		if net[0][k] != v {
			t.Errorf("%s = %q, want %q", k, net[0][k], v)
		}
	}
	if _, ok := net[0]["SrcHostname"]; ok {
		t.Error("'-' hostname kept")
	}
	src, _ = OpenJSON(p, asim.Dns)
	dns, _ := rows(t, src)
	if len(dns) != 2 {
		t.Fatalf("dns rows %v", dns)
	}
	if dns[0]["DnsQuery"] != "evil.example" || dns[0]["EventResultDetails"] != "NXDOMAIN" || dns[0]["DnsResponseCode"] != "3" {
		t.Errorf("dns[0] %v", dns[0])
	}
	if dns[1]["DvcHostname"] != "WS6" || dns[1]["DnsResponseName"] != "::ffff:1.2.3.4" || dns[1]["EventResult"] != "Success" {
		t.Errorf("winlogbeat dns %v", dns[1])
	}
}

func TestXML(t *testing.T) {
	if !SniffXML([]byte(xmlEvents)) {
		t.Fatal("not sniffed")
	}
	p := file(t, "ev.xml", xmlEvents)
	src, _ := OpenXML(p, asim.Dns)
	dns, errs := rows(t, src)
	if len(dns) != 1 || len(errs) != 0 || dns[0]["DnsQuery"] != "xml.example" || dns[0]["DvcHostname"] != "DC1" || dns[0]["TimeGenerated"] != "2021-02-03 04:05:06.789" {
		t.Fatalf("dns %v errs %v", dns, errs)
	}
	src, _ = OpenXML(p, asim.NetworkSession)
	net, _ := rows(t, src)
	if len(net) != 1 || net[0]["NetworkDirection"] != "Inbound" || net[0]["DstPortNumber"] != "445" {
		t.Fatalf("net %v", net)
	}
	src, _ = OpenXML(file(t, "bad.xml", "<Events>\n<Event><System><EventID>22<</Event>\n"), asim.Dns)
	_, errs = rows(t, src)
	if len(errs) != 1 || !strings.Contains(errs[0], "line 2: XML syntax error") {
		t.Errorf("broken XML errs %v", errs)
	}
}

func xmlDNS(q string) string {
	return "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Sysmon'/><EventID>22</EventID><Computer>DC1</Computer></System><EventData><Data Name='UtcTime'>2021-02-03 04:05:01.789</Data><Data Name='QueryName'>" + q + "</Data><Data Name='QueryStatus'>0</Data></EventData></Event>"
}

// TestXMLResync: a malformed, unclosed or truncated <Event> is reported
// with its line and skipped; reading goes on at the next <Event>, whatever
// the layout (one event per line, pretty-printed, several per line) and
// however the input is cut into reads.
func TestXMLResync(t *testing.T) {
	pretty := strings.NewReplacer("><System>", ">\n  <System>", "<EventData>", "\n  <EventData>", "</Event>", "\n</Event>").Replace(xmlDNS("c.example"))
	doc := strings.Join([]string{
		"<Events>",
		xmlDNS("a.example"),
		strings.Replace(xmlDNS("bad.example"), "bad.example", "bad<<", 1),
		xmlDNS("b.example"),
		xmlDNS("unclosed.example")[:150],
		pretty, // lines 6-9
		xmlDNS("d.example") + xmlDNS("e.example") + "<EventDataNotAnEvent/>",
		"</Events>",
		xmlDNS("truncated.example")[:200],
	}, "\n")
	want := []string{
		"2 a.example",
		"line 3: XML syntax error: expected element name after <; event skipped",
		"4 b.example",
		"line 5: <Event> not closed before the next <Event> on line 6; event skipped",
		"6 c.example",
		"10 d.example",
		"10 e.example",
		"line 12: <Event> truncated by the end of the file; skipped",
	}
	readers := map[string]func(string) io.Reader{
		"whole":    func(s string) io.Reader { return strings.NewReader(s) },
		"one byte": func(s string) io.Reader { return iotest.OneByteReader(strings.NewReader(s)) },
		"half":     func(s string) io.Reader { return iotest.HalfReader(strings.NewReader(s)) },
	}
	for name, rd := range readers {
		t.Run(name, func(t *testing.T) {
			src := NewXMLSource(io.NopCloser(rd(doc)), asim.Dns)
			var got []string
			q := colIndex(src.Columns(), "DnsQuery")
			for {
				fields := make([][]byte, len(src.Columns()))
				line, err := src.Next(fields)
				if err == io.EOF {
					break
				}
				if err != nil {
					var re *record.Error
					if !errors.As(err, &re) || re.Line != line {
						t.Fatalf("error %v at %d", err, line)
					}
					got = append(got, err.Error())
					continue
				}
				got = append(got, fmt.Sprintf("%d %s", line, fields[q]))
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
	src := NewXMLSource(io.NopCloser(strings.NewReader(xmlDNS("big.example")+"\n"+xmlDNS("after.example"))), asim.Dns)
	src.Max = 100
	fields := make([][]byte, len(src.Columns()))
	if _, err := src.Next(fields); err == nil || !strings.Contains(err.Error(), "line 1: <Event> longer than 100 bytes") {
		t.Errorf("long event: %v", err)
	}
}

func colIndex(cols []record.Col, name string) int {
	for i, c := range cols {
		if c.Name == name {
			return i
		}
	}
	return -1
}

func FuzzSysmon(f *testing.F) {
	f.Add(jsonLines)
	f.Add(xmlEvents)
	f.Fuzz(func(t *testing.T, s string) {
		done := make(chan bool)
		go func() { fuzzBody(t, s); done <- true }()
		select {
		case <-done:
		case <-time.After(3 * time.Second):
			t.Fatalf("hang on %q", s)
		}
	})
}

func fuzzBody(t *testing.T, s string) {
	{
		for _, table := range []string{asim.Dns, asim.NetworkSession} {
			x := NewXMLSource(io.NopCloser(strings.NewReader(s)), table)
			for i := 0; i < 1000; i++ {
				if _, err := x.Next(make([][]byte, len(x.Columns()))); err == io.EOF {
					break
				}
			}
			src := asim.NewLineSource(io.NopCloser(strings.NewReader(s)), table, func(line []byte, n int64, b *asim.Builder) (bool, error) {
				kv, err := asim.ParseJSON(line)
				if err != nil {
					return false, err
				}
				return mapEvent(event{id: kv["EventID"], data: func(k string) string { return kv[k] }}, table, b), nil
			})
			rows(t, src)
		}
	}
}

var fastSeeds = []string{
	xmlDNS("a.example"),
	"<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>\n  <System>\n    <Provider Name=\"Microsoft-Windows-Sysmon\" Guid='{5770385f}'/>\n    <EventID Qualifiers=''>3</EventID>\n    <Computer>WS1</Computer>\n  </System>\n  <EventData>\n    <Data Name='SourceIp'>10.0.0.1</Data>\n    <Data Name='Empty'/>\n    <Data Name = \"Image\" >C:\\x.exe</Data >\n  </EventData>\n</Event>",
	"<Event><System><Provider Name='P'/><EventID>1</EventID></System><Other><Data Name='x'>y</Data></Other><EventData><Data Name='a'>b</Data></EventData><EventData><Data Name='c'>d</Data></EventData></Event>",
	"<Event><System><EventID>1<b/></EventID></System></Event>",
	"<Event><System><Provider Name='a' Name='b'/></System></Event>",
	"<Event><System><Provider x:Name='a' Name='b'/></System></Event>",
	"<Event><System><Computer>a &amp; b</Computer></System></Event>",
	"<Event><System><Computer>a\r\nb</Computer></System></Event>",
	"<Event><e:System><EventID>1</EventID></e:System></Event>",
	"<Event><System><EventID>1</EventID></System></Event>trailing",
	"<Event><System><EventID>1</EventID></Sys></Event>",
	"<Event a=b><System/></Event>",
	"<Event><!-- c --><System/></Event>",
	"<Event><System><Data Name='x'>1</Data></System><EventData><Data>no name</Data></EventData></Event>",
}

// FuzzFastEvent: whenever the fast event reader answers, encoding/xml
// decodes the same event without error and gives the same fields.
func FuzzFastEvent(f *testing.F) {
	for _, s := range fastSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var fast xmlEvent
		if !fastEvent([]byte(s), &fast) {
			return
		}
		slow, err := decodeEvent([]byte(s))
		if err != nil {
			t.Fatalf("fast read %q, encoding/xml: %v", s, err)
		}
		if fast.System != slow.System || len(fast.Data) != len(slow.Data) {
			t.Fatalf("%q:\nfast %+v\nslow %+v", s, fast, *slow)
		}
		for i := range fast.Data {
			if fast.Data[i] != slow.Data[i] {
				t.Fatalf("%q: data %d fast %+v slow %+v", s, i, fast.Data[i], slow.Data[i])
			}
		}
	})
}

// TestFastEvent: the fast reader takes plain Windows event XML and leaves
// everything unusual to encoding/xml.
func TestFastEvent(t *testing.T) {
	wantFast := map[int]bool{0: true, 1: true, 2: true}
	for i, s := range fastSeeds {
		var ev xmlEvent
		if got := fastEvent([]byte(s), &ev); got != wantFast[i] {
			t.Errorf("seed %d %q: fast %v", i, s, got)
		}
	}
}
