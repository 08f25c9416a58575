package exec

import (
	"errors"
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/huntpack/huntpack/kql/types"
)

// tgTestCatalog is a table with many repeated keys, nulls and empty
// strings, for comparing typed grouping with the generic grouper.
func tgTestCatalog(t testing.TB, rows int) MemCatalog {
	t.Helper()
	rng := rand.New(rand.NewSource(7))
	base := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	var data [][]types.Value
	for i := 0; i < rows; i++ {
		ip := fmt.Sprintf("10.0.%d.%d", rng.Intn(4), rng.Intn(50))
		if rng.Intn(20) == 0 {
			ip = ""
		}
		ts := types.DateTimeValue(types.TicksFromTime(base.Add(time.Duration(rng.Intn(72*3600)) * time.Second)))
		if rng.Intn(30) == 0 {
			ts = types.NullOf(types.DateTime)
		}
		port := types.IntValue(int64(rng.Intn(5) * 1000))
		if rng.Intn(25) == 0 {
			port = types.NullOf(types.Int)
		}
		data = append(data, []types.Value{ts, sv(ip), port, types.LongValue(int64(rng.Intn(1000)))})
	}
	tb, err := NewMemTable("T", types.Schema{
		{Name: "TimeGenerated", Type: types.DateTime}, {Name: "DestinationIP", Type: types.String},
		{Name: "Port", Type: types.Int}, {Name: "Bytes", Type: types.Long},
	}, data)
	if err != nil {
		t.Fatal(err)
	}
	return MemCatalog{}.Add(tb)
}

// sortedRows renders a result with its rows sorted (group order follows
// first appearance, which parallel scans do not fix).
func sortedRows(b *types.Batch) string {
	lines := strings.Split(render(b), "\n")
	sort.Strings(lines[1:])
	return strings.Join(lines, "\n")
}

func TestTypedGrouping(t *testing.T) {
	cat := tgTestCatalog(t, 20000)
	queries := []string{
		"T | summarize count() by DestinationIP, bin(TimeGenerated, 1h)",
		"T | summarize n = count(), s = sum(Bytes), d = dcount(DestinationIP), m = max(TimeGenerated) by Port",
		"T | summarize count(), make_set(Port), arg_max(Bytes, DestinationIP) by DestinationIP",
		"T | summarize c = count() * 2, avg(Bytes) by DestinationIP, Port, bin(TimeGenerated, 1d)",
		"T | summarize by Port, DestinationIP",
		"T | distinct DestinationIP, Port",
		"T | summarize count() by TimeGenerated",
		"T | summarize count() by tostring(Port), TimeGenerated",
	}
	for _, q := range queries {
		t.Run(q, func(t *testing.T) {
			res := tgCheckAgainstGeneric(t, cat, q, "typed grouping")
			if res.Tables[0].Batch.Len < 2 {
				t.Errorf("only %d groups: the test data should make many", res.Tables[0].Batch.Len)
			}
		})
	}
}

// tgCheckAgainstGeneric runs q with the typed grouper and with the
// generic one, checks that both give the same rows (in any order) and
// returns the typed grouper's result.
func tgCheckAgainstGeneric(t *testing.T, cat types.Catalog, q, what string) *Result {
	t.Helper()
	res, err := runQ(t, cat, q)
	if err != nil {
		t.Fatal(err)
	}
	tgDisabled = true
	want, err := runQ(t, cat, q)
	tgDisabled = false
	if err != nil {
		t.Fatal(err)
	}
	got, exp := sortedRows(res.Tables[0].Batch), sortedRows(want.Tables[0].Batch)
	if got != exp {
		t.Errorf("%s differs from the generic grouper:\ngot  %.400s\nwant %.400s", what, got, exp)
	}
	return res
}

func TestTypedGroupingGrows(t *testing.T) {
	// Enough distinct keys to grow the table several times and to fill
	// more than one state page and one output chunk.
	var rows [][]types.Value
	for i := 0; i < 150000; i++ {
		rows = append(rows, []types.Value{sv(fmt.Sprintf("k%d", i%70001)), lv(int64(i % 3))})
	}
	tb, err := NewMemTable("T", types.Schema{{Name: "K", Type: types.String}, {Name: "V", Type: types.Long}}, rows)
	if err != nil {
		t.Fatal(err)
	}
	res, err := runQ(t, MemCatalog{}.Add(tb), "T | summarize n = count() by K | summarize groups = count(), rows = sum(n), top = max(n)")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := render(res.Tables[0].Batch), "groups|rows|top\n70001|150000|3"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// BenchmarkSummarizeTyped is the bench's summarize hunt on 100k rows with
// about 50k groups.
func BenchmarkSummarizeTyped(b *testing.B) {
	var rows [][]types.Value
	base := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 100000; i++ {
		rows = append(rows, []types.Value{types.DateTimeValue(types.TicksFromTime(base.Add(time.Duration(i) * time.Second))), sv(fmt.Sprintf("%d.%d.%d.%d", i%251, i%13, i%7, i%50000%256))})
	}
	tb, err := NewMemTable("T", types.Schema{{Name: "TimeGenerated", Type: types.DateTime}, {Name: "DestinationIP", Type: types.String}}, rows)
	if err != nil {
		b.Fatal(err)
	}
	cat := MemCatalog{}.Add(tb)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := runQ(b, cat, "T | summarize count() by DestinationIP, bin(TimeGenerated, 1h) | count"); err != nil {
			b.Fatal(err)
		}
	}
}

// TestTypedGroupingMemoryLimit checks that the typed groups are charged
// to Options.MaxMemory: many groups under a small limit fail cleanly.
func TestTypedGroupingMemoryLimit(t *testing.T) {
	var rows [][]types.Value
	for i := 0; i < 50000; i++ {
		rows = append(rows, []types.Value{sv(fmt.Sprintf("key-%d", i)), lv(int64(i))})
	}
	tb, err := NewMemTable("T", types.Schema{{Name: "K", Type: types.String}, {Name: "V", Type: types.Long}}, rows)
	if err != nil {
		t.Fatal(err)
	}
	_, err = RunString(t.Context(), "q.kql", "T | summarize count() by K, V", Options{Catalog: MemCatalog{}.Add(tb), Now: testNow, MaxMemory: 1 << 20})
	if !errors.Is(err, ErrMemoryLimit) {
		t.Fatalf("got %v, want ErrMemoryLimit", err)
	}
	if _, err := RunString(t.Context(), "q.kql", "T | summarize count() by K, V | count", Options{Catalog: MemCatalog{}.Add(tb), Now: testNow, MaxMemory: 64 << 20}); err != nil {
		t.Fatalf("under a large enough limit: %v", err)
	}
}
