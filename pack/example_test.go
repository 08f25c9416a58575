package pack

import (
	"context"
	"os"
	"path/filepath"
	"sort"
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
