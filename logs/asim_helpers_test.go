package logs

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/huntpack/huntpack/kql/types"
)

// sessions are network sessions covering every ASimMatchingIpAddr and
// ASimMatchingHostname outcome.
const sessions = "TimeGenerated,SrcIpAddr,DstIpAddr,SrcHostname,DstHostname,DvcAction\n" +
	"2024-01-01T00:00:00Z,10.0.0.1,8.8.8.8,ws1,dns.google,Allow\n" + // src in 10.0.
	"2024-01-01T00:00:01Z,192.168.1.1,10.0.0.9,ws2,evil.example,Deny\n" + // dst in 10.0.
	"2024-01-01T00:00:02Z,10.0.0.2,10.0.0.3,evil.example,evil.example,allow\n" + // both
	"2024-01-01T00:00:03Z,172.16.0.1,1.1.1.1,ws3,one.one,Allow\n" + // neither
	"2024-01-01T00:00:04Z,10.0.0.10,,,,Allow\n" // dst empty

func openSessions(t *testing.T) *Catalog {
	t.Helper()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "ASimNetworkSessionLogs.csv"), sessions)
	cat, err := Open(OpenOptions{Dirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// rows renders the chosen columns of a batch, one "a|b" line per row.
func rows(b *types.Batch, cols ...string) string {
	var out []string
	for i := 0; i < b.Len; i++ {
		var parts []string
		for _, c := range cols {
			parts = append(parts, cell(b, i, c))
		}
		out = append(out, strings.Join(parts, "|"))
	}
	return strings.Join(out, "\n")
}

// TestASimMatchingColumns checks the helper columns of _Im_NetworkSession
// against the semantics of Microsoft's parsers (vimNetworkSessionNative,
// vimNetworkSessionMicrosoftSysmon): src_or_any tested on SrcIpAddr,
// dst_or_any on DstIpAddr, "Both" when both match, "-" when the parameter
// is not given, non-matching rows dropped.
func TestASimMatchingColumns(t *testing.T) {
	fn, _ := openSessions(t).TableFunction("_Im_NetworkSession")
	dyn := func(xs ...any) types.Value { return types.DynamicValue(xs) }
	tests := []struct {
		name string
		args []types.Arg
		want string // SrcIpAddr|ASimMatchingIpAddr|ASimMatchingHostname
	}{
		{"no parameters", nil, "10.0.0.1|-|-\n192.168.1.1|-|-\n10.0.0.2|-|-\n172.16.0.1|-|-\n10.0.0.10|-|-"},
		{"ipaddr_has_any_prefix", []types.Arg{{Name: "ipaddr_has_any_prefix", Value: dyn("10.0.")}},
			"10.0.0.1|SrcIpAddr|-\n192.168.1.1|DstIpAddr|-\n10.0.0.2|Both|-\n10.0.0.10|SrcIpAddr|-"},
		{"src and dst lists", []types.Arg{
			{Name: "srcipaddr_has_any_prefix", Value: dyn("10.0.0.2", "172.16.")},
			{Name: "dstipaddr_has_any_prefix", Value: dyn("10.0.0.3", "8.8.8.8")}},
			"10.0.0.1|DstIpAddr|-\n10.0.0.2|Both|-\n172.16.0.1|SrcIpAddr|-"},
		{"string parameter", []types.Arg{{Name: "dstipaddr_has_any_prefix", Value: types.StringValue("1.1.1.")}},
			"172.16.0.1|DstIpAddr|-"},
		{"hostname_has_any", []types.Arg{{Name: "hostname_has_any", Value: dyn("evil.example", "ws1")}},
			"10.0.0.1|-|SrcHostname\n192.168.1.1|-|DstHostname\n10.0.0.2|-|Both"},
		{"both parameters", []types.Arg{{Name: "ipaddr_has_any_prefix", Value: dyn("192.168.")}, {Name: "hostname_has_any", Value: dyn("example")}},
			"192.168.1.1|SrcIpAddr|DstHostname"},
		// dvcaction is KQL's case-sensitive `in`, as in the parsers.
		{"dvcaction", []types.Arg{{Name: "dvcaction", Value: dyn("Allow")}},
			"10.0.0.1|-|-\n172.16.0.1|-|-\n10.0.0.10|-|-"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tb, err := fn.Call(tc.args)
			if err != nil {
				t.Fatal(err)
			}
			// Helper columns first, then an inner column: any order works.
			cols := []string{"ASimMatchingHostname", "SrcIpAddr", "ASimMatchingIpAddr"}
			b, _ := scanAll(t, tb, types.ScanOptions{Columns: cols})
			if got := rows(b, "SrcIpAddr", "ASimMatchingIpAddr", "ASimMatchingHostname"); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
			// All columns (nil projection) include the helpers last.
			all, _ := scanAll(t, tb, types.ScanOptions{})
			n := len(all.Schema)
			if n < 2 || all.Schema[n-2].Name != "ASimMatchingIpAddr" || all.Schema[n-1].Name != "ASimMatchingHostname" {
				t.Fatalf("schema ends %v", all.Schema[n-2:])
			}
			if got := rows(all, "SrcIpAddr", "ASimMatchingIpAddr", "ASimMatchingHostname"); got != tc.want {
				t.Errorf("all columns: got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

// TestASimHelpersOnlyOnIm checks that only _Im_NetworkSession has the
// helper columns: the parameterless _ASim_ form does not, and Microsoft's
// DNS parsers (vimDnsNative, vimDnsMicrosoftSysmon) add none to _Im_Dns.
func TestASimHelpersOnlyOnIm(t *testing.T) {
	cat := openSessions(t)
	for name, want := range map[string]bool{"_Im_NetworkSession": true, "_ASim_NetworkSession": false, "_Im_Dns": false, "_ASim_Dns": false} {
		fn, _ := cat.TableFunction(name)
		tb, err := fn.Call(nil)
		if err != nil {
			t.Fatal(err)
		}
		s := tb.Schema()
		if got := s.Index("ASimMatchingIpAddr") >= 0 && s.Index("ASimMatchingHostname") >= 0; got != want {
			t.Errorf("%s has helper columns: %v, want %v", name, got, want)
		}
	}
}

// TestIPv4PrefixSemantics checks that the prefix parameters follow KQL's
// has_any_ipv4_prefix(): a prefix is a whole address or ends with a dot
// ("10.0"), and an invalid prefix matches nothing (so, as on Sentinel,
// the rows are dropped).
func TestIPv4PrefixSemantics(t *testing.T) {
	fn, _ := openSessions(t).TableFunction("_Im_NetworkSession")
	tests := []struct {
		prefixes []any
		want     string // SrcIpAddr values
	}{
		{[]any{"10.0."}, "10.0.0.1,192.168.1.1,10.0.0.2,10.0.0.10"},
		{[]any{"10.0"}, ""}, // no final dot: not a prefix
		{[]any{"10."}, "10.0.0.1,192.168.1.1,10.0.0.2,10.0.0.10"},
		{[]any{"10.0.0.1"}, "10.0.0.1"}, // a whole address does not match 10.0.0.10
		{[]any{"10.0.0.1."}, ""},        // four octets and a dot: neither form
		{[]any{"1.1.1"}, ""},
		{[]any{"300.1."}, ""}, // octet out of range
		{[]any{" 172.16. "}, "172.16.0.1"},
		{[]any{"10.0", "172.16."}, "172.16.0.1"}, // the valid one still applies
	}
	for _, tc := range tests {
		t.Run(strings.Join(func() []string {
			var s []string
			for _, p := range tc.prefixes {
				s = append(s, p.(string))
			}
			return s
		}(), "+"), func(t *testing.T) {
			tb, err := fn.Call([]types.Arg{{Name: "ipaddr_has_any_prefix", Value: types.DynamicValue(tc.prefixes)}})
			if err != nil {
				t.Fatal(err)
			}
			b, _ := scanAll(t, tb, types.ScanOptions{Columns: []string{"SrcIpAddr"}})
			if got := strings.Join(b.Cols[0].Strs, ","); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestDnsResponseFilters checks response_has_ipv4 / response_has_any_prefix
// (has_ipv4 / has_any_ipv4_prefix on DnsResponseName).
func TestDnsResponseFilters(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "ASimDnsActivityLogs.jsonl"),
		`{"TimeGenerated":"2024-01-01T00:00:00Z","EventType":"Query","DnsQuery":"a.example","DnsResponseName":"10.1.2.3,10.9.9.9"}`+"\n"+
			`{"TimeGenerated":"2024-01-01T00:00:01Z","EventType":"Query","DnsQuery":"b.example","DnsResponseName":"110.1.2.3"}`+"\n"+
			`{"TimeGenerated":"2024-01-01T00:00:02Z","EventType":"Update","DnsQuery":"c.example","DnsResponseName":"10.1.2.30"}`+"\n")
	cat, err := Open(OpenOptions{Dirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	fn, _ := cat.TableFunction("_Im_Dns")
	tests := []struct {
		name string
		args []types.Arg
		want string
	}{
		{"has_ipv4", []types.Arg{{Name: "response_has_ipv4", Value: types.StringValue("10.1.2.3")}}, "a.example"},
		{"prefix", []types.Arg{{Name: "response_has_any_prefix", Value: types.DynamicValue([]any{"10.1."})}}, "a.example"},
		{"prefix without dot", []types.Arg{{Name: "response_has_any_prefix", Value: types.DynamicValue([]any{"10.1"})}}, ""},
		{"prefix any eventtype", []types.Arg{{Name: "response_has_any_prefix", Value: types.DynamicValue([]any{"10.1.2."})}, {Name: "eventtype", Value: types.StringValue("*")}}, "a.example,c.example"},
		{"lookup is Query", []types.Arg{{Name: "eventtype", Value: types.StringValue("lookup")}}, "a.example,b.example"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tb, err := fn.Call(tc.args)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := scanAll(t, tb, types.ScanOptions{Columns: []string{"DnsQuery"}})
			if got := strings.Join(b.Cols[0].Strs, ","); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestIPv4PrefixIndex checks that the first-octet index gives exactly
// the engine's has_any_ipv4_prefix() over the whole list.
func TestIPv4PrefixIndex(t *testing.T) {
	prefixes := []string{"10.", "10.0.", " 172.16. ", "010.1.", "192.168.1.1", "192.168.1.", "10.0", "abc.", "1.2.3.4.", "", "300.", "8.8.8.8"}
	texts := []string{"10.1.2.3", "010.1.2.3", "172.16.0.1", "192.168.1.10", "192.168.1.1", "192.168.2.1",
		"8.8.8.8", "8.8.8.80", "x 10.0.0.1 y", "1.1.1.1,10.9.9.9", "a10.0.0.1", "10.0.0.1a", "", "10", "10.", "1.2.3.4.5", "300.1.1.1"}
	for n := 0; n <= len(prefixes); n++ {
		x := newIPv4Prefixes(prefixes[:n])
		full := dynamicStrings(prefixes[:n])
		for _, text := range texts {
			if got, want := x.match(text), n > 0 && hasAnyIPv4Prefix(text, full); got != want {
				t.Errorf("%d prefixes, %q: index %v, engine %v", n, text, got, want)
			}
		}
	}
}

func FuzzIPv4PrefixIndex(f *testing.F) {
	f.Add("10.0.0.1", "10.", "192.168.1.1")
	f.Add("x 010.1.2.3, 8.8.8.8.", "010.1.", " 8.8.8.8 ")
	f.Fuzz(func(t *testing.T, text, p1, p2 string) {
		list := []string{p1, p2}
		if got, want := newIPv4Prefixes(list).match(text), hasAnyIPv4Prefix(text, dynamicStrings(list)); got != want {
			t.Fatalf("%q %q: index %v, engine %v", text, list, got, want)
		}
	})
}

// dynamicStrings turns a list into a dynamic array value.
func dynamicStrings(list []string) types.Value {
	arr := make([]any, len(list))
	for i, s := range list {
		arr[i] = s
	}
	return types.DynamicValue(arr)
}
