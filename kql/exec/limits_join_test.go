package exec

import (
	"context"
	"errors"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/huntpack/huntpack/kql/types"
)

// joinRows renders a result as sorted rows (join output order is not
// defined), for comparing two ways of running the same join.
func joinRows(b *types.Batch) []string {
	var rows []string
	for r := 0; r < b.Len; r++ {
		var f []string
		for _, c := range b.Cols {
			f = append(f, types.FormatValue(c.Value(r)))
		}
		rows = append(rows, strings.Join(f, "|"))
	}
	sort.Strings(rows)
	return rows
}

// TestJoinOrientations runs every join kind with the hash table on the
// right side (Kusto's way) and on the left side (chosen when the left
// side is small and the right is not) and checks both give the same rows,
// for string, long, null and multi-column keys.
func TestJoinOrientations(t *testing.T) {
	left := `datatable(k: string, n: long, v: string) ["a", 1, "l1", "a", 1, "l2", "b", 2, "l3", "", long(null), "l4", "c", 3, "l5", "a", 2, "l6"]`
	right := `datatable(k: string, n: long, w: string) ["a", 1, "r1", "a", 1, "r2", "b", 5, "r3", "", long(null), "r4", "d", 4, "r5"]`
	kinds := []string{"innerunique", "inner", "leftouter", "rightouter", "fullouter", "leftsemi", "rightsemi", "leftanti", "rightanti"}
	ons := []string{"k", "n", "k, n", "$left.k == $right.k and $left.n == $right.n", "$left.v == $right.w"}
	defer func(v int) { limJoinSmall = v }(limJoinSmall)
	for _, kind := range kinds {
		for _, on := range ons {
			q := left + " | join kind=" + kind + " (" + right + ") on " + on
			limJoinSmall = 1 << 16
			want, err := runQ(t, MemCatalog{}, q)
			if err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			limJoinSmall = 0 // both sides "large": build right, stream left after the buffered batch
			got0, err := runQ(t, MemCatalog{}, q)
			if err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			// left ends within 5 rows but the right does not: build left
			limJoinSmall = 5
			got5, err := runQ(t, MemCatalog{}, q)
			if err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			w := strings.Join(joinRows(want.Tables[0].Batch), "\n")
			for name, g := range map[string]*Result{"build right": got0, "build left": got5} {
				if s := strings.Join(joinRows(g.Tables[0].Batch), "\n"); s != w {
					t.Errorf("kind=%s on %s, %s:\n%s\nwant\n%s", kind, on, name, s, w)
				}
			}
		}
	}
}

// TestJoinKnownAnswers pins the rows of a few joins (Kusto semantics:
// innerunique keeps the first left row of a key; outer joins fill nulls).
func TestJoinKnownAnswers(t *testing.T) {
	l := `datatable(k: string, v: long) ["a", 1, "a", 2, "b", 3]`
	r := `datatable(k: string, w: long) ["a", 10, "a", 20, "c", 30]`
	tests := []struct{ kind, want string }{
		{"innerunique", "a|1|a|10\na|1|a|20"},
		{"inner", "a|1|a|10\na|1|a|20\na|2|a|10\na|2|a|20"},
		{"leftouter", "a|1|a|10\na|1|a|20\na|2|a|10\na|2|a|20\nb|3||"},
		{"rightanti", "c|30"},
		{"leftanti", "b|3"},
		{"fullouter", "a|1|a|10\na|1|a|20\na|2|a|10\na|2|a|20\nb|3||\n||c|30"},
	}
	for _, tc := range tests {
		t.Run(tc.kind, func(t *testing.T) {
			res, err := runQ(t, MemCatalog{}, l+" | join kind="+tc.kind+" ("+r+") on k")
			if err != nil {
				t.Fatal(err)
			}
			rows := joinRows(res.Tables[0].Batch)
			want := strings.Split(tc.want, "\n")
			sort.Strings(want)
			if strings.Join(rows, "\n") != strings.Join(want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

// TestLimitsStopLongLoops checks that exploding operators notice a
// cancelled context within a fraction of a second and that the memory cap
// names the operator and its position.
func TestLimitsStopLongLoops(t *testing.T) {
	cross := "range x from 1 to 100000 step 1 | extend k = 1 | join kind=inner (range y from 1 to 100000 step 1 | extend k = 1) on k | count"
	tests := []struct {
		name, q string
		mem     int64
		want    error
		msg     string
	}{
		{"cross join timeout", cross, 0, context.DeadlineExceeded, ""},
		{"mv-expand timeout", "range x from 1 to 100000 step 1 | mv-expand a = range(1, 100000, 1) | count", 0, context.DeadlineExceeded, ""},
		{"extend of big arrays memory", "range x from 1 to 1000 step 1 | extend a = range(x, x + 100000, 1) | count", 1 << 20, ErrMemoryLimit, "extend (line 1, col 44)"},
		{"cross join build memory", "range x from 1 to 1000000 step 1 | extend k = 1\n| join kind=inner (range y from 1 to 1000000 step 1 | extend k = 1) on k | count", 8 << 20, ErrMemoryLimit, "join (line 2, col 3)"},
		{"mv-apply row memory", "print a = range(1, 1000000, 1) | mv-apply a to typeof(long) on (summarize make_list(a))", 1 << 20, ErrMemoryLimit, "mv-apply (line 1, col 34)"},
		{"make_list state memory", "range x from 1 to 1000000 step 1 | summarize make_list(strcat('v', x))", 8 << 20, ErrMemoryLimit, "summarize"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			budget := 10 * time.Second
			if tc.want == context.DeadlineExceeded {
				budget = 200 * time.Millisecond
			}
			ctx, cancel := context.WithTimeout(context.Background(), budget)
			defer cancel()
			start := time.Now()
			_, err := RunString(ctx, "q.kql", tc.q, Options{MaxMemory: tc.mem})
			took := time.Since(start)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("err = %v, want it to name %q", err, tc.msg)
			}
			if took > budget+time.Second {
				t.Errorf("took %v", took)
			}
		})
	}
}

// TestLimDynBytes checks the size estimate of dynamic values grows with
// their content (sampled for large arrays).
func TestLimDynBytes(t *testing.T) {
	small := limDynBytes([]any{int64(1), "ab"}, 0)
	arr := make([]any, 100000)
	for i := range arr {
		arr[i] = "0123456789"
	}
	big := limDynBytes(arr, 0)
	if small <= 0 || big < 100000*40 || big > 100000*50 {
		t.Errorf("small %d, big %d (want about %d)", small, big, 100000*(16+16+10))
	}
	bag := limDynBytes(map[string]any{"k": strings.Repeat("x", 1000)}, 0)
	if bag < 1000 {
		t.Errorf("bag %d", bag)
	}
}

// TestMaxRowsSortIsTop checks that a result capped by MaxRows and ending
// in a sort keeps only the top rows instead of sorting every input row.
func TestMaxRowsSortIsTop(t *testing.T) {
	q := "range x from 1 to 2000000 step 1 | order by x desc"
	res, err := RunString(context.Background(), "q.kql", q, Options{MaxRows: 3, MaxMemory: 8 << 20})
	if err != nil {
		t.Fatal(err)
	}
	b := res.Tables[0].Batch
	if got := joinRows(b); b.Len != 3 || strings.Join(got, ",") != "1999998,1999999,2000000" {
		t.Errorf("rows %v", got)
	}
	if len(res.Notes) == 0 || !strings.Contains(strings.Join(res.Notes, ";"), "truncated to 3") {
		t.Errorf("notes %v", res.Notes)
	}
	// Without the cap the sort holds every row and hits the memory limit.
	if _, err := RunString(context.Background(), "q.kql", q, Options{MaxMemory: 8 << 20}); !errors.Is(err, ErrMemoryLimit) {
		t.Errorf("uncapped: err = %v, want ErrMemoryLimit", err)
	}
}

// TestJoinConcurrentProbe joins a table scanned by several goroutines at
// once (so probes run concurrently after the build) and compares every
// kind with the same join over a sequential scan; run it with -race.
func TestJoinConcurrentProbe(t *testing.T) {
	gen := genSmallCatalog(t, 20_000)
	conc := MemCatalog{}
	for name, tb := range gen {
		conc[name] = tb
	}
	// only the log is scanned concurrently: take over a concurrent scan
	// picks arbitrary rows
	conc["CommonSecurityLog"] = &concurrentTable{MemTable: gen["CommonSecurityLog"].(*MemTable), workers: 4}
	defer func(v int) { limJoinSmall = v }(limJoinSmall)
	limJoinSmall = 2000
	for _, kind := range []string{"innerunique", "inner", "leftouter", "rightouter", "fullouter", "leftsemi", "rightsemi", "leftanti", "rightanti"} {
		for _, q := range []string{
			"CommonSecurityLog | project SourceIP, DestinationPort | join kind=" + kind + " (DeviceNetworkEvents | take 3000 | project RemoteIP, DeviceName) on $left.SourceIP == $right.RemoteIP",
			"DeviceNetworkEvents | take 500 | project RemoteIP, RemotePort | join kind=" + kind + " (CommonSecurityLog | project DestinationIP, DestinationPort) on $left.RemoteIP == $right.DestinationIP",
		} {
			want, err := runQ(t, gen, q)
			if err != nil {
				t.Fatal(err)
			}
			got, err := runQ(t, conc, q)
			if err != nil {
				t.Fatal(err)
			}
			w, g := joinRows(want.Tables[0].Batch), joinRows(got.Tables[0].Batch)
			if kind == "innerunique" {
				// which left row of a key wins depends on scan order
				if len(w) != len(g) {
					t.Errorf("%s: %d rows concurrent, %d sequential", q, len(g), len(w))
				}
				continue
			}
			if strings.Join(w, "\n") != strings.Join(g, "\n") {
				t.Errorf("%s: %d rows concurrent, %d sequential", q, len(g), len(w))
			}
		}
	}
}
