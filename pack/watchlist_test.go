package pack

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/huntpack/huntpack/kql/check"
	"github.com/huntpack/huntpack/kql/exec"
	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/logs"
	"github.com/huntpack/huntpack/logs/schema"
)

// watchlistTable is what _GetWatchlist('alias') returns for p's CSV
// export (pack/render csv: every column a string), as a KQL datatable.
func watchlistTable(p *Pack) string {
	var rows []string
	for _, i := range p.IOCs {
		port := ""
		if i.Port > 0 {
			port = strconv.Itoa(i.Port)
		}
		fs := ""
		if !i.FirstSeen.IsZero() {
			fs = i.FirstSeen.UTC().Format("2006-01-02T15:04:05Z")
		}
		rows = append(rows, strings.Join([]string{KQLString(i.Key()), KQLString(i.Key()), KQLString(i.Type), KQLString(i.Value), KQLString(port), KQLString(fs)}, ", "))
	}
	return "(datatable(SearchKey:string, key:string, ['type']:string, ['value']:string, port:string, first_seen:string) [\n" +
		strings.Join(rows, ",\n") + "])"
}

// TestWatchlistQueries: the watchlist variant of every inline query
// parses, passes check once _GetWatchlist is bound to the watchlist's
// table, and finds exactly the hits of the inline queries over the
// fixture logs (domains included, matched by parent domain instead of a
// regex).
func TestWatchlistQueries(t *testing.T) {
	p := buildSample(t)
	wq, err := WatchlistQueries(p, "remcos-iocs")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, q := range wq {
		ids = append(ids, q.ID)
	}
	if got, want := len(wq), 12; got != want {
		t.Fatalf("%d watchlist queries, want one per inline target (%d): %v", got, want, ids)
	}
	cat, err := logs.Open(logs.OpenOptions{Dirs: []string{"testdata/logs"}})
	if err != nil {
		t.Fatal(err)
	}
	inline := map[string][]string{}
	for _, q := range p.Queries {
		res, err := exec.RunString(context.Background(), q.File, q.KQL, exec.Options{Catalog: cat, Now: buildNow})
		if err != nil {
			t.Fatal(err)
		}
		base := strings.SplitN(q.ID, "-part", 2)[0]
		inline[base] = append(inline[base], hitLines(t, res.Tables[0].Batch, identColumn[q.Table])...)
	}
	call := `_GetWatchlist("remcos-iocs")`
	for _, q := range wq {
		t.Run(q.ID, func(t *testing.T) {
			if !strings.Contains(q.KQL, call) || strings.Contains(q.KQL, "datatable") {
				t.Fatalf("query does not read the watchlist:\n%s", q.KQL)
			}
			if _, d := syntax.Parse(q.File, q.KQL); d.HasErrors() {
				t.Fatalf("%v", d.Err())
			}
			bound := strings.Replace(q.KQL, call, watchlistTable(p), 1)
			flavours := []string{""}
			if q.Platform == PlatformDefender {
				flavours = append(flavours, schema.FlavourDefenderXDR)
			}
			for _, fl := range flavours {
				if r := check.Source(q.File, bound, check.Options{Catalog: check.EmbeddedCatalog(fl)}); !r.OK() {
					t.Errorf("flavour %q: %s", fl, r.Diags.Format(q.File, bound))
				}
			}
			res, err := exec.RunString(context.Background(), q.File, bound, exec.Options{Catalog: cat, Now: buildNow})
			if err != nil {
				t.Fatalf("%v\n%s", err, bound)
			}
			got := hitLines(t, res.Tables[0].Batch, identColumn[q.Table])
			want := inline[strings.TrimSuffix(q.ID, "-watchlist")]
			if len(want) == 0 {
				t.Fatalf("the inline query %s has no hits to compare with", strings.TrimSuffix(q.ID, "-watchlist"))
			}
			if d := cmp.Diff(sorted(want), got); d != "" {
				t.Errorf("hits differ from the inline query (-inline +watchlist):\n%s", d)
			}
			if LookbackLiteral(q.KQL) != DefaultLookback {
				t.Error("no let lookback")
			}
		})
	}
	if _, err := WatchlistQueries(p, `x'); evil`); err == nil {
		t.Error("bad alias accepted")
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}
