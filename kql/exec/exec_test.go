package exec

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

var testNow = time.Date(2026, 5, 23, 12, 0, 0, 0, time.UTC)

func dt(s string) types.Value {
	t, err := types.ParseDateTime(s)
	if err != nil {
		panic(err)
	}
	return types.DateTimeValue(t)
}

func sv(s string) types.Value { return types.StringValue(s) }
func lv(i int64) types.Value  { return types.LongValue(i) }

// testCatalog holds small versions of the seed hunt's tables.
func testCatalog(t testing.TB) MemCatalog {
	t.Helper()
	csl, err := NewMemTable("CommonSecurityLog", types.Schema{
		{Name: "TimeGenerated", Type: types.DateTime}, {Name: "SourceIP", Type: types.String},
		{Name: "DestinationIP", Type: types.String}, {Name: "DestinationPort", Type: types.Int},
		{Name: "DeviceAction", Type: types.String}, {Name: "Activity", Type: types.String},
	}, [][]types.Value{
		{dt("2026-05-22T10:00:00Z"), sv("10.0.0.5"), sv("46.151.182.76"), types.IntValue(8080), sv("allow"), sv("conn")},
		{dt("2026-05-22T11:00:00Z"), sv("10.0.0.6"), sv("8.8.8.8"), types.IntValue(53), sv("allow"), sv("dns")},
		{dt("2026-05-22T12:00:00Z"), sv("193.29.13.23"), sv("10.0.0.7"), types.IntValue(5758), sv("deny"), sv("conn")},
		{types.NullOf(types.DateTime), sv("10.0.0.8"), sv("138.9.254.121"), types.NullOf(types.Int), sv("allow"), sv("conn")},
	})
	if err != nil {
		t.Fatal(err)
	}
	dns, err := NewMemTable("DnsEvents", types.Schema{
		{Name: "TimeGenerated", Type: types.DateTime}, {Name: "Computer", Type: types.String},
		{Name: "Name", Type: types.String}, {Name: "IPAddresses", Type: types.String}, {Name: "QueryType", Type: types.String},
	}, [][]types.Value{
		{dt("2026-05-22T10:00:00Z"), sv("pc1"), sv("www.sls.in.net"), sv("1.2.3.4"), sv("A")},
		{dt("2026-05-22T10:05:00Z"), sv("pc2"), sv("xsls.in.net"), sv("1.2.3.5"), sv("A")},
		{dt("2026-05-22T10:06:00Z"), sv("pc3"), sv("SLS.IN.NET"), sv("1.2.3.6"), sv("AAAA")},
		{dt("2026-05-22T10:07:00Z"), sv("pc4"), sv("sls.in.network"), sv(""), sv("A")},
	})
	if err != nil {
		t.Fatal(err)
	}
	dne, err := NewMemTable("DeviceNetworkEvents", types.Schema{
		{Name: "Timestamp", Type: types.DateTime}, {Name: "DeviceName", Type: types.String},
		{Name: "RemoteIP", Type: types.String}, {Name: "RemotePort", Type: types.Int},
		{Name: "InitiatingProcessFileName", Type: types.String}, {Name: "ActionType", Type: types.String},
	}, [][]types.Value{
		{dt("2026-05-22T09:00:00Z"), sv("ws1"), sv("46.151.182.76"), types.IntValue(8080), sv("rundll32.exe"), sv("ConnectionSuccess")},
		{dt("2026-05-22T09:30:00Z"), sv("ws2"), sv("1.1.1.1"), types.IntValue(443), sv("chrome.exe"), sv("ConnectionSuccess")},
	})
	if err != nil {
		t.Fatal(err)
	}
	return MemCatalog{}.Add(csl, dns, dne)
}

// render prints a result table as header + rows, cells separated by '|'.
func render(b *types.Batch) string {
	var sb strings.Builder
	sb.WriteString(strings.Join(b.Schema.Names(), "|"))
	for i := 0; i < b.Len; i++ {
		sb.WriteByte('\n')
		for j, c := range b.Cols {
			if j > 0 {
				sb.WriteByte('|')
			}
			sb.WriteString(types.FormatValue(c.Value(i)))
		}
	}
	return sb.String()
}

func runQ(t testing.TB, cat types.Catalog, src string) (*Result, error) {
	t.Helper()
	return RunString(context.Background(), "q.kql", src, Options{Catalog: cat, Now: testNow})
}

func TestQueries(t *testing.T) {
	cat := testCatalog(t)
	tests := []struct {
		name, q, want string
	}{
		{"seed CommonSecurityLog", `let malicious_ips = dynamic(["138.9.254.121", "46.151.182.76", "193.29.13.23"]);
CommonSecurityLog
| where DestinationIP in (malicious_ips) or SourceIP in (malicious_ips)
| project TimeGenerated, SourceIP, DestinationIP, DestinationPort, DeviceAction, Activity
| order by TimeGenerated desc`,
			"TimeGenerated|SourceIP|DestinationIP|DestinationPort|DeviceAction|Activity\n" +
				"2026-05-22T12:00:00Z|193.29.13.23|10.0.0.7|5758|deny|conn\n" +
				"2026-05-22T10:00:00Z|10.0.0.5|46.151.182.76|8080|allow|conn\n" +
				"|10.0.0.8|138.9.254.121||allow|conn"},
		{"seed DeviceNetworkEvents", `let malicious_ips = dynamic(["138.9.254.121", "46.151.182.76", "193.29.13.23"]);
DeviceNetworkEvents
| where RemoteIP in (malicious_ips)
| project Timestamp, DeviceName, RemoteIP, RemotePort, InitiatingProcessFileName, ActionType
| order by Timestamp desc`,
			"Timestamp|DeviceName|RemoteIP|RemotePort|InitiatingProcessFileName|ActionType\n" +
				"2026-05-22T09:00:00Z|ws1|46.151.182.76|8080|rundll32.exe|ConnectionSuccess"},
		{"pack_array star and many args", `range x from 1 to 2 step 1 | extend ['y z'] = x * 2 | project a = pack_array(*), b = pack_array(0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63,64)[64]`,
			"a|b\n[1,2]|64\n[2,4]|64"},
		{"seed DnsEvents has_any terms", `let malicious_domains = dynamic(["sls.in.net"]);
DnsEvents
| where Name has_any (malicious_domains)
| project TimeGenerated, Computer, Name, IPAddresses, QueryType
| order by TimeGenerated desc`,
			"TimeGenerated|Computer|Name|IPAddresses|QueryType\n" +
				"2026-05-22T10:06:00Z|pc3|SLS.IN.NET|1.2.3.6|AAAA\n" +
				"2026-05-22T10:00:00Z|pc1|www.sls.in.net|1.2.3.4|A"},
		{"sort asc nulls first", `CommonSecurityLog | project TimeGenerated, SourceIP | sort by TimeGenerated asc`,
			"TimeGenerated|SourceIP\n|10.0.0.8\n2026-05-22T10:00:00Z|10.0.0.5\n2026-05-22T11:00:00Z|10.0.0.6\n2026-05-22T12:00:00Z|193.29.13.23"},
		{"sort desc nulls first explicit", `CommonSecurityLog | project DestinationPort | sort by DestinationPort desc nulls first`,
			"DestinationPort\n\n8080\n5758\n53"},
		{"sort default desc nulls last", `CommonSecurityLog | project DestinationPort | sort by DestinationPort`,
			"DestinationPort\n8080\n5758\n53\n"},
		{"in~ case-insensitive", `DnsEvents | where Name in~ ("sls.in.net") | project Computer`, "Computer\npc3"},
		{"in case-sensitive", `DnsEvents | where Name in ("sls.in.net", "SLS.IN.NET") | project Computer`, "Computer\npc3"},
		{"!in", `DnsEvents | where Name !in ("SLS.IN.NET", "xsls.in.net") | project Computer`, "Computer\npc1\npc4"},
		{"!in~", `DnsEvents | where Name !in~ ("sls.in.net", "xsls.in.net") | project Computer`, "Computer\npc1\npc4"},
		{"has term", `DnsEvents | where Name has "in.net" | project Computer`, "Computer\npc1\npc2\npc3"},
		{"has no partial term", `DnsEvents | where Name has "sls" | project Computer`, "Computer\npc1\npc3\npc4"},
		{"not and or", `CommonSecurityLog | where not(DeviceAction == "allow") or DestinationPort == 53 | project SourceIP`,
			"SourceIP\n10.0.0.6\n193.29.13.23"},
		{"null comparisons", `CommonSecurityLog | where DestinationPort > 100 | count`, "Count\n2"},
		{"null != keeps", `CommonSecurityLog | where DestinationPort != 53 | count`, "Count\n3"},
		{"=~ and !~", `DnsEvents | where Name =~ "sls.in.net" or QueryType !~ "a" | project Computer`, "Computer\npc3"},
		{"take", `DnsEvents | take 2 | count`, "Count\n2"},
		{"limit", `DnsEvents | limit 1 | project Computer`, "Computer\npc1"},
		{"count", `DnsEvents | count`, "Count\n4"},
		{"comparisons on datetime", `CommonSecurityLog | where TimeGenerated >= datetime(2026-05-22T11:00:00Z) and TimeGenerated < datetime(2026-05-22 12:00) | project SourceIP`,
			"SourceIP\n10.0.0.6"},
		{"let scalar", `let port = 8080; CommonSecurityLog | where DestinationPort == port | project DestinationIP`, "DestinationIP\n46.151.182.76"},
		{"extend", `DnsEvents | extend L = strlen(Name), Up = toupper(Computer) | project L, Up | take 1`, "L|Up\n14|PC1"},
		{"extend replaces and moves", `DnsEvents | project Computer, QueryType | extend Computer = strcat(Computer, "!") | take 1`, "QueryType|Computer\nA|pc1!"},
		{"project rename expression", `DnsEvents | project C = Computer, n = 1 + 2 | take 1`, "C|n\npc1|3"},
		{"project-away", `DnsEvents | project-away TimeGenerated, Name, IPAddresses | take 1`, "Computer|QueryType\npc1|A"},
		{"project-rename", `DnsEvents | project-rename Host = Computer | project Host | take 1`, "Host\npc1"},
		{"project-keep wildcard", `DnsEvents | project-keep *Type | take 1`, "QueryType\nA"},
		{"project-reorder", `DnsEvents | project Computer, Name | project-reorder Name | take 1`, "Name|Computer\nwww.sls.in.net|pc1"},
		{"top", `CommonSecurityLog | top 2 by DestinationPort asc | project DestinationPort`, "DestinationPort\n\n53"},
		{"print", `print x = 1 + 2, "a"`, "x|print_1\n3|a"},
		{"datatable", `datatable(a:long, b:string)[1, "x", 2, "y"] | where a > 1`, "a|b\n2|y"},
		{"range", `range i from 1 to 3 step 1`, "i\n1\n2\n3"},
		{"has_any list", `DnsEvents | where Name has_any ("network", "www") | project Computer`, "Computer\npc1\npc4"},
		{"contains", `DnsEvents | where Name contains "SLS.in" | count`, "Count\n4"},
		{"let tabular", `let T = DnsEvents | where QueryType == "A"; T | count`, "Count\n3"},
		{"lambda", `let f = (x:long) { x * 2 }; print f(21)`, "print_0\n42"},
		{"table() lambda", `let f = (t:string) { table(t) | count }; f("DnsEvents")`, "Count\n4"},
		{"toscalar", `let n = toscalar(DnsEvents | count); print n`, "print_0\n4"},
		{"in subquery", `DnsEvents | where Computer in ((DnsEvents | where QueryType == "AAAA" | project Computer)) | project Name`, "Name\nSLS.IN.NET"},
		{"arithmetic nulls", `print a = 1 + long(null), b = 7 / 2, c = 7.0 / 2, d = -5 % 3`, "a|b|c|d\n|3|3.5|1"},
		{"datetime arithmetic", `print d = datetime(2026-01-02) - datetime(2026-01-01), e = datetime(2026-01-01) + 1h`, "d|e\n1.00:00:00|2026-01-01T01:00:00Z"},
		{"between", `range x from 1 to 5 step 1 | where x between (2 .. 4)`, "x\n2\n3\n4"},
		{"iff", `print iff(1 > 2, "a", "b")`, "print_0\nb"},
		{"dynamic access", `print d = dynamic({"a": {"b": [1, 2, 3]}}) | project v = d.a.b[1], w = d["a"].c`, "v|w\n2|"},
		{"row_number", `range x from 5 to 7 step 1 | serialize | extend n = row_number(), p = prev(x)`, "x|n|p\n5|1|\n6|2|5\n7|3|6"},
		{"tuple assignment", `print s = dynamic([2,4,6,8]) | extend (rs, slope) = series_fit_line(s) | project rs, slope`, "rs|slope\n1|2"},
		{"multi-output unnamed", `print x = dynamic([1,2,3]) | extend series_stats(x) | project series_stats_x_min, series_stats_x_max`, "series_stats_x_min|series_stats_x_max\n1|3"},
		{"named args", `let f = (a:long, b:string = "d", c:long = 0) { strcat(a, "-", b, "-", c) }; print f(c=7, a=12), f(1, c=2)`, "print_0|print_1\n12-d-7|1-d-2"},
		{"zero-arg function without parens", `let x = () { 5 }; print x + 1`, "print_0\n6"},
		{"count(x) naming", `datatable(y:long)[1, long(null)] | summarize count(y), tostring(make_set(y))`, "count_y|set_y\n2|[1]"},
		{"search source", `search in (DnsEvents, DeviceNetworkEvents) "ws1" or "pc2" | project ["$table"], Name, DeviceName`, "$table|Name|DeviceName\nDnsEvents|xsls.in.net|\nDeviceNetworkEvents||ws1"},
		{"search piped", `DnsEvents | search "sls*" | count`, "Count\n3"},
		{"vector arithmetic", `datatable(a:long, b:long, r:real, d:datetime, i:int)[1, long(null), 2.5, datetime(2026-01-01), 2147483647, 3, 4, real(null), datetime(null), 1]
| project s = a + b, m = a * 2, f = r * a, g = a / 2.0, e = d + 1h, dd = d - datetime(2025-12-31), w = i + i`,
			"s|m|f|g|e|dd|w\n|2|2.5|0.5|2026-01-01T01:00:00Z|1.00:00:00|-2\n7|6||1.5|||2"},
		{"column comparisons", `datatable(a:long, b:int, s:string, t:string)[1, 1, "x", "X", 2, int(null), "y", "y", long(null), int(null), "", ""]
| project e = a == b, n = a != b, l = a < b, ci = s =~ t, cs = s == t`,
			"e|n|l|ci|cs\ntrue|false|false|true|false\nfalse|true||true|true\n|||true|true"},
		{"bin and null tests", `datatable(t:datetime, n:long, s:string)[datetime(2026-01-01 10:59), -7, "", datetime(null), long(null), "x", datetime(0001-01-01), 7, "y"]
| project b = bin(t, 1h), f = floor(n, 5), e = isempty(s), ne = isnotempty(s), nn = isnull(n), nt = isnotnull(t)`,
			"b|f|e|ne|nn|nt\n2026-01-01T10:00:00Z|-10|true|false|false|true\n||false|true|true|false\n0001-01-01T00:00:00Z|5|false|true|false|true"},
		{"partition", `DnsEvents | partition by QueryType (top 1 by TimeGenerated asc | project QueryType, Computer) | order by QueryType asc`,
			"QueryType|Computer\nA|pc1\nAAAA|pc3"},
		{"sort then take is top", `range x from 1 to 10000 step 1 | sort by x desc | take 3`, "x\n10000\n9999\n9998"},
		{"sample", `range x from 1 to 10000 step 1 | sample 5 | summarize count(), dcount(x), min(x) > 0`, "count_|dcount_x|min_x\n5|5|true"},
		{"sample-distinct", `DnsEvents | sample-distinct 5 of QueryType | count`, "Count\n2"},
		{"star has", `DnsEvents | where * has "pc2" | project Name`, "Name\nxsls.in.net"},
		{"getschema", `DnsEvents | project Computer | getschema`, "ColumnName|ColumnOrdinal|DataType|ColumnType\nComputer|0|System.String|string"},
		{"summarize naming", `DnsEvents | summarize count(), dcount(QueryType), make_set(QueryType), countif(QueryType == "A") by Computer | where Computer == "pc1"`,
			"Computer|count_|dcount_QueryType|set_QueryType|countif_\npc1|1|1|[\"A\"]|1"},
		{"summarize global empty", `DnsEvents | where Computer == "none" | summarize count(), sum(strlen(Name)), make_list(Name)`,
			"count_|sum_|list_Name\n0|0|[]"},
		{"summarize by empty", `DnsEvents | where Computer == "none" | summarize count() by Computer`, "Computer|count_"},
		{"summarize expression", `DnsEvents | summarize n = count() * 2, avg(strlen(Name)) by QueryType | sort by QueryType asc`,
			"QueryType|n|avg_\nA|6|13\nAAAA|2|10"},
		{"summarize bin", `CommonSecurityLog | summarize count() by bin(TimeGenerated, 1d)`, "TimeGenerated|count_\n2026-05-22T00:00:00Z|3\n|1"},
		{"summarize dup names", `DnsEvents | summarize make_set(Name), make_set(Name) | project-away set_Name`, "set_Name1\n[\"www.sls.in.net\",\"xsls.in.net\",\"SLS.IN.NET\",\"sls.in.network\"]"},
		{"arg_max star", `datatable(F:string, C:string, V:int)["a","x",1,"a","y",2,"b","z",int(null)] | summarize arg_max(V, *) by F | sort by F asc`,
			"F|V|C\na|2|y\nb||z"},
		{"distinct", `DnsEvents | distinct QueryType | sort by QueryType asc`, "QueryType\nA\nAAAA"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := runQ(t, cat, tc.q)
			if err != nil {
				var de *syntax.DiagError
				if errors.As(err, &de) {
					t.Fatalf("error:\n%s", de.Diags.Format("q.kql", tc.q))
				}
				t.Fatal(err)
			}
			got := render(res.Tables[0].Batch)
			if got != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

func TestJoinKeyTypes(t *testing.T) {
	q := `let L = datatable(k:int, a:string)[1, "x", 2, "y"];
let R = datatable(k:long, d:dynamic)[1, dynamic("one"), 3, dynamic("three")];
L | join kind=inner R on k | project a, d;
L | join kind=inner (R | extend ds = tostring(d)) on $left.a == $right.ds | count;
datatable(s:string)["one"] | join kind=inner (R | project d) on $left.s == $right.d | count`
	res, err := runQ(t, nil, q)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"a|d\nx|one", "Count\n0", "Count\n1"}
	for i, w := range want {
		if got := render(res.Tables[i].Batch); got != w {
			t.Errorf("table %d: got %q want %q", i, got, w)
		}
	}
}

func TestForkFacet(t *testing.T) {
	cat := testCatalog(t)
	res, err := runQ(t, cat, `DnsEvents | where Computer != "pc4" | fork (count) top2 = (top 2 by Computer asc | project Computer)`)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Tables) != 2 || res.Tables[0].Name != "GenericResult_0" || res.Tables[1].Name != "top2" ||
		render(res.Tables[0].Batch) != "Count\n3" || render(res.Tables[1].Batch) != "Computer\npc1\npc2" {
		t.Errorf("fork: %+v", res.Tables)
	}
	res, err = runQ(t, cat, `DnsEvents | facet by QueryType with (take 1 | project Computer)`)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Tables) != 2 || render(res.Tables[0].Batch) != "Computer\npc1" || render(res.Tables[1].Batch) != "QueryType|count\nA|3\nAAAA|1" {
		for _, tb := range res.Tables {
			t.Logf("%s:\n%s", tb.Name, render(tb.Batch))
		}
		t.Error("facet results differ")
	}
}
