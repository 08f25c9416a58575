package exec

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
)

// recordingTable wraps a table and records the scan options it receives.
type recordingTable struct {
	types.Table
	opts []types.ScanOptions
}

func (r *recordingTable) Scan(ctx context.Context, o types.ScanOptions, emit func(*types.Batch) error) error {
	r.opts = append(r.opts, o)
	return r.Table.Scan(ctx, o, emit)
}

func TestProjectionPushDown(t *testing.T) {
	cat := testCatalog(t)
	tests := []struct {
		name, q string
		want    []string // nil: all columns
	}{
		{"seed dns", `DnsEvents | where Name has_any ("x") | project TimeGenerated, Computer | order by TimeGenerated desc`, []string{"TimeGenerated", "Computer", "Name"}},
		{"summarize", `DnsEvents | summarize count() by QueryType`, []string{"QueryType"}},
		{"count only", `DnsEvents | count`, []string{"TimeGenerated"}},
		{"extend then project", `DnsEvents | extend n = strlen(Name) | project n`, []string{"Name"}},
		{"no closing op", `DnsEvents | where Name == "x"`, nil},
		{"pack_all", `DnsEvents | project b = pack_all()`, nil},
		{"join first", `DnsEvents | join (DnsEvents) on Name | project Name`, []string{"Name"}},
		{"join then suffixed name", `DnsEvents | join kind=inner (DnsEvents) on $left.Computer == $right.Name | project Name1`, []string{"Computer", "Name"}},
		{"join, no closing op", `DnsEvents | join (DnsEvents) on Name`, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recordingTable{Table: cat["DnsEvents"]}
			c := MemCatalog{}.Add(rec)
			if _, err := runQ(t, c, tc.q); err != nil {
				t.Fatal(err)
			}
			got := rec.opts[0].Columns
			if strings.Join(got, ",") != strings.Join(tc.want, ",") || (got == nil) != (tc.want == nil) {
				t.Errorf("columns = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestRawFilterPushDown(t *testing.T) {
	cat := testCatalog(t)
	tests := []struct {
		name, q string
		keep    map[string]bool // raw Name value -> Keep result
	}{
		{"in", `DnsEvents | where Name in ("a.com", "b.com")`, map[string]bool{"a.com": true, "A.COM": false, "c.com": false}},
		{"in~", `DnsEvents | where Name in~ ("a.com")`, map[string]bool{"A.COM": true, "b.com": false}},
		{"has_any", `let d = dynamic(["sls.in.net"]); DnsEvents | where Name has_any (d)`,
			map[string]bool{"www.sls.in.net": true, "xsls.in.net": false, "SLS.IN.NET": true}},
		{"and keeps pushable side", `DnsEvents | where strlen(Computer) > 1 and Name == "a"`, map[string]bool{"a": true, "b": false}},
		{"has", `DnsEvents | where Name has "sls"`, map[string]bool{"x.sls.y": true, "xsls": false}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recordingTable{Table: cat["DnsEvents"]}
			if _, err := runQ(t, MemCatalog{}.Add(rec), tc.q); err != nil {
				t.Fatal(err)
			}
			f := rec.opts[0].Filter
			if f == nil || len(f.Columns) != 1 || f.Columns[0] != "Name" {
				t.Fatalf("filter = %+v, want one on Name", f)
			}
			for raw, want := range tc.keep {
				if got := f.Keep([][]byte{[]byte(raw)}); got != want {
					t.Errorf("Keep(%q) = %v, want %v", raw, got, want)
				}
			}
		})
	}
	t.Run("or with unpushable side gives no filter", func(t *testing.T) {
		rec := &recordingTable{Table: cat["DnsEvents"]}
		if _, err := runQ(t, MemCatalog{}.Add(rec), `DnsEvents | where Name == "a" or strlen(Computer) > 3`); err != nil {
			t.Fatal(err)
		}
		if rec.opts[0].Filter != nil {
			t.Errorf("unexpected filter on %v", rec.opts[0].Filter.Columns)
		}
	})
	t.Run("applied filter gives the same result", func(t *testing.T) {
		m := cat["DnsEvents"].(*MemTable)
		on := &MemTable{TableName: m.TableName, Data: m.Data, ApplyRawFilter: true}
		q := `DnsEvents | where Name has_any ("sls.in.net") or Computer in ("pc4") | project Computer`
		a, err := runQ(t, MemCatalog{}.Add(on), q)
		if err != nil {
			t.Fatal(err)
		}
		b, err := runQ(t, cat, q)
		if err != nil {
			t.Fatal(err)
		}
		if render(a.Tables[0].Batch) != render(b.Tables[0].Batch) {
			t.Errorf("with filter:\n%s\nwithout:\n%s", render(a.Tables[0].Batch), render(b.Tables[0].Batch))
		}
	})
}

func TestOptions(t *testing.T) {
	cat := testCatalog(t)
	ctx := context.Background()
	t.Run("MaxRows truncates with a note", func(t *testing.T) {
		res, err := RunString(ctx, "q", `DnsEvents`, Options{Catalog: cat, MaxRows: 2})
		if err != nil {
			t.Fatal(err)
		}
		if res.Tables[0].Batch.Len != 2 || len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "truncated to 2 rows") {
			t.Errorf("len %d notes %v", res.Tables[0].Batch.Len, res.Notes)
		}
	})
	t.Run("MaxMemory fails sort", func(t *testing.T) {
		_, err := RunString(ctx, "q", `range x from 1 to 100000 step 1 | sort by x`, Options{Catalog: cat, MaxMemory: 1000})
		if !errors.Is(err, ErrMemoryLimit) {
			t.Errorf("err = %v, want ErrMemoryLimit", err)
		}
	})
	t.Run("MaxMemory fails join", func(t *testing.T) {
		_, err := RunString(ctx, "q", `range x from 1 to 10 step 1 | join (range x from 1 to 100000 step 1) on x`, Options{Catalog: cat, MaxMemory: 1000})
		if !errors.Is(err, ErrMemoryLimit) {
			t.Errorf("err = %v, want ErrMemoryLimit", err)
		}
	})
	t.Run("time window", func(t *testing.T) {
		from := time.Date(2026, 5, 22, 10, 30, 0, 0, time.UTC)
		to := time.Date(2026, 5, 22, 12, 0, 0, 0, time.UTC)
		res, err := RunString(ctx, "q", `CommonSecurityLog | project SourceIP`, Options{Catalog: cat, From: from, To: to})
		if err != nil {
			t.Fatal(err)
		}
		if got := render(res.Tables[0].Batch); got != "SourceIP\n10.0.0.6" {
			t.Errorf("got %q", got)
		}
	})
	t.Run("time window falls back to Timestamp", func(t *testing.T) {
		// Sentinel's Device* schemas carry TimeGenerated and Timestamp; a
		// Defender export fills only Timestamp. Those rows must not vanish.
		dt := func(s string) types.Value {
			v, err := types.ParseDateTime(s)
			if err != nil {
				t.Fatal(err)
			}
			return types.DateTimeValue(v)
		}
		null := types.NullOf(types.DateTime)
		tbl, err := NewMemTable("UrlClickEvents", types.Schema{
			{Name: "TimeGenerated", Type: types.DateTime}, {Name: "Timestamp", Type: types.DateTime}, {Name: "Url", Type: types.String},
		}, [][]types.Value{
			{dt("2026-05-22T11:00:00Z"), null, types.StringValue("sentinel-in")},
			{null, dt("2026-05-22T11:00:00Z"), types.StringValue("defender-in")},
			{null, dt("2026-05-22T09:00:00Z"), types.StringValue("defender-out")},
			{dt("2026-05-22T09:00:00Z"), dt("2026-05-22T11:00:00Z"), types.StringValue("sentinel-out")},
			{null, null, types.StringValue("no-time")},
		})
		if err != nil {
			t.Fatal(err)
		}
		from := time.Date(2026, 5, 22, 10, 30, 0, 0, time.UTC)
		to := time.Date(2026, 5, 22, 12, 0, 0, 0, time.UTC)
		res, err := RunString(ctx, "q", `UrlClickEvents | project Url`, Options{Catalog: MemCatalog{}.Add(tbl), From: from, To: to})
		if err != nil {
			t.Fatal(err)
		}
		if got := render(res.Tables[0].Batch); got != "Url\nsentinel-in\ndefender-in" {
			t.Errorf("got %q", got)
		}
	})
	t.Run("now and ago fixed", func(t *testing.T) {
		res, err := RunString(ctx, "q", `print a = now(), b = ago(1d), c = now() - ago(1h)`, Options{Now: testNow})
		if err != nil {
			t.Fatal(err)
		}
		if got := render(res.Tables[0].Batch); got != "a|b|c\n2026-05-23T12:00:00Z|2026-05-22T12:00:00Z|01:00:00" {
			t.Errorf("got %q", got)
		}
	})
	t.Run("params", func(t *testing.T) {
		res, err := RunString(ctx, "q", `declare query_parameters(n:long = 1, s:string); print n, s`,
			Options{Params: map[string]types.Value{"s": types.StringValue("hi")}})
		if err != nil {
			t.Fatal(err)
		}
		if got := render(res.Tables[0].Batch); got != "print_0|print_1\n1|hi" {
			t.Errorf("got %q", got)
		}
	})
	t.Run("render and set are notes", func(t *testing.T) {
		res, err := RunString(ctx, "q", "set notruncation;\nDnsEvents | count | render table", Options{Catalog: cat})
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(res.Notes, ";") != "set notruncation ignored;render table ignored" {
			t.Errorf("notes %v", res.Notes)
		}
	})
	t.Run("several results", func(t *testing.T) {
		res, err := RunString(ctx, "q", "print 1; print 2 | as Two", Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Tables) != 2 || res.Tables[0].Name != "Table_0" || res.Tables[1].Name != "Two" {
			t.Errorf("tables %+v", res.Tables)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		c, cancel := context.WithCancel(ctx)
		cancel()
		_, err := RunString(c, "q", `DnsEvents | count`, Options{Catalog: cat})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v", err)
		}
	})
}

func TestDiagnostics(t *testing.T) {
	cat := testCatalog(t)
	tests := []struct{ name, q, want string }{
		{"unknown table", "DnsEvent\n| count", `q.kql:1:1: unknown table "DnsEvent" (did you mean "DnsEvents"?)`},
		{"unknown column", "DnsEvents\n| where Nme == 1", `q.kql:2:9: unknown column or variable "Nme" (did you mean "Name"?)`},
		{"type error", "print 1 + \"a\"", `q.kql:1:9: operator + cannot be applied to long and string`},
		{"unsupported operator", "DnsEvents | consume", `q.kql:1:13: operator consume is not supported`},
		{"ingestion_time has no local meaning", "DnsEvents | where ingestion_time() > ago(1h)", `q.kql:1:19: ingestion_time() is not supported by the local engine: exported and raw logs carry no ingestion time (filter on TimeGenerated, or run the query on Sentinel/ADX)`},
		{"fork not last", "DnsEvents | fork (count) (take 1) | count", `q.kql:1:13: fork and facet must be the last operator of a statement`},
		{"url refused", "externaldata(a:string)[\"https://example.com/x.csv?sig=secret\"]",
			`q.kql:1:24: externaldata: https://example.com/x.csv is a network location; huntpack does not access the network: download it and reference the local file`},
		{"aggregate outside summarize", "DnsEvents | extend c = count()", `q.kql:1:24: aggregate count() is only allowed in summarize and similar operators`},
		{"unknown function", "print strlenn(\"a\")", `q.kql:1:7: unknown function "strlenn" (did you mean "strlen"?)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := RunString(context.Background(), "q.kql", tc.q, Options{Catalog: cat})
			var de *syntax.DiagError
			if !errors.As(err, &de) {
				t.Fatalf("err = %v, want a *syntax.DiagError", err)
			}
			d := de.Diags.Errors()[0]
			line, col := d.LineCol(tc.q)
			got := fmt.Sprintf("q.kql:%d:%d: %s", line, col, d.Msg)
			if got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
			if !strings.Contains(de.Diags.Format("q.kql", tc.q), "^") {
				t.Errorf("rendered diagnostic has no caret")
			}
		})
	}
}
