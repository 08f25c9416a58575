package local

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
	if res.Totals.Hits != 13 || res.Totals.IOCsHit != 4 || res.Totals.BeforeFirstSeen != 1 || res.Totals.Unattributed != 0 {
		t.Errorf("totals = %+v", res.Totals)
	}
	for _, f := range res.Findings {
		if f.Indicator.Value == "46.151.182.76:8080" && (f.Hits != 3 || f.PortMatched != 3 || f.BeforeFirstSeen != 1) {
			t.Errorf("46.151.182.76:8080 finding = %+v", f)
		}
		if f.Indicator.Value == "193.29.13.23:5758" && (f.Hits != 4 || f.PortMatched != 2 || f.PortMismatched != 2) {
			t.Errorf("193.29.13.23:5758 finding = %+v", f)
		}
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
	for _, f := range res.Findings {
		if f.Indicator.Value == "193.29.13.23:5758" && f.Suppressed != 1 {
			t.Errorf("193.29.13.23:5758 suppressed = %d, want 1", f.Suppressed)
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
