package hunt

import (
	"testing"

	"github.com/huntpack/huntpack/kql/types"
)

func TestMatcherRow(t *testing.T) {
	inds := []Indicator{
		{Type: "ip:port", Value: "46.151.182.76:8080"},
		{Type: "domain", Value: "sls.in.net"},
		{Type: "ip", Value: "2001:db8::1"},
		{Type: "url", Value: "http://evil.example/gate.php"},
		{Type: "sha256_hash", Value: "AB12cd"},
	}
	schema := types.Schema{{Name: "SourceIP"}, {Name: "DestinationIP"}, {Name: "DestinationPort"}, {Name: "Name"}, {Name: "Url"}, {Name: "Hash"}}
	ports := newLayout(schema).ports
	tests := []struct {
		name  string
		cells []string
		want  []Match
	}{
		{"ip and port match", []string{"10.0.0.1", "46.151.182.76", "8080", "", "", ""}, []Match{{0, 1, PortMatch}}},
		{"port mismatch", []string{"10.0.0.1", "46.151.182.76", "443", "", "", ""}, []Match{{0, 1, PortMismatch}}},
		{"port unknown: no paired column", []string{"46.151.182.76", "10.0.0.1", "", "", "", ""}, []Match{{0, 0, PortUnknown}}},
		{"port match in a later cell wins", []string{"46.151.182.76", "46.151.182.76", "8080", "", "", ""}, []Match{{0, 1, PortMatch}}},
		{"inline port", []string{"", "", "", "", "46.151.182.76:8080", ""}, []Match{{0, 4, PortMatch}}},
		{"neighbour IP is no match", []string{"46.151.182.7", "146.151.182.76", "8080", "", "", ""}, nil},
		{"list cell", []string{"", "", "", "", "10.1.1.1, 46.151.182.76", ""}, []Match{{0, 4, PortUnknown}}},
		{"domain has: subdomain", []string{"", "", "", "www.SLS.in.net", "", ""}, []Match{{1, 3, ""}}},
		{"domain has: no partial term", []string{"", "", "", "xsls.in.net", "", ""}, nil},
		{"domain has: longer tld", []string{"", "", "", "sls.in.network", "", ""}, nil},
		{"ipv6 canonical", []string{"2001:0db8:0:0::1", "", "", "", "", ""}, []Match{{2, 0, ""}}},
		{"url contains", []string{"", "", "", "", "HTTP://evil.example/gate.php?id=1", ""}, []Match{{3, 4, ""}}},
		{"hash case-insensitive", []string{"", "", "", "", "", "ab12CD"}, []Match{{4, 5, ""}}},
	}
	m := NewMatcher(inds)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := m.Row(tc.cells, ports)
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("match %d: got %+v, want %+v", i, got[i], tc.want[i])
				}
			}
		})
	}
}

func TestPortColumn(t *testing.T) {
	s := types.Schema{{Name: "DestinationIP"}, {Name: "DestinationPort"}, {Name: "DstIpAddr"}, {Name: "DstPortNumber"},
		{Name: "id.resp_h"}, {Name: "id.resp_p"}, {Name: "dest_ip"}, {Name: "dest_port"}, {Name: "RemoteIP"}, {Name: "Name"}}
	want := map[string]string{"DestinationIP": "DestinationPort", "DstIpAddr": "DstPortNumber", "id.resp_h": "id.resp_p", "dest_ip": "dest_port", "RemoteIP": "", "Name": ""}
	for addr, port := range want {
		t.Run(addr, func(t *testing.T) {
			i := portColumn(s, addr)
			got := ""
			if i >= 0 {
				got = s[i].Name
			}
			if got != port {
				t.Errorf("portColumn(%s) = %q, want %q", addr, got, port)
			}
		})
	}
}

func FuzzMatcherRow(f *testing.F) {
	f.Add("46.151.182.76:8080", "[::1]:80, 1.2.3.4")
	f.Add("www.sls.in.net", "\"a\";[x]")
	m := NewMatcher([]Indicator{{Type: "ip:port", Value: "46.151.182.76:8080"}, {Type: "domain", Value: "sls.in.net"}, {Type: "ip", Value: "::1"}})
	f.Fuzz(func(t *testing.T, a, b string) {
		for _, mt := range m.Row([]string{a, b}, []int{1, -1}) {
			if mt.Column < 0 || mt.Column > 1 {
				t.Fatalf("bad column %d", mt.Column)
			}
		}
	})
}
