package exec

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzRun checks that planning and running any query text never panics
// or hangs: it either returns a result or an error.
func FuzzRun(f *testing.F) {
	for _, q := range []string{
		`DnsEvents | where Name has_any ("sls.in.net") | project Name | order by Name asc`,
		`let ips = dynamic(["1.2.3.4"]); CommonSecurityLog | where SourceIP in (ips) or DestinationIP !in~ (ips) | take 3`,
		`print x = 1 + 2, y = "a" | extend z = strcat(y, x)`,
		`range x from 1 to 10 step 2 | summarize count(), make_list(x) by x % 3`,
		`datatable(a:long, d:dynamic)[1, dynamic([1,2])] | mv-expand d | join kind=leftouter (print a = 1) on a`,
		`print s = "k=v" | parse-kv s as (k:string) with (pair_delimiter=" ", kv_delimiter="=")`,
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
	f.Fuzz(func(t *testing.T, q string) {
		if strings.Contains(q, "range") && len(q) > 200 {
			return // keep generated ranges small
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		res, err := RunString(ctx, "fuzz.kql", q, Options{Catalog: cat, Now: testNow, MaxMemory: 64 << 20, MaxRows: 1000})
		if err == nil && res == nil {
			t.Fatal("nil result without error")
		}
	})
}

// FuzzSplitKV checks the parse-kv splitter on arbitrary text and
// delimiters: no panic, and every key it returns occurs in the input.
func FuzzSplitKV(f *testing.F) {
	f.Add("a=1, b=hello world, c=\"x y\"", ",", "=", "\"", false)
	f.Add("ThreadId:458745723, Machine:Node001, Text: The service is up", ",", ":", "", false)
	f.Add("name=John Doe phone=555 5555 city=New York", " ", "=", "", true)
	f.Add("x='a \\' b' y=2", " ", "=", "'", false)
	f.Fuzz(func(t *testing.T, s, pair, kv, quote string, greedy bool) {
		if pair == "" || kv == "" {
			return
		}
		o := &kvOptions{pairDelims: pair, kvDelims: kv, quotes: quote, escape: '\\', greedy: greedy}
		for _, p := range splitKV(s, o) {
			if p[0] != "" && !strings.Contains(s, p[0]) && quote == "" {
				t.Fatalf("key %q not in input %q", p[0], s)
			}
		}
	})
}
