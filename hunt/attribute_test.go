package hunt

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/huntpack/huntpack/kql/types"
)

// batchOf builds a batch of string columns (the first, if named
// TimeGenerated, a datetime).
func batchOf(t testing.TB, cols []string, rows ...[]string) *types.Batch {
	t.Helper()
	s := make(types.Schema, len(cols))
	for i, c := range cols {
		s[i] = types.Field{Name: c, Type: types.String}
	}
	if cols[0] == "TimeGenerated" {
		s[0].Type = types.DateTime
	}
	b := types.NewBatch(s, len(rows))
	for _, r := range rows {
		for j, v := range r {
			val := types.StringValue(v)
			if s[j].Type == types.DateTime {
				tk, err := types.ParseDateTime(v)
				if err != nil {
					t.Fatal(err)
				}
				val = types.DateTimeValue(tk)
			}
			b.Cols[j].Append(val)
		}
		b.Len++
	}
	return b
}

// hitsByFinding renders "value=hits" of the findings with hits, in
// result order, "ip only" findings marked with a trailing "*".
func hitsByFinding(res *Result) string {
	var out []string
	for _, f := range res.Findings {
		if f.Hits == 0 {
			continue
		}
		k := f.Indicator.Value
		if f.IPOnly() {
			k += "*"
		}
		out = append(out, fmt.Sprintf("%s=%d", k, f.Hits))
	}
	return strings.Join(out, " ")
}

// checkTotals checks the invariants every result keeps: each hit is
// credited to one finding or unattributed, and IOCsHit counts at most
// every IOC.
func checkTotals(t testing.TB, res *Result) {
	t.Helper()
	sum := 0
	for _, f := range res.Findings {
		sum += f.Hits
		if f.PortMatched+f.PortMismatched+f.PortUnknown != f.Hits && f.PortMatch != "" {
			t.Errorf("%s: port counts %d+%d+%d != hits %d", f.Indicator.Value, f.PortMatched, f.PortMismatched, f.PortUnknown, f.Hits)
		}
	}
	tt := res.Totals
	if sum+tt.Unattributed != tt.Hits {
		t.Errorf("findings' hits %d + unattributed %d != total hits %d", sum, tt.Unattributed, tt.Hits)
	}
	if tt.IOCsHit > len(res.Indicators) || tt.IOCsExact+tt.IOCsIPOnly > tt.IOCsHit {
		t.Errorf("IOCs hit %d (exact %d, ip only %d) of %d IOCs", tt.IOCsHit, tt.IOCsExact, tt.IOCsIPOnly, len(res.Indicators))
	}
}

func run(t testing.TB, inds []Indicator, batch *types.Batch) *Result {
	t.Helper()
	res := &Result{Indicators: inds}
	b := NewBuilder(res, Limits{})
	qr := QueryResult{Name: "q", Table: "T"}
	b.AddHits(&qr, Query{Name: "q", Table: "T"}, batch)
	res.Queries = []QueryResult{qr}
	return b.Finish()
}

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestAttributionIOCColumn: rows of generated queries name their IOC.
func TestAttributionIOCColumn(t *testing.T) {
	inds := []Indicator{
		{Type: "ip:port", Value: "1.2.3.4:8080", FirstSeen: day("2026-07-10"), ThreatType: "botnet_cc", Confidence: 50},
		{Type: "ip:port", Value: "1.2.3.4:443", FirstSeen: day("2026-07-01"), ThreatType: "botnet_cc", Confidence: 75},
		{Type: "ip:port", Value: "1.2.3.4:80", FirstSeen: day("2026-07-05"), ThreatType: "botnet_cc"},
		{Type: "ip", Value: "5.6.7.8"},
		{Type: "domain", Value: "evil.net"},
		{Type: "ip:port", Value: "9.9.9.9:53"},
		{Type: "ip:port", Value: "[2001:db8::1]:4444"},
	}
	cols := []string{"TimeGenerated", "PortMatch", "IOC", "MatchedOn", "DeviceName", "RemoteIP", "RemotePort", "Name"}
	tests := []struct {
		name string
		row  []string
		want string // hitsByFinding
		col  string // the evidence's matched column
		port string
	}{
		{"exact ip:port credits only that IOC", []string{"2026-07-20T00:00:00Z", "ip:port", "1.2.3.4:443", "RemoteIP", "wks-1", "1.2.3.4", "443", ""}, "1.2.3.4:443=1", "RemoteIP", PortMatch},
		{"ip only is one hit of the IP", []string{"2026-07-20T00:00:00Z", "ip only", "1.2.3.4", "RemoteIP", "wks-1", "1.2.3.4", "22", ""}, "1.2.3.4*=1", "RemoteIP", PortMismatch},
		{"ip only without a port", []string{"2026-07-20T00:00:00Z", "ip only", "1.2.3.4", "RemoteIP", "wks-1", "1.2.3.4", "", ""}, "1.2.3.4*=1", "RemoteIP", PortUnknown},
		{"bare IP that is an IOC itself", []string{"2026-07-20T00:00:00Z", "ip only", "5.6.7.8", "RemoteIP", "wks-1", "5.6.7.8", "22", ""}, "5.6.7.8=1", "RemoteIP", ""},
		{"domain, case and trailing dot", []string{"2026-07-20T00:00:00Z", "", "EVIL.NET.", "Name", "wks-1", "", "", "www.evil.net"}, "evil.net=1", "Name", ""},
		{"ipv6 ip:port", []string{"2026-07-20T00:00:00Z", "ip:port", "[2001:0db8::1]:4444", "RemoteIP", "wks-1", "2001:db8::1", "4444", ""}, "[2001:db8::1]:4444=1", "RemoteIP", PortMatch},
		{"unknown IOC value: cells decide", []string{"2026-07-20T00:00:00Z", "", "10.0.0.1", "", "wks-1", "9.9.9.9", "53", ""}, "9.9.9.9:53=1", "RemoteIP", PortMatch},
		{"no MatchedOn: the IOC column", []string{"2026-07-20T00:00:00Z", "ip:port", "1.2.3.4:80", "", "wks-1", "", "", ""}, "1.2.3.4:80=1", "IOC", PortMatch},
		{"nothing matches", []string{"2026-07-20T00:00:00Z", "", "", "", "wks-1", "10.0.0.1", "53", ""}, "", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := run(t, inds, batchOf(t, cols, tc.row))
			checkTotals(t, res)
			if got := hitsByFinding(res); got != tc.want {
				t.Fatalf("hits %q, want %q", got, tc.want)
			}
			if tc.want == "" {
				if res.Queries[0].Unattributed != 1 {
					t.Errorf("unattributed = %d, want 1", res.Queries[0].Unattributed)
				}
				return
			}
			e := res.Findings[0].Evidence[0]
			if e.Column != tc.col || e.Port != tc.port {
				t.Errorf("evidence column %q port %q, want %q %q", e.Column, e.Port, tc.col, tc.port)
			}
		})
	}

	t.Run("ip only finding", func(t *testing.T) {
		res := run(t, inds, batchOf(t, cols,
			[]string{"2026-07-20T00:00:00Z", "ip only", "1.2.3.4", "RemoteIP", "wks-1", "1.2.3.4", "22", ""},
			[]string{"2026-06-20T00:00:00Z", "ip only", "1.2.3.4", "RemoteIP", "wks-2", "1.2.3.4", "", ""}))
		checkTotals(t, res)
		f := res.Findings[0]
		got := fmt.Sprintf("%s %s %s %v %s %d %d %d/%d/%d %d %v", f.Indicator.Type, f.Indicator.Value, f.PortMatch, f.IOCPorts,
			f.Indicator.FirstSeen.Format("2006-01-02"), f.Indicator.Confidence, f.Hits, f.PortMatched, f.PortMismatched, f.PortUnknown,
			f.BeforeFirstSeen, f.Hosts)
		want := "ip (from ip:port IOCs) 1.2.3.4 ip only [80 443 8080] 2026-07-01 75 2 0/1/1 1 [wks-1 wks-2]"
		if got != want {
			t.Errorf("got  %s\nwant %s", got, want)
		}
		if f.Indicator.ThreatType != "botnet_cc" {
			t.Errorf("threat type %q", f.Indicator.ThreatType)
		}
		tt := res.Totals
		if tt.IOCsHit != 1 || tt.IOCsExact != 0 || tt.IOCsIPOnly != 1 || tt.IPOnlyHits != 2 {
			t.Errorf("totals %+v", tt)
		}
	})

	t.Run("ip only does not count an IOC twice", func(t *testing.T) {
		res := run(t, inds, batchOf(t, cols,
			[]string{"2026-07-20T00:00:00Z", "ip:port", "1.2.3.4:8080", "RemoteIP", "wks-1", "1.2.3.4", "8080", ""},
			[]string{"2026-07-20T01:00:00Z", "ip only", "1.2.3.4", "RemoteIP", "wks-1", "1.2.3.4", "22", ""},
			[]string{"2026-07-20T02:00:00Z", "ip only", "1.2.3.4", "RemoteIP", "wks-1", "1.2.3.4", "23", ""}))
		checkTotals(t, res)
		if got := hitsByFinding(res); got != "1.2.3.4*=2 1.2.3.4:8080=1" {
			t.Errorf("hits %q", got)
		}
		if tt := res.Totals; tt.IOCsHit != 1 || tt.IOCsExact != 1 || tt.IOCsIPOnly != 0 || tt.IPOnlyHits != 2 {
			t.Errorf("totals %+v", tt)
		}
	})
}

// TestAttributionCells: rows of hand-written queries, matched cell by
// cell, follow the same rule.
func TestAttributionCells(t *testing.T) {
	inds := []Indicator{
		{Type: "ip:port", Value: "1.2.3.4:80"},
		{Type: "ip:port", Value: "1.2.3.4:443"},
		{Type: "domain", Value: "sls.in.net"},
		{Type: "ip:port", Value: "7.7.7.7:22"},
		{Type: "ip:port", Value: "8.8.4.4:53"},
	}
	cols := []string{"TimeGenerated", "SourceIP", "DestinationIP", "DestinationPort", "Name"}
	rows := [][]string{
		{"2026-05-01T00:00:00Z", "10.0.0.1", "1.2.3.4", "443", ""},            // exact :443 only
		{"2026-05-01T01:00:00Z", "10.0.0.1", "1.2.3.4", "25", ""},             // one ip only hit, not two
		{"2026-05-01T02:00:00Z", "1.2.3.4", "10.0.0.1", "3389", ""},           // as source, no port: ip only
		{"2026-05-01T03:00:00Z", "1.2.3.4", "1.2.3.4", "80", ""},              // port matches in the later cell: exact :80
		{"2026-05-01T04:00:00Z", "10.0.0.1", "7.7.7.7", "22", "sls.in.net"},   // two IOCs: one credit, the first column
		{"2026-05-01T05:00:00Z", "10.0.0.1", "8.8.4.4", "5353", ""},           // ip only, no exact hit on that IP
		{"2026-05-01T06:00:00Z", "10.0.0.1", "1.2.3.40", "80", "xsls.in.net"}, // near misses
	}
	res := run(t, inds, batchOf(t, cols, rows...))
	checkTotals(t, res)
	want := "1.2.3.4*=2 1.2.3.4:443=1 1.2.3.4:80=1 7.7.7.7:22=1 8.8.4.4*=1"
	if got := hitsByFinding(res); got != want {
		t.Errorf("hits %q\nwant %q", got, want)
	}
	tt := res.Totals
	if tt.Hits != 7 || tt.Unattributed != 1 || tt.IOCsHit != 4 || tt.IOCsExact != 3 || tt.IOCsIPOnly != 1 || tt.IPOnlyHits != 3 {
		t.Errorf("totals %+v", tt)
	}
	ip := findingOf(t, res, "1.2.3.4")
	if ip.PortMismatched != 1 || ip.PortUnknown != 1 || fmt.Sprint(ip.IOCPorts) != "[80 443]" {
		t.Errorf("1.2.3.4 ip only: %+v", ip)
	}
	if f := findingOf(t, res, "sls.in.net"); f.Hits != 0 {
		t.Errorf("sls.in.net credited %d hits; the row went to 7.7.7.7:22", f.Hits)
	}
}

// TestAttributionSuppressed: suppressed rows are credited like hits.
func TestAttributionSuppressed(t *testing.T) {
	inds := []Indicator{{Type: "ip:port", Value: "1.2.3.4:80"}, {Type: "ip:port", Value: "1.2.3.4:443"}}
	res := &Result{Indicators: inds}
	b := NewBuilder(res, Limits{})
	cols := []string{"TimeGenerated", "DestinationIP", "DestinationPort"}
	b.AddSuppressed(Query{Name: "q"}, batchOf(t, cols,
		[]string{"2026-05-01T00:00:00Z", "1.2.3.4", "80"},
		[]string{"2026-05-01T00:00:00Z", "1.2.3.4", "8443"}))
	res = b.Finish()
	if got := fmt.Sprint(findingOf(t, res, "1.2.3.4:80").Suppressed, findingOf(t, res, "1.2.3.4:443").Suppressed, findingOf(t, res, "1.2.3.4").Suppressed); got != "1 0 1" {
		t.Errorf("suppressed :80 :443 ip = %s, want 1 0 1", got)
	}
	if res.Totals.IOCsHit != 0 {
		t.Errorf("suppressed rows are no hits: %+v", res.Totals)
	}
}

func TestFindingOrder(t *testing.T) {
	inds := []Indicator{{Type: "domain", Value: "a.net"}, {Type: "domain", Value: "b.net"}, {Type: "domain", Value: "c.net"}, {Type: "domain", Value: "d.net"}}
	cols := []string{"TimeGenerated", "Name"}
	res := run(t, inds, batchOf(t, cols,
		[]string{"2026-05-03T00:00:00Z", "a.net"},
		[]string{"2026-05-02T00:00:00Z", "c.net"},
		[]string{"2026-05-04T00:00:00Z", "b.net"},
		[]string{"2026-05-05T00:00:00Z", "b.net"}))
	var got []string
	for _, f := range res.Findings {
		got = append(got, f.Indicator.Value)
	}
	if strings.Join(got, " ") != "b.net c.net a.net d.net" {
		t.Errorf("order %v: want most hits, then earliest first hit, then no hits", got)
	}
}

func TestIOCKey(t *testing.T) {
	for in, want := range map[string]string{
		"1.2.3.4:80":          "1.2.3.4:80",
		" 1.2.3.4 ":           "1.2.3.4",
		"[2001:0db8::1]:443":  "[2001:db8::1]:443",
		"2001:0DB8::1":        "2001:db8::1",
		"Evil.NET.":           "evil.net",
		"ABCDEF0123":          "abcdef0123",
		"http://x.test/A?b=1": "http://x.test/a?b=1",
		"evil.net:8080":       "evil.net:8080",
		"1.2.3.4:80:90":       "1.2.3.4:80:90",
		"":                    "",
	} {
		if got := iocKey(in); got != want {
			t.Errorf("iocKey(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzAttribute feeds arbitrary IOC, address and port cells through the
// builder: it must not panic and the totals must add up.
func FuzzAttribute(f *testing.F) {
	f.Add("1.2.3.4:443", "1.2.3.4", "443", "RemoteIP")
	f.Add("1.2.3.4", "1.2.3.4", "22", "RemoteIP")
	f.Add("", "[2001:db8::1]:4444, 1.2.3.4", "", "Nope")
	f.Add("EVIL.NET.", "", "", "")
	inds := []Indicator{
		{Type: "ip:port", Value: "1.2.3.4:80"}, {Type: "ip:port", Value: "1.2.3.4:443"}, {Type: "ip", Value: "5.6.7.8"},
		{Type: "domain", Value: "evil.net"}, {Type: "ip:port", Value: "[2001:db8::1]:4444"}, {Type: "sha256", Value: "ab12"},
	}
	cols := []string{"IOC", "RemoteIP", "RemotePort", "MatchedOn"}
	f.Fuzz(func(t *testing.T, ioc, ip, port, on string) {
		res := run(t, inds, batchOf(t, cols, []string{ioc, ip, port, on}, []string{ip, ioc, port, on}))
		checkTotals(t, res)
	})
}
