package zeek

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huntpack/huntpack/logs/asim"
	"github.com/huntpack/huntpack/logs/record"
)

const connTSV = "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n" +
	"#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\torig_pkts\tresp_pkts\n" +
	"#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\tcount\tcount\n" +
	"1692161622.036086\tC1\t192.168.1.41\t52605\t8.8.8.8\t53\tudp\tdns\t0.5\t40\t60\tSF\tT\tF\t1\t1\n" +
	"1692161623.5\tC2\t192.168.1.41\t52606\t10.0.0.1\t443\ttcp\t-\t-\t-\t-\tS0\tT\tT\t2\t0\n" +
	"short\tline\n" +
	"#close\t2023-08-16-01-30-00\n"

const dnsJSON = `{"@stream":"dns","ts":1588316975.913849,"uid":"Cp","id_orig_h":"10.0.1.4","id_orig_p":63472,"id_resp_h":"10.0.0.4","id_resp_p":53,"proto":"udp","trans_id":38549,"rtt":0.0039,"query":"arc.msn.com","qclass":1,"qclass_name":"C_INTERNET","qtype":1,"qtype_name":"A","rcode":3,"rcode_name":"NXDOMAIN","AA":false,"TC":false,"RD":true,"RA":true,"answers":["a.net","52.179.129.229"]}
{"@stream":"conn","ts":1588316975.9,"uid":"Cq","id_orig_h":"10.0.1.4"}
{"@stream":"dns", broken
`

func readFile(t *testing.T, name, text, kind string) ([]map[string]string, []string) {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	os.WriteFile(p, []byte(text), 0o600)
	src, err := Open(p, kind)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	return readRows(src)
}

func readRows(src record.Source) ([]map[string]string, []string) {
	cols := src.Columns()
	fields := make([][]byte, len(cols))
	var rows []map[string]string
	var errs []string
	for {
		clear(fields)
		_, err := src.Next(fields)
		if err == io.EOF {
			return rows, errs
		}
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		row := map[string]string{}
		for i, f := range fields {
			if f != nil {
				row[cols[i].Name] = string(f)
			}
		}
		rows = append(rows, row)
	}
}

func TestConnTSV(t *testing.T) {
	kind, ok := Sniff(lines(connTSV))
	if !ok || kind != Conn {
		t.Fatalf("Sniff = %q %v", kind, ok)
	}
	rows, errs := readFile(t, "conn.log", connTSV, Conn)
	if len(rows) != 2 || len(errs) != 1 || !strings.Contains(errs[0], "line 10: has 2 fields, #fields has 16") {
		t.Fatalf("rows %d errs %v", len(rows), errs)
	}
	r := rows[0]
	want := map[string]string{
		"TimeGenerated": "2023-08-16T04:53:42.036086Z", "SrcIpAddr": "192.168.1.41", "DstPortNumber": "53",
		"NetworkProtocol": "UDP", "NetworkApplicationProtocol": "DNS", "NetworkDuration": "500", "NetworkBytes": "100",
		"NetworkDirection": "Outbound", "EventType": "NetworkSession", "NetworkSessionId": "C1", "EventProduct": "Zeek",
	}
	for k, v := range want {
		if r[k] != v {
			t.Errorf("%s = %q, want %q", k, r[k], v)
		}
	}
	if rows[1]["NetworkApplicationProtocol"] != "" || rows[1]["NetworkDirection"] != "Local" || rows[1]["SrcBytes"] != "" {
		t.Errorf("unset fields: %v", rows[1])
	}
}

func TestDNSJSON(t *testing.T) {
	kind, ok := Sniff(lines(dnsJSON)[:1])
	if !ok || kind != DNS {
		t.Fatalf("Sniff = %q %v", kind, ok)
	}
	rows, errs := readFile(t, "dns.log", dnsJSON, DNS)
	if len(rows) != 1 || len(errs) != 1 {
		t.Fatalf("rows %v errs %v", rows, errs)
	}
	r := rows[0]
	want := map[string]string{
		"DnsQuery": "arc.msn.com", "DnsQueryType": "1", "DnsQueryTypeName": "A", "DnsResponseCode": "3",
		"EventResultDetails": "NXDOMAIN", "EventResult": "Failure", "DnsResponseName": "a.net,52.179.129.229",
		"SrcIpAddr": "10.0.1.4", "DstIpAddr": "10.0.0.4", "TransactionIdHex": "9695", "DnsFlagsRecursionDesired": "true",
		"EventType": "Query", "Type": asim.Dns,
	}
	for k, v := range want {
		if r[k] != v {
			t.Errorf("%s = %q, want %q", k, r[k], v)
		}
	}
}

func lines(s string) [][]byte {
	var out [][]byte
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		out = append(out, []byte(l))
	}
	return out
}

func FuzzZeek(f *testing.F) {
	f.Add(connTSV)
	f.Add(dnsJSON)
	f.Fuzz(func(t *testing.T, s string) {
		for _, kind := range []string{Conn, DNS} {
			m := &mapper{kind: kind}
			src := asim.NewLineSource(io.NopCloser(strings.NewReader(s)), TableFor(kind), m.line)
			readRows(src)
		}
		Sniff(lines(s))
	})
}
