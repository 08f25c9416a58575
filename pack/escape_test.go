package pack

import (
	"context"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/huntpack/huntpack/kql/exec"
	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
	"github.com/huntpack/huntpack/logs/schema"
)

// hostile are IOC values built to break out of string literals, regexes,
// comments and lists.
var hostile = []string{
	`evil"quote.example`,
	`back\slash.example`,
	"new\nline.example",
	"tab\tand\rcr.example",
	`brack]et.example`,
	`pi|pe.example`,
	`star*/comment.example`,
	`"); DnsEvents | take 100 //`,
	`a\"b\\`,
	`@"verbatim"`,
	`'single'.example`,
	"```fence```.example",
	`.*`,
	`(?:^|.)re.example`,
	`ünïcode.example`,
	`$(x)&{y}.example`,
	`/* open comment`,
}

// memTable builds a table with the schema of a known table where every
// row sets only the given columns.
func memTable(t *testing.T, name string, rows []map[string]types.Value) *exec.MemTable {
	t.Helper()
	s, ok := schema.Lookup(name)
	if !ok {
		t.Fatalf("no schema for %s", name)
	}
	var vals [][]types.Value
	for _, r := range rows {
		row := make([]types.Value, len(s))
		for i, f := range s {
			row[i] = types.NullOf(f.Type)
			if v, ok := r[f.Name]; ok {
				row[i] = v
			}
		}
		vals = append(vals, row)
	}
	mt, err := exec.NewMemTable(name, s, vals)
	if err != nil {
		t.Fatal(err)
	}
	return mt
}

var escNow = types.DateTimeValue(types.TicksFromTime(buildNow.Add(-3600e9)))

func stmtCount(t *testing.T, q Query) int {
	t.Helper()
	parsed, diags := syntax.Parse(q.File, q.KQL)
	if diags.HasErrors() {
		t.Fatalf("%s does not parse: %v\n%s", q.ID, diags.Err(), q.KQL)
	}
	return len(parsed.Stmts)
}

func queryByID(t *testing.T, p *Pack, id string) Query {
	t.Helper()
	for _, q := range p.Queries {
		if q.ID == id {
			return q
		}
	}
	t.Fatalf("no query %s", id)
	return Query{}
}

func runHits(t *testing.T, q Query, cat exec.MemCatalog, col string) []string {
	t.Helper()
	res, err := exec.RunString(context.Background(), q.File, q.KQL, exec.Options{Catalog: cat, Now: buildNow})
	if err != nil {
		t.Fatalf("%v\n%s", err, q.KQL)
	}
	b := res.Tables[0].Batch
	idx := -1
	for i, f := range b.Schema {
		if f.Name == col {
			idx = i
		}
	}
	var out []string
	for r := 0; r < b.Len; r++ {
		out = append(out, b.Row(r)[idx].S)
	}
	sort.Strings(out)
	return out
}

// TestHostileDomainValues proves each hostile domain stays one query that
// matches that domain (and its subdomains) and nothing else.
func TestHostileDomainValues(t *testing.T) {
	benign := buildOne(t, TypeDomain, "benign.example")
	wantStmts := stmtCount(t, queryByID(t, benign, "domain-dnsevents"))
	for _, v := range hostile {
		t.Run(v, func(t *testing.T) {
			p := buildOne(t, TypeDomain, v)
			q := queryByID(t, p, "domain-dnsevents")
			if n := stmtCount(t, q); n != wantStmts {
				t.Fatalf("%d statements, want %d:\n%s", n, wantStmts, q.KQL)
			}
			var rows []map[string]types.Value
			names := []string{v, "sub." + v, v + "x", "x" + v, upperASCII(v)}
			for _, o := range hostile {
				if o != v {
					names = append(names, o)
				}
			}
			for _, n := range names {
				rows = append(rows, map[string]types.Value{"TimeGenerated": escNow, "Name": types.StringValue(n)})
			}
			cat := exec.MemCatalog{}.Add(memTable(t, "DnsEvents", rows))
			got := runHits(t, q, cat, "Name")
			want := []string{upperASCII(v), "sub." + v, v}
			if upperASCII(v) == v {
				want = []string{"sub." + v, v, v}
			}
			sort.Strings(want)
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("hits (-want +got):\n%s\n%s", d, q.KQL)
			}
		})
	}
}

// TestHostileURLValues does the same for URL IOCs in CommonSecurityLog.
func TestHostileURLValues(t *testing.T) {
	benign := buildOne(t, TypeURL, "http://benign.example/a")
	wantStmts := stmtCount(t, queryByID(t, benign, "url-commonsecuritylog"))
	for _, h := range hostile {
		v := "http://host.example/" + h
		t.Run(h, func(t *testing.T) {
			p := buildOne(t, TypeURL, v)
			q := queryByID(t, p, "url-commonsecuritylog")
			if n := stmtCount(t, q); n != wantStmts {
				t.Fatalf("%d statements, want %d:\n%s", n, wantStmts, q.KQL)
			}
			urls := []string{v, strings.TrimPrefix(v, "http://"), v + "x", "http://host.example/x" + h}
			for _, o := range hostile {
				if o != h {
					urls = append(urls, "http://host.example/"+o)
				}
			}
			var rows []map[string]types.Value
			for _, u := range urls {
				rows = append(rows, map[string]types.Value{"TimeGenerated": escNow, "RequestURL": types.StringValue(u)})
			}
			cat := exec.MemCatalog{}.Add(memTable(t, "CommonSecurityLog", rows))
			got := runHits(t, q, cat, "RequestURL")
			want := []string{v, strings.TrimPrefix(v, "http://")}
			sort.Strings(want)
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("hits (-want +got):\n%s\n%s", d, q.KQL)
			}
		})
	}
}

// TestHostileExclusionValues proves an exclusion value removes exactly the
// rows holding it.
func TestHostileExclusionValues(t *testing.T) {
	for _, v := range hostile {
		t.Run(v, func(t *testing.T) {
			ex := []Exclusion{{ID: "x", Scenario: v, Reason: v,
				Condition: Condition{Field: "process.name", Operator: OpIn, Values: []string{v, "other"}}}}
			p, err := Build([]IOC{{Type: TypeIPPort, Value: "192.0.2.1", Port: 443, FirstSeen: day(20)}},
				BuildOptions{Family: "T", Now: buildNow, Exclusions: ex})
			if err != nil {
				t.Fatal(err)
			}
			q := queryByID(t, p, "ip-commonsecuritylog")
			var rows []map[string]types.Value
			for _, name := range []string{v, upperASCII(v), v + "x", "kept"} {
				rows = append(rows, map[string]types.Value{"TimeGenerated": escNow, "DestinationIP": types.StringValue("192.0.2.1"),
					"DestinationPort": types.IntValue(443), "SourceProcessName": types.StringValue(name), "SourceUserName": types.StringValue(name)})
			}
			cat := exec.MemCatalog{}.Add(memTable(t, "CommonSecurityLog", rows))
			got := runHits(t, q, cat, "SourceUserName")
			want := []string{v + "x", "kept"}
			sort.Strings(want)
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("kept rows (-want +got):\n%s\n%s", d, q.KQL)
			}
		})
	}
}

// upperASCII upper-cases ASCII letters only: case folding of other
// letters is the engine's business (Kusto documents has/=~ as
// case-insensitive without saying how non-ASCII letters fold).
func upperASCII(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}, s)
}

func buildOne(t *testing.T, typ, v string) *Pack {
	t.Helper()
	p, err := Build([]IOC{{Type: typ, Value: v, FirstSeen: day(20), Source: "test"}}, BuildOptions{Family: "T", Now: buildNow})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Skipped) > 0 {
		t.Fatalf("skipped: %+v", p.Skipped)
	}
	return p
}

// FuzzKQLString checks that every string survives KQLString and the
// engine's parser unchanged, as the only statement of the query.
func FuzzKQLString(f *testing.F) {
	for _, h := range hostile {
		f.Add(h)
	}
	f.Add("\x00\x01\u2028")
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		src := "print v = " + KQLString(s)
		res, err := exec.RunString(context.Background(), "fuzz", src, exec.Options{Catalog: exec.MemCatalog{}})
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		if got := res.Tables[0].Batch.Row(0)[0].S; got != s {
			t.Fatalf("KQLString(%q) reads back as %q", s, got)
		}
	})
}
