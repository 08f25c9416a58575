package exec

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/huntpack/huntpack/kql/syntax"
)

// FuzzRunTo checks that RunTo hands over the rows Run returns (as a
// multiset per table, with the same names and count) for any query text
// both accept, and never panics.
func FuzzRunTo(f *testing.F) {
	for _, q := range []string{
		`CommonSecurityLog | summarize count() by DestinationIP, bin(TimeGenerated, 1h)`,
		`let IOCs = datatable(IP: string, Port: int) ["46.151.182.76", 8080]; CommonSecurityLog | join kind=inner (IOCs) on $left.DestinationIP == $right.IP | where DestinationPort == Port`,
		`range x from 1 to 10 step 2 | summarize count(), make_list(x) by x % 3`,
		`print a = 1; print b = "x"`,
		`let p = 1; range x from 1 to 5 step 1 | where x > p | as T`,
		`range x from 1 to 3 step 1 | fork (count) (take 1)`,
	} {
		f.Add(q)
	}
	if files, err := filepath.Glob(filepath.Join("testdata", "golden", "*.kql")); err == nil {
		for _, file := range files {
			if b, err := os.ReadFile(file); err == nil {
				for _, st := range strings.Split(string(b), ";\n") {
					f.Add(st)
				}
			}
		}
	}
	cat := testCatalog(f)
	f.Fuzz(func(t *testing.T, src string) {
		if strings.Contains(src, "range") && len(src) > 200 {
			return // keep generated ranges small
		}
		q, diags := syntax.Parse("fuzz.kql", src)
		if diags.HasErrors() {
			return
		}
		opts := Options{Catalog: cat, Now: testNow, MaxMemory: 64 << 20, MaxRows: 1000}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		want, err := Run(ctx, q, opts)
		sink := &recSink{}
		res, err2 := RunTo(ctx, q, opts, sink)
		if err2 == nil && res == nil {
			t.Fatal("nil result without error")
		}
		lower := strings.ToLower(src)
		if err != nil || err2 != nil || strings.Contains(lower, "rand") || strings.Contains(lower, "guid") ||
			strings.Contains(lower, "sample") || strings.Contains(lower, "any") {
			return // only comparable when both ran and the query is deterministic
		}
		if got, exp := agSortedLines(sink.sb.String()), agSortedLines(runToText(want)); got != exp {
			t.Fatalf("RunTo gave\n%.800s\nRun gave\n%.800s", got, exp)
		}
	})
}

func agSortedLines(s string) string {
	lines := strings.Split(s, "\n")
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}
