package exec

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

// TestTypedGroupingSharded runs the typed-grouping queries with the split
// threshold lowered so the table splits into shards mid-scan, over a
// table scanned by 4 goroutines at once, and compares with the generic
// grouper (run with -race).
func TestTypedGroupingSharded(t *testing.T) {
	old := agSplitAt
	agSplitAt = 50
	defer func() { agSplitAt = old }()
	mem := tgTestCatalog(t, 20000)["T"].(*MemTable)
	cat := MemCatalog{}.Add(&concurrentTable{MemTable: mem, workers: 4})
	queries := []string{
		"T | summarize count() by DestinationIP, bin(TimeGenerated, 1h)",
		"T | summarize n = count(), s = sum(Bytes), d = dcount(DestinationIP), m = max(TimeGenerated) by Port, DestinationIP",
		"T | summarize count(), s = array_length(make_set(Port)), arg_max(Bytes, DestinationIP) by DestinationIP, bin(TimeGenerated, 1h)",
		"T | summarize c = count() * 2, avg(Bytes) by DestinationIP, Port, bin(TimeGenerated, 1d)",
		"T | distinct DestinationIP, Port, TimeGenerated",
		"T | summarize count() by tostring(Port), TimeGenerated",
	}
	for _, q := range queries {
		t.Run(q, func(t *testing.T) {
			res := tgCheckAgainstGeneric(t, cat, q, "sharded grouping")
			if n := res.Tables[0].Batch.Len; n <= agSplitAt {
				t.Fatalf("only %d groups: the table never split", n)
			}
		})
	}
}

// TestTypedGroupingShardedMemoryLimit: groups added to the shards are
// charged like those of the single table.
func TestTypedGroupingShardedMemoryLimit(t *testing.T) {
	old := agSplitAt
	agSplitAt = 1000
	defer func() { agSplitAt = old }()
	var rows [][]types.Value
	for i := 0; i < 50000; i++ {
		rows = append(rows, []types.Value{sv(fmt.Sprintf("key-%d", i)), lv(int64(i))})
	}
	tb, err := NewMemTable("T", types.Schema{{Name: "K", Type: types.String}, {Name: "V", Type: types.Long}}, rows)
	if err != nil {
		t.Fatal(err)
	}
	cat := MemCatalog{}.Add(&concurrentTable{MemTable: tb, workers: 2})
	_, err = RunString(t.Context(), "q.kql", "T | summarize count() by K, V | count", Options{Catalog: cat, Now: testNow, MaxMemory: 2 << 20})
	if !errors.Is(err, ErrMemoryLimit) {
		t.Fatalf("got %v, want ErrMemoryLimit", err)
	}
	res, err := RunString(t.Context(), "q.kql", "T | summarize count() by K, V | count", Options{Catalog: cat, Now: testNow, MaxMemory: 64 << 20})
	if err != nil {
		t.Fatalf("under a large enough limit: %v", err)
	}
	if got := render(res.Tables[0].Batch); got != "Count\n50000" {
		t.Errorf("got %q", got)
	}
}

// recSink records what RunTo hands over; failAt > 0 fails that Batch call.
type recSink struct {
	sb      strings.Builder
	batches int
	failAt  int
	inBatch atomic.Int32
}

var errSinkFull = errors.New("sink full")

func (s *recSink) BeginTable(t TableInfo) error {
	fmt.Fprintf(&s.sb, "[%s %d/%d %s]\n", t.Name, t.Index, t.Count, strings.Join(t.Schema.Names(), "|"))
	return nil
}

func (s *recSink) Batch(b *types.Batch) error {
	if s.inBatch.Add(1) != 1 {
		panic("Sink.Batch called concurrently")
	}
	defer s.inBatch.Add(-1)
	s.batches++
	if s.failAt > 0 && s.batches == s.failAt {
		return errSinkFull
	}
	r := render(b)
	s.sb.WriteString(r[strings.IndexByte(r+"\n", '\n')+1:])
	if b.Len > 0 {
		s.sb.WriteByte('\n')
	}
	return nil
}

func (s *recSink) EndTable() error { s.sb.WriteString("[end]\n"); return nil }

// runToText renders what Run returns in the recSink's format.
func runToText(res *Result) string {
	var sb strings.Builder
	for i, t := range res.Tables {
		fmt.Fprintf(&sb, "[%s %d/%d %s]\n", t.Name, i, len(res.Tables), strings.Join(t.Batch.Schema.Names(), "|"))
		if r := render(t.Batch); strings.Contains(r, "\n") {
			sb.WriteString(r[strings.IndexByte(r, '\n')+1:] + "\n")
		}
		sb.WriteString("[end]\n")
	}
	return sb.String()
}

// TestRunTo: RunTo hands the sink the rows Run returns, with the same
// table names, notes and MaxRows truncation, streamed or replayed.
func TestRunTo(t *testing.T) {
	gen := genSmallCatalog(t, 20_000)
	cat := MemCatalog{}
	for name, tb := range gen {
		cat[name] = &concurrentTable{MemTable: tb.(*MemTable), workers: 4}
	}
	tests := []struct {
		q       string
		maxRows int
		sorted  bool
	}{
		{q: `CommonSecurityLog | summarize count() by DeviceAction`},
		{q: `CommonSecurityLog | where DestinationPort < 100 | project DestinationPort | order by DestinationPort asc`},
		{q: `let p = 443; CommonSecurityLog | where DestinationPort == p | count | as Hits`},
		{q: `CommonSecurityLog | project DestinationPort | order by DestinationPort asc`, maxRows: 5000},
		{q: `CommonSecurityLog | project DestinationPort | sort by DestinationPort desc`, maxRows: 7},
		{q: `CommonSecurityLog | summarize count() by DestinationPort`, maxRows: 3, sorted: true},
		{q: `print a = 1; print b = 2`},
		{q: `CommonSecurityLog | take 3 | project DeviceAction | fork (count) (take 1)`},
		{q: `print x = 1; let y = 2`},
		{q: `CommonSecurityLog | where DestinationPort < 0`},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s/max%d", tc.q, tc.maxRows), func(t *testing.T) {
			opts := Options{Catalog: cat, Now: testNow, MaxRows: tc.maxRows}
			want, err := RunString(context.Background(), "q.kql", tc.q, opts)
			if err != nil {
				t.Fatal(err)
			}
			q := mustParse(t, tc.q)
			sink := &recSink{}
			res, err := RunTo(context.Background(), q, opts, sink)
			if err != nil {
				t.Fatal(err)
			}
			got, exp := sink.sb.String(), runToText(want)
			if tc.sorted { // which rows survive the cap is not defined
				got, exp = agLineCount(got), agLineCount(exp)
			}
			if got != exp {
				t.Errorf("RunTo gave\n%.600s\nRun gave\n%.600s", got, exp)
			}
			if strings.Join(res.Notes, ";") != strings.Join(want.Notes, ";") {
				t.Errorf("notes %q, want %q", res.Notes, want.Notes)
			}
			if len(res.Tables) != 0 {
				t.Errorf("RunTo returned %d tables", len(res.Tables))
			}
		})
	}
}

func agLineCount(s string) string { return fmt.Sprint(strings.Count(s, "\n")) }

// TestRunToSinkError: a failing sink stops the scan and its error comes
// back wrapped; so does cancellation.
func TestRunToSinkError(t *testing.T) {
	gen := genSmallCatalog(t, 50_000)
	var emitted atomic.Int64
	cat := MemCatalog{}
	for name, tb := range gen {
		cat[name] = &countingTable{concurrentTable{MemTable: tb.(*MemTable), workers: 2}, &emitted}
	}
	q := mustParse(t, `CommonSecurityLog | project DestinationPort`)
	_, err := RunTo(context.Background(), q, Options{Catalog: cat, Now: testNow}, &recSink{failAt: 2})
	if !errors.Is(err, errSinkFull) {
		t.Fatalf("got %v, want the sink's error", err)
	}
	if n := emitted.Load(); n > 10 {
		t.Errorf("the scan went on for %d batches after the sink failed", n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := RunTo(ctx, q, Options{Catalog: cat, Now: testNow}, &recSink{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: got %v", err)
	}
	q = mustParse(t, `CommonSecurityLog | summarize count() by DestinationPort, SourceIP`)
	if _, err := RunTo(context.Background(), q, Options{Catalog: cat, Now: testNow, MaxMemory: 1 << 10}, &recSink{}); !errors.Is(err, ErrMemoryLimit) {
		t.Errorf("memory limit: got %v", err)
	}
}

// countingTable counts the batches its scan emits.
type countingTable struct {
	concurrentTable
	n *atomic.Int64
}

func (c *countingTable) Scan(ctx context.Context, o types.ScanOptions, emit func(*types.Batch) error) error {
	return c.concurrentTable.Scan(ctx, o, func(b *types.Batch) error {
		c.n.Add(1)
		return emit(b)
	})
}

func mustParse(t *testing.T, src string) *syntax.Query {
	t.Helper()
	q, diags := syntax.Parse("q.kql", src)
	if diags.HasErrors() {
		t.Fatal(diags.Err())
	}
	return q
}

// concSink is a ConcurrentSink gathering rows.
type concSink struct {
	mu   sync.Mutex
	rows []string
	max  atomic.Int32 // most Batch calls at once
	in   atomic.Int32
}

func (s *concSink) BeginTable(TableInfo) error { return nil }
func (s *concSink) EndTable() error            { return nil }
func (s *concSink) ConcurrentBatches() bool    { return true }

func (s *concSink) Batch(b *types.Batch) error {
	n := s.in.Add(1)
	defer s.in.Add(-1)
	for {
		m := s.max.Load()
		if n <= m || s.max.CompareAndSwap(m, n) {
			break
		}
	}
	r := strings.Split(render(b), "\n")[1:]
	s.mu.Lock()
	s.rows = append(s.rows, r...)
	s.mu.Unlock()
	return nil
}

// TestRunToConcurrentSink: a sharded summarize emits its shards in
// parallel to a ConcurrentSink; the rows are Run's.
func TestRunToConcurrentSink(t *testing.T) {
	old := agSplitAt
	agSplitAt = 100
	defer func() { agSplitAt = old }()
	mem := tgTestCatalog(t, 20000)["T"].(*MemTable)
	cat := MemCatalog{}.Add(&concurrentTable{MemTable: mem, workers: 4})
	const q = "T | summarize count() by DestinationIP, bin(TimeGenerated, 1h)"
	want, err := runQ(t, cat, q)
	if err != nil {
		t.Fatal(err)
	}
	sink := &concSink{}
	if _, err := RunTo(context.Background(), mustParse(t, q), Options{Catalog: cat, Now: testNow}, sink); err != nil {
		t.Fatal(err)
	}
	exp := strings.Split(render(want.Tables[0].Batch), "\n")[1:]
	sort.Strings(exp)
	sort.Strings(sink.rows)
	if strings.Join(sink.rows, "\n") != strings.Join(exp, "\n") {
		t.Errorf("RunTo rows differ from Run's: %d vs %d rows", len(sink.rows), len(exp))
	}
	t.Logf("at most %d Batch calls at once", sink.max.Load())
}
