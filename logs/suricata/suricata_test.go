package suricata

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huntpack/huntpack/logs/asim"
	"github.com/huntpack/huntpack/logs/record"
)

const eve = `{"timestamp":"2016-05-24T23:27:01.960780+0000","flow_id":1,"event_type":"dns","src_ip":"10.16.1.11","src_port":53679,"dest_ip":"10.16.1.1","dest_port":53,"proto":"UDP","dns":{"type":"query","id":39339,"rrname":"client-cf.dropbox.com","rrtype":"A"}}
{"timestamp":"2016-05-24T23:27:02.333141+0000","flow_id":1,"event_type":"dns","src_ip":"10.16.1.1","src_port":53,"dest_ip":"10.16.1.11","dest_port":53679,"proto":"UDP","dns":{"type":"answer","id":39339,"rcode":"NOERROR","rrname":"client-cf.dropbox.com","rrtype":"A","rdata":"52.85.112.21"}}
{"timestamp":"2024-01-01T00:00:00.000000+0000","flow_id":2,"event_type":"dns","src_ip":"10.0.0.2","src_port":5000,"dest_ip":"10.0.0.1","dest_port":53,"proto":"UDP","dns":{"version":3,"type":"response","id":1,"rcode":"NXDOMAIN","queries":[{"rrname":"nx.example","rrtype":"AAAA"}],"answers":[]}}
{"timestamp":"2024-05-28T09:39:37.032387+0000","flow_id":3,"event_type":"flow","src_ip":"1.1.1.1","src_port":5555,"dest_ip":"2.2.2.2","dest_port":389,"proto":"TCP","app_proto":"ldap","flow":{"pkts_toserver":5,"pkts_toclient":4,"bytes_toserver":358,"bytes_toclient":305,"start":"2024-05-28T09:39:37.032387+0000","end":"2024-05-28T09:39:37.034870+0000","state":"established"},"tcp":{"syn":true,"ack":true}}
{"timestamp":"2016-07-13T22:42:07.573103+0000","flow_id":4,"event_type":"alert","src_ip":"82.165.177.154","src_port":80,"dest_ip":"10.16.1.11","dest_port":54186,"proto":"TCP","alert":{"action":"allowed","signature_id":2100498,"signature":"GPL ATTACK_RESPONSE id check returned root","category":"Potentially Bad Traffic","severity":2},"http":{"hostname":"www.testmyids.com"}}
{"timestamp":"2016-07-13T22:42:08+0000","event_type":"stats","stats":{"uptime":1}}
{"timestamp": oops
`

func read(t *testing.T, table string) ([]map[string]string, []string) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "eve.json")
	os.WriteFile(p, []byte(eve), 0o600)
	src, err := Open(p, table)
	if err != nil {
		t.Fatal(err)
	}
	return readRows(src)
}

func readRows(src record.Source) ([]map[string]string, []string) {
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

func TestEVE(t *testing.T) {
	if !Sniff([][]byte{[]byte(strings.Split(eve, "\n")[0])}) {
		t.Fatal("not sniffed")
	}
	dns, errs := read(t, asim.Dns)
	if len(dns) != 3 || len(errs) != 1 || !strings.HasPrefix(errs[0], "line 7:") {
		t.Fatalf("dns %d errs %v", len(dns), errs)
	}
	checks := []map[string]string{
		{"EventSubType": "request", "DnsQuery": "client-cf.dropbox.com", "DnsQueryType": "1", "TransactionIdHex": "99ab"},
		{"EventSubType": "response", "DnsResponseName": "52.85.112.21", "EventResultDetails": "NOERROR", "DnsResponseCode": "0"},
		{"DnsQuery": "nx.example", "DnsQueryTypeName": "AAAA", "EventResultDetails": "NXDOMAIN", "DnsResponseCode": "3"},
	}
	for i, c := range checks {
		for k, v := range c {
			if dns[i][k] != v {
				t.Errorf("dns[%d].%s = %q, want %q", i, k, dns[i][k], v)
			}
		}
	}
	net, _ := read(t, asim.NetworkSession)
	if len(net) != 2 {
		t.Fatalf("network rows %d", len(net))
	}
	flow := map[string]string{"EventType": "NetworkSession", "NetworkBytes": "663", "NetworkPackets": "9", "EventEndTime": "2024-05-28T09:39:37.034870+0000", "NetworkApplicationProtocol": "LDAP", "TcpFlagsSyn": "true"}
	alert := map[string]string{"EventType": "IDS", "DvcAction": "Allow", "ThreatName": "GPL ATTACK_RESPONSE id check returned root", "NetworkRuleNumber": "2100498", "EventSeverity": "Medium", "DstHostname": "www.testmyids.com"}
	for k, v := range flow {
		if net[0][k] != v {
			t.Errorf("flow %s = %q, want %q", k, net[0][k], v)
		}
	}
	for k, v := range alert {
		if net[1][k] != v {
			t.Errorf("alert %s = %q, want %q", k, net[1][k], v)
		}
	}
}

func FuzzEVE(f *testing.F) {
	for _, l := range strings.Split(eve, "\n") {
		f.Add(l)
	}
	f.Fuzz(func(t *testing.T, s string) {
		Sniff([][]byte{[]byte(s)})
		for _, table := range []string{asim.Dns, asim.NetworkSession} {
			src := asim.NewLineSource(io.NopCloser(strings.NewReader(s)), table, lineMapper(table))
			readRows(src)
		}
	})
}

// TestDNSDirection checks that the client is SrcIpAddr for every way EVE
// writes a dns record's tuple: a query (client to server), a UDP answer
// in packet direction (server to client, Suricata 4/5), a TCP answer in
// flow direction (client to server), and DNS on an unusual port (kept).
func TestDNSDirection(t *testing.T) {
	const q = `{"timestamp":"2024-01-01T00:00:00+0000","event_type":"dns","src_ip":"%s","src_port":%s,"dest_ip":"%s","dest_port":%s,"proto":"%s","dns":{"type":"%s","id":1,"rrname":"x.example","rrtype":"A"}}`
	tests := []struct {
		name, srcIP, srcPort, dstIP, dstPort, proto, typ string
		want                                             string // SrcIpAddr SrcPortNumber DstIpAddr DstPortNumber
	}{
		{"query", "10.0.0.2", "5000", "10.0.0.1", "53", "UDP", "query", "10.0.0.2 5000 10.0.0.1 53"},
		{"udp answer, packet direction", "10.0.0.1", "53", "10.0.0.2", "5000", "UDP", "answer", "10.0.0.2 5000 10.0.0.1 53"},
		{"tcp answer, flow direction", "10.0.0.2", "38195", "8.8.4.4", "53", "TCP", "answer", "10.0.0.2 38195 8.8.4.4 53"},
		{"v3 response from DoT", "9.9.9.9", "853", "10.0.0.2", "40000", "TCP", "response", "10.0.0.2 40000 9.9.9.9 853"},
		{"server to server", "10.0.0.1", "53", "8.8.8.8", "53", "UDP", "answer", "10.0.0.1 53 8.8.8.8 53"},
		{"unusual port kept", "10.0.0.1", "5300", "10.0.0.2", "6000", "UDP", "answer", "10.0.0.1 5300 10.0.0.2 6000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			line := fmt.Sprintf(q, tc.srcIP, tc.srcPort, tc.dstIP, tc.dstPort, tc.proto, tc.typ)
			src := asim.NewLineSource(io.NopCloser(strings.NewReader(line)), asim.Dns, lineMapper(asim.Dns))
			rows, errs := readRows(src)
			if len(rows) != 1 || len(errs) != 0 {
				t.Fatalf("rows %v errs %v", rows, errs)
			}
			r := rows[0]
			if got := strings.Join([]string{r["SrcIpAddr"], r["SrcPortNumber"], r["DstIpAddr"], r["DstPortNumber"]}, " "); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
	// The same answer in the EVE sample: the client 10.16.1.11 is the source.
	dns, _ := read(t, asim.Dns)
	if r := dns[1]; r["SrcIpAddr"] != "10.16.1.11" || r["SrcPortNumber"] != "53679" || r["DstIpAddr"] != "10.16.1.1" || r["DstPortNumber"] != "53" {
		t.Errorf("answer tuple %s:%s -> %s:%s", r["SrcIpAddr"], r["SrcPortNumber"], r["DstIpAddr"], r["DstPortNumber"])
	}
}
