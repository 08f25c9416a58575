package store

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/huntpack/huntpack/intel"
)

// pruneBy returns a PruneFunc that excludes the values in excl and
// lowers (by 25, flag "cloud:c") the confidence of the values in cloud.
func pruneBy(excl, cloud []string) PruneFunc {
	return func(in *intel.Indicator) bool {
		in.Decisions = nil
		for _, v := range excl {
			if in.Value == v {
				in.Decisions = append(in.Decisions, intel.Decision{Action: intel.ActionExclude, List: "l-" + v, Reason: "listed"})
			}
		}
		for _, v := range cloud {
			if in.Value == v {
				in.Decisions = append(in.Decisions, intel.Decision{Action: intel.ActionLowerConfidence, List: "c", Reason: "cloud", ConfidenceBefore: in.Confidence})
				in.Flags = intel.CleanTags(append(in.Flags, "cloud:c"))
				in.Confidence = max(in.Confidence-25, 10)
			}
		}
		_, ex := in.Excluded()
		return ex
	}
}

func TestReprune(t *testing.T) {
	st := openTemp(t)
	ins := []intel.Indicator{
		ind(t, "evil.example", func(in *intel.Indicator) { in.Confidence = 80 }),
		ind(t, "198.51.100.7", func(in *intel.Indicator) { in.Confidence = 90; in.Flags = []string{"compromised-host"} }),
		ind(t, "good.example", func(in *intel.Indicator) { in.Confidence = 50 }),
	}
	before := pruneBy([]string{"evil.example"}, []string{"198.51.100.7"})
	for i := range ins {
		before(&ins[i])
	}
	mustImport(t, st, ImportRequest{Indicators: ins})

	// The lists change: evil.example is no longer listed, good.example is,
	// 198.51.100.7 left the cloud list.
	after := pruneBy([]string{"good.example"}, nil)
	res, err := st.Reprune(ctx, after, "test lists v2", t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if res.Checked != 3 || res.Changed != 3 || res.Excluded != 1 || res.Restored != 1 {
		t.Errorf("result %+v", res)
	}
	get := func(v string) Record {
		t.Helper()
		in := ind(t, v, nil)
		r, ok, err := st.Get(ctx, in.Key(), t0)
		if err != nil || !ok {
			t.Fatalf("get %s: %v %v", v, ok, err)
		}
		return r
	}
	if r := get("evil.example"); len(r.Decisions) != 0 || r.Confidence != 80 {
		t.Errorf("evil.example after prune: %+v", r.Indicator)
	}
	if r := get("good.example"); !strings.Contains(decisionLists(r.Decisions), "l-good.example") {
		t.Errorf("good.example not excluded: %+v", r.Decisions)
	}
	ip := get("198.51.100.7")
	if ip.Confidence != 90 || strings.Join(ip.Flags, ",") != "compromised-host" {
		t.Errorf("ip: confidence %d flags %v, want 90 and the feed flag only", ip.Confidence, ip.Flags)
	}
	ch, _ := st.Changes(ctx, ip.ID)
	if last := ch[len(ch)-1]; last.Action != "pruned" || last.Detail != "flags compromised-host,cloud:c -> compromised-host; confidence 65 -> 90" {
		t.Errorf("change %+v", last)
	}
	list, _ := st.Query(ctx, Filter{Now: t0})
	if len(list) != 2 {
		t.Errorf("%d active unexcluded indicators, want 2", len(list))
	}
	runs, _ := st.Runs(ctx, 1)
	if r := runs[0]; r.Source != MaintenanceSource || r.Format != FormatPrune || r.Origin != "test lists v2" || r.Updated != 3 || r.Excluded != 1 {
		t.Errorf("run %+v", r)
	}
	// Idempotent.
	res, err = st.Reprune(ctx, after, "again", t0.Add(2*time.Hour))
	if err != nil || res.Changed != 0 || res.Checked != 3 {
		t.Errorf("second prune %+v %v", res, err)
	}
	// And back: the cloud list returns, lowering from the feed confidence.
	res, _ = st.Reprune(ctx, before, "v1", t0.Add(3*time.Hour))
	if ip := get("198.51.100.7"); ip.Confidence != 65 || res.Restored != 1 || res.Excluded != 1 {
		t.Errorf("back to v1: ip confidence %d, %+v", ip.Confidence, res)
	}
}

func decisionLists(ds []intel.Decision) string {
	var s []string
	for _, d := range ds {
		s = append(s, d.List)
	}
	return strings.Join(s, ",")
}

func TestReexpire(t *testing.T) {
	st := openTemp(t)
	dated := ind(t, "dated.example", func(in *intel.Indicator) { in.LastSeen = t0 })
	undated := ind(t, "undated.example", nil)
	mustImport(t, st, ImportRequest{Source: "feed", Indicators: []intel.Indicator{dated, undated}, Now: t0.Add(24 * time.Hour)})
	now := t0.Add(40 * 24 * time.Hour)
	active := func() int {
		l, _ := st.Query(ctx, Filter{Active: true, Now: now})
		return len(l)
	}
	if active() != 2 {
		t.Fatalf("active %d before, want 2", active())
	}
	// Shorten the source's period: both expire (dated: t0+30d, undated:
	// import time + 30d, both before now).
	if err := st.SetExpiry(ctx, "feed", 30*24*time.Hour); err != nil {
		t.Fatal(err)
	}
	res, err := st.Reexpire(ctx, "test", now)
	if err != nil {
		t.Fatal(err)
	}
	if res.Sightings != 2 || res.Changed != 2 || res.NowExpired != 2 || res.Reactivated != 0 {
		t.Errorf("result %+v", res)
	}
	if active() != 0 {
		t.Errorf("active %d after, want 0", active())
	}
	r, _, _ := st.Get(ctx, undated.Key(), now)
	if want := t0.Add(24 * time.Hour).Add(30 * 24 * time.Hour); !r.ExpiresAt.Equal(want) {
		t.Errorf("undated expires %v, want %v (import time + 30d)", r.ExpiresAt, want)
	}
	ch, _ := st.Changes(ctx, r.ID)
	if last := ch[len(ch)-1]; last.Action != "expiry" || !strings.HasPrefix(last.Detail, "expires 2026-09-30T00:00:00Z -> 2026-08-01T00:00:00Z") {
		t.Errorf("change %+v", last)
	}
	// Lengthen it again: both come back; a second run changes nothing.
	st.SetExpiry(ctx, "feed", 90*24*time.Hour)
	if res, _ = st.Reexpire(ctx, "test", now); res.Reactivated != 2 || active() != 2 {
		t.Errorf("lengthened: %+v, active %d", res, active())
	}
	if res, _ = st.Reexpire(ctx, "test", now); res.Changed != 0 {
		t.Errorf("second run changed %d", res.Changed)
	}
	if err := st.SetExpiry(ctx, "feed", 0); err == nil {
		t.Error("zero expiry accepted")
	}
}

// TestRunProblemsAndMigration: a run keeps its rejected records with
// their positions, and a version 1 database (without runs.problems) is
// migrated in place, keeping its runs.
func TestRunProblemsAndMigration(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v1.db")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	v1 := strings.Replace(schema, ",\n  problems     TEXT NOT NULL DEFAULT '[]'", "", 1)
	if v1 == schema {
		t.Fatal("could not derive the v1 schema")
	}
	for _, q := range []string{v1, `INSERT INTO runs (started, source, origin, format, expire_after) VALUES (1, 'old', 'f', 'plain', 0)`, "PRAGMA user_version = 1"} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	st, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	mustImport(t, st, ImportRequest{Indicators: []intel.Indicator{ind(t, "evil-c2.top", nil)},
		Rejected: intel.Rejects{intel.ReasonMalformed: 1}, Problems: []string{"f.csv:12: malformed CSV record: x"}})
	runs, err := st.Runs(ctx, 0)
	if err != nil || len(runs) != 2 {
		t.Fatalf("runs %v %v", runs, err)
	}
	if got := runs[0].Problems; len(got) != 1 || got[0] != "f.csv:12: malformed CSV record: x" || runs[0].Rejects != "malformed record=1" {
		t.Errorf("new run %+v", runs[0])
	}
	if runs[1].Source != "old" || runs[1].Problems != nil {
		t.Errorf("migrated run %+v", runs[1])
	}
}

// TestConcurrentMigration: several processes opening the same version 1
// database at once migrate it once, without "duplicate column" errors.
func TestConcurrentMigration(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v1.db")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	v1 := strings.Replace(schema, ",\n  problems     TEXT NOT NULL DEFAULT '[]'", "", 1)
	for _, q := range []string{v1, "PRAGMA user_version = 1"} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			st, err := Open(path)
			if err == nil {
				_, err = st.Runs(ctx, 0)
				st.Close()
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
