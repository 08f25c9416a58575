package sysmon

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
	src, _ = OpenXML(file(t, "bad.xml", "<Events>\n<Event><System><EventID>3</Event>\n"), asim.Dns)
	_, errs = rows(t, src)
	if len(errs) != 1 || !strings.Contains(errs[0], "XML syntax error") {
		t.Errorf("broken XML errs %v", errs)
	}
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
