package exec

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/huntpack/huntpack/kql/funcs"
	"github.com/huntpack/huntpack/kql/syntax"
	"github.com/huntpack/huntpack/kql/types"
	"github.com/huntpack/huntpack/logs/schema"
)

var (
	corpusVerbose = flag.Bool("corpus.v", false, "print every corpus query that fails with an unexpected error")
	corpusShow    = flag.String("corpus.show", "", "print the corpus queries whose outcome or message contains this text")
)

// emptyCatalog has an empty table for every schema logs/schema knows.
func emptyCatalog(t testing.TB) MemCatalog {
	cat := MemCatalog{}
	for _, name := range schema.Names() {
		s, ok := schema.Lookup(name)
		if !ok {
			t.Fatalf("schema %s listed but not found", name)
		}
		cat[name] = &MemTable{TableName: name, Data: types.NewBatch(s, 0)}
	}
	return cat
}

// TestCorpusEmptyTables runs every hunting/detection query of the shared
// corpus against empty tables with the catalog schemas. Each query must
// run, or fail with a positioned diagnostic (unknown table outside the
// catalog, unsupported construct, missing function); anything else
// (panics, errors without a position, runtime failures) fails the test.
func TestCorpusEmptyTables(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus run skipped in -short mode")
	}
	dir := filepath.Join(sharedDir(t), "corpus", "kql")
	var files []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".kql") {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	cat := emptyCatalog(t)
	reg := funcs.Builtins()
	counts := map[string]int{}
	detail := map[string]int{}
	var bad []string
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		outcome, msg := corpusOutcome(string(src), cat, reg)
		counts[outcome]++
		if outcome != "ran" {
			detail[outcome+": "+failureCause(msg)]++
		}
		if *corpusShow != "" && strings.Contains(outcome+": "+msg, *corpusShow) {
			rel, _ := filepath.Rel(dir, f)
			t.Logf("%s: %s: %s", rel, outcome, msg)
		}
		if outcome == "unexpected" {
			rel, _ := filepath.Rel(dir, f)
			bad = append(bad, rel+": "+msg)
		}
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("corpus: %-28s %5d / %d", k, counts[k], len(files))
	}
	type kv struct {
		k string
		v int
	}
	var ds []kv
	for k, v := range detail {
		ds = append(ds, kv{k, v})
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i].v > ds[j].v || (ds[i].v == ds[j].v && ds[i].k < ds[j].k) })
	for i, d := range ds {
		if i >= 30 {
			break
		}
		t.Logf("  %5d  %s", d.v, d.k)
	}
	if *corpusVerbose {
		for _, b := range bad {
			t.Log(b)
		}
	}
	if len(bad) > 0 {
		t.Errorf("%d corpus queries failed without a positioned diagnostic (run with -args -corpus.v to list them)", len(bad))
	}
}

// corpusOutcome classifies one corpus query's run.
func corpusOutcome(src string, cat types.Catalog, reg *funcs.Registry) (outcome, msg string) {
	defer func() {
		if r := recover(); r != nil {
			outcome, msg = "unexpected", fmt.Sprintf("panic: %v", r)
		}
	}()
	q, diags := syntax.Parse("q.kql", src)
	if diags.HasErrors() {
		return "parse error", diags.Errors()[0].Msg
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := Run(ctx, q, Options{Catalog: cat, Funcs: reg, Now: testNow, MaxMemory: 1 << 30})
	if err == nil {
		return "ran", ""
	}
	skippedLeg := ""
	if res != nil {
		for _, n := range res.Notes {
			if strings.Contains(n, "skipped a leg: unknown table") {
				skippedLeg = n
			}
		}
	}
	var de *syntax.DiagError
	if !errors.As(err, &de) {
		return "unexpected", err.Error()
	}
	d := de.Diags.Errors()[0]
	if !d.Span.IsValid() {
		return "unexpected", "no position: " + d.Msg
	}
	switch {
	case strings.HasPrefix(d.Msg, "unknown column") && skippedLeg != "":
		return "table not in catalog", skippedLeg
	case strings.HasPrefix(d.Msg, "unknown table"), strings.HasPrefix(d.Msg, "unknown tabular function"):
		return "table not in catalog", d.Msg
	case strings.HasPrefix(d.Msg, "unknown function"):
		return "missing function", d.Msg
	case strings.Contains(d.Msg, "not supported"), strings.Contains(d.Msg, "network location"):
		return "unsupported construct", d.Msg
	}
	return "other diagnostic", d.Msg
}

// syntheticCatalog has, for every catalog schema, a table of n rows with
// plausible values of each column's type.
func syntheticCatalog(t testing.TB, n int) MemCatalog {
	cat := MemCatalog{}
	for _, name := range schema.Names() {
		s, _ := schema.Lookup(name)
		b := types.NewBatch(s, n)
		for r := 0; r < n; r++ {
			for j, f := range s {
				b.Cols[j].Append(syntheticValue(f, r))
			}
		}
		b.Len = n
		cat[name] = &MemTable{TableName: name, Data: b}
	}
	return cat
}

func syntheticValue(f types.Field, r int) types.Value {
	if r%7 == 6 {
		return types.NullOf(f.Type)
	}
	switch f.Type {
	case types.Bool:
		return types.BoolValue(r%2 == 0)
	case types.Int:
		return types.IntValue(int64(r * 37 % 1000))
	case types.Long:
		return types.LongValue(int64(r * 4099))
	case types.Real, types.Decimal:
		return types.Value{T: f.Type, F: float64(r) * 1.5}
	case types.DateTime:
		return types.DateTimeValue(types.TicksFromTime(testNow) - int64(r)*types.TicksPerHour)
	case types.TimeSpan:
		return types.TimeSpanValue(int64(r) * types.TicksPerMinute)
	case types.GUID:
		return types.Value{T: types.GUID, S: fmt.Sprintf("00000000-0000-0000-0000-%012d", r)}
	case types.Dynamic:
		return types.DynamicValue(map[string]any{"Name": fmt.Sprintf("n%d", r), "Value": int64(r), "List": []any{"a", int64(r)}})
	}
	ips := []string{"10.0.0.1", "46.151.182.76", "192.168.1.20", "8.8.8.8", "fe80::1", "cmd.exe /c whoami", "sls.in.net"}
	return types.StringValue(ips[r%len(ips)])
}

// TestCorpusSyntheticRows runs the corpus queries that run on empty
// tables again over tables with synthetic rows, so runtime paths are
// exercised too; runtime failures and panics fail the test.
func TestCorpusSyntheticRows(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus run skipped in -short mode")
	}
	dir := filepath.Join(sharedDir(t), "corpus", "kql")
	empty, full := emptyCatalog(t), syntheticCatalog(t, 50)
	reg := funcs.Builtins()
	ran, rows := 0, 0
	var bad []string
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".kql") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if o, _ := corpusOutcome(string(src), empty, reg); o != "ran" {
			return nil
		}
		ran++
		q, _ := syntax.Parse("q.kql", string(src))
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		res, err := Run(ctx, q, Options{Catalog: full, Funcs: reg, Now: testNow, MaxMemory: 1 << 30})
		if err != nil {
			rel, _ := filepath.Rel(dir, path)
			bad = append(bad, rel+": "+err.Error())
			return nil
		}
		if len(res.Tables) > 0 && res.Tables[0].Batch.Len > 0 {
			rows++
		}
		return nil
	})
	t.Logf("corpus on synthetic rows: %d queries ran, %d returned rows, %d failed", ran, rows, len(bad))
	for _, b := range bad {
		t.Error(b)
	}
}
