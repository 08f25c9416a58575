package local

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/huntpack/huntpack/hunt"
	"github.com/huntpack/huntpack/hunt/packspec"
	"github.com/huntpack/huntpack/logs"
	"github.com/huntpack/huntpack/pack"
)

const remcos = "../../examples/remcos"

func remcosRun(t *testing.T, mutate func(*hunt.Spec)) (*hunt.Result, *Backend, error) {
	t.Helper()
	p, err := pack.Load(remcos)
	if err != nil {
		t.Fatal(err)
	}
	spec, err := packspec.FromPack(p, "")
	if err != nil {
		t.Fatal(err)
	}
	if mutate != nil {
		mutate(spec)
	}
	cat, err := logs.Open(logs.OpenOptions{Dirs: []string{filepath.Join(remcos, "logs")}})
	if err != nil {
		t.Fatal(err)
	}
	be := New(cat, Options{Name: "local"})
	res, err := hunt.Run(context.Background(), spec, be, hunt.Options{})
	return res, be, err
}

// TestRemcosExample pins the seed pack's result on its sample logs (see
// examples/remcos/README.md: 5 + 4 + 4 hits, one before first_seen).
func TestRemcosExample(t *testing.T) {
	res, be, err := remcosRun(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	var hits []int
	for _, q := range res.Queries {
		hits = append(hits, q.Hits)
	}
	if len(hits) != 3 || hits[0] != 5 || hits[1] != 4 || hits[2] != 4 {
		t.Errorf("hits per query = %v, want [5 4 4]", hits)
	}
	tt := res.Totals
	if tt.Hits != 13 || tt.IOCsHit != 4 || tt.IOCsExact != 3 || tt.IOCsIPOnly != 0 || tt.IPOnlyHits != 3 || tt.BeforeFirstSeen != 1 || tt.Unattributed != 0 {
		t.Errorf("totals = %+v", res.Totals)
	}
	// Hits, port matched, mismatched, unknown per finding. The rows on
	// 193.29.13.23:443 and the inbound 138.9.254.121 row (no source port
	// in the seed's projection) are "ip only" hits of the IP, not of the
	// IOC; every row is credited once, so the hits add up to 13.
	want := map[string][4]int{
		"sls.in.net":         {4, 0, 0, 0},
		"46.151.182.76:8080": {3, 3, 0, 0},
		"193.29.13.23:5758":  {2, 2, 0, 0},
		"138.9.254.121:8015": {1, 1, 0, 0},
		"193.29.13.23":       {2, 0, 2, 0},
		"138.9.254.121":      {1, 0, 0, 1},
	}
	got := map[string][4]int{}
	sum := 0
	for _, f := range res.Findings {
		got[f.Indicator.Value] = [4]int{f.Hits, f.PortMatched, f.PortMismatched, f.PortUnknown}
		sum += f.Hits
		if f.Indicator.Value == "46.151.182.76:8080" && f.BeforeFirstSeen != 1 {
			t.Errorf("46.151.182.76:8080 finding = %+v", f)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) || sum != 13 {
		t.Errorf("findings (hits, matched, mismatched, unknown) = %v (sum %d), want %v (13)", got, sum, want)
	}
	s := be.ScanSummary()
	if len(s.Tables) != 3 || s.Rows == 0 || s.Files != 3 {
		t.Errorf("scan summary = %+v", s)
	}
}

// TestExclusionsSuppressed adds a tagged exclusion to the Defender query
// and checks the suppressed hits are counted, per scenario and per IOC.
func TestExclusionsSuppressed(t *testing.T) {
	res, _, err := remcosRun(t, func(s *hunt.Spec) {
		q := &s.Queries[1]
		q.Text = strings.Replace(q.Text, "| project", "| where not(InitiatingProcessFileName =~ \"sqlservr.exe\") // exclusion: SQL Server backup job\n| project", 1)
		q.Exclusions = hunt.DetectExclusions(q.Text)
	})
	if err != nil {
		t.Fatal(err)
	}
	q := res.Queries[1]
	if q.Hits != 3 || q.Suppressed != 1 {
		t.Errorf("query hits %d suppressed %d, want 3 1", q.Hits, q.Suppressed)
	}
	var sc *hunt.ScenarioResult
	for i := range res.Scenarios {
		if res.Scenarios[i].Name == "SQL Server backup job" {
			sc = &res.Scenarios[i]
		}
	}
	if sc == nil || !sc.Applied || sc.Suppressed != 1 {
		t.Errorf("scenario = %+v", sc)
	}
	// The backup row went to 193.29.13.23 on port 443: the IP's, not the
	// ip:port IOC's.
	for _, f := range res.Findings {
		if w := map[string]int{"193.29.13.23": 1, "193.29.13.23:5758": 0}[f.Indicator.Value]; f.Suppressed != w {
			t.Errorf("%s suppressed = %d, want %d", f.Indicator.Value, f.Suppressed, w)
		}
	}
}

func TestBadQuery(t *testing.T) {
	res, _, err := remcosRun(t, func(s *hunt.Spec) {
		s.Queries[0].Text = "CommonSecurityLog\n| wher x"
	})
	if !errors.Is(err, hunt.ErrQuery) {
		t.Fatalf("err = %v, want ErrQuery", err)
	}
	if !strings.Contains(res.Queries[0].Error, ":2:") || res.Queries[1].Hits != 4 {
		t.Errorf("error %q should name line 2; other queries should still run", res.Queries[0].Error)
	}
}

func TestMain(m *testing.M) {
	if _, err := os.Stat(remcos); err != nil {
		os.Stderr.WriteString("examples/remcos missing\n")
	}
	os.Exit(m.Run())
}

func TestScanWarnings(t *testing.T) {
	dir := t.TempDir()
	csv := "TimeGenerated,SourceIP,DestinationIP\n2026-05-23T09:14:02Z,10.0.0.1,46.151.182.76\nshort\n"
	if err := os.WriteFile(filepath.Join(dir, "CommonSecurityLog.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	cat, err := logs.Open(logs.OpenOptions{Dirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	be := New(cat, Options{})
	spec := &hunt.Spec{Indicators: []hunt.Indicator{{Type: "ip", Value: "46.151.182.76"}},
		Queries: []hunt.Query{{Name: "q", Table: "CommonSecurityLog", Text: `CommonSecurityLog | where DestinationIP == "46.151.182.76"`}}}
	res, err := hunt.Run(context.Background(), spec, be, hunt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Totals.Hits != 1 || res.Scan.Malformed != 1 || len(res.Scan.Warnings) != 1 || !strings.Contains(res.Scan.Warnings[0], "CommonSecurityLog.csv:3") {
		t.Errorf("hits %d, scan %+v", res.Totals.Hits, res.Scan)
	}
}

// TestGeneratedPack builds a pack from the seed's IOCs with pack.Build
// (default exclusions, 14d lookback) and runs it over the example logs:
// the generated exclusion lines are found, suppressed hits are counted
// and attributed, and the ports of ip:port IOCs are checked.
func TestGeneratedPack(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	iocs := []pack.IOC{
		{Type: pack.TypeIPPort, Value: "46.151.182.76", Port: 8080, FirstSeen: day("2026-05-22"), Confidence: 75, ThreatType: "botnet_cc", Source: "threatfox"},
		{Type: pack.TypeIPPort, Value: "138.9.254.121", Port: 8015, FirstSeen: day("2026-05-22"), Confidence: 75, ThreatType: "botnet_cc", Source: "threatfox"},
		{Type: pack.TypeDomain, Value: "sls.in.net", FirstSeen: day("2026-05-22"), Confidence: 75, ThreatType: "botnet_cc", Source: "threatfox"},
		{Type: pack.TypeIPPort, Value: "193.29.13.23", Port: 5758, FirstSeen: day("2026-05-21"), Confidence: 75, ThreatType: "botnet_cc", Source: "threatfox"},
	}
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	p, err := pack.Build(iocs, pack.BuildOptions{Family: "Remcos", Now: now, Lookback: "30d"})
	if err != nil {
		t.Skipf("pack.Build: %v", err)
	}
	spec, err := packspec.FromPack(p, "")
	if err != nil {
		t.Fatal(err)
	}
	cat, err := logs.Open(logs.OpenOptions{Dirs: []string{filepath.Join(remcos, "logs")}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := hunt.Run(context.Background(), spec, New(cat, Options{Now: now}), hunt.Options{})
	if err != nil {
		for _, q := range res.Queries {
			if q.Error != "" {
				t.Logf("%s: %s\n%s", q.Name, q.Error, spec.Queries[0].Text)
			}
		}
		t.Fatal(err)
	}
	if res.Totals.Hits == 0 {
		t.Fatalf("no hits: %+v", res.Totals)
	}
	var exclLines int
	for _, q := range spec.Queries {
		exclLines += len(q.Exclusions)
	}
	t.Logf("%d queries, %d exclusion lines, totals %+v", len(spec.Queries), exclLines, res.Totals)
	for _, s := range res.Scenarios {
		t.Logf("scenario %q applied=%v suppressed=%d %s", s.Name, s.Applied, s.Suppressed, s.Note)
	}
	if exclLines == 0 || res.Totals.Suppressed != 1 {
		t.Errorf("exclusion lines %d, suppressed %d; want >0 and 1 (the sqlservr.exe backup row)", exclLines, res.Totals.Suppressed)
	}
	for _, s := range res.Scenarios {
		if strings.Contains(s.Name, "SQL Server Agent") && (!s.Applied || s.Suppressed != 1) {
			t.Errorf("scenario %+v, want applied with 1 suppressed", s)
		}
	}
	for _, f := range res.Findings {
		if w := map[string]int{"193.29.13.23": 1, "193.29.13.23:5758": 0}[f.Indicator.Value]; f.Suppressed != w {
			t.Errorf("%s suppressed = %d, want %d (the backup row is on port 443)", f.Indicator.Value, f.Suppressed, w)
		}
		if f.Indicator.Value == "46.151.182.76:8080" && f.BeforeFirstSeen != 1 {
			t.Errorf("46.151.182.76:8080 before first_seen = %d, want 1", f.BeforeFirstSeen)
		}
	}
}

// sharedDir finds /work/shared (../shared from the repo root, or
// $HUNTPACK_SHARED).
func sharedDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("HUNTPACK_SHARED")
	if dir == "" {
		dir = "../../../shared"
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "logs", "azure-sentinel")); err != nil {
		t.Skipf("shared data not found at %s (set HUNTPACK_SHARED): %v", dir, err)
	}
	return dir
}

// TestRealSonicWallExport hunts two ip:port IOCs in a real Sentinel
// portal export (453 rows). Expected counts were taken from the CSV
// independently: 142.250.71.10 appears once, on port 443; 10.5.3.52
// three times, all on port 53 (so "ip only" hits of the IP, none of the
// IOC 10.5.3.52:80).
func TestRealSonicWallExport(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "data", "logs", "azure-sentinel")
	cat, err := logs.Open(logs.OpenOptions{Tables: map[string][]string{"CommonSecurityLog": {filepath.Join(dir, "SonicWallFirewall_Query_Data.csv")}}})
	if err != nil {
		t.Fatal(err)
	}
	spec := &hunt.Spec{
		Indicators: []hunt.Indicator{{Type: "ip:port", Value: "142.250.71.10:443"}, {Type: "ip:port", Value: "10.5.3.52:80"}},
		Queries: []hunt.Query{{Name: "sonicwall", Table: "CommonSecurityLog", Text: `CommonSecurityLog
| where DestinationIP in ("142.250.71.10", "10.5.3.52")
| project TimeGenerated, Computer, SourceIP, DestinationIP, DestinationPort`}},
	}
	be := New(cat, Options{})
	res, err := hunt.Run(context.Background(), spec, be, hunt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][3]int{}
	for _, f := range res.Findings {
		got[f.Indicator.Value] = [3]int{f.Hits, f.PortMatched, f.PortMismatched}
	}
	if got["142.250.71.10:443"] != [3]int{1, 1, 0} || got["10.5.3.52:80"] != [3]int{0, 0, 0} || got["10.5.3.52"] != [3]int{3, 0, 3} {
		t.Errorf("findings (hits, port matched, mismatched) = %v", got)
	}
	if s := be.ScanSummary(); s.Rows != 453 {
		t.Errorf("rows scanned = %d, want 453", s.Rows)
	}
}
