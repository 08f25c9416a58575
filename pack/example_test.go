package pack

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/huntpack/huntpack/kql/exec"
	"github.com/huntpack/huntpack/logs"
)

// TestExampleRemcosThreatFox loads the generated example pack
// (examples/remcos-threatfox, built from the real ThreatFox export) and
// runs every query over its example logs: the expected hits are one exact
// ip:port hit per table, IP-only hits on other ports, traffic from a C2
// port, and nothing for the neighbour address, the excluded filebeat and
// admin RDP rows or the row older than the window.
func TestExampleRemcosThreatFox(t *testing.T) {
	dir := filepath.Join("..", "examples", "remcos-threatfox")
	if _, err := os.Stat(filepath.Join(dir, ManifestFile)); err != nil {
		t.Skipf("example pack not generated: %v", err)
	}
	p, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.IOCs) != 286 || p.Family != "Remcos" {
		t.Fatalf("example pack has %d IOCs of %q, want 286 Remcos", len(p.IOCs), p.Family)
	}
	cat, err := logs.Open(logs.OpenOptions{Dirs: []string{filepath.Join(dir, "logs")}})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 7, 26, 0, 0, 0, 0, time.UTC)
	var got []string
	for _, q := range p.Queries {
		res, err := exec.RunString(context.Background(), q.File, q.KQL, exec.Options{Catalog: cat, Now: now})
		if err != nil {
			t.Fatalf("%s: %v", q.ID, err)
		}
		for _, line := range hitLines(t, res.Tables[0].Batch, identColumn[q.Table]) {
			got = append(got, q.Table+" "+line)
		}
	}
	sort.Strings(got)
	if d := cmp.Diff(got, watchlistHits(t, dir, p, cat, now, identColumn)); d != "" {
		t.Errorf("watchlist variant hits differ from the inline queries' (-inline +watchlist):\n%s", d)
	}
	want := []string{
		"CommonSecurityLog TRAFFIC c2 beacon (exact ip:port) 204.44.93.75:14648 DestinationIP ip:port 2026-07-15",
		"CommonSecurityLog TRAFFIC inbound from C2 port (exact, as source) 155.103.71.115:15609 SourceIP ip:port 2026-07-23",
		"CommonSecurityLog TRAFFIC same C2 host, port 443 (ip only) 204.44.93.75 DestinationIP ip only 2026-07-15",
		"DeviceNetworkEvents wks-015.corp.example 172.245.95.9:2404 RemoteIP ip:port 2026-07-24",
		"DeviceNetworkEvents wks-031.corp.example 103.83.86.48 RemoteIP ip only 2026-07-10",
		"_Im_NetworkSession wks-044 185.115.164.59:7723 DstIpAddr ip:port 2026-07-15",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("hits (-want +got):\n%s", d)
	}
}

// TestExampleRemcosURLhaus runs the generated URL example pack
// (examples/remcos-urlhaus: the 76 URLhaus URLs tagged RemcosRAT) over its
// example logs. Every URL target has a hit (UrlClickEvents included): the
// clicked mail link, the same URL written without scheme and with a
// trailing slash, the endpoint download and the proxy request; another
// path on the same host and a click older than the window do not hit.
func TestExampleRemcosURLhaus(t *testing.T) {
	dir := filepath.Join("..", "examples", "remcos-urlhaus")
	if _, err := os.Stat(filepath.Join(dir, ManifestFile)); err != nil {
		t.Skipf("example pack not generated: %v", err)
	}
	p, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.IOCs) != 76 || p.Selection == nil || p.Selection.Tag != "RemcosRAT" {
		t.Fatalf("example pack has %d IOCs (selection %+v), want 76 tagged RemcosRAT", len(p.IOCs), p.Selection)
	}
	tables := map[string]bool{}
	for _, q := range p.Queries {
		tables[q.Table] = true
	}
	for _, want := range []string{"CommonSecurityLog", "DeviceNetworkEvents", "UrlClickEvents"} {
		if !tables[want] {
			t.Errorf("no query on %s", want)
		}
	}
	cat, err := logs.Open(logs.OpenOptions{Dirs: []string{filepath.Join(dir, "logs")}})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2025, 4, 24, 0, 0, 0, 0, time.UTC)
	var got []string
	for _, q := range p.Queries {
		res, err := exec.RunString(context.Background(), q.File, q.KQL, exec.Options{Catalog: cat, Now: now})
		if err != nil {
			t.Fatalf("%s: %v", q.ID, err)
		}
		for _, line := range hitLines(t, res.Tables[0].Batch, identColumn[q.Table]) {
			got = append(got, q.Table+" "+line)
		}
	}
	sort.Strings(got)
	if d := cmp.Diff(got, watchlistHits(t, dir, p, cat, now, identColumn)); d != "" {
		t.Errorf("watchlist variant hits differ from the inline queries' (-inline +watchlist):\n%s", d)
	}
	want := []string{
		"CommonSecurityLog proxy-hit payload download http://212.162.149.100/GGHzwEMutfyGMcQ88.bin RequestURL 2025-04-09",
		"DeviceNetworkEvents wks-015.corp.example http://www.nawatbsc.com/output/output.txt RemoteUrl 2025-04-16",
		"UrlClickEvents a.smith@corp.example https://vidrioyaluminio.mx/Tibia.pfm Url 2025-04-15",
		"UrlClickEvents j.doe@corp.example http://www.nawatbsc.com/output/output.txt Url 2025-04-16",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("hits (-want +got):\n%s", d)
	}
}

// watchlistHits runs the pack's committed watchlist variant
// (export/watchlist) over the logs, with _GetWatchlist bound to a
// datatable of the committed watchlist CSV (every column a string, as
// Sentinel returns them), and returns its hits like the inline test.
func watchlistHits(t *testing.T, dir string, p *Pack, cat *logs.Catalog, now time.Time, ident map[string]string) []string {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, WatchlistCSVFile(p)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	cols := []string{"SearchKey:string"}
	for _, h := range recs[0] {
		cols = append(cols, "['"+h+"']:string")
	}
	var rows []string
	for _, r := range recs[1:] {
		vals := []string{KQLString(r[0])}
		for _, v := range r {
			vals = append(vals, KQLString(v))
		}
		rows = append(rows, strings.Join(vals, ", "))
	}
	table := "(datatable(" + strings.Join(cols, ", ") + ") [\n" + strings.Join(rows, ",\n") + "])"
	files, _ := filepath.Glob(filepath.Join(dir, WatchlistDir, "*.kql"))
	if len(files) == 0 {
		t.Fatal("no watchlist queries committed")
	}
	var got []string
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		call := `_GetWatchlist(` + KQLString(p.ID) + `)`
		if !strings.Contains(string(b), call) {
			t.Fatalf("%s does not read the watchlist %s", file, p.ID)
		}
		q := Query{KQL: string(b)}
		bare := bareQuery(file, q.KQL)
		res, err := exec.RunString(context.Background(), file, strings.Replace(q.KQL, call, table, 1), exec.Options{Catalog: cat, Now: now})
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for _, line := range hitLines(t, res.Tables[0].Batch, ident[bare.Table]) {
			got = append(got, bare.Table+" "+line)
		}
	}
	sort.Strings(got)
	return got
}
