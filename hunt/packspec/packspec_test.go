package packspec

import (
	"strings"
	"testing"

	"github.com/huntpack/huntpack/hunt"
	"github.com/huntpack/huntpack/pack"
)

func TestRefang(t *testing.T) {
	for in, want := range map[string]string{
		"46[.]151[.]182[.]76:8080": "46.151.182.76:8080",
		"hxxps://evil[.]com/a":     "https://evil.com/a",
		"sls.in.net":               "sls.in.net",
	} {
		if got := Refang(in); got != want {
			t.Errorf("Refang(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestRemcosExample loads the hand-written seed pack: IOCs come from the
// README table (refanged, with first_seen), scenarios from its prose table.
func TestRemcosExample(t *testing.T) {
	p, err := pack.Load("../../examples/remcos")
	if err != nil {
		t.Skipf("examples/remcos not loadable: %v", err)
	}
	s, err := FromPack(p, "")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, i := range s.Indicators {
		got = append(got, i.Type+"="+i.Value+"@"+i.FirstSeen.Format("2006-01-02"))
	}
	want := "ip:port=46.151.182.76:8080@2026-05-22 ip:port=138.9.254.121:8015@2026-05-22 domain=sls.in.net@2026-05-22 ip:port=193.29.13.23:5758@2026-05-21"
	if strings.Join(got, " ") != want {
		t.Errorf("indicators:\n got %s\nwant %s", strings.Join(got, " "), want)
	}
	if len(s.Queries) != 3 || s.Queries[0].Table != "CommonSecurityLog" {
		t.Errorf("queries = %+v", s.Queries)
	}
	if len(s.Scenarios) != 5 || s.Scenarios[0].Note == "" {
		t.Errorf("scenarios = %+v", s.Scenarios)
	}
	if !strings.Contains(s.Hypothesis, "Remcos") {
		t.Errorf("hypothesis = %q", s.Hypothesis)
	}
}

func TestLiteralIndicators(t *testing.T) {
	qs := []hunt.Query{{Text: `let ips = dynamic(["1.2.3.4", "evil.example.com", "cmd.exe"]); T | where x in (ips)`}}
	got := literalIndicators(qs)
	if len(got) != 2 || got[0].Type != "ip" || got[1].Value != "evil.example.com" {
		t.Errorf("got %+v", got)
	}
}

func TestPackExclusions(t *testing.T) {
	p := &pack.Pack{
		Exclusions: []pack.Exclusion{{ID: "rdp", Scenario: "Admin RDP", Condition: pack.Condition{Field: "process.name", Operator: pack.OpEquals, Value: "mstsc.exe"}}},
	}
	q := pack.Query{ID: "q", Table: "DeviceNetworkEvents", KQL: "DeviceNetworkEvents\n| where RemoteIP in (\"1.2.3.4\")\n| where not(InitiatingProcessFileName =~ \"mstsc.exe\")\n",
		Exclusions: []pack.ExclusionStatus{{ID: "rdp", Status: pack.StatusApplied, Columns: []string{"InitiatingProcessFileName"}}}}
	p.Queries = []pack.Query{q}
	hq, err := queryOf(p, q, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(hq.Exclusions) != 1 || hq.Exclusions[0].Line != 2 || hq.Exclusions[0].Scenario != "Admin RDP" {
		t.Errorf("exclusions = %+v", hq.Exclusions)
	}
}

func FuzzReadmeIndicators(f *testing.F) {
	f.Add("| Type | Value | First Seen | Confidence |\n|---|---|---|---|\n| ip:port | 1[.]2[.]3[.]4:80 | 2026-05-22 | 75% |\n")
	f.Add("| Scenario | x |\n|---|\n| a |")
	f.Fuzz(func(t *testing.T, s string) {
		for _, ind := range readmeIndicators(s) {
			if ind.Type == "" || ind.Value == "" {
				t.Fatalf("empty indicator %+v", ind)
			}
		}
		readmeSection(s, "Hypothesis")
	})
}
