package pack

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/huntpack/huntpack/intel/feed"
	"github.com/huntpack/huntpack/intel/store"
)

// sharedDir finds the project's shared data (../shared from the repo root,
// or $HUNTPACK_SHARED), skipping the test when it is absent.
func sharedDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("HUNTPACK_SHARED")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared")
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "intel")); err != nil {
		t.Skipf("shared data not found at %s (set HUNTPACK_SHARED): %v", dir, err)
	}
	return dir
}

var threatfoxNow = time.Date(2026, 7, 24, 15, 0, 0, 0, time.UTC)

// threatfoxStore imports the real ThreatFox JSON export into a fresh store.
func threatfoxStore(t *testing.T) *store.Store {
	t.Helper()
	path := filepath.Join(sharedDir(t), "data", "intel", "threatfox_export_recent_2026-07-24.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	res, err := feed.ParseBytes(data, path, "")
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(filepath.Join(t.TempDir(), "intel.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	_, err = st.Import(context.Background(), store.ImportRequest{Source: "threatfox", Origin: path,
		Format: string(res.Format), Indicators: res.Indicators, Rejected: res.Rejected, Now: threatfoxNow})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestSelectBuildThreatFoxRemcos(t *testing.T) {
	st := threatfoxStore(t)
	got, err := Select(context.Background(), st, SelectOptions{Family: "Remcos", Now: threatfoxNow})
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, i := range got.IOCs {
		counts[i.Type]++
		if i.Type == TypeIPPort && i.Port == 0 {
			t.Fatalf("ip:port IOC without port: %+v", i)
		}
		if i.FirstSeen.IsZero() || i.Source != "threatfox" || i.SourceID == "" {
			t.Fatalf("provenance lost: %+v", i)
		}
	}
	// The export's README counts 286 Remcos ip:port IOCs.
	if counts[TypeIPPort] != 286 {
		t.Errorf("Remcos ip:port = %d, want 286 (counts %v)", counts[TypeIPPort], counts)
	}
	p, err := Build(got.IOCs, BuildOptions{Family: "Remcos", Now: threatfoxNow, Selection: got.Selection, Skipped: got.Pruned})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range p.Queries {
		if len(q.KQL) > DefaultMaxQueryChars {
			t.Errorf("%s: %d chars > %d", q.ID, len(q.KQL), DefaultMaxQueryChars)
		}
	}
	// All ports of one IP must be in the same part, or PortMatch lies.
	partOfIP := map[string]string{}
	for _, q := range p.Queries {
		if q.Table != "CommonSecurityLog" {
			continue
		}
		for _, k := range q.IOCs {
			i, _ := p.IOCByKey(k)
			if prev, ok := partOfIP[i.Value]; ok && prev != q.ID {
				t.Errorf("IP %s split over %s and %s", i.Value, prev, q.ID)
			}
			partOfIP[i.Value] = q.ID
		}
	}
	covered := map[string]int{}
	for _, q := range p.Queries {
		for _, k := range q.IOCs {
			covered[q.Table+" "+k]++
		}
	}
	for _, i := range p.IOCs {
		for _, tg := range Targets(KindOf(i.Type)) {
			if covered[tg.Table+" "+i.Key()] != 1 {
				t.Errorf("IOC %s covered %d times in %s queries, want 1", i.Key(), covered[tg.Table+" "+i.Key()], tg.Table)
			}
		}
	}
	t.Logf("%d IOCs %v, %d queries, %d skipped", len(p.IOCs), p.CountByType(), len(p.Queries), len(p.Skipped))
}
