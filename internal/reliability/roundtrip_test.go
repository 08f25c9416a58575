package reliability

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/huntpack/huntpack/kql/exec"
	"github.com/huntpack/huntpack/logs"
	"github.com/huntpack/huntpack/pack"
)

// nearMisses are values a query for v must not match: another host, one
// rune more, one rune less, one rune changed. (Case and trailing slashes
// are not near misses: URL and domain matching ignores them by design.)
func nearMisses(v, prefix, other string) []string {
	rs := []rune(v)
	out := []string{strings.Replace(v, prefix, other, 1), v + "x"}
	if !strings.Contains(prefix, "://") { // any scheme matches a URL
		out = append(out, "x"+v)
	}
	for i := len(rs) - 1; i >= len(prefix); i-- {
		if rs[i] != '/' && rs[i] != '.' {
			out = append(out, string(rs[:i])+string(rs[i+1:]))
			repl := "\u00e9"
			if rs[i] == '\u00e9' {
				repl = "\u00e8"
			}
			out = append(out, string(rs[:i])+repl+string(rs[i+1:]))
			break
		}
	}
	return out
}

// TestGeneratedKQLMatchesExactly runs the URL and domain queries built from
// random hostile values with the engine over a log table that holds each
// value and its near misses: the query returns the value's row and no
// other. Values the builder refused must match nothing.
func TestGeneratedKQLMatchesExactly(t *testing.T) {
	n := 200
	if testing.Short() {
		n = 10
	}
	r := rand.New(rand.NewSource(7))
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	checked := 0
	for it := range n {
		s1, s2 := hostileString(r), hostileString(r)
		// The builder trims IOC values; logs hold the trimmed value.
		url := strings.TrimSpace("http://h1.example/" + s1)
		dom := "d1." + strings.ToLower(s2) + ".example"
		p, err := pack.Build([]pack.IOC{{Type: "url", Value: url}, {Type: "domain", Value: dom}},
			pack.BuildOptions{Family: "F", Now: now, Tables: []string{"CommonSecurityLog", "DnsEvents"}})
		if errors.Is(err, pack.ErrBadSelection) || (err != nil && strings.Contains(err.Error(), "no usable IOCs")) {
			continue // both values refused (control characters): nothing to run
		}
		if err != nil {
			t.Fatalf("Build: %v", err)
		}
		refused := map[string]bool{}
		for _, sk := range p.Skipped {
			refused[sk.Value] = true
		}
		dir := t.TempDir()
		cases := []struct {
			table, col, value, prefix, other string
		}{
			{"CommonSecurityLog", "RequestURL", url, "http://h1.example/", "http://h2.example/"},
			{"DnsEvents", "Name", dom, "d1.", "d2."},
		}
		for _, c := range cases {
			var lines []string
			for _, v := range append([]string{c.value}, nearMisses(c.value, c.prefix, c.other)...) {
				b, _ := json.Marshal(map[string]string{"TimeGenerated": now.Add(-time.Hour).Format(time.RFC3339), c.col: v})
				lines = append(lines, string(b))
			}
			os.WriteFile(filepath.Join(dir, c.table+".jsonl"), []byte(strings.Join(lines, "\n")+"\n"), 0o644)
		}
		cat, err := logs.Open(logs.OpenOptions{Dirs: []string{dir}})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			var q *pack.Query
			for i := range p.Queries {
				if p.Queries[i].Table == c.table {
					q = &p.Queries[i]
				}
			}
			want := []string{c.value}
			if refused[c.value] || refused[strings.TrimSpace(c.value)] {
				want = nil
				if q == nil {
					continue // nothing to run: the refused value is the only IOC
				}
			}
			if q == nil {
				t.Fatalf("iteration %d: no %s query for %q (skipped: %+v)", it, c.table, c.value, p.Skipped)
			}
			res, err := exec.RunString(context.Background(), q.File, q.KQL, exec.Options{Catalog: cat, Now: now})
			if err != nil {
				t.Fatalf("iteration %d: %s query over %q: %v\n%s", it, c.table, c.value, err, q.KQL)
			}
			got := columnValues(res, c.col)
			if strings.Join(got, "\x00") != strings.Join(want, "\x00") {
				t.Errorf("iteration %d: %s query for %q matched %q, want %q\n%s", it, c.table, c.value, got, want, q.KQL)
			}
			checked++
		}
	}
	t.Logf("%d generated queries run over their value and its near misses, 0 failures", checked)
}

func columnValues(res *exec.Result, col string) []string {
	var out []string
	b := res.Tables[len(res.Tables)-1].Batch
	idx := -1
	for i, c := range b.Schema {
		if c.Name == col {
			idx = i
		}
	}
	if idx < 0 {
		return []string{"<no column " + col + ">"}
	}
	for i := 0; i < b.Len; i++ {
		out = append(out, b.Cols[idx].Strs[i])
	}
	sort.Strings(out)
	return out
}
