package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huntpack/huntpack/intel"
)

var (
	ctx = context.Background()
	t0  = time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
)

func openTemp(t testing.TB) *Store {
	t.Helper()
	st, err := Open(filepath.Join(t.TempDir(), "sub", "intel.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func ind(t testing.TB, value string, mod func(*intel.Indicator)) intel.Indicator {
	t.Helper()
	in := intel.Indicator{Value: value}
	if mod != nil {
		mod(&in)
	}
	if err := intel.Normalize(&in); err != nil {
		t.Fatal(err)
	}
	return in
}

func mustImport(t testing.TB, st *Store, req ImportRequest) ImportResult {
	t.Helper()
	if req.Source == "" {
		req.Source = "test"
	}
	if req.Now.IsZero() {
		req.Now = t0
	}
	res, err := st.Import(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func counts(r ImportResult) string {
	return fmt.Sprintf("total=%d added=%d updated=%d unchanged=%d excluded=%d", r.Total, r.Added, r.Updated, r.Unchanged, r.Excluded)
}

func TestUpsertKeepsEarliestAndLatest(t *testing.T) {
	st := openTemp(t)
	d := func(day int) time.Time { return t0.AddDate(0, 0, day) }
	first := ind(t, "46.151.182.76:8080", func(in *intel.Indicator) {
		in.FirstSeen, in.LastSeen, in.Confidence, in.Tags = d(5), d(6), 50, []string{"RAT"}
		in.Malware = intel.Malware{Name: "Remcos", Malpedia: "win.remcos"}
		in.SourceID = "1"
	})
	if got := counts(mustImport(t, st, ImportRequest{Indicators: []intel.Indicator{first}})); got != "total=1 added=1 updated=0 unchanged=0 excluded=0" {
		t.Fatalf("first import: %s", got)
	}
	// Same file again: nothing changes.
	if got := counts(mustImport(t, st, ImportRequest{Indicators: []intel.Indicator{first}})); got != "total=1 added=0 updated=0 unchanged=1 excluded=0" {
		t.Fatalf("re-import: %s", got)
	}
	// An older first_seen and newer last_seen from the same source id.
	second := first
	second.FirstSeen, second.LastSeen, second.Tags, second.Confidence = d(1), d(10), []string{"remcos"}, 75
	if got := counts(mustImport(t, st, ImportRequest{Indicators: []intel.Indicator{second}})); got != "total=1 added=0 updated=1 unchanged=0 excluded=0" {
		t.Fatalf("update: %s", got)
	}
	// A report in between from another source changes dates nowhere but adds a sighting.
	third := first
	third.FirstSeen, third.LastSeen, third.Source, third.SourceID = d(3), d(4), "other", ""
	mustImport(t, st, ImportRequest{Source: "other", Indicators: []intel.Indicator{third}})

	rec, ok, err := st.Get(ctx, first.Key(), d(11))
	if err != nil || !ok {
		t.Fatalf("Get: %v %v", ok, err)
	}
	if !rec.FirstSeen.Equal(d(1)) || !rec.LastSeen.Equal(d(10)) || rec.Confidence != 75 ||
		strings.Join(rec.Tags, ",") != "RAT,remcos" || rec.Malware.Malpedia != "win.remcos" || rec.Port != 8080 ||
		rec.IP.String() != "46.151.182.76" {
		t.Errorf("merged = %+v", rec.Indicator)
	}
	if len(rec.Sightings) != 2 || rec.Sightings[0].Source != "test" || rec.Sightings[1].Source != "other" {
		t.Fatalf("sightings = %+v", rec.Sightings)
	}
	if s := rec.Sightings[0]; !s.FirstSeen.Equal(d(1)) || !s.LastSeen.Equal(d(10)) || s.FirstRun != 1 || s.LastRun != 3 {
		t.Errorf("sighting = %+v", s)
	}
	ch, err := st.Changes(ctx, rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	var acts []string
	for _, c := range ch {
		acts = append(acts, fmt.Sprintf("%d:%s", c.RunID, c.Action))
	}
	if got := strings.Join(acts, " "); got != "1:added 3:updated 4:updated" {
		t.Errorf("changes = %s (%+v)", got, ch)
	}
	runs, err := st.Runs(ctx, 0)
	if err != nil || len(runs) != 4 || runs[0].ID != 4 || runs[0].Source != "other" || runs[2].Unchanged != 1 {
		t.Errorf("runs = %+v %v", runs, err)
	}
}

func TestExpiry(t *testing.T) {
	st := openTemp(t)
	dated := ind(t, "a.example", func(in *intel.Indicator) { in.LastSeen = t0 })
	undated := ind(t, "b.example", nil)
	mustImport(t, st, ImportRequest{Source: "feed1", Indicators: []intel.Indicator{dated, undated}, Now: t0.AddDate(0, 0, 10)})
	short := ind(t, "c.example", func(in *intel.Indicator) { in.LastSeen = t0 })
	mustImport(t, st, ImportRequest{Source: "feed2", ExpireAfter: 7 * 24 * time.Hour, Indicators: []intel.Indicator{short}, Now: t0})
	// feed2 remembers its 7 days.
	later := ind(t, "d.example", func(in *intel.Indicator) { in.LastSeen = t0 })
	mustImport(t, st, ImportRequest{Source: "feed2", Indicators: []intel.Indicator{later}, Now: t0})

	tests := []struct {
		at   time.Time
		want string
	}{
		{t0.AddDate(0, 0, 1), "a.example b.example c.example d.example"},
		{t0.AddDate(0, 0, 8), "a.example b.example"},
		{t0.AddDate(0, 0, 91), "b.example"}, // undated: import day 10 + 90
		{t0.AddDate(0, 0, 101), ""},
	}
	for _, tc := range tests {
		t.Run(tc.at.Format("2006-01-02"), func(t *testing.T) {
			recs, err := st.Query(ctx, Filter{Active: true, Now: tc.at})
			if err != nil {
				t.Fatal(err)
			}
			var vals []string
			for _, r := range recs {
				vals = append(vals, r.Value)
			}
			if got := strings.Join(vals, " "); got != tc.want {
				t.Errorf("active = %q, want %q", got, tc.want)
			}
		})
	}
	runs, _ := st.Runs(ctx, 1)
	if runs[0].ExpireAfter != 7*24*time.Hour {
		t.Errorf("remembered expiry = %v", runs[0].ExpireAfter)
	}
}

func TestFilters(t *testing.T) {
	st := openTemp(t)
	ins := []intel.Indicator{
		ind(t, "1.2.3.4:80", func(in *intel.Indicator) {
			in.Malware = intel.Malware{Name: "Remcos", Malpedia: "win.remcos", Aliases: []string{"RemcosRAT"}}
			in.Confidence, in.LastSeen, in.Tags = 90, t0, []string{"RAT"}
		}),
		ind(t, "1.2.3.4", func(in *intel.Indicator) { in.Confidence = 40; in.LastSeen = t0.AddDate(0, 0, -30) }),
		ind(t, "[2001:db8::1]:443", func(in *intel.Indicator) { in.Malware.Name = "AsyncRAT" }),
		ind(t, "evil.example", func(in *intel.Indicator) {
			in.Malware.Name = "Remcos"
			in.Decisions = []intel.Decision{{Action: intel.ActionExclude, List: "tranco10k", Reason: "top"}}
		}),
		ind(t, "1.2.3.45:80", nil),
	}
	mustImport(t, st, ImportRequest{Source: "threatfox", Indicators: ins})
	mustImport(t, st, ImportRequest{Source: "misp", Indicators: ins[1:2]})
	tests := []struct {
		name string
		f    Filter
		want string
	}{
		{"all kept", Filter{}, "1.2.3.4:80 1.2.3.4 [2001:db8::1]:443 1.2.3.45:80"},
		{"include excluded", Filter{IncludeExcluded: true}, "1.2.3.4:80 1.2.3.4 [2001:db8::1]:443 evil.example 1.2.3.45:80"},
		{"family name", Filter{Family: "remcos"}, "1.2.3.4:80"},
		{"family malpedia", Filter{Family: "win.remcos"}, "1.2.3.4:80"},
		{"family alias", Filter{Family: "remcosrat"}, "1.2.3.4:80"},
		{"type", Filter{Types: []intel.Type{intel.TypeIPv4, intel.TypeDomain}, IncludeExcluded: true}, "1.2.3.4 evil.example"},
		{"source", Filter{Source: "misp"}, "1.2.3.4"},
		{"since", Filter{Since: t0.AddDate(0, 0, -1)}, "1.2.3.4:80"},
		{"min confidence", Filter{MinConfidence: 50}, "1.2.3.4:80"},
		{"tag", Filter{Tag: "rat"}, "1.2.3.4:80"},
		{"ip", Filter{IP: "1.2.3.4"}, "1.2.3.4:80 1.2.3.4"},
		{"ip v6", Filter{IP: "2001:db8::1"}, "[2001:db8::1]:443"},
		{"ip like escaped", Filter{IP: "1_2.3.4"}, ""},
		{"value", Filter{Value: "1.2.3.45:80"}, "1.2.3.45:80"},
		{"limit", Filter{Limit: 2}, "1.2.3.4:80 1.2.3.4"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			recs, err := st.Query(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			var vals []string
			for _, r := range recs {
				vals = append(vals, r.Value)
			}
			if got := strings.Join(vals, " "); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	s, err := st.Stats(ctx, t0)
	if err != nil {
		t.Fatal(err)
	}
	if s.Indicators != 5 || s.Excluded != 1 || s.ByType["ip:port"] != 3 || s.BySource["misp"] != 1 || s.BySource["threatfox"] != 5 || s.Runs != 2 {
		t.Errorf("stats = %+v", s)
	}
}

func TestDecisionsRecorded(t *testing.T) {
	st := openTemp(t)
	in := ind(t, "8.8.8.8", nil)
	mustImport(t, st, ImportRequest{Indicators: []intel.Indicator{in}})
	in.Decisions = []intel.Decision{{Action: intel.ActionExclude, List: "public-dns-v4", Reason: "8.8.8.8 listed"}}
	res := mustImport(t, st, ImportRequest{Indicators: []intel.Indicator{in}})
	if counts(res) != "total=1 added=0 updated=1 unchanged=0 excluded=1" {
		t.Fatalf("got %s", counts(res))
	}
	rec, _, _ := st.Get(ctx, in.Key(), t0)
	if d, ok := rec.Excluded(); !ok || d.List != "public-dns-v4" {
		t.Errorf("decisions = %+v", rec.Decisions)
	}
	ch, _ := st.Changes(ctx, rec.ID)
	if len(ch) != 2 || ch[1].Detail != "pruning decisions" {
		t.Errorf("changes = %+v", ch)
	}
}

func TestImportIsAtomicOnError(t *testing.T) {
	st := openTemp(t)
	mustImport(t, st, ImportRequest{Indicators: []intel.Indicator{ind(t, "a.example", nil)}})
	before := snapshot(t, st.Path())
	cctx, cancel := context.WithCancel(ctx)
	ins := synth(5000)
	_, err := st.Import(cctx, ImportRequest{Source: "test", Now: t0, Indicators: ins, Progress: func(done, total int) {
		if done == total/2 {
			cancel()
		}
	}})
	if err == nil {
		t.Fatal("cancelled import succeeded")
	}
	if after := snapshot(t, st.Path()); after != before {
		t.Errorf("store changed by a failed import")
	}
}

func TestConcurrentImportAndList(t *testing.T) {
	st := openTemp(t)
	reader, err := Open(st.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 5; i++ {
			if _, err := st.Import(ctx, ImportRequest{Source: fmt.Sprint("s", i), Now: t0, Indicators: synth(2000)}); err != nil {
				errs <- err
			}
		}
	}()
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			recs, err := reader.Query(ctx, Filter{})
			if err != nil {
				errs <- err
			}
			if n := len(recs); n != 0 && n != 2000 {
				errs <- fmt.Errorf("saw a partial import: %d rows", n)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// synth makes n distinct valid indicators.
func synth(n int) []intel.Indicator {
	out := make([]intel.Indicator, n)
	for i := range out {
		out[i] = intel.Indicator{Value: fmt.Sprintf("10%d.%d.%d.%d:%d", i%9, (i>>16)&255, (i>>8)&255, i&255, 1000+i%50000)}
		if err := intel.Normalize(&out[i]); err != nil {
			panic(err)
		}
		out[i].Malware.Name = "Synth"
		out[i].LastSeen = t0
		out[i].SourceID = fmt.Sprint(i)
	}
	return out
}

// snapshot hashes the content of every table of the database at path,
// read through a fresh connection.
func snapshot(t testing.TB, path string) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	h := sha256.New()
	for _, q := range []string{
		"SELECT * FROM indicators ORDER BY id", "SELECT * FROM sightings ORDER BY indicator_id, source, source_id",
		"SELECT * FROM runs ORDER BY id", "SELECT * FROM changes ORDER BY rowid", "SELECT * FROM sources ORDER BY name",
	} {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		n := 0
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(h, vals...)
			n++
		}
		rows.Close()
		fmt.Fprintf(h, "%s: %d rows\n", q, n)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func TestOpenErrors(t *testing.T) {
	if _, err := Open(""); err == nil {
		t.Error("empty path accepted")
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "not-a-db")
	os.WriteFile(bad, []byte("this is not sqlite, just text that is long enough to be a header....................................................."), 0o644)
	if _, err := Open(bad); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("err = %v, want one naming %s", err, bad)
	}
}

func TestFlagsFromFeedsPersist(t *testing.T) {
	st := openTemp(t)
	a := ind(t, "1.178.1.10:443", func(in *intel.Indicator) {
		in.Flags = []string{"compromised-host", "cloud:amazon-aws"}
		in.Decisions = []intel.Decision{{Action: intel.ActionLowerConfidence, List: "amazon-aws", Reason: "in range"}}
	})
	mustImport(t, st, ImportRequest{Source: "threatfox", Indicators: []intel.Indicator{a}})
	b := ind(t, "1.178.1.10:443", nil) // another source, imported without pruning
	mustImport(t, st, ImportRequest{Source: "plain", Indicators: []intel.Indicator{b}})
	rec, _, _ := st.Get(ctx, b.Key(), t0)
	if strings.Join(rec.Flags, ",") != "compromised-host" || rec.Decisions != nil {
		t.Errorf("flags %v decisions %v", rec.Flags, rec.Decisions)
	}
}
