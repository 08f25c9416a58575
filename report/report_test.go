package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/huntpack/huntpack/hunt"
	"github.com/huntpack/huntpack/kql/types"
)

var update = flag.Bool("update", false, "rewrite golden files")

// fixture builds a result the way the runner does, from rows that
// include hostile values.
func fixture(t testing.TB, hostile string) *hunt.Result {
	t.Helper()
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	res := &hunt.Result{
		Pack: "Remcos C2 " + hostile, Hypothesis: "Remcos beacons to its C2.", Backend: "local logs testdata",
		Started: time.Date(2026, 5, 25, 10, 0, 0, 0, time.UTC), Elapsed: 1500 * time.Millisecond,
		Indicators: []hunt.Indicator{
			{Type: "ip:port", Value: "46.151.182.76:8080", ThreatType: "botnet_cc", FirstSeen: day("2026-05-22"), Confidence: 75},
			{Type: "domain", Value: "sls.in.net", ThreatType: "botnet_cc", FirstSeen: day("2026-05-22"), Confidence: 75},
			{Type: "url", Value: "http://evil.example/gate.php", ThreatType: "payload_delivery"},
		},
	}
	b := hunt.NewBuilder(res, hunt.Limits{EvidencePerIOC: 2})
	s := types.Schema{{Name: "TimeGenerated", Type: types.DateTime}, {Name: "Computer", Type: types.String},
		{Name: "DestinationIP", Type: types.String}, {Name: "DestinationPort", Type: types.Long}, {Name: "Name", Type: types.String}}
	batch := types.NewBatch(s, 4)
	add := func(ts, host, ip string, port int64, name string) {
		tk, err := types.ParseDateTime(ts)
		if err != nil {
			t.Fatal(err)
		}
		for j, v := range []types.Value{types.DateTimeValue(tk), types.StringValue(host), types.StringValue(ip), types.LongValue(port), types.StringValue(name)} {
			batch.Cols[j].Append(v)
		}
		batch.Len++
	}
	add("2026-05-23T09:14:02Z", "wks-015", "46.151.182.76", 8080, "")
	add("2026-05-19T07:00:00Z", "wks-020", "46.151.182.76", 8080, "")
	add("2026-05-23T11:30:00Z", "wks-021", "46.151.182.76", 443, hostile)
	add("2026-05-23T12:00:00Z", "dc01", "", 0, "www.sls.in.net")
	add("2026-05-23T12:10:00Z", hostile, "10.0.0.1", 53, "unrelated.example")
	add("2026-05-23T13:00:00Z", "wks-022", "46.151.182.76", 8080, "")
	qr := hunt.QueryResult{Name: "01_net", Table: "CommonSecurityLog"}
	b.AddHits(&qr, hunt.Query{Name: "01_net", Table: "CommonSecurityLog"}, batch)
	qr.Suppressed = 1
	res.Queries = append(res.Queries, qr, hunt.QueryResult{Name: "02_dns", Table: "DnsEvents", Error: "unknown table DnsEvents"})
	res.Scenarios = []hunt.ScenarioResult{
		{Name: "Backup job " + hostile, Applied: true, Suppressed: 1, Queries: []string{"01_net"}},
		{Name: "ClamAV scan", Note: "not applicable: CommonSecurityLog lacks process.parent.name"},
	}
	return b.Finish()
}

const hostile = `<script>alert("x")</script>|*[a](http://x.test)`

func TestGolden(t *testing.T) {
	res := fixture(t, hostile)
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, format, res, Options{}); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "report."+format)
			if *update {
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./report -update)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("%s output differs from %s (run with -update and review the diff):\n%s", format, golden, buf.String())
			}
		})
	}
}

func TestEscaping(t *testing.T) {
	res := fixture(t, hostile)
	for _, tc := range []struct {
		format  string
		banned  []string
		present []string
	}{
		{"html", []string{"<script>alert", "46.151.182.76", "<a ", "sls.in.net"}, []string{"46[.]151[.]182[.]76:8080", "&lt;script&gt;alert", "hxxp://evil[.]example/gate[.]php", "data-report-ok"}},
		{"md", []string{"<script>", "](http", "46.151.182.76", "| sls.in.net"}, []string{`\|\*\[a\]`, `46\[.\]151\[.\]182\[.\]76:8080`, `http\://x.test`, "&lt;script&gt;"}},
		{"table", []string{"46.151.182.76:8080 "}, []string{"46[.]151[.]182[.]76:8080", "1 query FAILED", "(hxxp://x.test)"}},
		{"csv", []string{"46.151.182.76"}, []string{"46[.]151[.]182[.]76:8080"}},
	} {
		t.Run(tc.format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, tc.format, res, Options{}); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			for _, b := range tc.banned {
				if strings.Contains(out, b) {
					t.Errorf("%s output contains %q", tc.format, b)
				}
			}
			for _, p := range tc.present {
				if !strings.Contains(out, p) {
					t.Errorf("%s output lacks %q", tc.format, p)
				}
			}
		})
	}
}

func TestHTMLSelfContained(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteHTML(&buf, fixture(t, "x")); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, b := range []string{"<link", "src=", "@import", "url("} {
		if strings.Contains(out, b) {
			t.Errorf("HTML references an external asset: %q", b)
		}
	}
	if !strings.Contains(out, strings.ReplaceAll(scriptHash, "+", "&#43;")) || !strings.Contains(out, "<svg") || strings.Count(out, `class="bar"`) != 5 {
		t.Errorf("HTML lacks the CSP hash, the SVG timeline or its 4 bars")
	}
}

func TestCSVSafe(t *testing.T) {
	for in, want := range map[string]string{"=cmd()": "'=cmd()", "-1": "-1", "@x": "'@x", "a=b": "a=b", "+": "'+"} {
		if got := csvSafe(in); got != want {
			t.Errorf("csvSafe(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDefang(t *testing.T) {
	for _, tc := range []struct{ typ, in, want string }{
		{"ip:port", "46.151.182.76:8080", "46[.]151[.]182[.]76:8080"},
		{"url", "https://a.b/c", "hxxps://a[.]b/c"},
		{"sha256_hash", "abc.def", "abc.def"},
		{"ip", "2001:db8::1", "2001[:]db8[:][:]1"},
	} {
		if got := Defang(tc.typ, tc.in); got != tc.want {
			t.Errorf("Defang(%s, %s) = %s, want %s", tc.typ, tc.in, got, tc.want)
		}
	}
}

func TestUnknownFormat(t *testing.T) {
	if err := Write(&bytes.Buffer{}, "pdf", &hunt.Result{}, Options{}); err == nil || !strings.Contains(err.Error(), "pdf") {
		t.Fatalf("err = %v", err)
	}
}

func TestCellDefanger(t *testing.T) {
	d := newCellDefanger([]hunt.Indicator{{Type: "domain", Value: "sls.in.net"}, {Type: "url", Value: "http://evil.example/gate.php"}, {Type: "ip:port", Value: "1.2.3.4:80"}})
	for in, want := range map[string]string{
		"SLS.IN.NET":                         "SLS[.]IN[.]NET",
		"see HTTP://Evil.Example/gate.php?x": "see hxxp://Evil[.]Example/gate[.]php?x",
		"https://other.example/a":            "hxxps://other.example/a",
		"1.2.3.4 and 1.2.3.40":               "1[.]2[.]3[.]4 and 1[.]2[.]3[.]40",
		"no ioc here":                        "no ioc here",
	} {
		if got := d.cell(in); got != want {
			t.Errorf("cell(%q) = %q, want %q", in, got, want)
		}
	}
}

// sharedIPResult is a hunt over three ip:port IOCs on one IP and one on
// another: an exact hit, and "ip only" hits on both IPs.
func sharedIPResult(t testing.TB) *hunt.Result {
	t.Helper()
	res := &hunt.Result{Pack: "shared", Indicators: []hunt.Indicator{
		{Type: "ip:port", Value: "204.44.93.75:14641"}, {Type: "ip:port", Value: "204.44.93.75:14648"},
		{Type: "ip:port", Value: "204.44.93.75:14649"}, {Type: "ip:port", Value: "103.83.86.48:2404"},
		{Type: "domain", Value: "sls.in.net"},
	}}
	b := hunt.NewBuilder(res, hunt.Limits{})
	s := types.Schema{{Name: "TimeGenerated", Type: types.DateTime}, {Name: "PortMatch", Type: types.String},
		{Name: "IOC", Type: types.String}, {Name: "MatchedOn", Type: types.String},
		{Name: "RemoteIP", Type: types.String}, {Name: "RemotePort", Type: types.Long}}
	batch := types.NewBatch(s, 3)
	for _, r := range []struct {
		ts, pm, ioc, ip string
		port            int64
	}{
		{"2026-07-24T09:14:00Z", "ip:port", "204.44.93.75:14648", "204.44.93.75", 14648},
		{"2026-07-24T09:20:00Z", "ip only", "204.44.93.75", "204.44.93.75", 443},
		{"2026-07-24T13:30:00Z", "ip only", "103.83.86.48", "103.83.86.48", 443},
	} {
		tk, _ := types.ParseDateTime(r.ts)
		for j, v := range []types.Value{types.DateTimeValue(tk), types.StringValue(r.pm), types.StringValue(r.ioc),
			types.StringValue("RemoteIP"), types.StringValue(r.ip), types.LongValue(r.port)} {
			batch.Cols[j].Append(v)
		}
		batch.Len++
	}
	qr := hunt.QueryResult{Name: "net", Table: "DeviceNetworkEvents"}
	b.AddHits(&qr, hunt.Query{Name: "net", Table: "DeviceNetworkEvents"}, batch)
	res.Queries = []hunt.QueryResult{qr}
	return b.Finish()
}

func TestFindingsLayout(t *testing.T) {
	res := sharedIPResult(t)
	for _, tc := range []struct {
		format  string
		present []string
		banned  []string
	}{
		{"table", []string{
			"3 hits in 1 query; 2 of 5 IOCs hit (1 exact ip:port, 1 ip only); 0 suppressed; 0 before first_seen.",
			"   4 IOCs had no hits\n",
			"ip only; IOC ports 14641,14648,14649",
			"ip only; IOC port 2404",
		}, []string{"204[.]44[.]93[.]75:14641", "sls[.]in[.]net", "unattributed"}},
		{"md", []string{"| IOCs hit | 2 of 5 \\(1 exact ip:port, 1 ip only\\) |", "\n4 IOCs had no hits.\n", "### 103\\[.\\]83\\[.\\]86\\[.\\]48 \\(ip only; IOC port 2404\\)"},
			[]string{"204\\[.\\]44\\[.\\]93\\[.\\]75:14641"}},
		{"html", []string{"<p>4 IOCs had no hits.</p>", "2 of 5 IOCs hit (1 exact ip:port, 1 ip only).", "1 exact ip:port, 1 ip only</span>"},
			[]string{"<td class=\"ioc nowrap\">204[.]44[.]93[.]75:14641</td>"}},
		{"csv", []string{"ip:port,204[.]44[.]93[.]75:14641,,,0,", "ip (from ip:port IOCs),204[.]44[.]93[.]75,,,1,", ",ip only,14641;14648;14649\n", "domain,sls[.]in[.]net,"}, nil},
		{"json", []string{`"iocs_hit": 2`, `"iocs_exact": 1`, `"iocs_ip_only": 1`, `"ip_only_hits": 2`, `"port_match": "ip only"`, `"ioc_ports": [`, `"value": "204.44.93.75:14641"`}, nil},
	} {
		t.Run(tc.format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, tc.format, res, Options{}); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			for _, p := range tc.present {
				if !strings.Contains(out, p) {
					t.Errorf("%s output lacks %q:\n%s", tc.format, p, out)
				}
			}
			for _, b := range tc.banned {
				if strings.Contains(out, b) {
					t.Errorf("%s output contains %q", tc.format, b)
				}
			}
		})
	}
}

func TestSummaryLine(t *testing.T) {
	for _, tc := range []struct {
		name string
		res  *hunt.Result
		want string
	}{
		{"no ip:port IOCs: no breakdown", &hunt.Result{Indicators: make([]hunt.Indicator, 1),
			Findings: []hunt.Finding{{Indicator: hunt.Indicator{Type: "domain"}, Hits: 2}},
			Queries:  make([]hunt.QueryResult, 1), Totals: hunt.Totals{Hits: 2, IOCsHit: 1}},
			"2 hits in 1 query; 1 of 1 IOC hit; 0 suppressed; 0 before first_seen."},
		{"unattributed and failed shown when any", &hunt.Result{Indicators: make([]hunt.Indicator, 2),
			Findings: []hunt.Finding{{Indicator: hunt.Indicator{Type: "ip:port"}, PortMatch: hunt.MatchExact}},
			Queries:  make([]hunt.QueryResult, 2), Totals: hunt.Totals{Hits: 1, Unattributed: 1, FailedQueries: 1, Suppressed: 3}},
			"1 hit in 2 queries; 0 of 2 IOCs hit (0 exact ip:port, 0 ip only); 3 suppressed; 1 unattributed; 0 before first_seen; 1 query FAILED."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := summaryLine(tc.res); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}
