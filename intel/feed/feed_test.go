package feed

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/huntpack/huntpack/intel"
)

// typeCounts renders indicator counts per type, sorted: "domain=2 ip:port=1".
func typeCounts(ins []intel.Indicator) string {
	m := map[string]int{}
	for _, in := range ins {
		m[string(in.Type)]++
	}
	return sortedCounts(m)
}

func familyCounts(ins []intel.Indicator) map[string]int {
	m := map[string]int{}
	for _, in := range ins {
		m[in.Malware.Name]++
	}
	return m
}

func sortedCounts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s=%d", k, m[k]))
	}
	return strings.Join(parts, " ")
}

func find(ins []intel.Indicator, value string) *intel.Indicator {
	for i := range ins {
		if ins[i].Value == value {
			return &ins[i]
		}
	}
	return nil
}

func TestParseTestdata(t *testing.T) {
	tests := []struct {
		file     string
		format   Format
		types    string
		rejected string
		skipped  string
		check    func(t *testing.T, ins []intel.Indicator)
	}{
		{file: "threatfox_export.json", format: ThreatFoxJSON, types: "domain=2 ip:port=2 md5=1 sha1=1 sha256=1 url=1",
			check: func(t *testing.T, ins []intel.Indicator) {
				in := ins[0]
				if in.SourceID != "1856791" || in.Value != "https://sup.merahsm188.top/" || in.Malware.Name != "Vidar" ||
					in.Malware.Malpedia != "win.vidar" || in.Confidence != 100 || in.Reporter != "crep1x" ||
					strings.Join(in.Tags, ",") != "vidar" || !in.FirstSeen.Equal(time.Date(2026, 7, 24, 13, 50, 6, 0, time.UTC)) ||
					!in.LastSeen.IsZero() || in.Source != "threatfox" || in.ThreatType != "botnet_cc" ||
					strings.Join(in.Flags, ",") != FlagCompromised {
					t.Errorf("first = %+v", in)
				}
				cs := find(ins, "8.160.167.144:22")
				if cs == nil || cs.Malware.Name != "Cobalt Strike" || strings.Join(cs.Malware.Aliases, ",") != "Agentemis,BEACON,CobaltStrike,cobeacon" {
					t.Errorf("aliases = %+v", cs)
				}
			}},
		{file: "threatfox_15col.csv", format: ThreatFoxCSV, types: "domain=5",
			check: func(t *testing.T, ins []intel.Indicator) {
				in := ins[0]
				if in.Value != "call4-back.veq4tralis.in.net" || in.SourceID != "1784524" || in.Malware.Malpedia != "js.clearfake" ||
					in.Malware.Aliases != nil || in.Reference != "" || in.Reporter != "ttakvam" || in.Confidence != 100 ||
					!in.LastSeen.Equal(time.Date(2026, 4, 12, 4, 49, 29, 0, time.UTC)) {
					t.Errorf("first = %+v", in)
				}
			}},
		{file: "threatfox_14col.csv", format: ThreatFoxCSV, types: "ip:port=1 url=1", rejected: "port out of range=1",
			check: func(t *testing.T, ins []intel.Indicator) {
				in := find(ins, "46.151.182.76:8080")
				if in == nil || in.Port != 8080 || strings.Join(in.Malware.Aliases, ",") != "RemcosRAT,Remvio,Socmer" ||
					strings.Join(in.Tags, ",") != "RAT,Remcos" || in.Confidence != 75 {
					t.Errorf("ip:port = %+v", in)
				}
				u := find(ins, "http://evil.example/gate.php")
				if u == nil || u.Reference != "https://example.org/report" || u.Reporter != "someone" {
					t.Errorf("url = %+v", u)
				}
			}},
		{file: "threatfox_extra_col.csv", format: ThreatFoxCSV, types: "ip:port=1 md5=1",
			check: func(t *testing.T, ins []intel.Indicator) {
				if ins[0].Value != "138.9.254.121:8015" || ins[0].Reporter != "abuse_ch" || strings.Join(ins[0].Tags, ",") != "Remcos" ||
					ins[1].Value != "d41d8cd98f00b204e9800998ecf8427f" {
					t.Errorf("got %+v", ins)
				}
			}},
		{file: "threatfox_api.json", format: ThreatFoxAPI, types: "domain=1 ip:port=1", rejected: "not an IP address=1",
			check: func(t *testing.T, ins []intel.Indicator) {
				g := find(ins, "gaga.com")
				if g == nil || g.SourceID != "41" || g.Malware.Name != "Dridex" || strings.Join(g.Tags, ",") != "exe,test" ||
					!g.FirstSeen.Equal(time.Date(2020, 12, 8, 13, 36, 27, 0, time.UTC)) ||
					g.Reference != "https://twitter.com/JAMESWT_MHT/status/1336229725082177536" {
					t.Errorf("gaga = %+v", g)
				}
				r := find(ins, "193.29.13.23:5758")
				if r == nil || strings.Join(r.Tags, ",") != "RAT,Remcos" || len(r.Malware.Aliases) != 3 {
					t.Errorf("remcos = %+v", r)
				}
			}},
		{file: "threatfox_api_noresult.json", format: ThreatFoxAPI, types: ""},
		{file: "urlhaus.csv", format: URLhausCSV, types: "url=15",
			check: func(t *testing.T, ins []intel.Indicator) {
				in := ins[0]
				if in.SourceID != "3905439" || in.Value != "http://120.84.215.27:44835/i" || in.Tags != nil ||
					in.ThreatType != "malware_download" || in.Reporter != "GAYINT_DOT_ORG" || in.Source != "urlhaus" {
					t.Errorf("first = %+v", in)
				}
				if got := strings.Join(ins[1].Tags, ","); got != "176-65-139-212,elf,mirai,ua-wget" {
					t.Errorf("tags = %q", got)
				}
			}},
		{file: "feodo.csv", format: FeodoCSV, types: "ip:port=3",
			check: func(t *testing.T, ins []intel.Indicator) {
				if ins[0].Value != "192.9.135.73:1194" || ins[0].Malware.Name != "Pikabot" || ins[0].Source != "feodo" ||
					!ins[0].LastSeen.Equal(time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)) {
					t.Errorf("first = %+v", ins[0])
				}
			}},
		{file: "feodo.json", format: FeodoJSON, types: "ip:port=5",
			check: func(t *testing.T, ins []intel.Indicator) {
				if ins[0].Value != "162.243.103.246:8080" || ins[0].Malware.Name != "Emotet" {
					t.Errorf("first = %+v", ins[0])
				}
			}},
		{file: "zeek.intel", format: ZeekIntel, types: "ipv4=5",
			check: func(t *testing.T, ins []intel.Indicator) {
				if ins[0].Value != "106.54.41.209" || ins[0].Reporter != "ABUSE-CH" || strings.Join(ins[0].Tags, ",") != "THREATFOX" {
					t.Errorf("first = %+v", ins[0])
				}
			}},
		{file: "misp_event.json", format: MISP, types: "domain=3 ip:port=2 ipv4=1 ipv6=1 md5=1 sha1=1 sha256=1 url=1",
			rejected: "port out of range=1", skipped: "misp email-src=1",
			check: func(t *testing.T, ins []intel.Indicator) {
				in := find(ins, "138.9.254.121:8015")
				if in == nil || in.Malware.Name != "Remcos" || in.SourceID != "a3" || in.Reporter != "CIRCL" ||
					!in.FirstSeen.Equal(time.Date(2026, 5, 21, 0, 0, 0, 0, time.UTC)) {
					t.Errorf("ip-dst|port = %+v", in)
				}
				if find(ins, "evil.example") == nil || find(ins, "http://evil.example/a") == nil || find(ins, "obj.example") == nil {
					t.Errorf("missing domain/url/object attribute: %+v", ins)
				}
				if v6 := find(ins, "[2001:db8::77]:8443"); v6 == nil || v6.Port != 8443 {
					t.Errorf("ip-src|port v6 = %+v", v6)
				}
				if find(ins, "deleted.example") != nil {
					t.Error("deleted attribute imported")
				}
			}},
		{file: "stix_bundle.json", format: STIX, types: "ip:port=2 ipv4=1 ipv6=1 md5=1 sha256=1 url=1",
			rejected: "bad STIX pattern=1, bogus domain=1", skipped: "stix pattern_type yara=1",
			check: func(t *testing.T, ins []intel.Indicator) {
				in := find(ins, "46.151.182.76:8080")
				if in == nil || in.Malware.Name != "Remcos" || in.Confidence != 80 || in.Port != 8080 {
					t.Errorf("network-traffic = %+v", in)
				}
				if find(ins, "193.29.13.23:5758") == nil {
					t.Error("quoted dst_port not read")
				}
				if d := find(ins, "o'brien.example"); d != nil {
					t.Errorf("quote in domain accepted: %+v", d)
				}
				if u := find(ins, "http://x4z9arb.cn/4712/"); u == nil || u.Reference != "https://example.org/post" {
					t.Errorf("url = %+v", u)
				}
			}},
		{file: "plain.txt", format: Plain, types: "domain=2 ip:port=1 ipv4=1 ipv6=1 md5=1 url=1",
			rejected: "port out of range=1, unknown indicator type=1",
			check: func(t *testing.T, ins []intel.Indicator) {
				if ins[0].Value != "46.151.182.76" || find(ins, "evil.example") == nil || find(ins, "http://evil.example/gate.php") == nil {
					t.Errorf("got %+v", ins)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			f, err := Sniff(data)
			if err != nil || f != tc.format {
				t.Fatalf("Sniff = %q, %v; want %q", f, err, tc.format)
			}
			res, err := ParseBytes(data, tc.file, "")
			if err != nil {
				t.Fatal(err)
			}
			if got := typeCounts(res.Indicators); got != tc.types {
				t.Errorf("types = %q, want %q", got, tc.types)
			}
			if got := res.Rejected.String(); got != tc.rejected {
				t.Errorf("rejected = %q, want %q (problems %v)", got, tc.rejected, res.Problems)
			}
			skipped := map[string]int{}
			for k, v := range res.Skipped {
				skipped[k] = v
			}
			if got := sortedCounts(skipped); got != tc.skipped {
				t.Errorf("skipped = %q, want %q", got, tc.skipped)
			}
			if tc.check != nil && len(res.Indicators) > 0 {
				tc.check(t, res.Indicators)
			}
		})
	}
}

func TestProblemsHavePositions(t *testing.T) {
	data, _ := os.ReadFile("testdata/threatfox_14col.csv")
	res, err := ParseBytes(data, "tf.csv", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) != 1 || res.Problems[0].Pos != "tf.csv:9" || !strings.Contains(res.Problems[0].Reason, "port out of range") {
		t.Errorf("problems = %v", res.Problems)
	}
	data, _ = os.ReadFile("testdata/plain.txt")
	res, _ = ParseBytes(data, "p.txt", "")
	if len(res.Problems) != 2 || res.Problems[0].Pos != "p.txt:10" || res.Problems[1].Pos != "p.txt:11" {
		t.Errorf("problems = %v", res.Problems)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, in string
		format   Format
		want     string
	}{
		{"broken json export", "{\n\"1\": [{\"ioc_value\": \"a.b\",}]\n}", ThreatFoxJSON, "x:2: bad JSON"},
		{"api error status", `{"query_status":"unknown_auth_key","data":null}`, ThreatFoxAPI, `query_status "unknown_auth_key"`},
		{"api data not list", `{"query_status":"ok","data":"oops"}`, ThreatFoxAPI, "not a list of IOCs"},
		{"misp without event", `{"response": []}`, MISP, "no MISP Event"},
		{"stix not bundle", `{"type":"indicator","objects":[]}`, STIX, `want "bundle"`},
		{"zeek data before fields", "1.2.3.4\tIntel::ADDR\n", ZeekIntel, "x:1: Zeek intel data before the #fields line"},
		{"feodo json not array", `{"a":1}`, FeodoJSON, "x:1"},
		{"sniff bad json", `{"a":`, "", "not valid"},
		{"sniff truncated json array", "[\n  {\"ip_address\": \"1.2.3.4\",\n   \"port\": 4", "", "x:3: looks like a JSON array but is not valid JSON: unexpected end of JSON input (at byte offset 42)"},
		{"sniff json array syntax error", "[\"a\",\n\"b\" \"c\"]", "", "x:2: looks like a JSON array but is not valid JSON: invalid character '\"' after array element (at byte offset 11)"},
		{"sniff nested truncated", "  \n[[1,", "", "x:2: looks like a JSON array"},
		{"sniff unknown object", `{"a":1}`, "", "unknown feed format"},
		{"sniff empty", "  \n", "", "empty input"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseBytes([]byte(tc.in), "x", tc.format)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want containing %q", err, tc.want)
			}
		})
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		name, in string
		want     Format
	}{
		{"threatfox api", `{"query_status":"ok","data":[]}`, ThreatFoxAPI},
		{"threatfox export", `{"123":[{"ioc_value":"a.b"}],"124":[]}`, ThreatFoxJSON},
		{"stix", `{"type":"bundle","id":"bundle--1","objects":[]}`, STIX},
		{"misp", `{"Event":{"Attribute":[]}}`, MISP},
		{"misp response", `{"response":[{"Event":{}}]}`, MISP},
		{"misp list", `[{"Event":{}}]`, MISP},
		{"feodo json", `[{"ip_address":"1.2.3.4","port":80}]`, FeodoJSON},
		{"zeek", "#fields\tindicator\tindicator_type\tmeta.source\n", ZeekIntel},
		{"tf csv", "# \"first_seen_utc\",\"ioc_id\",\"ioc_value\"\n", ThreatFoxCSV},
		{"urlhaus no banner", "id,dateadded,url,url_status\n", URLhausCSV},
		{"feodo csv", "\"first_seen_utc\",\"dst_ip\",\"dst_port\"\n", FeodoCSV},
		{"plain", "1.2.3.4\nevil.example\n", Plain},
		{"plain array", "[1.2.3.4]\n", Plain},
		{"threatfox data list", `[{"id":"1","ioc":"evil.example","ioc_type":"domain"}]`, ThreatFoxAPI},
		{"bom", "\xef\xbb\xbf{\"query_status\":\"ok\"}", ThreatFoxAPI},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Sniff([]byte(tc.in))
			if err != nil || got != tc.want {
				t.Errorf("Sniff = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestPlainValue(t *testing.T) {
	tests := []struct{ line, want string }{
		{"46[.]151[.]182[.]76", "46[.]151[.]182[.]76"},
		{"0.0.0.0 evil.example", "evil.example"},
		{"127.0.0.1\tevil.example # hosts", "evil.example"},
		{"0.0.0.0", "0.0.0.0"},
		{"1.2.3.4,Remcos C2", "1.2.3.4"},
		{"http://a.example/x,y", "http://a.example/x,y"},
		{`"evil.example";`, "evil.example"},
	}
	for _, tc := range tests {
		if got := plainValue(tc.line); got != tc.want {
			t.Errorf("plainValue(%q) = %q, want %q", tc.line, got, tc.want)
		}
	}
}

func TestParsePattern(t *testing.T) {
	tests := []struct {
		pattern string
		want    string
	}{
		{"[ipv4-addr:value = '198.51.100.1']", "ipv4 198.51.100.1"},
		{"[domain-name:value = 'a.example' OR domain-name:value = 'b.example']", "domain a.example|domain b.example"},
		{"[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '198.51.100.1' AND network-traffic:dst_port = 8080]", "ip:port 198.51.100.1:8080"},
		{"[network-traffic:dst_ref.value = '2001:db8::1' AND network-traffic:dst_port = 443]", "ip:port [2001:db8::1]:443"},
		{"[file:hashes.'SHA-1' = 'abc']", "sha1 abc"},
		{"[url:value = 'http://a/it\\'s']", "url http://a/it's"},
		{"[(ipv4-addr:value = '1.1.1.1')]", "ipv4 1.1.1.1"},
		{"[ipv4-addr:value != '1.1.1.1']", ""},
		{"[x-custom:value = 'a']", " a"},
	}
	for _, tc := range tests {
		t.Run(tc.pattern, func(t *testing.T) {
			obs, err := parsePattern(tc.pattern)
			if err != nil && tc.want != "" {
				t.Fatal(err)
			}
			var parts []string
			for _, o := range obs {
				parts = append(parts, string(o.typ)+" "+o.value)
			}
			if got := strings.Join(parts, "|"); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// sharedDir finds /work/shared as ../shared from the repository root or
// $HUNTPACK_SHARED.
func sharedDir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("HUNTPACK_SHARED"); d != "" {
		return d
	}
	d, _ := filepath.Abs("../../../shared")
	if _, err := os.Stat(filepath.Join(d, "data", "intel")); err != nil {
		t.Skipf("shared data not found at %s (set HUNTPACK_SHARED)", d)
	}
	return d
}

// TestRealFeeds pins the counts of every real sample in
// /work/shared/data/intel. The numbers were checked independently with
// Python (json/csv modules) over the same files.
func TestRealFeeds(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "data", "intel")
	tests := []struct {
		file     string
		format   Format
		types    string
		families map[string]int
	}{
		{"threatfox_export_recent_2026-07-24.json", ThreatFoxJSON,
			"domain=1207 ip:port=2412 md5=146 sha1=146 sha256=169 url=408",
			map[string]int{"Cobalt Strike": 1398, "Unknown malware": 386, "ClearFake": 362, "AsyncRAT": 299, "Remcos": 286, "AdaptixC2": 228, "Vidar": 164, "Mozi": 128}},
		{"threatfox_csv_recent_2026-04-12_excerpt.csv", ThreatFoxCSV, "domain=62 ip:port=3 url=1",
			map[string]int{"ClearFake": 52, "Quasar RAT": 6, "Remcos": 3, "ValleyRAT": 3, "XWorm": 1, "Vidar": 1}},
		{"threatfox_ipport_full_ips_only_2026-08-22.txt", Plain, "ipv4=19863", map[string]int{"": 19863}},
		{"zeek_intel_abuse-ch-threatfox-ip_2026-08-22.intel", ZeekIntel, "ipv4=3493", map[string]int{"": 3493}},
		{"urlhaus_csv_online_2025-04-21_nobanner.csv", URLhausCSV, "url=11125", map[string]int{"": 11125}},
		{"urlhaus_csv_online_2026-08-18_excerpt.csv", URLhausCSV, "url=15", map[string]int{"": 15}},
		{"feodo_ipblocklist_2024-04-04.csv", FeodoCSV, "ip:port=28", map[string]int{"Pikabot": 28}},
		{"feodo_ipblocklist_2026-07-24.json", FeodoJSON, "ip:port=5", map[string]int{"QakBot": 4, "Emotet": 1}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			res, err := ParseBytes(data, tc.file, "")
			if err != nil {
				t.Fatal(err)
			}
			if res.Format != tc.format {
				t.Errorf("format = %s, want %s", res.Format, tc.format)
			}
			if got := typeCounts(res.Indicators); got != tc.types {
				t.Errorf("types = %q, want %q", got, tc.types)
			}
			if res.Rejected.Total() != 0 {
				t.Errorf("rejected %s: %v", res.Rejected, res.Problems)
			}
			fam := familyCounts(res.Indicators)
			for k, want := range tc.families {
				if fam[k] != want {
					t.Errorf("family %q = %d, want %d", k, fam[k], want)
				}
			}
			if tc.format == ThreatFoxJSON {
				n := 0
				for _, in := range res.Indicators {
					if in.Malware.Name == "Remcos" && in.Type == intel.TypeIPPort {
						n++
					}
				}
				if n != 286 {
					t.Errorf("Remcos ip:port = %d, want 286", n)
				}
			}
		})
	}
}

// fuzzSeeds adds every testdata file as a seed.
func fuzzSeeds(f *testing.F, extra ...string) {
	files, _ := filepath.Glob("testdata/*")
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	for _, e := range extra {
		f.Add([]byte(e))
	}
}

// fuzzFormat checks a parser never panics and only yields valid,
// canonical indicators.
func fuzzFormat(f *testing.F, format Format) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := ParseBytes(data, "fuzz", format)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz") {
				t.Fatalf("error does not name the input: %v", err)
			}
			return
		}
		for _, in := range res.Indicators {
			again := intel.Indicator{Type: in.Type, Value: in.Value}
			if err := intel.Normalize(&again); err != nil || again.Value != in.Value {
				t.Fatalf("non-canonical indicator %s %q: %v", in.Type, in.Value, err)
			}
		}
	})
}

func FuzzSniff(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := ParseBytes(data, "fuzz", "")
		if err == nil && res == nil {
			t.Fatal("nil result without error")
		}
	})
}

func FuzzThreatFoxAPI(f *testing.F)  { fuzzFormat(f, ThreatFoxAPI) }
func FuzzThreatFoxJSON(f *testing.F) { fuzzFormat(f, ThreatFoxJSON) }
func FuzzThreatFoxCSV(f *testing.F)  { fuzzFormat(f, ThreatFoxCSV) }
func FuzzURLhausCSV(f *testing.F)    { fuzzFormat(f, URLhausCSV) }
func FuzzFeodoCSV(f *testing.F)      { fuzzFormat(f, FeodoCSV) }
func FuzzFeodoJSON(f *testing.F)     { fuzzFormat(f, FeodoJSON) }
func FuzzMISP(f *testing.F)          { fuzzFormat(f, MISP) }
func FuzzSTIX(f *testing.F)          { fuzzFormat(f, STIX) }
func FuzzZeekIntel(f *testing.F)     { fuzzFormat(f, ZeekIntel) }
func FuzzPlain(f *testing.F)         { fuzzFormat(f, Plain) }

func TestCompressed(t *testing.T) {
	csvData, err := os.ReadFile("testdata/threatfox_14col.csv")
	if err != nil {
		t.Fatal(err)
	}
	full := strings.Replace(string(csvData), "recent additions - CSV format", "additions - CSV format (full dump)", 1)
	var zbuf bytes.Buffer
	zw := zip.NewWriter(&zbuf)
	for _, m := range []struct{ name, body string }{{"full.csv", full}, {"more/part2.csv", "# \"first_seen_utc\",\"ioc_id\",\"ioc_value\",\"ioc_type\"\n\"2024-01-01 00:00:00\", \"9\", \"evil.example\", \"domain\"\n"}} {
		w, _ := zw.Create(m.name)
		w.Write([]byte(m.body))
	}
	zw.Close()
	res, err := ParseBytes(zbuf.Bytes(), "full.zip", "")
	if err != nil {
		t.Fatal(err)
	}
	if got := typeCounts(res.Indicators); got != "domain=1 ip:port=1 url=1" || res.Format != ThreatFoxCSV {
		t.Errorf("zip: %s %s", res.Format, got)
	}
	if len(res.Problems) != 1 || res.Problems[0].Pos != "full.zip!full.csv:9" {
		t.Errorf("problems %v", res.Problems)
	}
	var gbuf bytes.Buffer
	gw := gzip.NewWriter(&gbuf)
	gw.Write(csvData)
	gw.Close()
	res, err = ParseBytes(gbuf.Bytes(), "recent.csv.gz", "")
	if err != nil || typeCounts(res.Indicators) != "ip:port=1 url=1" {
		t.Errorf("gzip: %v %+v", err, res)
	}
	if _, err := ParseBytes([]byte("PK\x03\x04garbage"), "bad.zip", ""); err == nil || !strings.Contains(err.Error(), "bad.zip: zip") {
		t.Errorf("bad zip: %v", err)
	}
}

func TestThreatFoxBareList(t *testing.T) {
	res, err := ParseBytes([]byte(`[{"id":"7","ioc":"Evil.Example","ioc_type":"domain","malware_printable":"Remcos","tags":["a"]}]`), "list.json", "")
	if err != nil || len(res.Indicators) != 1 || res.Indicators[0].Value != "evil.example" || res.Indicators[0].SourceID != "7" {
		t.Fatalf("%v %+v", err, res)
	}
}

// TestCSVBadRowsRejectedAlone: a malformed CSV record (broken quoting, too
// few fields, a truncated last row) is rejected with its file:line and the
// reason, and every other row of the file is still read.
func TestCSVBadRowsRejectedAlone(t *testing.T) {
	tfHead := "# \"first_seen_utc\",\"ioc_id\",\"ioc_value\",\"ioc_type\",\"threat_type\",\"fk_malware\",\"malware_alias\",\"malware_printable\",\"last_seen_utc\",\"confidence_level\",\"is_compromised\",\"reference\",\"tags\",\"anonymous\",\"reporter\"\n"
	tfRow := func(id, v string) string {
		return `"2026-04-12 04:49:21", "` + id + `", "` + v + `", "domain", "payload_delivery", "js.clearfake", "None", "ClearFake", "2026-04-12 04:49:29", "100", "False", "None", "ClearFake", "1", "x"` + "\n"
	}
	uhHead := "# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n"
	uhRow := func(id, u string) string {
		return `"` + id + `","2026-08-18 16:17:08","` + u + `","online","2026-08-18 16:17:08","malware_download","None","https://urlhaus.abuse.ch/url/1/","X"` + "\n"
	}
	tests := []struct {
		name, in  string
		format    Format
		values    string // indicator values, space-separated
		problems  []string
		malformed int
	}{
		{"escaped quote backslash", tfHead + tfRow("1", "a.example") + tfRow("2", `x\" | */.example`) + tfRow("3", "c.example"),
			ThreatFoxCSV, "a.example c.example", []string{`x:3: malformed CSV record: extraneous " in quoted field (line 3, column 33)`}, 1},
		{"bare quote", tfHead + tfRow("1", "a.example") + "2026-04-12, 2, b\"c.example, domain\n" + tfRow("3", "c.example"),
			ThreatFoxCSV, "a.example c.example", []string{`x:3: malformed CSV record: bare " in non-quoted field (line 3, column 17)`}, 1},
		{"truncated last row", tfHead + tfRow("1", "a.example") + tfRow("2", "b.example") + `"2026-04-12", "3", "cut.exa`,
			ThreatFoxCSV, "a.example b.example", []string{`x:4: malformed CSV record: quoted field not terminated (missing closing ") (line 4, column 20)`}, 1},
		{"quote bomb swallows next line only", tfHead + tfRow("1", "a.example") + `"""""""""` + "\n" + tfRow("2", "b.example"),
			ThreatFoxCSV, "a.example b.example", []string{`x:3: malformed CSV record: extraneous " in quoted field (line 4, column 2)`}, 1},
		{"no header wrong count", tfRow("1", "a.example") + "\"a\", \"b\"\n", ThreatFoxCSV, "a.example",
			[]string{"x:2: malformed record: ThreatFox CSV row has 2 fields and there is no header"}, 1},
		{"crlf and multi-line quoted field", strings.ReplaceAll(tfHead+tfRow("1", "a.example"), "\n", "\r\n") + strings.Replace(tfRow("2", "b.example"), `"None", "ClearFake"`, "\"None\r\nmore\", \"ClearFake\"", 1),
			ThreatFoxCSV, "a.example b.example", nil, 0},
		{"urlhaus short row", uhHead + uhRow("1", "http://a.example/x") + "\"2\",\"2026-08-18\"\n" + uhRow("3", "http://c.example/y"),
			URLhausCSV, "http://a.example/x http://c.example/y", []string{"x:3: malformed record: URLhaus CSV row has 2 fields, want 9"}, 1},
		{"urlhaus unterminated", uhHead + uhRow("1", "http://a.example/x") + "\"2\",\"2026-08-18\n" + uhRow("3", "http://c.example/y"),
			URLhausCSV, "http://a.example/x http://c.example/y", []string{"x:3: malformed CSV record"}, 1},
		{"feodo short row", "\"first_seen_utc\",\"dst_ip\",\"dst_port\",\"c2_status\",\"last_online\",\"malware\"\n\"2023-05-23 17:51:41\",\"192.9.135.73\"\n\"2023-05-23 17:51:41\",\"192.9.135.74\",\"443\",\"online\",\"2024-04-01\",\"Pikabot\"\n",
			FeodoCSV, "192.9.135.74:443", []string{"x:2: malformed record: Feodo CSV row has 2 fields, want 6"}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := ParseBytes([]byte(tc.in), "x", tc.format)
			if err != nil {
				t.Fatal(err)
			}
			var vals []string
			for _, in := range res.Indicators {
				vals = append(vals, in.Value)
			}
			if got := strings.Join(vals, " "); got != tc.values {
				t.Errorf("values = %q, want %q", got, tc.values)
			}
			if res.Rejected[intel.ReasonMalformed] != tc.malformed {
				t.Errorf("malformed = %d, want %d (%v)", res.Rejected[intel.ReasonMalformed], tc.malformed, res.Rejected)
			}
			if len(res.Problems) != len(tc.problems) {
				t.Fatalf("problems = %v, want %d", res.Problems, len(tc.problems))
			}
			for i, p := range tc.problems {
				if got := res.Problems[i].Pos + ": " + res.Problems[i].Reason; !strings.HasPrefix(got, p) {
					t.Errorf("problem %d = %q, want prefix %q", i, got, p)
				}
			}
		})
	}
}

// TestCSVScannerMatchesEncodingCSV: on well-formed input the tolerant
// scanner gives exactly encoding/csv's records and lines.
func TestCSVScannerMatchesEncodingCSV(t *testing.T) {
	for _, f := range []string{"testdata/threatfox_14col.csv", "testdata/threatfox_15col.csv", "testdata/threatfox_extra_col.csv", "testdata/urlhaus.csv", "testdata/feodo.csv"} {
		t.Run(f, func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			checkScannerAgainstCSV(t, data)
		})
	}
}

func checkScannerAgainstCSV(t *testing.T, data []byte) {
	t.Helper()
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comment, cr.TrimLeadingSpace, cr.FieldsPerRecord = '#', true, -1
	sc := newCSVScanner(data)
	for {
		want, werr := cr.Read()
		if werr == io.EOF {
			if rec, _, perr, ok := nextNonBlank(sc); ok {
				t.Fatalf("scanner has more: %q %v", rec, perr)
			}
			return
		}
		if werr != nil {
			return // malformed input: compared elsewhere
		}
		if len(want) == 1 && strings.TrimSpace(want[0]) == "" {
			continue // blank: csvRows skips it
		}
		wline, _ := cr.FieldPos(0)
		got, line, perr, ok := nextNonBlank(sc)
		if perr != nil && strings.Count(strings.Join(want, ""), "\n") >= maxRecordLines {
			return // by design: a quoted field may span at most maxRecordLines lines
		}
		if !ok || perr != nil {
			t.Fatalf("scanner ended or failed (%v) where encoding/csv read %q", perr, want)
		}
		if strings.Join(got, "\x00") != strings.Join(want, "\x00") || line != wline {
			t.Fatalf("line %d %q, encoding/csv line %d %q", line, got, wline, want)
		}
	}
}

// nextNonBlank is sc.next without the records csvRows skips (one blank field).
func nextNonBlank(sc *csvScanner) ([]string, int, *csvError, bool) {
	for {
		rec, line, perr, ok := sc.next()
		if !ok || perr != nil || len(rec) != 1 || strings.TrimSpace(rec[0]) != "" {
			return rec, line, perr, ok
		}
	}
}

// FuzzCSVScanner: wherever encoding/csv reads an input without error, the
// tolerant scanner reads the same records on the same lines; on any input
// it terminates without panicking.
func FuzzCSVScanner(f *testing.F) {
	fuzzSeeds(f, "a,\"b\"\"c\"\n#x\n\"d\ne\",f\r\n", "\"\"\"\n\"a\"b\n", " , \n",
		"\""+strings.Repeat("\n", maxRecordLines-1)+"\",x\n", "\""+strings.Repeat("\n", maxRecordLines)+"\",x\n")
	f.Fuzz(func(t *testing.T, data []byte) {
		cr := csv.NewReader(bytes.NewReader(data))
		cr.Comment, cr.TrimLeadingSpace, cr.FieldsPerRecord = '#', true, -1
		if _, err := cr.ReadAll(); err == nil && !bytes.Contains(data, []byte("\r")) {
			checkScannerAgainstCSV(t, data)
		}
		sc := newCSVScanner(data)
		for n := 0; ; n++ {
			if _, _, _, ok := sc.next(); !ok {
				break
			}
			if n > len(data)+1 {
				t.Fatal("scanner does not advance")
			}
		}
	})
}

// TestZeekIntelSkippedLinesHavePositions: a Zeek intel line that does not
// match #fields is rejected, and a line of an unhunted type is skipped,
// each reported with file:line.
func TestZeekIntelSkippedLinesHavePositions(t *testing.T) {
	in := "#fields\tindicator\tindicator_type\tmeta.source\n1.2.3.4\tIntel::ADDR\tX\nonlyone\n" +
		"a@b.example\tIntel::EMAIL\tX\n5.6.7.8\tIntel::ADDR\tX\textra\nevil.example\tIntel::DOMAIN\tX\n"
	res, err := ParseBytes([]byte(in), "z.intel", ZeekIntel)
	if err != nil {
		t.Fatal(err)
	}
	if got := typeCounts(res.Indicators); got != "domain=1 ipv4=1" {
		t.Errorf("types = %q", got)
	}
	want := []string{
		`z.intel:3: malformed record: Zeek intel line has 1 field, #fields names 3: "onlyone"`,
		`z.intel:4: skipped: Zeek indicator type "Intel::EMAIL" is not hunted: "a@b.example"`,
		`z.intel:5: malformed record: Zeek intel line has 4 fields, #fields names 3: "5.6.7.8\tIntel::ADDR\tX\textra"`,
	}
	var got []string
	for _, p := range res.Problems {
		got = append(got, p.String())
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if res.Rejected[intel.ReasonMalformed] != 2 || res.Skipped["zeek Intel::EMAIL"] != 1 {
		t.Errorf("rejected %v skipped %v", res.Rejected, res.Skipped)
	}
}

func utf16Bytes(s string, bigEndian, bom bool) []byte {
	var out []byte
	if bom {
		if bigEndian {
			out = append(out, 0xfe, 0xff)
		} else {
			out = append(out, 0xff, 0xfe)
		}
	}
	for _, u := range utf16.Encode([]rune(s)) {
		if bigEndian {
			out = append(out, byte(u>>8), byte(u))
		} else {
			out = append(out, byte(u), byte(u>>8))
		}
	}
	return out
}

// TestUTF16Feeds: UTF-16 feeds (LE/BE, with or without BOM) read like
// their UTF-8 text; an odd byte count is an error naming the file.
func TestUTF16Feeds(t *testing.T) {
	text := "# list\n46[.]151[.]182[.]76\nevil-c2.top\nhxxp://évil.example/x\n"
	for _, tc := range []struct {
		name    string
		be, bom bool
	}{{"le bom", false, true}, {"be bom", true, true}, {"le no bom", false, false}, {"be no bom", true, false}} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := ParseBytes(utf16Bytes(text, tc.be, tc.bom), "u.txt", "")
			if err != nil {
				t.Fatal(err)
			}
			if got := typeCounts(res.Indicators); got != "domain=1 ipv4=1 url=1" || res.Format != Plain {
				t.Errorf("%s: %s, problems %v", res.Format, got, res.Problems)
			}
		})
	}
	if _, err := ParseBytes(append(utf16Bytes(text, false, true), 'x'), "odd.txt", ""); err == nil || !strings.Contains(err.Error(), "odd.txt: UTF-16 text with an odd number of bytes") {
		t.Errorf("odd length: %v", err)
	}
	// Plain ASCII and Latin-1 are not mistaken for UTF-16.
	if out, ok, _ := decodeUTF16([]byte("1.2.3.4\nevil.example\n")); ok || string(out) != "1.2.3.4\nevil.example\n" {
		t.Error("ASCII taken for UTF-16")
	}
}
