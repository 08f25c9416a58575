package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/huntpack/huntpack/pack"
)

// packFeed is a ThreatFox JSON export excerpt in the real format: two
// Remcos ip:port IOCs on one address, a Remcos domain and an AsyncRAT IOC.
const packFeed = `{
 "1": [{"ioc_value": "46.151.182.76:8080", "ioc_type": "ip:port", "threat_type": "botnet_cc", "malware": "win.remcos",
   "malware_alias": null, "malware_printable": "Remcos", "first_seen_utc": "2026-05-22 10:00:00", "last_seen_utc": null,
   "confidence_level": 75, "is_compromised": false, "reference": null, "tags": "remcos", "anonymous": 0, "reporter": "x"}],
 "2": [{"ioc_value": "46.151.182.76:2404", "ioc_type": "ip:port", "threat_type": "botnet_cc", "malware": "win.remcos",
   "malware_alias": null, "malware_printable": "Remcos", "first_seen_utc": "2026-05-20 10:00:00", "last_seen_utc": null,
   "confidence_level": 100, "is_compromised": false, "reference": null, "tags": "remcos", "anonymous": 0, "reporter": "x"}],
 "3": [{"ioc_value": "sls.in.net", "ioc_type": "domain", "threat_type": "botnet_cc", "malware": "win.remcos",
   "malware_alias": null, "malware_printable": "Remcos", "first_seen_utc": "2026-05-22 11:00:00", "last_seen_utc": null,
   "confidence_level": 75, "is_compromised": false, "reference": null, "tags": "remcos", "anonymous": 0, "reporter": "x"}],
 "4": [{"ioc_value": "193.29.13.23:5758", "ioc_type": "ip:port", "threat_type": "botnet_cc", "malware": "win.asyncrat",
   "malware_alias": null, "malware_printable": "AsyncRAT", "first_seen_utc": "2026-05-21 10:00:00", "last_seen_utc": null,
   "confidence_level": 50, "is_compromised": false, "reference": null, "tags": null, "anonymous": 0, "reporter": "x"}]
}`

var packNow = func() time.Time { return time.Date(2026, 5, 30, 0, 0, 0, 0, time.UTC) }

func runPack(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, Env{Stdout: &out, Stderr: &errb, Now: packNow})
	return code, out.String(), errb.String()
}

func packStore(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	feed := filepath.Join(dir, "threatfox.json")
	if err := os.WriteFile(feed, []byte(packFeed), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "intel.db")
	if code, _, stderr := runPack(t, "intel", "import", "--db", db, feed); code != 0 {
		t.Fatalf("import: exit %d: %s", code, stderr)
	}
	return db
}

func TestPackBuild(t *testing.T) {
	db := packStore(t)
	out := filepath.Join(t.TempDir(), "remcos")
	code, stdout, stderr := runPack(t, "pack", "build", "--db", db, "--family", "Remcos", "-o", out, "--format", "stix,sentinel-rule")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.TrimSpace(stdout) != out || !strings.Contains(stderr, "3 IOCs (2 ip:port, 1 domain)") {
		t.Errorf("stdout %q stderr %q", stdout, stderr)
	}
	p, err := pack.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.IOCs) != 3 || p.Selection == nil || p.Selection.Family != "Remcos" {
		t.Errorf("pack: %d IOCs, selection %+v", len(p.IOCs), p.Selection)
	}
	for _, f := range []string{"README.md", "export/remcos-threatfox.stix.json", "export/sentinel/rules/ip-commonsecuritylog.yaml"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}
	// Rebuilding into the pack folder is allowed; a non-pack folder is not.
	if code, _, stderr := runPack(t, "pack", "build", "--db", db, "--family", "Remcos", "-o", out); code != 0 {
		t.Errorf("rebuild: exit %d: %s", code, stderr)
	}
	// render to stdout
	code, stdout, stderr = runPack(t, "pack", "render", out, "--format", "csv")
	if code != 0 || !strings.HasPrefix(stdout, "key,type,value") {
		t.Errorf("render csv: exit %d %q %s", code, stdout, stderr)
	}
}

func TestPackBuildErrors(t *testing.T) {
	db := packStore(t)
	notPack := t.TempDir()
	os.WriteFile(filepath.Join(notPack, "notes.txt"), []byte("x"), 0o644)
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no store", []string{"pack", "build", "--db", filepath.Join(t.TempDir(), "none.db"), "--family", "Remcos"}, ExitBadInput, "run huntpack intel import first"},
		{"no match", []string{"pack", "build", "--db", db, "--family", "Nope", "-o", t.TempDir()}, ExitBadInput, "no IOCs"},
		{"bad type", []string{"pack", "build", "--db", db, "--types", "ja3"}, ExitBadInput, `unknown IOC type "ja3"`},
		{"bad since", []string{"pack", "build", "--db", db, "--since", "lately"}, ExitBadInput, "--since"},
		{"bad lookback", []string{"pack", "build", "--db", db, "--lookback", "1d; T"}, ExitBadInput, "--lookback"},
		{"bad format", []string{"pack", "build", "--db", db, "--format", "pdf"}, ExitBadInput, "known formats"},
		{"not a pack dir", []string{"pack", "build", "--db", db, "--family", "Remcos", "-o", notPack}, ExitBadInput, "not a hunt pack"},
		{"bad exclusions", []string{"pack", "build", "--db", db, "--exclusions", filepath.Join(t.TempDir(), "x.yaml")}, ExitBadInput, "--exclusions"},
		{"render no pack", []string{"pack", "render", t.TempDir(), "--format", "csv"}, ExitBadInput, "not a hunt pack"},
		{"render no format", []string{"pack", "render", "../../examples/remcos"}, ExitBadInput, "--format is required"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runPack(t, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d (want %d), stderr %q (want %q)", code, tc.code, stderr, tc.want)
			}
		})
	}
}

func TestPackSinceAndExclusionsFile(t *testing.T) {
	db := packStore(t)
	ex := filepath.Join(t.TempDir(), "ex.yaml")
	os.WriteFile(ex, []byte("- {id: proxy, scenario: Proxy, reason: r, field: process.name, operator: equals, value: proxy.exe}\n"), 0o644)
	out := filepath.Join(t.TempDir(), "p")
	code, _, stderr := runPack(t, "pack", "build", "--db", db, "--family", "Remcos", "--types", "ip:port", "--min-confidence", "80",
		"--exclusions", ex, "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	p, err := pack.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.IOCs) != 1 || p.IOCs[0].Port != 2404 {
		t.Errorf("IOCs %+v, want only 46.151.182.76:2404 (confidence 100)", p.IOCs)
	}
	if len(p.Exclusions) != 1 || p.Exclusions[0].ID != "proxy" {
		t.Errorf("exclusions %+v", p.Exclusions)
	}
}

// TestPackBuildWatchlist: a pack without split lists gets no watchlist
// variant unless asked; --watchlist ALIAS writes the IOC CSV and one
// query per table reading it; a bad alias is refused.
func TestPackBuildWatchlist(t *testing.T) {
	db := packStore(t)
	out := filepath.Join(t.TempDir(), "remcos")
	if code, _, stderr := runPack(t, "pack", "build", "--db", db, "--family", "Remcos", "-o", out); code != 0 {
		t.Fatalf("build: %s", stderr)
	}
	if _, err := os.Stat(filepath.Join(out, pack.WatchlistDir)); !os.IsNotExist(err) {
		t.Errorf("watchlist variant written for an unsplit pack: %v", err)
	}
	if code, _, stderr := runPack(t, "pack", "build", "--db", db, "--family", "Remcos", "-o", out, "--watchlist", "remcos_iocs"); code != 0 {
		t.Fatalf("build --watchlist: %s", stderr)
	}
	kqls, _ := filepath.Glob(filepath.Join(out, pack.WatchlistDir, "*.kql"))
	p, err := pack.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(kqls) != len(p.Queries) {
		t.Errorf("%d watchlist queries for %d inline ones: %v", len(kqls), len(p.Queries), kqls)
	}
	for _, f := range kqls {
		b, _ := os.ReadFile(f)
		if !strings.Contains(string(b), `_GetWatchlist("remcos_iocs")`) {
			t.Errorf("%s does not read the watchlist", f)
		}
	}
	csvData, err := os.ReadFile(filepath.Join(out, pack.WatchlistCSVFile(p)))
	if err != nil || !strings.HasPrefix(string(csvData), "key,type,value,port,threat_type,confidence,first_seen,") {
		t.Errorf("watchlist CSV: %v %.80q", err, csvData)
	}
	if code, _, stderr := runPack(t, "pack", "build", "--db", db, "--family", "Remcos", "-o", out, "--watchlist", "a'b"); code != ExitBadInput || !strings.Contains(stderr, "watchlist alias") {
		t.Errorf("bad alias: exit %d %s", code, stderr)
	}
}
