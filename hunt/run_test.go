package hunt

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/huntpack/huntpack/kql/types"
)

// fakeBackend returns its rows, minus the rows an exclusion line of the
// form `| where not(Col =~ "value")` present in the text removes.
type fakeBackend struct {
	rows  *types.Batch
	err   map[string]error // by query name
	calls []string
}

var notEq = regexp.MustCompile(`(?m)^\| where not\((\w+) =~ "([^"]*)"\)`)

func (f *fakeBackend) Name() string { return "fake" }

func (f *fakeBackend) Run(ctx context.Context, q Query, text string, w Window) (*Output, error) {
	f.calls = append(f.calls, text)
	if err := f.err[q.Name]; err != nil {
		return nil, err
	}
	out := types.NewBatch(f.rows.Schema, 0)
	conds := notEq.FindAllStringSubmatch(text, -1)
	for i := 0; i < f.rows.Len; i++ {
		drop := false
		for _, c := range conds {
			j := f.rows.Schema.Index(c[1])
			if j >= 0 && strings.EqualFold(f.rows.Cols[j].Value(i).S, c[2]) {
				drop = true
			}
		}
		if drop {
			continue
		}
		for j, col := range f.rows.Cols {
			out.Cols[j].Append(col.Value(i))
		}
		out.Len++
	}
	return &Output{Batch: out}, nil
}

// slowBackend blocks the query named slow until its context ends.
type slowBackend struct {
	fakeBackend
	slow string
}

func (s *slowBackend) Run(ctx context.Context, q Query, text string, w Window) (*Output, error) {
	if q.Name == s.slow {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	return s.fakeBackend.Run(ctx, q, text, w)
}

func dt(s string) types.Value {
	t, err := types.ParseDateTime(s)
	if err != nil {
		panic(err)
	}
	return types.DateTimeValue(t)
}

func netBatch() *types.Batch {
	s := types.Schema{{Name: "TimeGenerated", Type: types.DateTime}, {Name: "DeviceName", Type: types.String}, {Name: "RemoteIP", Type: types.String},
		{Name: "RemotePort", Type: types.Long}, {Name: "InitiatingProcessFileName", Type: types.String}, {Name: "InitiatingProcessAccountName", Type: types.String}}
	b := types.NewBatch(s, 4)
	add := func(ts, dev, ip string, port int64, proc, user string) {
		for j, v := range []types.Value{dt(ts), types.StringValue(dev), types.StringValue(ip), types.LongValue(port), types.StringValue(proc), types.StringValue(user)} {
			b.Cols[j].Append(v)
		}
		b.Len++
	}
	add("2026-05-23T09:14:01Z", "wks-015", "46.151.182.76", 8080, "remcos.exe", "j.doe")
	add("2026-05-19T08:00:00Z", "wks-020", "46.151.182.76", 8080, "remcos.exe", "b.lee")
	add("2026-05-24T02:31:09Z", "srv-backup", "193.29.13.23", 443, "sqlservr.exe", "svc_backup")
	add("2026-05-24T03:00:00Z", "srv-rdp", "193.29.13.23", 5758, "mstsc.exe", "admin")
	add("2026-05-24T04:00:00Z", "wks-099", "8.8.8.8", 53, "chrome.exe", "x")
	return b
}

func remcosSpec() *Spec {
	day := func(s string) time.Time { t, _ := time.Parse("2006-01-02", s); return t }
	text := strings.Join([]string{
		"DeviceNetworkEvents",
		"| where RemoteIP in (\"46.151.182.76\", \"193.29.13.23\")",
		"| where not(InitiatingProcessFileName =~ \"sqlservr.exe\") // exclusion: SQL backup job",
		"// exclusion: Admin RDP",
		"| where not(InitiatingProcessFileName =~ \"mstsc.exe\")",
		"| project TimeGenerated, DeviceName, RemoteIP, RemotePort, InitiatingProcessFileName, InitiatingProcessAccountName",
	}, "\n")
	return &Spec{
		Name: "test pack",
		Indicators: []Indicator{
			{Type: "ip:port", Value: "46.151.182.76:8080", FirstSeen: day("2026-05-22")},
			{Type: "ip:port", Value: "193.29.13.23:5758", FirstSeen: day("2026-05-21")},
			{Type: "domain", Value: "sls.in.net"},
		},
		Queries:   []Query{{Name: "net", Table: "DeviceNetworkEvents", Text: text, Exclusions: DetectExclusions(text)}},
		Scenarios: []Scenario{{Name: "ClamAV scan", Note: "not applicable: DeviceNetworkEvents lacks process.parent.name"}},
	}
}

func TestDetectExclusions(t *testing.T) {
	got := remcosSpec().Queries[0].Exclusions
	want := []Exclusion{{"SQL backup job", 2}, {"Admin RDP", 4}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestRunFindings(t *testing.T) {
	be := &fakeBackend{rows: netBatch()}
	res, err := Run(context.Background(), remcosSpec(), be, Options{Limits: Limits{EvidencePerIOC: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if len(be.calls) != 4 {
		t.Errorf("backend calls = %d, want 4 (query, no exclusions, one per scenario)", len(be.calls))
	}
	q := res.Queries[0]
	if q.Hits != 3 || q.Suppressed != 2 || q.Unattributed != 1 {
		t.Errorf("query: hits %d suppressed %d unattributed %d, want 3 2 1", q.Hits, q.Suppressed, q.Unattributed)
	}
	f := findingOf(t, res, "46.151.182.76:8080")
	checks := []struct {
		name      string
		got, want any
	}{
		{"hits", f.Hits, 2},
		{"before first_seen", f.BeforeFirstSeen, 1},
		{"port matched", f.PortMatched, 2},
		{"hosts", strings.Join(f.Hosts, ","), "wks-015,wks-020"},
		{"users", strings.Join(f.Users, ","), "b.lee,j.doe"},
		{"first hit", f.FirstHit.Format(time.RFC3339), "2026-05-19T08:00:00Z"},
		{"last hit", f.LastHit.Format(time.RFC3339), "2026-05-23T09:14:01Z"},
		{"evidence capped", len(f.Evidence), 1},
		{"evidence omitted", f.EvidenceOmitted, 1},
		{"tables", strings.Join(f.Tables, ","), "DeviceNetworkEvents"},
		{"queries", strings.Join(f.Queries, ","), "net"},
	}
	for _, c := range checks {
		if fmt.Sprint(c.got) != fmt.Sprint(c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	// The suppressed RDP row (port 5758) is the IOC's; the suppressed
	// backup row (port 443) only shares its IP: an "ip only" finding.
	g := findingOf(t, res, "193.29.13.23:5758")
	if g.Hits != 0 || g.Suppressed != 1 {
		t.Errorf("193.29.13.23:5758: hits %d suppressed %d, want 0 1", g.Hits, g.Suppressed)
	}
	if ip := findingOf(t, res, "193.29.13.23"); !ip.IPOnly() || ip.Hits != 0 || ip.Suppressed != 1 || fmt.Sprint(ip.IOCPorts) != "[5758]" {
		t.Errorf("193.29.13.23 ip only: %+v", ip)
	}
	wantSc := "SQL backup job:true:1 Admin RDP:true:1 ClamAV scan:false:0"
	var gotSc []string
	for _, s := range res.Scenarios {
		gotSc = append(gotSc, fmt.Sprintf("%s:%v:%d", s.Name, s.Applied, s.Suppressed))
	}
	// Order: declared scenarios first, then those found in queries.
	if got := strings.Join(gotSc, " "); !sameWords(got, wantSc) {
		t.Errorf("scenarios = %s, want %s", got, wantSc)
	}
	if res.Totals.Hits != 3 || res.Totals.IOCsHit != 1 || res.Totals.Suppressed != 2 {
		t.Errorf("totals = %+v", res.Totals)
	}
	if len(res.Timeline) == 0 || res.Timeline[0].Start.Format(time.RFC3339) != "2026-05-19T08:00:00Z" {
		t.Errorf("timeline = %v", res.Timeline)
	}
}

func sameWords(a, b string) bool {
	x, y := strings.Fields(a), strings.Fields(b)
	if len(x) != len(y) {
		return false
	}
	m := map[string]int{}
	for _, w := range x {
		m[w]++
	}
	for _, w := range y {
		m[w]--
	}
	for _, n := range m {
		if n != 0 {
			return false
		}
	}
	return true
}

func findingOf(t *testing.T, res *Result, v string) Finding {
	t.Helper()
	for _, f := range res.Findings {
		if f.Indicator.Value == v {
			return f
		}
	}
	t.Fatalf("no finding for %s", v)
	return Finding{}
}

func TestRunErrors(t *testing.T) {
	spec := remcosSpec()
	spec.Queries = append(spec.Queries, Query{Name: "second", Text: "X"}, Query{Name: "third", Text: "Y"})
	t.Run("fatal stops the run", func(t *testing.T) {
		be := &fakeBackend{rows: netBatch(), err: map[string]error{"net": fmt.Errorf("401: %w", ErrFatal)}}
		res, err := Run(context.Background(), spec, be, Options{})
		if !errors.Is(err, ErrFatal) || len(res.Queries) != 1 || res.Queries[0].Error == "" {
			t.Fatalf("err %v, queries %d", err, len(res.Queries))
		}
	})
	t.Run("query error continues", func(t *testing.T) {
		be := &fakeBackend{rows: netBatch(), err: map[string]error{"second": fmt.Errorf("bad: %w", ErrQuery)}}
		res, err := Run(context.Background(), spec, be, Options{})
		if !errors.Is(err, ErrQuery) || len(res.Queries) != 3 || res.Totals.FailedQueries != 1 {
			t.Fatalf("err %v, queries %d, totals %+v", err, len(res.Queries), res.Totals)
		}
	})
	t.Run("query timeout continues", func(t *testing.T) {
		be := &slowBackend{fakeBackend: fakeBackend{rows: netBatch()}, slow: "second"}
		res, err := Run(context.Background(), spec, be, Options{QueryTimeout: 20 * time.Millisecond})
		if !errors.Is(err, ErrQueryTimeout) || res.Interrupted || len(res.Queries) != 3 {
			t.Fatalf("err %v, interrupted %v, queries %d", err, res.Interrupted, len(res.Queries))
		}
		if q := res.Queries[1]; q.Error != "query timed out after 20ms" {
			t.Errorf("second query error %q", q.Error)
		}
		if res.Queries[0].Error != "" || res.Queries[2].Error != "" {
			t.Errorf("other queries failed: %q, %q", res.Queries[0].Error, res.Queries[2].Error)
		}
	})
	t.Run("cancel", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		res, err := Run(ctx, spec, &fakeBackend{rows: netBatch()}, Options{})
		if !errors.Is(err, context.Canceled) || !res.Interrupted {
			t.Fatalf("err %v interrupted %v", err, res.Interrupted)
		}
	})
}

func TestDifferenceMultiset(t *testing.T) {
	all := netBatch()
	kept := types.NewBatch(all.Schema, 0)
	for j, c := range all.Cols {
		kept.Cols[j].Append(c.Value(0))
	}
	kept.Len = 1
	d := Difference(all, kept)
	if d.Len != all.Len-1 {
		t.Fatalf("difference has %d rows, want %d", d.Len, all.Len-1)
	}
}

func FuzzDetectExclusions(f *testing.F) {
	f.Add(remcosSpec().Queries[0].Text)
	f.Add("// exclusion: x\n\n| where y")
	f.Fuzz(func(t *testing.T, s string) {
		n := len(strings.Split(s, "\n"))
		for _, e := range DetectExclusions(s) {
			if e.Line < 0 || e.Line >= n || e.Scenario == "" {
				t.Fatalf("bad exclusion %+v", e)
			}
		}
	})
}
