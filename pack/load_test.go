package pack

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func samplePack() *Pack {
	fs := time.Date(2026, 5, 22, 10, 0, 0, 0, time.UTC)
	return &Pack{
		ID: "remcos-test", Title: "Remcos test", Family: "Remcos",
		Hypothesis: "Hosts talk to Remcos C2.",
		Techniques: []Technique{{ID: "T1071", Name: "Application Layer Protocol", Tactic: "command-and-control"}},
		IOCs: []IOC{
			{Type: TypeIPPort, Value: "46.151.182.76", Port: 8080, ThreatType: "botnet_cc", Confidence: 75, FirstSeen: fs, Source: "threatfox", SourceID: "1", Family: "Remcos", Tags: []string{"remcos"}},
			{Type: TypeDomain, Value: "sls.in.net", ThreatType: "botnet_cc", Confidence: 75, FirstSeen: fs},
		},
		Exclusions: []Exclusion{{ID: "rdp", Scenario: "Admin RDP", Reason: "mstsc", Condition: Condition{Field: "process.name", Operator: OpEquals, Value: "mstsc.exe"},
			And: []Condition{{Field: "user.name", Operator: OpIn, Values: []string{"admin"}}}}},
		Queries: []Query{{ID: "ipport-mde", Title: "IPs", Table: "DeviceNetworkEvents", File: "queries/01_ipport-mde.kql",
			KQL: "let lookback = 14d;\nDeviceNetworkEvents\n| where Timestamp > ago(lookback)\n", IOCs: []string{"46.151.182.76:8080"},
			TimestampColumn: "Timestamp", LookbackParam: LookbackParam,
			Exclusions: []ExclusionStatus{{ID: "rdp", Status: StatusApplied, Columns: []string{"InitiatingProcessFileName", "InitiatingProcessAccountName"}}}},
			{ID: "inline", Title: "inline", KQL: "DnsEvents | take 1"}},
		DataSources: []DataSource{{Table: "DeviceNetworkEvents", Connector: "Microsoft Defender XDR", Notes: "x"}},
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	dir := t.TempDir()
	p := samplePack()
	// A stale query file from an earlier build must go.
	os.MkdirAll(filepath.Join(dir, "queries"), 0o755)
	os.WriteFile(filepath.Join(dir, "queries", "99_old.kql"), []byte("old"), 0o644)
	os.MkdirAll(filepath.Join(dir, "export", "sigma"), 0o755)
	os.WriteFile(filepath.Join(dir, "export", "sigma", "old.yml"), []byte("old"), 0o644)
	os.MkdirAll(filepath.Join(dir, "logs"), 0o755)
	os.WriteFile(filepath.Join(dir, "logs", "keep.csv"), []byte("keep"), 0o644)
	if err := p.Save(dir, File{Path: "README.md", Data: []byte("# hi\n")}); err != nil {
		t.Fatal(err)
	}
	for _, stale := range []string{"queries/99_old.kql", "export/sigma/old.yml"} {
		if _, err := os.Stat(filepath.Join(dir, stale)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("stale %s kept: %v", stale, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "logs", "keep.csv")); err != nil {
		t.Errorf("Save removed a file it does not own: %v", err)
	}
	got, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := samplePack()
	want.Version = FormatVersion
	want.Dir = dir
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("round trip (-want +got):\n%s", d)
	}
	manifest, _ := os.ReadFile(filepath.Join(dir, ManifestFile))
	if strings.Contains(string(manifest), "DeviceNetworkEvents\n| where") {
		t.Errorf("KQL of a file query written into pack.yaml:\n%s", manifest)
	}
}

func TestLoadBareSeed(t *testing.T) {
	p, err := Load("testdata/seedpack")
	if err != nil {
		t.Fatal(err)
	}
	type q struct{ ID, Title, Table, TS string }
	var got []q
	for _, x := range p.Queries {
		if x.KQL == "" {
			t.Errorf("%s: no KQL", x.ID)
		}
		got = append(got, q{x.ID, x.Title, x.Table, x.TimestampColumn})
	}
	want := []q{
		{"01_CommonSecurityLog_ips", "Hunt for network connections to known malicious IPs", "CommonSecurityLog", "TimeGenerated"},
		{"02_DeviceNetworkEvents_ips", "Hunt in Defender for Endpoint network events", "DeviceNetworkEvents", "Timestamp"},
		{"03_DnsEvents_domains", "Hunt for DNS queries to known malicious domains", "DnsEvents", "TimeGenerated"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if p.Title != "Remcos C2 hunt (the seed pack)" {
		t.Errorf("title %q", p.Title)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, yaml string
		files      map[string]string
		want       string
	}{
		{name: "empty dir", want: "no pack.yaml and no queries"},
		{name: "unknown key", yaml: "id: x\ntitel: y\nqueries: []\n", want: "pack.yaml: yaml: unmarshal errors:\n  line 2: field titel not found"},
		{name: "bad yaml", yaml: "id: [\n", want: "pack.yaml: yaml: line"},
		{name: "empty file", yaml: "", want: "empty file"},
		{name: "escape dir", yaml: "id: x\nqueries:\n  - id: a\n    file: ../../etc/passwd\n", want: "must be a relative path inside the pack"},
		{name: "missing query file", yaml: "id: x\nqueries:\n  - id: a\n    file: queries/a.kql\n", want: "query a: open queries/a.kql"},
		{name: "dup ids", yaml: "id: x\nqueries:\n  - {id: a, kql: T}\n  - {id: a, kql: T}\n", want: "queries[1] a: id is used twice"},
		{name: "unknown ioc", yaml: "id: x\nqueries:\n  - {id: a, kql: T, iocs: [1.2.3.4]}\n", want: `covers IOC "1.2.3.4" which is not in iocs`},
		{name: "bad field", yaml: "id: x\nexclusions:\n  - {id: e, scenario: s, field: process.nam, operator: equals, value: v}\nqueries: []\n", want: `unknown field "process.nam"`},
		{name: "bad op", yaml: "id: x\nexclusions:\n  - {id: e, scenario: s, field: process.name, operator: like, value: v}\nqueries: []\n", want: `unknown operator "like"`},
		{name: "newer version", yaml: "version: 99\nid: x\nqueries: []\n", want: "format version 99 is newer"},
		{name: "control char in ioc value", yaml: "id: x\niocs:\n  - type: domain\n    value: \"evil\\u0007.example\"\nqueries:\n  - {id: a, kql: T}\n",
			want: `line 4: iocs[0].value holds control character U+0007 at byte 4: "evil\a.example"`},
		{name: "escape in ioc tag", yaml: "id: x\niocs:\n  - type: domain\n    value: evil.example\n    tags: [ok, \"\\e[31m\"]\nqueries:\n  - {id: a, kql: T}\n",
			want: `line 5: iocs[0].tags[1] holds control character U+001B at byte 0`},
		{name: "control char in exclusion value", yaml: "id: x\nexclusions:\n  - {id: e, scenario: s, field: process.name, operator: equals, value: \"a\\u0000b\"}\nqueries:\n  - {id: a, kql: T}\n",
			want: `line 3: exclusions[0].value holds control character U+0000 at byte 1`},
		{name: "line separator in query title", yaml: "id: x\nqueries:\n  - id: a\n    title: \"a\\u2028b\"\n    kql: T\n",
			want: `line 4: queries[0].title holds control character U+2028`},
		{name: "empty queries", yaml: "id: x\nqueries: []\n", want: "line 2: queries: the list is empty (a pack needs at least one query)"},
		{name: "missing queries", yaml: "id: x\niocs:\n  - type: domain\n    value: evil.example\n", want: "queries: missing (the file ends at line 4: truncated?)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.yaml != "" || tc.name == "empty file" {
				os.WriteFile(filepath.Join(dir, ManifestFile), []byte(tc.yaml), 0o644)
			}
			_, err := Load(dir)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestWithLookback(t *testing.T) {
	src := "// x\nlet lookback = 14d;\nT | where TimeGenerated > ago(lookback)"
	if got := LookbackLiteral(src); got != "14d" {
		t.Errorf("literal %q", got)
	}
	got, ok := WithLookback(src, "30d")
	if !ok || got != "// x\nlet lookback = 30d;\nT | where TimeGenerated > ago(lookback)" {
		t.Errorf("got %q %v", got, ok)
	}
	if _, ok := WithLookback(src, "30d; T"); ok {
		t.Error("accepted a non-literal")
	}
	if _, ok := WithLookback("T | take 1", "1d"); ok {
		t.Error("rewrote a query without lookback")
	}
}

// FuzzParse feeds arbitrary pack.yaml text to Parse: it must not panic,
// and whatever it accepts must survive Marshal and Parse again unchanged.
func FuzzParse(f *testing.F) {
	golden, _ := os.ReadFile(filepath.Join("testdata", "golden", "sample", ManifestFile))
	f.Add(golden)
	f.Add([]byte("id: x\nqueries:\n  - {id: a, kql: T}\n"))
	f.Add([]byte("id: x\nexclusions:\n  - {id: e, scenario: s, field: process.name, operator: in, values: [a]}\nqueries: []\n"))
	f.Add([]byte("version: 2\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Parse(b, "fuzz.yaml")
		if err != nil {
			return
		}
		m1, err := p.Marshal()
		if err != nil {
			return // e.g. values yaml cannot encode; Parse accepted, Save will report it
		}
		p2, err := Parse(m1, "again.yaml")
		if err != nil {
			t.Fatalf("re-parse of marshalled pack failed: %v\n%s", err, m1)
		}
		m2, err := p2.Marshal()
		if err != nil || string(m1) != string(m2) {
			t.Fatalf("marshal not stable (%v):\n%s\n---\n%s", err, m1, m2)
		}
	})
}

func TestLoadBareTopLevelKQL(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "hunt.kql"), []byte("// Look for it\nlet x = 1;\nDnsEvents\n| where TimeGenerated > ago(1d)\n"), 0o644)
	p, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Queries) != 1 || p.Queries[0].Table != "DnsEvents" || p.Queries[0].Title != "Look for it" || p.Queries[0].File != "hunt.kql" {
		t.Errorf("queries %+v", p.Queries)
	}
	if p.Title != p.ID || p.Readme != "" {
		t.Errorf("title %q readme %q", p.Title, p.Readme)
	}
}
